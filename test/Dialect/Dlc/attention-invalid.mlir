// Diagnostics of Attention's shape rule, one per split; each names the
// offending values.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @rank(%q: tensor<4x8x16xf32>, %k: tensor<4x8x16xf32>, %v: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Q, K and V must be 4-D [B, H, S, D], got [4, 8, 16], [4, 8, 16] and [4, 8, 16]}}
  %0 = dlc.Attention %q, %k, %v : (tensor<4x8x16xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %0 : tensor<4x8x16xf32>
}

// -----

func.func @head_size(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x8xf32>, %v: tensor<1x2x5x6xf32>) -> tensor<1x2x3x6xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Q [1, 2, 3, 4] and K [1, 2, 5, 8] differ in the head size D (4 vs 8)}}
  %0 = dlc.Attention %q, %k, %v : (tensor<1x2x3x4xf32>, tensor<1x2x5x8xf32>, tensor<1x2x5x6xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// -----

func.func @key_length(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x7x6xf32>) -> tensor<1x2x3x6xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{K [1, 2, 5, 4] and V [1, 2, 7, 6] differ in the key length Sk (5 vs 7)}}
  %0 = dlc.Attention %q, %k, %v : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x7x6xf32>) -> tensor<1x2x3x6xf32>
  return %0 : tensor<1x2x3x6xf32>
}

// -----

func.func @heads(%q: tensor<1x2x3x4xf32>, %k: tensor<1x4x5x4xf32>, %v: tensor<1x4x5x4xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Q, K and V must have the same batch and head dimensions [1, 2, ...], got [1, 2, 3, 4], [1, 4, 5, 4] and [1, 4, 5, 4]}}
  %0 = dlc.Attention %q, %k, %v : (tensor<1x2x3x4xf32>, tensor<1x4x5x4xf32>, tensor<1x4x5x4xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @mask_shape(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<3x3xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{mask of shape [3, 3] does not broadcast to the scores [B, H, Sq, Sk] = [1, 2, 3, 5]}}
  %0 = dlc.Attention %q, %k, %v, %m : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<3x3xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// The mask may not widen the scores (unidirectional broadcasting).
func.func @mask_widens(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<2x1x3x5xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{mask of shape [2, 1, 3, 5] does not broadcast to the scores [B, H, Sq, Sk] = [1, 2, 3, 5]}}
  %0 = dlc.Attention %q, %k, %v, %m : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<2x1x3x5xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @mask_rank(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<1x1x2x3x5xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{mask of shape [1, 1, 2, 3, 5] does not broadcast to the scores [B, H, Sq, Sk] = [1, 2, 3, 5]}}
  %0 = dlc.Attention %q, %k, %v, %m : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x1x2x3x5xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @element_type(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf64>, %v: tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{K has element type 'f64', Q has 'f32'}}
  %0 = dlc.Attention %q, %k, %v : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf64>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @mask_element_type(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<3x5xf64>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{mask has element type 'f64', Q has 'f32'}}
  %0 = dlc.Attention %q, %k, %v, %m : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<3x5xf64>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @scale(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{scale must be finite, got INF}}
  %0 = dlc.Attention %q, %k, %v {scale = 0x7FF0000000000000 : f64} : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

// The result is [B, H, Sq, Dv].
func.func @result_type(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x6xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Attention' op inferred type(s) 'tensor<1x2x3x6xf32>' are incompatible with return type(s) of operation 'tensor<1x2x3x4xf32>'}}
  %0 = dlc.Attention %q, %k, %v : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x6xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}
