// Diagnostics of BatchNormalization, Dropout, MovingAverage and DropoutMask,
// one per split; each names the offending values.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @bn_rank(%x: tensor<5xf32>, %s: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input must be [N, C] or [N, C, d...], got [5]}}
  %0 = dlc.BatchNormalization %x, %s, %s, %s, %s
      : (tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @bn_channels(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %v: tensor<4xf32>) -> tensor<2x3x4x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input_var must be [3] (the 3 channels of input [2, 3, 4, 4]), got [4]}}
  %0 = dlc.BatchNormalization %x, %s, %s, %s, %v
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

func.func @bn_element(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{B has element type 'f64', the input 'f32'}}
  %0 = dlc.BatchNormalization %x, %s, %b, %s, %s
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf64>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bn_momentum(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{momentum must be in [0, 1], got 1.5}}
  %0 = dlc.BatchNormalization %x, %s, %s, %s, %s {momentum = 1.5 : f64}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @bn_epsilon(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{epsilon must be non-negative, got -0.001}}
  %0 = dlc.BatchNormalization %x, %s, %s, %s, %s {epsilon = -1.0e-3 : f64}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Training mode has three results; one is an error.
func.func @bn_training_results(%x: tensor<2x3xf32>, %s: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'dlc.BatchNormalization' op inferred type(s) 'tensor<2x3xf32>', 'tensor<3xf32>', 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = dlc.BatchNormalization %x, %s, %s, %s, %s {training = true}
      : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @dropout_ratio(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{ratio must be in [0, 1), got 1}}
  %0 = dlc.Dropout %x {ratio = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dropout_step_rank(%x: tensor<4xf32>, %s: tensor<1xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{operand #1 must be 0D tensor of 64-bit signless integer values}}
  %0 = dlc.Dropout %x step %s : (tensor<4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @mask_ratio(%s: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlc.DropoutMask' op ratio must be in [0, 1), got -0.5}}
  %0 = dlc.DropoutMask %s {ratio = -0.5 : f64} : (tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @moving_average_momentum(%r: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlc.MovingAverage' op momentum must be in [0, 1], got 2}}
  %0 = dlc.MovingAverage %r, %r {momentum = 2.0 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
