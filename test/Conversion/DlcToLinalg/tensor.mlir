// dlc-convert-to-linalg of the tensor ops: index-computing linalg.generic ops (Slice with a negative step, SliceGrad, Gather: linalg.index + tensor.extract), Slice with positive steps as tensor.extract_slice, Concat as tensor.insert_slice, reductions (ReduceMax, ArgMax carrying (max, index)), GatherGrad as a scatter-add reduction over the indices, Squeeze through Reshape; no calls.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// ArgMax: one reduction with two outputs, the first index kept on ties (ogt).
// CHECK-LABEL: func.func @argmax
// CHECK: %[[V:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[I:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<2xi64>)
// CHECK: %[[G:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<2x3xf32>) outs(%[[V]], %[[I]] : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
// CHECK: return %[[G]]#1 : tensor<2xi64>
// CHECK-NOT: dlc.
func.func @argmax(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = dlc.ArgMax %x {axis = 1 : si64, keepdims = 0 : si64} : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Gather: a generic over the result reading the index, wrapping negatives
// and clamping the rest into [0, 9] so no read leaves the table.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<3xi32>) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: %[[LAST:.*]] = arith.constant 9 : index
// CHECK: %[[ROW:.*]] = arith.minsi %{{.*}}, %[[LAST]]
// CHECK: tensor.extract %{{.*}}[%[[ROW]], %{{.*}}] : tensor<10x4xf32>
// CHECK-NOT: dlc.
func.func @gather(%t: tensor<10x4xf32>, %i: tensor<3xi32>) -> tensor<3x4xf32> {
  %0 = dlc.Gather %t, %i : (tensor<10x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// GatherGrad: loops (row, column, index position), the last reduced.
// CHECK-LABEL: func.func @gather_grad
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<3xi64>, tensor<3x4xf32>) outs(%{{.*}} : tensor<10x4xf32>)
// CHECK: linalg.index 0
// CHECK: arith.cmpi eq
// CHECK: arith.addf
// CHECK-NOT: dlc.
func.func @gather_grad(%dy: tensor<3x4xf32>, %i: tensor<3xi64>) -> tensor<10x4xf32> {
  %0 = dlc.GatherGrad %dy, %i : (tensor<3x4xf32>, tensor<3xi64>) -> tensor<10x4xf32>
  return %0 : tensor<10x4xf32>
}

// -----

// CHECK-LABEL: func.func @squeeze
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<4x1xf32> into tensor<4xf32>
func.func @squeeze(%x: tensor<4x1xf32>) -> tensor<4xf32> {
  %0 = dlc.Squeeze %x : (tensor<4x1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ReduceMax: a reduction from -inf with maximumf.
// CHECK-LABEL: func.func @reducemax
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
func.func @reducemax(%x: tensor<4x3xf32>) -> tensor<4xf32> {
  %0 = dlc.ReduceMax %x {axes = array<i64: 1>, keepdims = 0 : si64} : (tensor<4x3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Slice with positive steps: a strided view of the input.
// CHECK-LABEL: func.func @slice_positive_steps
// CHECK: %[[V:.*]] = tensor.extract_slice %{{.*}}[1, 2] [2, 3] [2, 2] : tensor<6x8xf32> to tensor<2x3xf32>
// CHECK: return %[[V]]
func.func @slice_positive_steps(%x: tensor<6x8xf32>) -> tensor<2x3xf32> {
  %0 = dlc.Slice %x {starts = array<i64: 1, 2>, ends = array<i64: 5, 8>, steps = array<i64: 2, 2>} : (tensor<6x8xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Slice with a negative step: input index start + i * step.
// CHECK-LABEL: func.func @slice
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<3xf32>)
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[S:.*]] = arith.muli %[[I]], %c-2
// CHECK: %[[J:.*]] = arith.addi %[[S]], %c5
// CHECK: tensor.extract %{{.*}}[%[[J]]] : tensor<6xf32>
// CHECK-NOT: dlc.
func.func @slice(%x: tensor<6xf32>) -> tensor<3xf32> {
  %0 = dlc.Slice %x {starts = array<i64: -1>, ends = array<i64: -100>, steps = array<i64: -2>} : (tensor<6xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Concat: each non-empty input inserted into its slot (bufferized in place
// or as a copy into a subview; no per-element select over the inputs). The
// empty input is skipped, the offsets still count it.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[E:.*]]: tensor<2x0xf32>, %[[B:.*]]: tensor<2x2xf32>)
// CHECK: %[[R:.*]] = tensor.empty() : tensor<2x5xf32>
// CHECK: %[[R1:.*]] = tensor.insert_slice %[[A]] into %[[R]][0, 0] [2, 3] [1, 1]
// CHECK: %[[R2:.*]] = tensor.insert_slice %[[B]] into %[[R1]][0, 3] [2, 2] [1, 1]
// CHECK: return %[[R2]]
// CHECK-NOT: linalg.generic
func.func @concat(%a: tensor<2x3xf32>, %e: tensor<2x0xf32>, %b: tensor<2x2xf32>) -> tensor<2x5xf32> {
  %0 = dlc.Concat %a, %e, %b {axis = 1 : si64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}
