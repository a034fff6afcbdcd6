// Every shape-rule message of BinaryCrossEntropy(+Grad), BinaryCrossEntropyWithLogits and FocalLoss(+Grad) (DlcTrainingOps.cpp), each at the offending op.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// BinaryCrossEntropy: an unknown reduction.
func.func @bce0(%p: tensor<4x10xf32>, %t: tensor<4x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "avg"}}
  %0 = dlc.BinaryCrossEntropy %p, %t {reduction = "avg"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  return
}

// -----

// BinaryCrossEntropy does not broadcast.
func.func @bce1(%p: tensor<4x10xf32>, %t: tensor<1x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{prediction and target differ: 'tensor<4x10xf32>' and 'tensor<1x10xf32>'}}
  %0 = dlc.BinaryCrossEntropy %p, %t : (tensor<4x10xf32>, tensor<1x10xf32>) -> tensor<f32>
  return
}

// -----

// ... nor mixes element types.
func.func @bce2(%p: tensor<4xf32>, %t: tensor<4xf64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{prediction and target differ: 'tensor<4xf32>' and 'tensor<4xf64>'}}
  %0 = dlc.BinaryCrossEntropy %p, %t : (tensor<4xf32>, tensor<4xf64>) -> tensor<f32>
  return
}

// -----

// BinaryCrossEntropyGrad: a [4] dloss with a scalar reduction.
func.func @bce3(%d: tensor<4xf32>, %p: tensor<4xf32>, %t: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [4] does not match reduction "sum"}}
  %0 = dlc.BinaryCrossEntropyGrad %d, %p, %t {reduction = "sum"} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// BinaryCrossEntropyGrad: a scalar dloss with reduction none.
func.func @bce4(%d: tensor<f32>, %p: tensor<4xf32>, %t: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [] does not match reduction "none"}}
  %0 = dlc.BinaryCrossEntropyGrad %d, %p, %t {reduction = "none"} : (tensor<f32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// BinaryCrossEntropyGrad: prediction and target of one shape.
func.func @bce5(%d: tensor<f32>, %p: tensor<4xf32>, %t: tensor<5xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{prediction and target differ: 'tensor<4xf32>' and 'tensor<5xf32>'}}
  %0 = dlc.BinaryCrossEntropyGrad %d, %p, %t : (tensor<f32>, tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

// BinaryCrossEntropyWithLogits: logits and target of one shape.
func.func @bcel0(%x: tensor<4x10xf32>, %t: tensor<4x1xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{logits and target differ: 'tensor<4x10xf32>' and 'tensor<4x1xf32>'}}
  %0 = dlc.BinaryCrossEntropyWithLogits %x, %t : (tensor<4x10xf32>, tensor<4x1xf32>) -> tensor<f32>
  return
}

// -----

// BinaryCrossEntropyWithLogits: an unknown reduction.
func.func @bcel1(%x: tensor<4x10xf32>, %t: tensor<4x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "max"}}
  %0 = dlc.BinaryCrossEntropyWithLogits %x, %t {reduction = "max"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  return
}

// -----

// FocalLoss: alpha must have one weight per class.
func.func @focal0(%s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{alpha has 3 weights, but scores [4, 10] have 10 classes}}
  %0 = dlc.FocalLoss %s, %l {alpha = array<f64: 0.25, 0.5, 0.25>} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

// FocalLoss: gamma must be non-negative.
func.func @focal1(%s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{gamma must be non-negative, got -1}}
  %0 = dlc.FocalLoss %s, %l {gamma = -1.0} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

// FocalLoss: scores [N, C] and labels [N].
func.func @focal2(%s: tensor<4x10xf32>, %l: tensor<3xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects scores [N, C] and labels [N], got [4, 10] and [3]}}
  %0 = dlc.FocalLoss %s, %l : (tensor<4x10xf32>, tensor<3xi64>) -> tensor<f32>
  return
}

// -----

// FocalLoss: an unknown reduction.
func.func @focal3(%s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reduction must be "mean", "sum" or "none", got "avg"}}
  %0 = dlc.FocalLoss %s, %l {reduction = "avg"} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return
}

// -----

// FocalLossGrad checks alpha too.
func.func @focal4(%d: tensor<f32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{alpha has 11 weights, but scores [4, 10] have 10 classes}}
  %0 = dlc.FocalLossGrad %d, %s, %l {alpha = array<f64: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0>} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// FocalLossGrad: a [N] dloss with a scalar reduction.
func.func @focal5(%d: tensor<4xf32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [4] does not match reduction "mean"}}
  %0 = dlc.FocalLossGrad %d, %s, %l : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}

// -----

// FocalLossGrad: a [N] dloss of the wrong size.
func.func @focal6(%d: tensor<3xf32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dloss of shape [3] does not match reduction "none"}}
  %0 = dlc.FocalLossGrad %d, %s, %l {reduction = "none"} : (tensor<3xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}
