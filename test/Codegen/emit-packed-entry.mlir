// dlc-emit-packed-entry: NAME_packed(ptr) beside every defined llvm.func marked dlc.entry, loading argument i from args[i]; none for other functions; error for a non-pointer entry.
// RUN: dlc-opt %s -dlc-emit-packed-entry -split-input-file -verify-diagnostics | FileCheck %s

// Three pointer arguments (inputs, an out param, the workspace): three GEP + load pairs, in order.
// CHECK-LABEL: llvm.func @f(
// CHECK-SAME: attributes {dlc.entry}
// CHECK: llvm.return
// CHECK-LABEL: llvm.func @f_packed(
// CHECK-SAME: %[[ARGS:[^:]*]]: !llvm.ptr) {
// CHECK-NEXT: %[[P0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P1:.*]] = llvm.getelementptr %[[ARGS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A1:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[P2:.*]] = llvm.getelementptr %[[ARGS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A2:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @f(%[[A0]], %[[A1]], %[[A2]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// CHECK-NEXT: }
// Functions that are not entries get no wrapper, nor do declarations.
// CHECK-LABEL: llvm.func @helper(
// CHECK-LABEL: llvm.func @decl(!llvm.ptr) attributes {dlc.entry}
// CHECK-NOT: _packed
llvm.func @f(%a: !llvm.ptr, %out: !llvm.ptr, %ws: !llvm.ptr) attributes {dlc.entry} {
  llvm.call @helper(%a) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @helper(%a: !llvm.ptr) {
  llvm.return
}
llvm.func @decl(!llvm.ptr) attributes {dlc.entry}

// -----

// Two entries in one module: one wrapper each, placed after its entry.
// CHECK-LABEL: llvm.func @first(
// CHECK-LABEL: llvm.func @first_packed(
// CHECK-NEXT: llvm.getelementptr %{{.*}}[0]
// CHECK-NEXT: llvm.load
// CHECK-NEXT: llvm.call @first(%{{.*}}) : (!llvm.ptr) -> ()
// CHECK-LABEL: llvm.func @second(
// CHECK-LABEL: llvm.func @second_packed(
// CHECK-COUNT-2: llvm.load
// CHECK-NOT: llvm.load
// CHECK: llvm.call @second(%{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr) -> ()
llvm.func @first(%a: !llvm.ptr) attributes {dlc.entry} {
  llvm.return
}
llvm.func @second(%a: !llvm.ptr, %b: !llvm.ptr) attributes {dlc.entry} {
  llvm.return
}

// -----

// An entry without arguments: the wrapper ignores args and just calls it.
// CHECK-LABEL: llvm.func @noargs_packed(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr) {
// CHECK-NEXT: llvm.call @noargs() : () -> ()
// CHECK-NEXT: llvm.return
llvm.func @noargs() attributes {dlc.entry} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op dlc entry must take only pointers and return void, got '!llvm.func<void (ptr, i64)>'}}
llvm.func @scalar_arg(%a: !llvm.ptr, %n: i64) attributes {dlc.entry} {
  llvm.return
}

// -----

// expected-error @+1 {{'llvm.func' op dlc entry must take only pointers and return void, got '!llvm.func<i32 (ptr)>'}}
llvm.func @returns_value(%a: !llvm.ptr) -> i32 attributes {dlc.entry} {
  %0 = llvm.mlir.constant(0 : i32) : i32
  llvm.return %0 : i32
}
