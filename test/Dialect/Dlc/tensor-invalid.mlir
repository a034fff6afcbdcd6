// Every verifier and shape-rule message of the tensor ops (DlcTensorOps.cpp), each at the offending op.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics
// Concat inputs that differ outside the axis.
func.func @case0(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Concat inputs of shapes [2, 3] and [3, 3] differ outside axis 1}}
  %0 = dlc.Concat %a, %b {axis = 1 : si64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Concat axis out of range.
func.func @case1(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Concat: axis 2 is out of range for rank 2}}
  %0 = dlc.Concat %a {axis = 2 : si64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

// Split sizes that do not sum to the axis.
func.func @case2(%x: tensor<4x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Split sizes [2, 3] sum to 5, not the axis' size 6}}
  %0:2 = dlc.Split %x {axis = 1 : si64, split = array<i64: 2, 3>} : (tensor<4x6xf32>) -> (tensor<4x2xf32>, tensor<4x3xf32>)
  return
}

// -----

// Split without sizes or num_outputs.
func.func @case3(%x: tensor<4x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Split needs `split` sizes or num_outputs >= 1}}
  %0:2 = dlc.Split %x : (tensor<4x6xf32>) -> (tensor<2x6xf32>, tensor<2x6xf32>)
  return
}

// -----

// Split into more parts than the equal split allows.
func.func @case4(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Split of size 4 into 3 parts leaves an empty part}}
  %0:3 = dlc.Split %x {num_outputs = 3 : si64} : (tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<0x4xf32>)
  return
}

// -----

// Slice with a zero step.
func.func @case5(%x: tensor<4x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Slice step on axis 1 is 0}}
  %0 = dlc.Slice %x {starts = array<i64: 0>, ends = array<i64: 6>, axes = array<i64: 1>, steps = array<i64: 0>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return
}

// -----

// Slice with lists of different lengths.
func.func @case6(%x: tensor<4x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Slice starts [0, 1], ends [6], axes and steps differ in length}}
  %0 = dlc.Slice %x {starts = array<i64: 0, 1>, ends = array<i64: 6>} : (tensor<4x6xf32>) -> tensor<4x6xf32>
  return
}

// -----

// Slice with an axis twice.
func.func @case7(%x: tensor<4x6xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Slice axes [1, -1] are not distinct axes of rank 2}}
  %0 = dlc.Slice %x {starts = array<i64: 0, 0>, ends = array<i64: 1, 1>, axes = array<i64: 1, -1>} : (tensor<4x6xf32>) -> tensor<4x1xf32>
  return
}

// -----

// Squeeze of a dimension that is not 1.
func.func @case8(%x: tensor<4x1xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Squeeze axis 0 of shape [4, 1] has size 4, not 1}}
  %0 = dlc.Squeeze %x {axes = array<i64: 0>} : (tensor<4x1xf32>) -> tensor<1xf32>
  return
}

// -----

// Unsqueeze with an axis beyond the result's rank.
func.func @case9(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axes [3] are not distinct axes of rank 3}}
  %0 = dlc.Unsqueeze %x {axes = array<i64: 3>} : (tensor<4x3xf32>) -> tensor<4x3x1xf32>
  return
}

// -----

// ReduceMean over an axis out of range.
func.func @case10(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axes [2] are not distinct axes of rank 2}}
  %0 = dlc.ReduceMean %x {axes = array<i64: 2>} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

// ReduceMax with a wrong result type.
func.func @case11(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.ReduceMax' op inferred type(s) 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  %0 = dlc.ReduceMax %x {axes = array<i64: 1>, keepdims = 0 : si64} : (tensor<4x3xf32>) -> tensor<3xf32>
  return
}

// -----

// ArgMax with select_last_index.
func.func @case12(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{ArgMax supports select_last_index = 0 only, got 1}}
  %0 = dlc.ArgMax %x {axis = 1 : si64, select_last_index = 1 : si64} : (tensor<4x3xf32>) -> tensor<4x1xi64>
  return
}

// -----

// ArgMax axis out of range.
func.func @case13(%x: tensor<4x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{ArgMax: axis -3 is out of range for rank 2}}
  %0 = dlc.ArgMax %x {axis = -3 : si64} : (tensor<4x3xf32>) -> tensor<4x1xi64>
  return
}

// -----

// Gather along axis 1.
func.func @case14(%t: tensor<10x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Gather supports axis 0 only, got 1}}
  %0 = dlc.Gather %t, %i {axis = 1 : si64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<10x3xf32>
  return
}

// -----

// Gather with float indices.
func.func @case15(%t: tensor<10x4xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{operand #1 must be statically shaped tensor of 64-bit signless integer or 32-bit signless integer values}}
  %0 = dlc.Gather %t, %i : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return
}

// -----

// SliceGrad whose dY is not the slice of its result.
func.func @case16(%dy: tensor<2xf32>) {
  // expected-error @+1 {{'dlc.SliceGrad' op dY of shape [2] is not the slice [3] of the result's shape [6]}}
  %0 = dlc.SliceGrad %dy {starts = array<i64: 0>, ends = array<i64: 6>, steps = array<i64: 2>} : (tensor<2xf32>) -> tensor<6xf32>
  return
}

// -----

// GatherGrad whose dY does not match.
func.func @case17(%dy: tensor<3x5xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'dlc.GatherGrad' op dY of shape [3, 5] is not Gather's result shape [3, 4] for data [10, 4] and indices [3]}}
  %0 = dlc.GatherGrad %dy, %i : (tensor<3x5xf32>, tensor<3xi64>) -> tensor<10x4xf32>
  return
}
