// Round trip of every training op (custom and generic form): printed form, attributes, default elision (alpha, keepdims, approximate, reduction, schedule), optional operands (momentum_buffer, vmax).
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @training
// CHECK: %{{.*}} = dlc.Constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.Constant dense<[1, 2]> : tensor<2xi64>
// CHECK-NEXT: %{{.*}} = dlc.ReduceSum %{{.*}} {axes = array<i64: 0>, keepdims = 0 : si64} : (tensor<4x10xf32>) -> tensor<10xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReduceSum %{{.*}} {axes = array<i64: -1>} : (tensor<4x10xf32>) -> tensor<4x1xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReduceSum %{{.*}} : (tensor<4x10xf32>) -> tensor<1x1xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReluGrad %{{.*}}, %{{.*}} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.LeakyReluGrad %{{.*}}, %{{.*}} {alpha = 2.000000e-01 : f64} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.LeakyReluGrad %{{.*}}, %{{.*}} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.EluGrad %{{.*}}, %{{.*}} {alpha = 1.500000e+00 : f64} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.SigmoidGrad %{{.*}}, %{{.*}} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.TanhGrad %{{.*}}, %{{.*}} : tensor<3xf64>
// CHECK-NEXT: %{{.*}} = dlc.GeluGrad %{{.*}}, %{{.*}} {approximate = "tanh"} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.GeluGrad %{{.*}}, %{{.*}} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxGrad %{{.*}}, %{{.*}} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.LogSoftmaxGrad %{{.*}}, %{{.*}} {axis = 0 : si64} : tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxCrossEntropyLoss %{{.*}}, %{{.*}} {ignore_index = -100 : si64, label_smoothing = 1.000000e-01 : f64} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxCrossEntropyLoss %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<4xf32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxCrossEntropyLoss %{{.*}}, %{{.*}} {reduction = "sum"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxCrossEntropyLossGrad %{{.*}}, %{{.*}}, %{{.*}} {ignore_index = 3 : si64} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.SoftmaxCrossEntropyLossGrad %{{.*}}, %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.MeanSquaredError %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.MeanSquaredError %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.Accuracy %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.LearningRate %{{.*}} {learning_rate = 1.000000e-03 : f64} : (tensor<i64>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.LearningRate %{{.*}} {gamma = 5.000000e-01 : f64, learning_rate = 1.000000e-01 : f64, schedule = "step", step_size = 3 : i64} : (tensor<i64>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.LearningRate %{{.*}} {learning_rate = 1.000000e-01 : f64, min_learning_rate = 1.000000e-04 : f64, schedule = "cosine", total_steps = 10 : i64, warmup_steps = 2 : i64} : (tensor<i64>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.StepIncrement %{{.*}} : tensor<i64>
// CHECK-NEXT: %{{.*}} = dlc.SGDUpdate %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.SGDUpdate %{{.*}}, %{{.*}} momentum_buffer %{{.*}}, %{{.*}}, %{{.*}} {momentum = 9.000000e-01 : f64, nesterov = true, weight_decay = 1.000000e-02 : f64} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>)
// CHECK-NEXT: %{{.*}} = dlc.AdamUpdate %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
// CHECK-NEXT: %{{.*}} = dlc.AdamUpdate %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} vmax %{{.*}}, %{{.*}}, %{{.*}} {decoupled = true, weight_decay = 1.000000e-02 : f64} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
// CHECK-NEXT: return
func.func @training(%x: tensor<4x10xf32>, %dy: tensor<4x10xf32>, %l: tensor<4xi64>, %l32: tensor<4xi32>, %step: tensor<i64>, %lr: tensor<f32>, %m: tensor<4x10xf32>, %v: tensor<4x10xf32>, %vm: tensor<4x10xf32>, %dl: tensor<f32>, %dln: tensor<4xf32>, %xd: tensor<3xf64>) {
  %c = dlc.Constant dense<2.0> : tensor<f32>
  %ci = dlc.Constant dense<[1, 2]> : tensor<2xi64>
  %r0 = dlc.ReduceSum %x {axes = array<i64: 0>, keepdims = 0 : si64} : (tensor<4x10xf32>) -> tensor<10xf32>
  %r1 = dlc.ReduceSum %x {axes = array<i64: -1>} : (tensor<4x10xf32>) -> tensor<4x1xf32>
  %r2 = dlc.ReduceSum %x {keepdims = 1 : si64} : (tensor<4x10xf32>) -> tensor<1x1xf32>
  %g0 = dlc.ReluGrad %dy, %x : tensor<4x10xf32>
  %g1 = dlc.LeakyReluGrad %dy, %x {alpha = 2.000000e-01} : tensor<4x10xf32>
  %g1d = dlc.LeakyReluGrad %dy, %x {alpha = 0.01} : tensor<4x10xf32>
  %g2 = dlc.EluGrad %dy, %x {alpha = 1.5} : tensor<4x10xf32>
  %g3 = dlc.SigmoidGrad %dy, %x : tensor<4x10xf32>
  %g4 = dlc.TanhGrad %xd, %xd : tensor<3xf64>
  %g5 = dlc.GeluGrad %dy, %x {approximate = "tanh"} : tensor<4x10xf32>
  %g5d = dlc.GeluGrad %dy, %x {approximate = "none"} : tensor<4x10xf32>
  %g6 = dlc.SoftmaxGrad %dy, %x : tensor<4x10xf32>
  %g7 = dlc.LogSoftmaxGrad %dy, %x {axis = 0 : si64} : tensor<4x10xf32>
  %s0 = dlc.SoftmaxCrossEntropyLoss %x, %l {ignore_index = -100 : si64, label_smoothing = 1.000000e-01} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  %s1 = dlc.SoftmaxCrossEntropyLoss %x, %l32 {reduction = "none"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<4xf32>
  %s1s = dlc.SoftmaxCrossEntropyLoss %x, %l32 {reduction = "sum"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<f32>
  %s2 = dlc.SoftmaxCrossEntropyLossGrad %dl, %x, %l {ignore_index = 3 : si64} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  %s3 = dlc.SoftmaxCrossEntropyLossGrad %dln, %x, %l {reduction = "none"} : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  %ms = dlc.MeanSquaredError %x, %dy : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  %mn = dlc.MeanSquaredError %x, %dy {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %ac = dlc.Accuracy %x, %l32 : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<f32>
  %lr0 = dlc.LearningRate %step {learning_rate = 1.000000e-03 : f64} : (tensor<i64>) -> tensor<f32>
  %lr1 = dlc.LearningRate %step {learning_rate = 1.000000e-01 : f64, schedule = "step", gamma = 5.000000e-01 : f64, step_size = 3 : i64} : (tensor<i64>) -> tensor<f32>
  %lr2 = dlc.LearningRate %step {schedule = "cosine", learning_rate = 0.1, total_steps = 10, warmup_steps = 2, min_learning_rate = 1.0e-4} : (tensor<i64>) -> tensor<f32>
  %st = dlc.StepIncrement %step : tensor<i64>
  %w0 = dlc.SGDUpdate %x, %dy, %lr, %step : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> tensor<4x10xf32>
  %w1, %b1 = dlc.SGDUpdate %x, %dy momentum_buffer %m, %lr, %step {momentum = 0.9, nesterov = true, weight_decay = 0.01} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>)
  %w2, %m2, %v2 = dlc.AdamUpdate %x, %dy, %m, %v, %lr, %step : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
  %w3, %m3, %v3, %vm3 = dlc.AdamUpdate %x, %dy, %m, %v vmax %vm, %lr, %step {decoupled = true, weight_decay = 0.01} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<f32>, tensor<i64>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>)
  return
}
