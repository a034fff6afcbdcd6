// dlc-decompose: LayerNormalization becomes ReduceMean, Sub, Mul, ReduceMean,
// Add epsilon, Sqrt, Reciprocal, Mul, Mul Scale (and Add B) over the axes
// [axis, rank); nothing of the composite op is left. The reductions keep
// their dimensions (keepdims = 1, the default, is not printed); the greedy
// driver puts the epsilon constant first.
// RUN: dlc-opt %s -dlc-decompose -split-input-file | FileCheck %s

// Last axis, with B, default epsilon.
// CHECK-LABEL: func.func @last_axis
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NOT: dlc.LayerNormalization
// CHECK: %[[EPS:.*]] = dlc.Constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[MEAN:.*]] = dlc.ReduceMean %[[X]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK: %[[D:.*]] = dlc.Sub %[[X]], %[[MEAN]] : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[SQ:.*]] = dlc.Mul %[[D]], %[[D]]
// CHECK: %[[VAR:.*]] = dlc.ReduceMean %[[SQ]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK: %[[VE:.*]] = dlc.Add %[[VAR]], %[[EPS]] : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
// CHECK: %[[SD:.*]] = dlc.Sqrt %[[VE]] : tensor<2x3x1xf32>
// CHECK: %[[INV:.*]] = dlc.Reciprocal %[[SD]] : tensor<2x3x1xf32>
// CHECK: %[[N:.*]] = dlc.Mul %[[D]], %[[INV]] : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[Y:.*]] = dlc.Mul %[[N]], %[[S]] : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[YB:.*]] = dlc.Add %[[Y]], %[[B]] : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK: return %[[YB]]
func.func @last_axis(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.LayerNormalization %x, %s, %b : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// axis = -2 normalizes over axes 1 and 2; no B: the last op is the Mul by
// Scale; epsilon in f64.
// CHECK-LABEL: func.func @two_axes_no_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf64>, %[[S:.*]]: tensor<3x4xf64>)
// CHECK: %[[EPS:.*]] = dlc.Constant dense<1.000000e-03> : tensor<f64>
// CHECK: %[[MEAN:.*]] = dlc.ReduceMean %[[X]] {axes = array<i64: 1, 2>} : (tensor<2x3x4xf64>) -> tensor<2x1x1xf64>
// CHECK: dlc.ReduceMean %{{.*}} {axes = array<i64: 1, 2>}
// CHECK: dlc.Add %{{.*}}, %[[EPS]]
// CHECK: %[[Y:.*]] = dlc.Mul %{{.*}}, %[[S]] : (tensor<2x3x4xf64>, tensor<3x4xf64>) -> tensor<2x3x4xf64>
// CHECK-NEXT: return %[[Y]]
func.func @two_axes_no_bias(%x: tensor<2x3x4xf64>, %s: tensor<3x4xf64>) -> tensor<2x3x4xf64> {
  %0 = dlc.LayerNormalization %x, %s {axis = -2 : si64, epsilon = 1.0e-3 : f64} : (tensor<2x3x4xf64>, tensor<3x4xf64>) -> tensor<2x3x4xf64>
  return %0 : tensor<2x3x4xf64>
}

// -----

// axis = 0: every axis.
// CHECK-LABEL: func.func @all_axes
// CHECK: dlc.ReduceMean %{{.*}} {axes = array<i64: 0, 1>} : (tensor<5x6xf32>) -> tensor<1x1xf32>
// CHECK-NOT: dlc.LayerNormalization
func.func @all_axes(%x: tensor<5x6xf32>, %s: tensor<6xf32>) -> tensor<5x6xf32> {
  %0 = dlc.LayerNormalization %x, %s {axis = 0 : si64} : (tensor<5x6xf32>, tensor<6xf32>) -> tensor<5x6xf32>
  return %0 : tensor<5x6xf32>
}
