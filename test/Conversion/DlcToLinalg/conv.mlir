// dlc-convert-to-linalg of Conv and its gradient helpers: padding as a generic reading X at a clamped index (0 outside), the bias broadcast into the accumulator, groups and strides/dilations in the input map.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Loops (n, m, c, kh, kw, oh, ow): the output row innermost; group 2 (Mg 3,
// Cg 2), strides 2, dilations (1, 2).
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[$X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, (d1 floordiv 3) * 2 + d2, d5 * 2 + d3, d6 * 2 + d4 * 2)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, d3, d4)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d5, d6)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x9x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[PAD:.*]] = linalg.generic {indexing_maps = [#[[$ID]]]{{.*}} outs(%{{.*}} : tensor<2x4x10x9xf32>)
// CHECK: tensor.extract %[[X]]
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[$BIAS]], #[[$ID]]]{{.*}} ins(%[[B]] : tensor<6xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$X]], #[[$W]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<2x4x10x9xf32>, tensor<6x2x3x3xf32>) outs(%[[INIT]] : tensor<2x6x4x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: return %[[R]]
func.func @conv(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x4x3xf32> {
  %0 = dlc.Conv %x, %w, %b {group = 2 : si64, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 2>}
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x4x3xf32>
  return %0 : tensor<2x6x4x3xf32>
}

// -----

// No pads, no bias: no padding generic, a zero-filled accumulator.
// CHECK-LABEL: func.func @conv_plain
// CHECK-NOT: tensor.extract
// CHECK: linalg.fill
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
func.func @conv_plain(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = dlc.Conv %x, %w : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// dW: loops (m, c, kh, kw, n, oh, ow), the correlation of X with dY.
// CHECK-DAG: #[[$DY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6)>
// CHECK-DAG: #[[$XF:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, (d0 floordiv 4) * 3 + d1, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[$DW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_backward_filter
// CHECK: linalg.generic {indexing_maps = [#[[$DY]], #[[$XF]], #[[$DW]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
func.func @conv_backward_filter(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32> {
  %0 = dlc.ConvBackwardFilter %x, %dy {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : si64}
      : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return %0 : tensor<4x3x3x3xf32>
}

// -----

// dX at stride 2: W viewed as [G, Mg, Cg, kH, kW], dY gathered at a clamped
// index, the [N, G, Cg, H, W] result collapsed to [N, C, H, W].
// CHECK-LABEL: func.func @conv_backward_data
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 2, 2, 3, 3] : tensor<4x2x3x3xf32> into tensor<2x2x2x3x3xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK: arith.remsi
// CHECK: tensor.extract %{{.*}} : tensor<2x4x3x3xf32>
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] : tensor<2x2x2x7x7xf32> into tensor<2x4x7x7xf32>
func.func @conv_backward_data(%dy: tensor<2x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<2x4x7x7xf32> {
  %0 = dlc.ConvBackwardData %dy, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 2 : si64}
      : (tensor<2x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x7x7xf32>
  return %0 : tensor<2x4x7x7xf32>
}

// -----

// dX at stride 1: a correlation of dY padded by the kernel's reach minus the
// pads ((2, 1) on top/left, (1, 2) at the bottom/right for pads (0, 1, 1, 0)
// and 3x3 kernels) with the flipped kernel; loops (n, g, cc, mm, kh, kw, h,
// w), the row innermost, no bounds test.
// CHECK-DAG: #[[$DYP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d3, d6 - d4 + 2, d7 - d5 + 2)>
// CHECK-DAG: #[[$W5:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d3, d2, d4, d5)>
// CHECK-DAG: #[[$DX5:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>
// CHECK-LABEL: func.func @conv_backward_data_stride1
// CHECK: %[[DYP:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x4x8x8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$DYP]], #[[$W5]], #[[$DX5]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[DYP]], %{{.*}} : tensor<2x4x8x8xf32>, tensor<2x2x2x3x3xf32>)
// CHECK-NOT: arith.remsi
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] : tensor<2x2x2x6x6xf32> into tensor<2x4x6x6xf32>
func.func @conv_backward_data_stride1(%dy: tensor<2x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<2x4x6x6xf32> {
  %0 = dlc.ConvBackwardData %dy, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 0>,
      dilations = array<i64: 1, 1>, group = 2 : si64}
      : (tensor<2x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}

// -----

// MaxPool: -inf padding, a [kH, kW] window tensor giving kh, kw their ranges,
// maximumf into a -inf accumulator.
// CHECK-DAG: #[[$XP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-LABEL: func.func @maxpool
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {indexing_maps = [#[[$XP]], #[[$WIN]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x3x11x8xf32>, tensor<3x2xf32>)
// CHECK: arith.maximumf
func.func @maxpool(%x: tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32> {
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  return %0 : tensor<2x3x5x4xf32>
}

// -----

// MaxPoolGrad: the argmax offset kh kW + kw per window (ties to the smaller
// offset: first max wins), then a gather of dY where the offset matches.
// CHECK-LABEL: func.func @maxpool_grad
// CHECK: %[[ARG:.*]]:2 = linalg.generic
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<2x3x5x4xf32>, tensor<2x3x5x4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi slt
// CHECK: linalg.generic
// CHECK: tensor.extract %[[ARG]]#1
// CHECK: arith.select
func.func @maxpool_grad(%dy: tensor<2x3x5x4xf32>, %x: tensor<2x3x9x8xf32>) -> tensor<2x3x9x8xf32> {
  %0 = dlc.MaxPoolGrad %dy, %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>) -> tensor<2x3x9x8xf32>
  return %0 : tensor<2x3x9x8xf32>
}
