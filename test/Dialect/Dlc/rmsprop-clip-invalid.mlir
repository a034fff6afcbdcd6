// Every verifier message of dlc.RMSPropUpdate and dlc.GlobalNormScale
// (DlcTrainingOps.cpp), each at the offending op.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

// RMSProp: alpha out of [0, 1).
func.func @alpha(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op alpha must be in [0, 1), got 1}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s {alpha = 1.0} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: eps must be positive.
func.func @eps(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op eps must be positive, got 0}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s {eps = 0.0} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: negative momentum.
func.func @negative_momentum(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op momentum must be non-negative, got -5.000000e-01}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s {momentum = -0.5} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: momentum without a buffer.
func.func @momentum_no_buffer(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op a momentum buffer is needed exactly when momentum > 0}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s {momentum = 0.9} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: a buffer without momentum.
func.func @buffer_no_momentum(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op a momentum buffer is needed exactly when momentum > 0}}
  %0:3 = dlc.RMSPropUpdate %p, %p, %p momentum_buffer %p, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: centered without grad_avg.
func.func @centered_no_grad_avg(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op a grad_avg operand is needed exactly when centered}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s {centered = true} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: a state of another shape.
func.func @state_shape(%p: tensor<4xf32>, %sq: tensor<5xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op operands must have the parameter's type 'tensor<4xf32>', got 'tensor<5xf32>'}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %sq, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<5xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: centered with momentum has four results.
func.func @result_count(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op expects 4 results, got 3}}
  %0:3 = dlc.RMSPropUpdate %p, %p, %p momentum_buffer %p grad_avg %p, %lr, %s {momentum = 0.9, centered = true} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// RMSProp: results of the parameter's type.
func.func @result_type(%p: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) {
  // expected-error @+1 {{'dlc.RMSPropUpdate' op results must have the parameter's type 'tensor<4xf32>', got 'tensor<4xf64>'}}
  %0:2 = dlc.RMSPropUpdate %p, %p, %p, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf64>)
  return
}

// -----

// GlobalNormScale: no gradients.
func.func @no_grads() {
  // expected-error @+1 {{'dlc.GlobalNormScale' op expects at least one gradient}}
  %0 = dlc.GlobalNormScale {max_norm = 1.0} : () -> tensor<f32>
  return
}

// -----

// GlobalNormScale: max_norm must be positive.
func.func @max_norm(%g: tensor<4xf32>) {
  // expected-error @+1 {{'dlc.GlobalNormScale' op max_norm must be positive, got 0}}
  %0 = dlc.GlobalNormScale %g {max_norm = 0.0} : (tensor<4xf32>) -> tensor<f32>
  return
}

// -----

// GlobalNormScale: mixed element types.
func.func @mixed(%a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'dlc.GlobalNormScale' op gradients must have one element type, got 'f32' and 'f64'}}
  %0 = dlc.GlobalNormScale %a, %b {max_norm = 1.0} : (tensor<4xf32>, tensor<4xf64>) -> tensor<f32>
  return
}

// -----

// GlobalNormScale: the result is a scalar of the gradients' element type.
func.func @result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'dlc.GlobalNormScale' op result must be a scalar tensor of the gradients' element type 'f32', got 'tensor<1xf32>'}}
  %0 = dlc.GlobalNormScale %a {max_norm = 1.0} : (tensor<4xf32>) -> tensor<1xf32>
  return
}
