// dlc-convert-to-linalg of Conv and its gradient helpers as im2col + contraction (conv-im2col.mlir shows a whole plain Conv): groups as a batch loop of the contractions, strides/dilations in the im2col map, padding as a generic reading X at a clamped index (0 outside), the bias added to the product before its reshape to NCHW; the data gradient's col2im as a gather; then pooling.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Group 2 (Mg 3, Cg 2), strides 2, dilations (1, 2), pads (1, 0, 0, 1):
// col [N, G, Cg, kH, kW, oH, oW] (loops (n, g, kh, kw, c, oh, ow))
// collapsed to [N, G, K, P], W to [G, Mg, K],
// loops (n, g, m, k, p) with g a batch loop of both operands.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$BIAS:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$XCOL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d5 * 2 + d2, d6 * 2 + d3 * 2)>
// CHECK-DAG: #[[$COLW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d4, d2, d3, d5, d6)>
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d3)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x9x8xf32>, %[[W:.*]]: tensor<6x2x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[PAD:.*]] = linalg.generic {indexing_maps = [#[[$ID]]]{{.*}} outs(%{{.*}} : tensor<2x4x10x9xf32>)
// CHECK: tensor.extract %[[X]]
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: %[[COL7:.*]] = linalg.generic {indexing_maps = [#[[$XCOL]], #[[$COLW]]]
// CHECK-SAME: ins(%[[PAD]] : tensor<2x4x10x9xf32>) outs(%{{.*}} : tensor<2x2x2x3x3x4x3xf32>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COL7]] {{\[\[}}0], [1], [2, 3, 4], [5, 6]] : tensor<2x2x2x3x3x4x3xf32> into tensor<2x2x18x12xf32>
// CHECK: %[[WM:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : tensor<6x2x3x3xf32> into tensor<6x18xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[WM]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 18] : tensor<6x18xf32> into tensor<2x3x18xf32>
// CHECK: %[[YG:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[WG]], %[[COL]] : tensor<2x3x18xf32>, tensor<2x2x18x12xf32>) outs(%{{.*}} : tensor<2x2x3x12xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[YM:.*]] = tensor.collapse_shape %[[YG]] {{\[\[}}0], [1, 2], [3]] : tensor<2x2x3x12xf32> into tensor<2x6x12xf32>
// CHECK: %[[YB:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$BIAS]], #[[$ID3]]]{{.*}} ins(%[[YM]], %[[B]] : tensor<2x6x12xf32>, tensor<6xf32>)
// CHECK: %[[Y4:.*]] = tensor.expand_shape %[[YB]] {{\[\[}}0], [1], [2, 3]] output_shape [2, 6, 4, 3] : tensor<2x6x12xf32> into tensor<2x6x4x3xf32>
// CHECK: return %[[Y4]]
func.func @conv(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x4x3xf32> {
  %0 = dlc.Conv %x, %w, %b {group = 2 : si64, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 2>}
      : (tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x4x3xf32>
  return %0 : tensor<2x6x4x3xf32>
}

// -----

// No pads, no bias: no padding generic, nothing after the contraction but
// the reshape.
// CHECK-LABEL: func.func @conv_plain
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK: %[[YM:.*]] = linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[YM]]
// CHECK-NEXT: return %[[Y]]
func.func @conv_plain(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = dlc.Conv %x, %w : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// dW over the forward's im2col [N, K, P] and dY as [N, M, P]: per image a
// dot product along p (sum reassociable), part [N, K, M], then the sum over
// n (outermost) transposed into [M, K] and reshaped to W's shape.
// CHECK-DAG: #[[$XCOL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$DY:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$PART:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$DW:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @conv_backward_filter
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32>, %[[DY:.*]]: tensor<2x4x6x6xf32>)
// CHECK: %[[COL6:.*]] = linalg.generic {indexing_maps = [#[[$XCOL]], #{{.*}}]{{.*}} ins(%[[X]] : tensor<2x3x8x8xf32>) outs(%{{.*}} : tensor<2x3x3x3x6x6xf32>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COL6]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<2x3x3x3x6x6xf32> into tensor<2x27x36xf32>
// CHECK: %[[DYM:.*]] = tensor.collapse_shape %[[DY]] {{\[\[}}0], [1], [2, 3]] : tensor<2x4x6x6xf32> into tensor<2x4x36xf32>
// CHECK: %[[PART:.*]] = linalg.generic {indexing_maps = [#[[$COL]], #[[$DY]], #[[$PART]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[COL]], %[[DYM]] : tensor<2x27x36xf32>, tensor<2x4x36xf32>) outs(%{{.*}} : tensor<2x27x4xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// CHECK: %[[DWM:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$DW]]], iterator_types = ["reduction", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[PART]] : tensor<2x27x4xf32>) outs(%{{.*}} : tensor<4x27xf32>)
// CHECK: tensor.expand_shape %[[DWM]] {{\[\[}}0], [1, 2, 3]] output_shape [4, 3, 3, 3] : tensor<4x27xf32> into tensor<4x3x3x3xf32>
func.func @conv_backward_filter(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32> {
  %0 = dlc.ConvBackwardFilter %x, %dy {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : si64}
      : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
  return %0 : tensor<4x3x3x3xf32>
}

// -----

// dW with 2 groups (Cg 3, Mg 2): g a batch loop of the product, part
// [N, G, K, Mg] summed into [G, Mg, K], collapsed to [M, K].
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[$DY:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[$PART:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$DW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3, d2)>
// CHECK-LABEL: func.func @conv_backward_filter_grouped
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3, 4], [5, 6]] : tensor<2x2x3x2x2x4x4xf32> into tensor<2x2x12x16xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 2, 16] : tensor<2x4x16xf32> into tensor<2x2x2x16xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$DY]], #[[$PART]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x2x12x2xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$DW]]], iterator_types = ["reduction", "parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x2x12xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x2x12xf32> into tensor<4x12xf32>
func.func @conv_backward_filter_grouped(%x: tensor<2x6x5x5xf32>, %dy: tensor<2x4x4x4xf32>) -> tensor<4x3x2x2xf32> {
  %0 = dlc.ConvBackwardFilter %x, %dy {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 2 : si64}
      : (tensor<2x6x5x5xf32>, tensor<2x4x4x4xf32>) -> tensor<4x3x2x2xf32>
  return %0 : tensor<4x3x2x2xf32>
}

// -----

// dX at stride 2 with 2 groups: dcol[n, g, k, p] = sum_m W[g, m, k]
// dY[n, g, m, p] (W read transposed, loops (n, g, k, m, p)), dcol viewed as
// [N, C, kH, kW, oH, oW], then col2im as a gather over (n, c, h, w, kh, kw)
// reading dcol at a clamped index, the tap dropped where no output
// position meets it (a remainder test at stride 2).
// CHECK-DAG: #[[$WT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d2)>
// CHECK-DAG: #[[$DYG:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[$DCOL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @conv_backward_data
// CHECK: %[[WG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 2, 18] : tensor<4x18xf32> into tensor<2x2x18xf32>
// CHECK: %[[DYG:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 2, 9] : tensor<2x4x9xf32> into tensor<2x2x2x9xf32>
// CHECK: %[[DCOL:.*]] = linalg.generic {indexing_maps = [#[[$WT]], #[[$DYG]], #[[$DCOL]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[WG]], %[[DYG]] : tensor<2x2x18xf32>, tensor<2x2x2x9xf32>) outs(%{{.*}} : tensor<2x2x18x9xf32>)
// CHECK: tensor.expand_shape %[[DCOL]] {{\[\[}}0], [1], [2, 3, 4], [5, 6]] output_shape [2, 2, 2, 3, 3, 3, 3]
// CHECK: %[[D6:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4], [5], [6]] : tensor<2x2x2x3x3x3x3xf32> into tensor<2x4x3x3x3x3xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%{{.*}} : tensor<2x4x7x7xf32>)
// CHECK: arith.remsi
// CHECK: tensor.extract %[[D6]]
// CHECK: arith.select
func.func @conv_backward_data(%dy: tensor<2x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<2x4x7x7xf32> {
  %0 = dlc.ConvBackwardData %dy, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 2 : si64}
      : (tensor<2x4x3x3xf32>, tensor<4x2x3x3xf32>) -> tensor<2x4x7x7xf32>
  return %0 : tensor<2x4x7x7xf32>
}

// -----

// dX at stride 1, one group: no remainder test in col2im.
// CHECK-LABEL: func.func @conv_backward_data_stride1
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3], [4, 5]] output_shape [2, 4, 3, 3, 5, 5] : tensor<2x36x25xf32> into tensor<2x4x3x3x5x5xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x4x6x6xf32>)
// CHECK-NOT: arith.remsi
// CHECK: tensor.extract
// CHECK: return
func.func @conv_backward_data_stride1(%dy: tensor<2x4x5x5xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<2x4x6x6xf32> {
  %0 = dlc.ConvBackwardData %dy, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 1, 0>,
      dilations = array<i64: 1, 1>, group = 1 : si64}
      : (tensor<2x4x5x5xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %0 : tensor<2x4x6x6xf32>
}

// -----

// MaxPool: -inf padding, then one all-parallel op over the outputs that
// reads the 3x2 window's taps (unrolled) from the padded input and chains
// maximumf over them.
// CHECK-LABEL: func.func @maxpool
// CHECK-DAG: arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[XP:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x11x8xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<2x3x5x4xf32>)
// CHECK-COUNT-6: tensor.extract %[[XP]]
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @maxpool(%x: tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32> {
  %0 = dlc.MaxPool %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x9x8xf32>) -> tensor<2x3x5x4xf32>
  return %0 : tensor<2x3x5x4xf32>
}

// -----

// MaxPoolGrad: the argmax offset kh kW + kw per window, one all-parallel op
// reading the 3x2 taps in order (strictly greater wins: the first max), then
// a gather of dY where the offset matches.
// CHECK-LABEL: func.func @maxpool_grad
// CHECK: %[[ARG:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<2x3x5x4xi64>)
// CHECK-COUNT-5: arith.cmpf ogt
// CHECK-NOT: arith.cmpf
// CHECK: linalg.yield %{{.*}} : i64
// CHECK: linalg.generic
// CHECK: tensor.extract %[[ARG]]
// CHECK: arith.select
func.func @maxpool_grad(%dy: tensor<2x3x5x4xf32>, %x: tensor<2x3x9x8xf32>) -> tensor<2x3x9x8xf32> {
  %0 = dlc.MaxPoolGrad %dy, %x {kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x5x4xf32>, tensor<2x3x9x8xf32>) -> tensor<2x3x9x8xf32>
  return %0 : tensor<2x3x9x8xf32>
}
