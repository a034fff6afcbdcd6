// Conv and its gradient helpers parse, infer their result types and print back.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>)
    -> (tensor<2x6x9x8xf32>, tensor<2x6x3x4xf32>, tensor<2x6x7x6xf32>) {
  // CHECK: dlc.Conv %{{.*}}, %{{.*}}, %{{.*}} {group = 2 : si64, pads = array<i64: 1, 1, 1, 1>}
  %0 = dlc.Conv %x, %w, %b {group = 2 : si64, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x9x8xf32>
  // oH = (9 + 1 + 0 - 5) / 2 + 1 = 3 (dilated kernel 5), oW = (8 + 0 + 1 - 3) / 2 + 1 = 4
  // CHECK: dlc.Conv {{.*}} -> tensor<2x6x3x4xf32>
  %1 = dlc.Conv %x, %w {group = 2 : si64, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 2, 1>}
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x3x4xf32>
  // CHECK: dlc.Conv {{.*}} {group = 2 : si64, kernel_shape = array<i64: 3, 3>}
  %2 = dlc.Conv %x, %w {group = 2 : si64, kernel_shape = array<i64: 3, 3>}
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x7x6xf32>
  return %0, %1, %2 : tensor<2x6x9x8xf32>, tensor<2x6x3x4xf32>, tensor<2x6x7x6xf32>
}

// CHECK-LABEL: func.func @conv_grads
func.func @conv_grads(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x6x6xf32>, %w: tensor<4x3x3x3xf32>)
    -> (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) {
  // CHECK: dlc.ConvBackwardData
  %0 = dlc.ConvBackwardData %dy, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : si64}
      : (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
  // CHECK: dlc.ConvBackwardFilter
  %1 = dlc.ConvBackwardFilter %x, %dy {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : si64}
      : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return %0, %1 : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>
}

// CHECK-LABEL: func.func @maxpool
func.func @maxpool(%x: tensor<2x3x9x8xf32>, %dy: tensor<2x3x5x4xf32>) -> (tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>) {
  // oH = (9 + 1 + 1 - 3) / 2 + 1 = 5, oW = (8 + 0 + 0 - 2) / 2 + 1 = 4
  // CHECK: dlc.MaxPool %{{.*}} {kernel_shape = array<i64: 3, 2>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  // CHECK: dlc.MaxPoolGrad
  %1 = dlc.MaxPoolGrad %dy, %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>) -> tensor<2x3x9x8xf32>
  return %0, %1 : tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>
}

// CHECK-LABEL: func.func @global_pool
func.func @global_pool(%x: tensor<2x3x5x4xf32>) -> (tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>) {
  // CHECK: dlc.GlobalAveragePool %{{.*}} : (tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32>
  %0 = dlc.GlobalAveragePool %x : (tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32>
  // CHECK: dlc.GlobalMaxPool %{{.*}} : (tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32>
  %1 = dlc.GlobalMaxPool %x : (tensor<2x3x5x4xf32>) -> tensor<2x3x1x1xf32>
  return %0, %1 : tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>
}

// CHECK-LABEL: func.func @averagepool
func.func @averagepool(%x: tensor<2x3x9x8xf32>, %dy: tensor<2x3x5x4xf32>) -> (tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>) {
  // CHECK: dlc.AveragePool %{{.*}} {count_include_pad = 1 : si64, kernel_shape = array<i64: 3, 2>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  %0 = dlc.AveragePool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, count_include_pad = 1 : si64}
      : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  // CHECK: dlc.AveragePoolGrad
  %1 = dlc.AveragePoolGrad %dy {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, count_include_pad = 0 : si64}
      : (tensor<2x3x5x4xf32>) -> tensor<2x3x9x8xf32>
  return %0, %1 : tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>)
    -> (tensor<1x2x11x11xf32>, tensor<1x4x10x9xf32>) {
  // oH = 2 (5 - 1) + 0 + 2 + 1 = 11
  // CHECK: dlc.ConvTranspose %{{.*}}, %{{.*}} {strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  %0 = dlc.ConvTranspose %x, %w {strides = array<i64: 2, 2>}
      : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
  // group 2: 2 x 2 = 4 outputs; oH = 11 - 1 - 0 = 10, oW = 11 - 1 - 1 = 9
  // CHECK: dlc.ConvTranspose {{.*}} -> tensor<1x4x10x9xf32>
  %1 = dlc.ConvTranspose %x, %w, %b {group = 2 : si64, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 1>, output_padding = array<i64: 0, 0>}
      : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x10x9xf32>
  return %0, %1 : tensor<1x2x11x11xf32>, tensor<1x4x10x9xf32>
}
