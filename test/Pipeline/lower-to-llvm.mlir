// The dlc-lower-to-linalg and dlc-lower-to-llvm pipelines end to end: only llvm dialect left, bare-pointer entry (inputs, out params, workspace), NAME_packed wrapper, no malloc/free.
// RUN: dlc-opt %s -dlc-lower-to-linalg -dlc-lower-to-llvm | FileCheck %s
// RUN: dlc-opt %s -dlc-lower-to-linalg -dlc-lower-to-llvm | FileCheck %s --check-prefix=ONLY-LLVM

// Every op left is an llvm op: no other dialect's op, no unrealized cast,
// no affine map alias, and nothing allocates on the heap.
// ONLY-LLVM-NOT: {{^ *(%[^=]*= )?"?(builtin|func|arith|math|memref|linalg|tensor|bufferization|scf|cf|affine|vector|ub|dlc)\.}}
// ONLY-LLVM-NOT: unrealized_conversion_cast
// ONLY-LLVM-NOT: #map
// ONLY-LLVM-NOT: {{@(malloc|free|aligned_alloc|calloc)}}
// ONLY-LLVM: llvm.func @mlp_packed(
// ONLY-LLVM-NOT: {{^ *(%[^=]*= )?"?(builtin|func|arith|math|memref|linalg|tensor|bufferization|scf|cf|affine|vector|ub|dlc)\.}}
// ONLY-LLVM-NOT: unrealized_conversion_cast
// ONLY-LLVM-NOT: {{@(malloc|free|aligned_alloc|calloc)}}

// Bare pointers: x, w, b, then the out param for the result, then the
// workspace (Softmax's max and sum rows: 8 bytes each at offsets 0 and 64).
// CHECK-LABEL: llvm.func @mlp(
// CHECK-SAME: %[[X:[^:]*]]: !llvm.ptr, %[[W:[^:]*]]: !llvm.ptr, %[[B:[^:]*]]: !llvm.ptr, %[[OUT:[^:]*]]: !llvm.ptr, %[[WS:[^:]*]]: !llvm.ptr)
// CHECK-SAME: attributes {dlc.entry, dlc.workspace_size = 128 : i64}
// CHECK-NOT: llvm.call
// The second temporary is carved out of the workspace at offset 64.
// CHECK: llvm.getelementptr %[[WS]][64] : (!llvm.ptr) -> !llvm.ptr, i8
// The softmax quotient is written through the out param, as a vector (the
// host's width) masked to the row's 4 elements; nothing is returned.
// CHECK: %[[Q:.*]] = llvm.fdiv %{{.*}}, %{{.*}} : vector<{{[0-9]+}}xf32>
// CHECK: %[[P:.*]] = llvm.getelementptr {{.*}}%[[OUT]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: llvm.intr.masked.store %[[Q]], %[[P]]
// CHECK-NOT: llvm.call
// CHECK: llvm.return{{$}}
// CHECK-NEXT: }
// The f32 exp of Softmax was approximated: no libm call for it.
// CHECK-NOT: @expf
// CHECK-LABEL: llvm.func @mlp_packed(
// CHECK-SAME: %[[ARGS:[^:]*]]: !llvm.ptr) {
// CHECK-COUNT-5: llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call @mlp(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// A public function that is not an entry gets a workspace but no wrapper.
// The scalar reshape bufferizes to a view, so the result is copied to the out param.
// CHECK-LABEL: llvm.func @aux(
// CHECK-SAME: %[[S:[^:]*]]: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %[[AOUT:[^:]*]]: !llvm.ptr, %{{[^:]*}}: !llvm.ptr) attributes {dlc.workspace_size = 0 : i64}
// CHECK: "llvm.intr.memcpy"(%[[AOUT]], %[[S]], %{{.*}})
// CHECK-NEXT: llvm.return
// CHECK-NOT: @aux_packed
func.func @mlp(%x: tensor<2x3xf32>, %w: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> attributes {dlc.entry} {
  %0 = dlc.Gemm %x, %w, %b {transB = true} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = dlc.Relu %0 : tensor<2x4xf32>
  %2 = dlc.Softmax %1 : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// A reshape from rank 0 (expand_shape with no groups) through bufferization.
func.func @aux(%s: tensor<f32>, %x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  %0 = dlc.Reshape %s {shape = array<i64: 1, 1>} : (tensor<f32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
