// dlc-lower-alloca-scopes: a memref.alloca_scope becomes its body between
// llvm.intr.stacksave and llvm.intr.stackrestore (results forwarded), inner
// scopes too; an scf.parallel whose body allocates gets the same pair in
// its body; one that does not, or whose alloca has a scope of its own, is
// left alone. Then convert-scf-to-cf can lower the loops inside.
// RUN: dlc-opt %s -dlc-lower-alloca-scopes | FileCheck %s
// RUN: dlc-opt %s -dlc-lower-alloca-scopes -convert-scf-to-cf | FileCheck %s --check-prefix=CF

// CHECK-LABEL: func.func @scope_in_loop(
// CHECK: scf.for
// CHECK-NEXT: %[[SP:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK-NEXT: %[[BUF:.*]] = memref.alloca() : memref<256xf32>
// CHECK-NEXT: scf.for
// CHECK: %[[SUM:.*]] = memref.load %[[BUF]]
// CHECK-NEXT: llvm.intr.stackrestore %[[SP]] : !llvm.ptr
// CHECK-NEXT: memref.store %[[SUM]]
// CHECK-NOT: alloca_scope
// CF-LABEL: func.func @scope_in_loop(
// CF-NOT: alloca_scope
// CF: llvm.intr.stacksave
// CF: cf.br
// CF: llvm.intr.stackrestore
func.func @scope_in_loop(%a: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c64 step %c1 {
    %r = memref.alloca_scope -> f32 {
      %buf = memref.alloca() : memref<256xf32>
      scf.for %k = %c0 to %c256 step %c1 {
        memref.store %zero, %buf[%k] : memref<256xf32>
      }
      %s = memref.load %buf[%c0] : memref<256xf32>
      memref.alloca_scope.return %s : f32
    }
    memref.store %r, %a[%i] : memref<64xf32>
  }
  return
}

// CHECK-LABEL: func.func @nested_scopes(
// CHECK: %[[OUTER:.*]] = llvm.intr.stacksave
// CHECK-NEXT: memref.alloca() : memref<4xf32>
// CHECK-NEXT: %[[INNER:.*]] = llvm.intr.stacksave
// CHECK-NEXT: memref.alloca() : memref<8xf32>
// CHECK-NEXT: llvm.intr.stackrestore %[[INNER]]
// CHECK-NEXT: llvm.intr.stackrestore %[[OUTER]]
func.func @nested_scopes() {
  memref.alloca_scope {
    %a = memref.alloca() : memref<4xf32>
    memref.alloca_scope {
      %b = memref.alloca() : memref<8xf32>
    }
  }
  return
}

// CHECK-LABEL: func.func @parallel_allocates(
// CHECK: scf.parallel
// CHECK-NEXT: %[[SP:.*]] = llvm.intr.stacksave
// CHECK-NEXT: memref.alloca() : memref<16xf32>
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: scf.reduce
// The second loop's alloca has its own scope (now a pair of its own).
// CHECK: scf.parallel
// CHECK-NEXT: llvm.intr.stacksave
// CHECK-NEXT: memref.alloca() : memref<16xf32>
// CHECK-NEXT: llvm.intr.stackrestore
// CHECK-NEXT: scf.reduce
func.func @parallel_allocates(%a: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %t = memref.alloca() : memref<16xf32>
    %v = memref.load %t[%c0] : memref<16xf32>
    memref.store %v, %a[%i, %c0] : memref<8x16xf32>
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.alloca_scope {
      %t = memref.alloca() : memref<16xf32>
    }
  }
  return
}
