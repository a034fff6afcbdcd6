// Diagnostics of Conv's shape rule, one per split; each names the offending values.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @conv_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input has 3 channels, weight expects 2 × group 1}}
  %0 = dlc.Conv %x, %w : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_group_out(%x: tensor<1x4x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{weight has 3 output channels, not divisible by group 2}}
  %0 = dlc.Conv %x, %w {group = 2 : si64} : (tensor<1x4x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %0 : tensor<1x3x3x3xf32>
}

// -----

func.func @conv_auto_pad(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{auto_pad "SAME_UPPER" is not supported yet (only NOTSET)}}
  %0 = dlc.Conv %x, %w {auto_pad = "SAME_UPPER"} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{kernel_shape [2, 2] does not match the weight's [3, 3]}}
  %0 = dlc.Conv %x, %w {kernel_shape = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_pads(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{pads must be 4 non-negative values [top, left, bottom, right], got [1, 1]}}
  %0 = dlc.Conv %x, %w {pads = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_strides(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{strides must be 2 positive values, got [0, 1]}}
  %0 = dlc.Conv %x, %w {strides = array<i64: 0, 1>} : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_small(%x: tensor<1x2x2x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x1x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{padded input [1, 2, 2, 5] with pads [0, 0, 0, 0] is smaller than the dilated kernel [3, 3] along spatial axis 0}}
  %0 = dlc.Conv %x, %w : (tensor<1x2x2x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x1x3xf32>
  return %0 : tensor<1x4x1x3xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{bias of shape [3] does not match the 4 output channels}}
  %0 = dlc.Conv %x, %w, %b : (tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32>, tensor<3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_rank(%x: tensor<1x2x5xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x4x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{only 2-D convolution (NCHW) is supported: input [1, 2, 5], weight [4, 2, 3]}}
  %0 = dlc.Conv %x, %w : (tensor<1x2x5xf32>, tensor<4x2x3xf32>) -> tensor<1x4x3xf32>
  return %0 : tensor<1x4x3xf32>
}

// -----

func.func @maxpool_ceil(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{ceil_mode 1 is not supported yet (only 0)}}
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode = 1 : si64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

func.func @maxpool_dilations(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{dilations [2, 2] are not supported yet (only 1)}}
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 3, 3>, dilations = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

func.func @maxpool_pads(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x7x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{pads [2, 0, 2, 0] must be smaller than kernel_shape [2, 1]}}
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 2, 1>, pads = array<i64: 2, 0, 2, 0>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x7x5xf32>
  return %0 : tensor<1x2x7x5xf32>
}

// -----

func.func @maxpool_storage_order(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{storage_order 1 is not supported yet (only 0)}}
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, storage_order = 1 : si64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @global_pool_rank(%x: tensor<2x3x5xf32>) -> tensor<2x3x1x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{only 2-D pooling (NCHW) is supported: input [2, 3, 5]}}
  %0 = dlc.GlobalAveragePool %x : (tensor<2x3x5xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

func.func @averagepool_count(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{count_include_pad must be 0 or 1, got 2}}
  %0 = dlc.AveragePool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, count_include_pad = 2 : si64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @averagepool_auto_pad(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{auto_pad "VALID" is not supported yet (only NOTSET)}}
  %0 = dlc.AveragePool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, auto_pad = "VALID"} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

func.func @conv_transpose_output_shape(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{output_shape is not supported yet (give pads and output_padding)}}
  %0 = dlc.ConvTranspose %x, %w {output_shape = array<i64: 7, 7>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input has 3 channels, weight expects 4 (divisible by group 1)}}
  %0 = dlc.ConvTranspose %x, %w : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x2x8x8xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{output_padding [1, 1] must be 2 non-negative values below strides [1, 1]}}
  %0 = dlc.ConvTranspose %x, %w {output_padding = array<i64: 1, 1>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}
