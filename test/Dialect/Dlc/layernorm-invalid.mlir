// Diagnostics of LayerNormalization's shape rule, one per split; each names
// the offending values.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @axis_range(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 3 is out of range for X of shape [2, 3, 4] (expected [-3, 2])}}
  %0 = dlc.LayerNormalization %x, %s {axis = 3 : si64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @axis_negative_range(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -4 is out of range for X of shape [2, 3, 4] (expected [-3, 2])}}
  %0 = dlc.LayerNormalization %x, %s {axis = -4 : si64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @scale_shape(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Scale of shape [3] does not broadcast to the normalized shape [4] (X [2, 3, 4], axis 2)}}
  %0 = dlc.LayerNormalization %x, %s : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Scale may not have more dimensions than the normalized shape.
func.func @scale_rank(%x: tensor<2x3x4xf32>, %s: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Scale of shape [1, 4] does not broadcast to the normalized shape [4] (X [2, 3, 4], axis 2)}}
  %0 = dlc.LayerNormalization %x, %s : (tensor<2x3x4xf32>, tensor<1x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @bias_shape(%x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{B of shape [2, 4] does not broadcast to the normalized shape [3, 4] (X [2, 3, 4], axis 1)}}
  %0 = dlc.LayerNormalization %x, %s, %b {axis = 1 : si64} : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @element_type(%x: tensor<2x4xf32>, %s: tensor<4xf64>) -> tensor<2x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Scale has element type 'f64', X has 'f32'}}
  %0 = dlc.LayerNormalization %x, %s : (tensor<2x4xf32>, tensor<4xf64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @stash_type(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{stash_type 0 is not supported (only 1: statistics in f32 or wider)}}
  %0 = dlc.LayerNormalization %x, %s {stash_type = 0 : si64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @epsilon(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{epsilon must be a finite non-negative number, got -1.000000e-05}}
  %0 = dlc.LayerNormalization %x, %s {epsilon = -1.0e-5 : f64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @scalar(%x: tensor<f32>, %s: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{X must have rank 1 or more, got a scalar}}
  %0 = dlc.LayerNormalization %x, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The result type must be X's.
func.func @result_type(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.LayerNormalization' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4x2xf32>'}}
  %0 = dlc.LayerNormalization %x, %s : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
