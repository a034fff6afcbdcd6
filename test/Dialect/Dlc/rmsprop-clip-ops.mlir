// Round trip of dlc.RMSPropUpdate (every combination of the optional
// momentum_buffer and grad_avg operands, default elision of alpha, eps,
// weight_decay, momentum, centered) and dlc.GlobalNormScale, custom and
// generic form.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @rmsprop
// CHECK: %{{.*}}:2 = dlc.RMSPropUpdate %arg0, %arg1, %arg2, %arg5, %arg6 : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>)
// CHECK: %{{.*}}:3 = dlc.RMSPropUpdate %arg0, %arg1, %arg2 momentum_buffer %arg3, %arg5, %arg6 {alpha = 0.000000e+00 : f64, momentum = 9.000000e-01 : f64, weight_decay = 1.000000e-02 : f64} :
// CHECK: %{{.*}}:3 = dlc.RMSPropUpdate %arg0, %arg1, %arg2 grad_avg %arg4, %arg5, %arg6 {centered = true, eps = 9.9999999999999995E-7 : f64} :
// CHECK: %{{.*}}:4 = dlc.RMSPropUpdate %arg0, %arg1, %arg2 momentum_buffer %arg3 grad_avg %arg4, %arg5, %arg6 {alpha = 8.000000e-01 : f64, centered = true, momentum = 5.000000e-01 : f64} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
func.func @rmsprop(%p: tensor<4x10xf32>, %g: tensor<4x10xf32>, %sq: tensor<4x10xf32>, %buf: tensor<4x10xf32>, %ga: tensor<4x10xf32>, %lr: tensor<f32>, %step: tensor<i64>) {
  %0:2 = dlc.RMSPropUpdate %p, %g, %sq, %lr, %step {alpha = 0.99, eps = 1.0e-8, centered = false, momentum = 0.0} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>)
  %1:3 = dlc.RMSPropUpdate %p, %g, %sq momentum_buffer %buf, %lr, %step {alpha = 0.0, momentum = 0.9, weight_decay = 0.01} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
  %2:3 = dlc.RMSPropUpdate %p, %g, %sq grad_avg %ga, %lr, %step {centered = true, eps = 1.0e-6} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
  %3:4 = dlc.RMSPropUpdate %p, %g, %sq momentum_buffer %buf grad_avg %ga, %lr, %step {alpha = 0.8, centered = true, momentum = 0.5} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
  return
}

// CHECK-LABEL: func.func @clip
// CHECK: %[[C:.*]] = dlc.GlobalNormScale %arg0, %arg1, %arg2 {max_norm = 1.000000e+00 : f64} : (tensor<4x10xf32>, tensor<10xf32>, tensor<f32>) -> tensor<f32>
// CHECK: dlc.GlobalNormScale %arg3 {max_norm = 2.500000e-01 : f64} : (tensor<3xf64>) -> tensor<f64>
// CHECK: dlc.Mul %arg0, %[[C]] : (tensor<4x10xf32>, tensor<f32>) -> tensor<4x10xf32>
func.func @clip(%a: tensor<4x10xf32>, %b: tensor<10xf32>, %c: tensor<f32>, %d: tensor<3xf64>) {
  %0 = dlc.GlobalNormScale %a, %b, %c {max_norm = 1.0} : (tensor<4x10xf32>, tensor<10xf32>, tensor<f32>) -> tensor<f32>
  %1 = dlc.GlobalNormScale %d {max_norm = 0.25} : (tensor<3xf64>) -> tensor<f64>
  %2 = dlc.Mul %a, %0 : (tensor<4x10xf32>, tensor<f32>) -> tensor<4x10xf32>
  return
}
