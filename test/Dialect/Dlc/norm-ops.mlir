// BatchNormalization, Dropout and their helpers (MovingAverage, DropoutMask,
// TrainingStep) parse, infer their result types and print back.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// Inference mode: one result; training mode: Y and the two running statistics.
// CHECK-LABEL: func.func @batchnorm
// CHECK: dlc.BatchNormalization %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f64} : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
// CHECK: %{{.*}}:3 = dlc.BatchNormalization %{{.*}} {momentum = 8.000000e-01 : f64, training = true} : (tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>)
func.func @batchnorm(%x: tensor<2x3x4x5xf32>, %s: tensor<3xf32>, %x2: tensor<6x3xf64>, %s2: tensor<3xf64>)
    -> (tensor<2x3x4x5xf32>, tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>) {
  %y = dlc.BatchNormalization %x, %s, %s, %s, %s {epsilon = 1.0e-3 : f64}
      : (tensor<2x3x4x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x5xf32>
  %y2, %m, %v = dlc.BatchNormalization %x2, %s2, %s2, %s2, %s2 {momentum = 0.8 : f64, training = true}
      : (tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>)
      -> (tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y, %y2, %m, %v : tensor<2x3x4x5xf32>, tensor<6x3xf64>, tensor<3xf64>, tensor<3xf64>
}

// CHECK-LABEL: func.func @dropout
// CHECK: %[[STEP:.*]] = dlc.TrainingStep : tensor<i64>
// CHECK: dlc.Dropout %{{.*}} : (tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: dlc.Dropout %{{.*}} step %[[STEP]] {ratio = 2.500000e-01 : f64, salt = -3 : i64, seed = 7 : i64} : (tensor<4x8xf32>, tensor<i64>) -> tensor<4x8xf32>
// CHECK: dlc.DropoutMask %[[STEP]] {ratio = 1.000000e-01 : f64, salt = 5 : i64} : (tensor<i64>) -> tensor<2x3x4xf64>
// CHECK: dlc.MovingAverage %{{.*}}, %{{.*}} {momentum = 0.98999999999999999 : f64} : tensor<3xf32>
func.func @dropout(%x: tensor<4x8xf32>, %r: tensor<3xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x3x4xf64>, tensor<3xf32>) {
  %step = dlc.TrainingStep : tensor<i64>
  %0 = dlc.Dropout %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = dlc.Dropout %x step %step {ratio = 0.25 : f64, seed = 7 : i64, salt = -3 : i64}
      : (tensor<4x8xf32>, tensor<i64>) -> tensor<4x8xf32>
  %2 = dlc.DropoutMask %step {ratio = 0.1 : f64, salt = 5 : i64} : (tensor<i64>) -> tensor<2x3x4xf64>
  %3 = dlc.MovingAverage %r, %r {momentum = 0.99 : f64} : tensor<3xf32>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<2x3x4xf64>, tensor<3xf32>
}
