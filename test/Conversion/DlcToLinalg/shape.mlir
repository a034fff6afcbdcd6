// dlc-convert-to-linalg of the shape ops: Flatten/Reshape as tensor.collapse_shape/expand_shape through a 1-D (or scalar) form, Transpose as linalg.transpose, Identity removed.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Flatten: collapse everything, then expand into the two result dimensions.
// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [2, 12] : tensor<24xf32> into tensor<2x12xf32>
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: dlc.
func.func @flatten(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = dlc.Flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_axis0
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2]] : tensor<2x3x4xi64> into tensor<24xi64>
// CHECK-NEXT: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [1, 24] : tensor<24xi64> into tensor<1x24xi64>
func.func @flatten_axis0(%x: tensor<2x3x4xi64>) -> tensor<1x24xi64> {
  %0 = dlc.Flatten %x {axis = 0 : si64} : (tensor<2x3x4xi64>) -> tensor<1x24xi64>
  return %0 : tensor<1x24xi64>
}

// -----

// A 2-D input that Flatten leaves unchanged produces no op at all.
// CHECK-LABEL: func.func @flatten_noop
// CHECK-SAME: (%[[X:.*]]: tensor<4x5xf32>)
// CHECK-NEXT: return %[[X]]
func.func @flatten_noop(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Flatten %x : (tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// A scalar flattens to [1, 1]: expand_shape with no groups (a collapse_shape
// cannot raise the rank).
// CHECK-LABEL: func.func @flatten_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<f32>)
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %[[X]] [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK-NEXT: return %[[R]]
func.func @flatten_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %0 = dlc.Flatten %x {axis = 0 : si64} : (tensor<f32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// Reshape to 1-D: the collapse alone.
// CHECK-LABEL: func.func @reshape_to_1d
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_to_1d(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

// Reshape from 1-D: the expand alone.
// CHECK-LABEL: func.func @reshape_from_1d
// CHECK-SAME: (%[[X:.*]]: tensor<6xf64>)
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %[[X]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf64> into tensor<2x3xf64>
// CHECK-NEXT: return %[[R]]
func.func @reshape_from_1d(%x: tensor<6xf64>) -> tensor<2x3xf64> {
  %0 = dlc.Reshape %x {shape = array<i64: 2, -1>} : (tensor<6xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// N-D to M-D: collapse then expand; 0 and -1 are already resolved in the type.
// CHECK-LABEL: func.func @reshape_nd
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: %[[R:.*]] = tensor.expand_shape %[[F]] {{\[}}[0, 1, 2, 3]] output_shape [2, 2, 3, 2] : tensor<24xf32> into tensor<2x2x3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_nd(%x: tensor<2x3x4xf32>) -> tensor<2x2x3x2xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: 0, 2, -1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x2x3x2xf32>
  return %0 : tensor<2x2x3x2xf32>
}

// -----

// To a scalar: one collapse with no groups.
// CHECK-LABEL: func.func @reshape_to_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<1x1xf32>)
// CHECK-NEXT: %[[R:.*]] = tensor.collapse_shape %[[X]] [] : tensor<1x1xf32> into tensor<f32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_to_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  %0 = dlc.Reshape %x {shape = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// From a scalar: one expand with no groups.
// CHECK-LABEL: func.func @reshape_from_scalar
// CHECK-SAME: (%[[X:.*]]: tensor<f32>)
// CHECK-NEXT: %[[A:.*]] = tensor.expand_shape %[[X]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK-NEXT: %[[B:.*]] = tensor.expand_shape %[[X]] [] output_shape [1, 1, 1] : tensor<f32> into tensor<1x1x1xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @reshape_from_scalar(%x: tensor<f32>) -> (tensor<1xf32>, tensor<1x1x1xf32>) {
  %0 = dlc.Reshape %x {shape = array<i64: 1>} : (tensor<f32>) -> tensor<1xf32>
  %1 = dlc.Reshape %x {shape = array<i64: 1, 1, -1>} : (tensor<f32>) -> tensor<1x1x1xf32>
  return %0, %1 : tensor<1xf32>, tensor<1x1x1xf32>
}

// -----

// Reshape to the same type produces nothing.
// CHECK-LABEL: func.func @reshape_same
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_same(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %0 = dlc.Reshape %x {shape = array<i64: 0, 0>} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Transpose with perm: linalg.transpose with the same permutation (result dim
// i is input dim perm[i] in both).
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x4x2xf32>
// CHECK-NEXT: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<3x4x2xf32>) permutation = [1, 2, 0]
// CHECK-NEXT: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

// Without perm: the dimensions reversed.
// CHECK-LABEL: func.func @transpose_default
// CHECK: %[[E:.*]] = tensor.empty() : tensor<5x4x3x2xf64>
// CHECK-NEXT: linalg.transpose ins(%{{.*}} : tensor<2x3x4x5xf64>) outs(%[[E]] : tensor<5x4x3x2xf64>) permutation = [3, 2, 1, 0]
func.func @transpose_default(%x: tensor<2x3x4x5xf64>) -> tensor<5x4x3x2xf64> {
  %0 = dlc.Transpose %x : (tensor<2x3x4x5xf64>) -> tensor<5x4x3x2xf64>
  return %0 : tensor<5x4x3x2xf64>
}

// -----

// Non-float elements transpose too.
// CHECK-LABEL: func.func @transpose_i1
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xi1>) outs(%{{.*}} : tensor<3x2xi1>) permutation = [1, 0]
func.func @transpose_i1(%x: tensor<2x3xi1>) -> tensor<3x2xi1> {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xi1>) -> tensor<3x2xi1>
  return %0 : tensor<3x2xi1>
}

// -----

// Identity disappears: its users read the operand.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: %[[T:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[T]]
func.func @identity(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %0 = dlc.Identity %x : tensor<2x3xf32>
  %1 = dlc.Transpose %0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<3x2xf32>
}
