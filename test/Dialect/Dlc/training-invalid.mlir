// Every verifier and shape-rule message of the training ops (DlcTrainingOps.cpp), each at the offending op.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// An axis out of range.
func.func @case0(%x: tensor<4x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axes [2] are not distinct axes of rank 2}}
  %0 = dlc.ReduceSum %x {axes = array<i64: 2>} : (tensor<4x10xf32>) -> tensor<4x10x1xf32>
  return
}

// -----

// The same axis twice (-1 is 1).
func.func @case1(%x: tensor<4x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axes [1, -1] are not distinct axes of rank 2}}
  %0 = dlc.ReduceSum %x {axes = array<i64: 1, -1>} : (tensor<4x10xf32>) -> tensor<4x1xf32>
  return
}

// -----

// An unknown reduction.
func.func @case2(%s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "avg"}}
  %0 = dlc.SoftmaxCrossEntropyLoss %s, %l {reduction = "avg"} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

// Labels of another batch size.
func.func @case3(%s: tensor<4x10xf32>, %l: tensor<3xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects scores [N, C] and labels [N], got [4, 10] and [3]}}
  %0 = dlc.SoftmaxCrossEntropyLoss %s, %l : (tensor<4x10xf32>, tensor<3xi64>) -> tensor<f32>
  return
}

// -----

// Scores of rank 3.
func.func @case4(%s: tensor<4x10x2xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects scores [N, C] and labels [N], got [4, 10, 2] and [4]}}
  %0 = dlc.SoftmaxCrossEntropyLoss %s, %l : (tensor<4x10x2xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

// The gradient checks the reduction too.
func.func @case5(%d: tensor<f32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "max"}}
  %0 = dlc.SoftmaxCrossEntropyLossGrad %d, %s, %l {reduction = "max"} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// ... and the shapes.
func.func @case6(%d: tensor<f32>, %s: tensor<4x10xf32>, %l: tensor<4x1xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects scores [N, C] and labels [N], got [4, 10] and [4, 1]}}
  %0 = dlc.SoftmaxCrossEntropyLossGrad %d, %s, %l : (tensor<f32>, tensor<4x10xf32>, tensor<4x1xi64>) -> tensor<4x10xf32>
  return
}

// -----

// A [N] dloss with a scalar reduction.
func.func @case7(%d: tensor<4xf32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [4] does not match reduction "mean"}}
  %0 = dlc.SoftmaxCrossEntropyLossGrad %d, %s, %l : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// A scalar dloss with reduction none.
func.func @case8(%d: tensor<f32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [] does not match reduction "none"}}
  %0 = dlc.SoftmaxCrossEntropyLossGrad %d, %s, %l {reduction = "none"} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// A [N] dloss of the wrong size.
func.func @case9(%d: tensor<3xf32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [3] does not match reduction "none"}}
  %0 = dlc.SoftmaxCrossEntropyLossGrad %d, %s, %l {reduction = "none"} : (tensor<3xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// MeanSquaredError: an unknown reduction.
func.func @case10(%p: tensor<4x10xf32>, %t: tensor<4x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "MEAN"}}
  %0 = dlc.MeanSquaredError %p, %t {reduction = "MEAN"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  return
}

// -----

// MeanSquaredError does not broadcast.
func.func @case11(%p: tensor<4x10xf32>, %t: tensor<1x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{prediction and target differ: [4, 10] and [1, 10]}}
  %0 = dlc.MeanSquaredError %p, %t : (tensor<4x10xf32>, tensor<1x10xf32>) -> tensor<f32>
  return
}

// -----

// Accuracy: labels [N].
func.func @case12(%s: tensor<4x10xf32>, %l: tensor<5xi32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects scores [N, C] and labels [N], got [4, 10] and [5]}}
  %0 = dlc.Accuracy %s, %l : (tensor<4x10xf32>, tensor<5xi32>) -> tensor<f32>
  return
}

// -----

// LearningRate: the step is a scalar.
func.func @case13(%s: tensor<1xi64>) {
  // expected-error @+1 {{'dlc.LearningRate' op step and lr must be scalars}}
  %0 = dlc.LearningRate %s {learning_rate = 0.1} : (tensor<1xi64>) -> tensor<f32>
  return
}

// -----

// LearningRate: and so is lr.
func.func @case14(%s: tensor<i64>) {
  // expected-error @+1 {{'dlc.LearningRate' op step and lr must be scalars}}
  %0 = dlc.LearningRate %s {learning_rate = 0.1} : (tensor<i64>) -> tensor<1xf32>
  return
}

// -----

// An unknown schedule.
func.func @case15(%s: tensor<i64>) {
  // expected-error @+1 {{'dlc.LearningRate' op unknown schedule "linear"}}
  %0 = dlc.LearningRate %s {learning_rate = 0.1, schedule = "linear"} : (tensor<i64>) -> tensor<f32>
  return
}

// -----

// step needs a positive step_size.
func.func @case16(%s: tensor<i64>) {
  // expected-error @+1 {{'dlc.LearningRate' op step_size must be positive, got 0}}
  %0 = dlc.LearningRate %s {learning_rate = 0.1, schedule = "step", step_size = 0} : (tensor<i64>) -> tensor<f32>
  return
}

// -----

// cosine needs total_steps > warmup_steps (T = 0 would divide by 0).
func.func @case17(%s: tensor<i64>) {
  // expected-error @+1 {{'dlc.LearningRate' op total_steps (5) must exceed warmup_steps (5)}}
  %0 = dlc.LearningRate %s {learning_rate = 0.1, schedule = "cosine", total_steps = 5, warmup_steps = 5} : (tensor<i64>) -> tensor<f32>
  return
}

// -----

// SGD: momentum without a buffer.
func.func @case18(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.SGDUpdate' op a momentum buffer is needed exactly when momentum != 0}}
  %0 = dlc.SGDUpdate %p, %g, %lr, %s {momentum = 0.9} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> tensor<4xf32>
  return
}

// -----

// SGD: a buffer without momentum.
func.func @case19(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.SGDUpdate' op a momentum buffer is needed exactly when momentum != 0}}
  %0:2 = dlc.SGDUpdate %p, %g momentum_buffer %b, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// SGD: a gradient of another type.
func.func @case20(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>, %gd: tensor<4xf64>) {
  // expected-error @+1 {{'dlc.SGDUpdate' op operands must have the parameter's type 'tensor<4xf32>', got 'tensor<4xf64>'}}
  %0 = dlc.SGDUpdate %p, %gd, %lr, %s : (tensor<4xf32>, tensor<4xf64>, tensor<f32>, tensor<i64>) -> tensor<4xf32>
  return
}

// -----

// SGD with momentum has two results.
func.func @case21(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.SGDUpdate' op expects 2 results, got 1}}
  %0 = dlc.SGDUpdate %p, %g momentum_buffer %b, %lr, %s {momentum = 0.9} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> tensor<4xf32>
  return
}

// -----

// SGD: results of the parameter's type.
func.func @case22(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.SGDUpdate' op results must have the parameter's type 'tensor<4xf32>', got 'tensor<2x2xf32>'}}
  %0 = dlc.SGDUpdate %p, %g, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> tensor<2x2xf32>
  return
}

// -----

// Adam: a state of another shape.
func.func @case23(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>, %v5: tensor<5xf32>) {
  // expected-error @+1 {{'dlc.AdamUpdate' op operands must have the parameter's type 'tensor<4xf32>', got 'tensor<5xf32>'}}
  %0:3 = dlc.AdamUpdate %p, %g, %m, %v5, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<5xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// Adam with vmax (amsgrad) has four results.
func.func @case24(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.AdamUpdate' op expects 4 results, got 3}}
  %0:3 = dlc.AdamUpdate %p, %g, %m, %v vmax %v, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// Adam: results of the parameter's type.
func.func @case25(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.AdamUpdate' op results must have the parameter's type 'tensor<4xf32>', got 'tensor<4xf64>'}}
  %0:3 = dlc.AdamUpdate %p, %g, %m, %v, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf64>, tensor<4xf32>)
  return
}
