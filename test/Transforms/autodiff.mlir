// dlc-autodiff: gradients of every trainable parameter, summed over uses,
// reduced over broadcasting, nothing built for values the loss ignores.
// RUN: dlc-opt %s -dlc-autodiff -split-input-file -verify-diagnostics | FileCheck %s

// An MLP layer with a residual use of %h: its gradient is the sum of both
// uses; the bias gradient is reduced over the batch; the input gets none.
// CHECK-LABEL: func.func @gemm_relu
// CHECK-SAME: -> (tensor<f32>, tensor<3x4xf32>, tensor<3xf32>)
// CHECK: %[[H:.*]] = dlc.Gemm %arg2, %arg0, %arg1 {transB = true}
// CHECK: %[[S:.*]] = dlc.Add %[[A:.*]], %[[H]]
// CHECK: %[[L:.*]] = dlc.SoftmaxCrossEntropyLoss %[[S]], %arg3
// CHECK: %[[ONE:.*]] = dlc.Constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[DS:.*]] = dlc.SoftmaxCrossEntropyLossGrad %[[ONE]], %[[S]], %arg3
// CHECK: %[[DA:.*]] = dlc.ReluGrad %[[DS]], %[[H]]
// CHECK: %[[DH:.*]] = dlc.Add %[[DS]], %[[DA]]
// CHECK-NOT: dlc.Gemm %[[DH]], %arg0
// CHECK: %[[DW:.*]] = dlc.Gemm %[[DH]], %arg2 {transA = true}
// CHECK: %[[SUM:.*]] = dlc.ReduceSum %[[DH]] {axes = array<i64: 0>}
// CHECK: %[[DB:.*]] = dlc.Reshape %[[SUM]] {shape = array<i64: 3>}
// CHECK: return %[[L]], %[[DW]], %[[DB]]
func.func @gemm_relu(%w: tensor<3x4xf32>, %b: tensor<3xf32>, %x: tensor<2x4xf32>, %y: tensor<2xi64>) -> tensor<f32>
    attributes {dlc.train_step, dlc.trainable = [true, true, false, false]} {
  %h = dlc.Gemm %x, %w, %b {transB = true} : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %a = dlc.Relu %h : tensor<2x3xf32>
  %s = dlc.Add %a, %h : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %l = dlc.SoftmaxCrossEntropyLoss %s, %y : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A parameter the loss does not depend on: one warning, a zero gradient.
// Metrics returned after the loss are kept in place.
// CHECK-LABEL: func.func @unused_param
// CHECK: %[[Z:.*]] = dlc.Constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %[[Z]]
func.func @unused_param(%w: tensor<3xf32>,
    // expected-warning @+1 {{trainable parameter 'u' does not affect the loss; its gradient is zero}}
    %u: tensor<2xf32>, %p: tensor<3xf32>) -> (tensor<f32>, tensor<f32>)
    attributes {dlc.train_step, dlc.trainable = [true, true, false], dlc.param_names = ["w", "u"]} {
  %l = dlc.MeanSquaredError %w, %p : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %m = dlc.MeanSquaredError %p, %p : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %l, %m : tensor<f32>, tensor<f32>
}

// -----

// Broadcasting: the gradient of a [3] operand added to [2, 3] is summed
// over the broadcast axis; Mul uses the other operand.
// CHECK-LABEL: func.func @broadcast_mul
// CHECK: dlc.MeanSquaredError
// mean over 6 elements: d/dy = 2 (y - t) / 6
// CHECK: dlc.Constant dense<0.333333343> : tensor<f32>
// CHECK: %[[DS:.*]] = dlc.Mul %{{.*}}, %arg1
// CHECK: dlc.ReduceSum %[[DS]] {axes = array<i64: 0>}
func.func @broadcast_mul(%s: tensor<3xf32>, %x: tensor<2x3xf32>, %t: tensor<2x3xf32>) -> tensor<f32>
    attributes {dlc.train_step, dlc.trainable = [true, false, false]} {
  %y = dlc.Mul %x, %s : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %l = dlc.MeanSquaredError %y, %t : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{the loss must be a floating-point scalar, got 'tensor<2xf32>'}}
func.func @not_scalar(%w: tensor<2xf32>) -> tensor<2xf32>
    attributes {dlc.train_step, dlc.trainable = [true]} {
  return %w : tensor<2xf32>
}

// -----

// expected-error @+1 {{needs 'dlc.trainable': one bool per argument}}
func.func @no_trainable(%w: tensor<f32>) -> tensor<f32> attributes {dlc.train_step} {
  return %w : tensor<f32>
}

// -----

// An op with no VJP rule on the path from a parameter to the loss.
func.func @no_rule(%w: tensor<2x3xf32>, %y: tensor<2xi64>) -> tensor<f32>
    attributes {dlc.train_step, dlc.trainable = [true, false]} {
  // expected-error @+1 {{'dlc.Accuracy' op has no gradient rule}}
  %a = dlc.Accuracy %w, %y : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<f32>
  %l = dlc.MeanSquaredError %a, %a : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %l : tensor<f32>
}
