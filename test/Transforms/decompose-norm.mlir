// dlc-decompose on BatchNormalization and Dropout: the core ops each form
// becomes (the gradients then come from their VJP rules).
// RUN: dlc-opt %s -dlc-decompose -split-input-file | FileCheck %s

// Inference: per-channel k = scale / sqrt(var + eps) on [C] vectors, then
// (x - mean) * k + B with each vector reshaped to [C, 1, 1].
// CHECK-LABEL: func.func @bn_infer
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x4xf32>, %[[S:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>)
// CHECK: %[[EPS:.*]] = dlc.Constant dense<1.000000e-03> : tensor<f32>
// CHECK: %[[VE:.*]] = dlc.Add %[[V]], %[[EPS]]
// CHECK: %[[SQ:.*]] = dlc.Sqrt %[[VE]]
// CHECK: %[[INV:.*]] = dlc.Reciprocal %[[SQ]]
// CHECK: %[[K:.*]] = dlc.Mul %[[S]], %[[INV]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[MR:.*]] = dlc.Reshape %[[M]] {shape = array<i64: 3, 1, 1>}
// CHECK: %[[D:.*]] = dlc.Sub %[[X]], %[[MR]] : (tensor<2x3x4x4xf32>, tensor<3x1x1xf32>)
// CHECK: %[[KR:.*]] = dlc.Reshape %[[K]] {shape = array<i64: 3, 1, 1>}
// CHECK: %[[DK:.*]] = dlc.Mul %[[D]], %[[KR]]
// CHECK: %[[BR:.*]] = dlc.Reshape %[[B]] {shape = array<i64: 3, 1, 1>}
// CHECK: %[[Y:.*]] = dlc.Add %[[DK]], %[[BR]]
// CHECK: return %[[Y]]
// CHECK-NOT: dlc.BatchNormalization
func.func @bn_infer(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %y = dlc.BatchNormalization %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f64}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Training: batch statistics over axes 0, 2, 3 (kept as size 1), the
// population variance as the mean of (x - mean)^2, and the running
// statistics as MovingAverage of the old value and the batch statistic.
// CHECK-LABEL: func.func @bn_train
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x4xf32>, %[[S:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>)
// CHECK: %[[EPS:.*]] = dlc.Constant dense<9.99999974E-6> : tensor<f32>
// CHECK: %[[MEAN:.*]] = dlc.ReduceMean %[[X]] {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x4xf32>) -> tensor<1x3x1x1xf32>
// CHECK: %[[D:.*]] = dlc.Sub %[[X]], %[[MEAN]]
// CHECK: %[[D2:.*]] = dlc.Mul %[[D]], %[[D]]
// CHECK: %[[VAR:.*]] = dlc.ReduceMean %[[D2]] {axes = array<i64: 0, 2, 3>} : (tensor<2x3x4x4xf32>) -> tensor<1x3x1x1xf32>
// CHECK: %[[VE:.*]] = dlc.Add %[[VAR]], %[[EPS]]
// CHECK: %[[SQ:.*]] = dlc.Sqrt %[[VE]]
// CHECK: %[[INV:.*]] = dlc.Reciprocal %[[SQ]]
// CHECK: %[[XH:.*]] = dlc.Mul %[[D]], %[[INV]]
// CHECK: %[[SR:.*]] = dlc.Reshape %[[S]] {shape = array<i64: 3, 1, 1>}
// CHECK: %[[XS:.*]] = dlc.Mul %[[XH]], %[[SR]]
// CHECK: %[[BR:.*]] = dlc.Reshape %[[B]] {shape = array<i64: 3, 1, 1>}
// CHECK: %[[Y:.*]] = dlc.Add %[[XS]], %[[BR]]
// CHECK: %[[BM:.*]] = dlc.Reshape %[[MEAN]] {shape = array<i64: 3>} : (tensor<1x3x1x1xf32>) -> tensor<3xf32>
// CHECK: %[[NM:.*]] = dlc.MovingAverage %[[M]], %[[BM]] {momentum = 7.500000e-01 : f64} : tensor<3xf32>
// CHECK: %[[BV:.*]] = dlc.Reshape %[[VAR]] {shape = array<i64: 3>} : (tensor<1x3x1x1xf32>) -> tensor<3xf32>
// CHECK: %[[NV:.*]] = dlc.MovingAverage %[[V]], %[[BV]] {momentum = 7.500000e-01 : f64} : tensor<3xf32>
// CHECK: return %[[Y]], %[[NM]], %[[NV]]
func.func @bn_train(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>)
    -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %m2, %v2 = dlc.BatchNormalization %x, %s, %b, %m, %v {momentum = 0.75 : f64, training = true}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %m2, %v2 : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// [N, C]: statistics over axis 0; [C] vectors broadcast without a reshape.
// CHECK-LABEL: func.func @bn_train_2d
// CHECK: %[[MEAN:.*]] = dlc.ReduceMean %{{.*}} {axes = array<i64: 0>} : (tensor<8x5xf64>) -> tensor<1x5xf64>
// CHECK: %[[XS:.*]] = dlc.Mul %{{.*}}, %arg1 : (tensor<8x5xf64>, tensor<5xf64>) -> tensor<8x5xf64>
// CHECK: dlc.Add %[[XS]], %arg1 : (tensor<8x5xf64>, tensor<5xf64>) -> tensor<8x5xf64>
// CHECK: dlc.Reshape %[[MEAN]] {shape = array<i64: 5>}
// CHECK: dlc.MovingAverage %arg1, %{{.*}} : tensor<5xf64>
func.func @bn_train_2d(%x: tensor<8x5xf64>, %s: tensor<5xf64>) -> (tensor<8x5xf64>, tensor<5xf64>, tensor<5xf64>) {
  %y, %m2, %v2 = dlc.BatchNormalization %x, %s, %s, %s, %s {training = true}
      : (tensor<8x5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>, tensor<5xf64>)
      -> (tensor<8x5xf64>, tensor<5xf64>, tensor<5xf64>)
  return %y, %m2, %v2 : tensor<8x5xf64>, tensor<5xf64>, tensor<5xf64>
}

// -----

// Dropout: the identity without a step (inference) and for ratio 0; with a
// step, x times the mask.
// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xf32>, %[[STEP:.*]]: tensor<i64>)
// CHECK: %[[MASK:.*]] = dlc.DropoutMask %[[STEP]] {ratio = 3.000000e-01 : f64, salt = 11 : i64, seed = 5 : i64} : (tensor<i64>) -> tensor<4x6xf32>
// CHECK: %[[Y:.*]] = dlc.Mul %[[X]], %[[MASK]]
// CHECK: return %[[X]], %[[Y]], %[[X]]
func.func @dropout(%x: tensor<4x6xf32>, %step: tensor<i64>) -> (tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>) {
  %0 = dlc.Dropout %x {ratio = 0.3 : f64} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  %1 = dlc.Dropout %x step %step {ratio = 0.3 : f64, seed = 5 : i64, salt = 11 : i64}
      : (tensor<4x6xf32>, tensor<i64>) -> tensor<4x6xf32>
  %2 = dlc.Dropout %x step %step {ratio = 0.0 : f64} : (tensor<4x6xf32>, tensor<i64>) -> tensor<4x6xf32>
  return %0, %1, %2 : tensor<4x6xf32>, tensor<4x6xf32>, tensor<4x6xf32>
}
