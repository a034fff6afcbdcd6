// dlc-convert-to-linalg of Conv, whole: im2col into a fresh [N, K, P] tensor, the filter reshaped to [M, K], one batched contraction in the form the GEMM codegen takes (out + A*B, one reduction loop, the row of col and Y innermost), the bias added to the product by a separate generic (which the GEMM codegen takes as its epilogue), then the result reshaped to NCHW.
// RUN: dlc-opt %s -dlc-convert-to-linalg | FileCheck %s

// X [2, 3, 6, 5], W [4, 3, 3, 2], pads (1, 0, 1, 0), stride 1: Xpad
// [2, 3, 8, 5], Y [2, 4, 6, 4], K = 3*3*2 = 18, P = 6*4 = 24.
// CHECK-DAG: #[[$ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$XCOL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1 + d4, d2 + d5)>
// CHECK-DAG: #[[$COLW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2, d4, d5)>
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$BIAS:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x6x5xf32>, %[[W:.*]]: tensor<4x3x3x2xf32>, %[[BV:.*]]: tensor<4xf32>)
// The padding: X read at a clamped index, 0 outside.
// CHECK: %[[XP:.*]] = linalg.generic {indexing_maps = [#[[$ID4]]]{{.*}} outs(%{{.*}} : tensor<2x3x8x5xf32>)
// CHECK: tensor.extract %[[X]]
// im2col: a plain copy into [N, C, kH, kW, oH, oW] over loops
// (n, kh, kw, c, oh, ow), collapsed to [N, K, P].
// CHECK: %[[COL6:.*]] = linalg.generic {indexing_maps = [#[[$XCOL]], #[[$COLW]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[XP]] : tensor<2x3x8x5xf32>) outs(%{{.*}} : tensor<2x3x3x2x6x4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COL6]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<2x3x3x2x6x4xf32> into tensor<2x18x24xf32>
// CHECK: %[[WM:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : tensor<4x3x3x2xf32> into tensor<4x18xf32>
// The contraction Y'[n, m, p] = sum_k W'[m, k] col[n, k, p], nest (n, m, k, p).
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x24xf32>)
// CHECK: %[[YM:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[WM]], %[[COL]] : tensor<4x18xf32>, tensor<2x18x24xf32>) outs(%[[ACC]] : tensor<2x4x24xf32>)
// CHECK-NEXT: ^bb0(%[[IA:.*]]: f32, %[[IB:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[IA]], %[[IB]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[O]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// The bias, on the product, then the reshape to NCHW.
// CHECK: %[[YB:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$BIAS]], #[[$ID3]]]{{.*}} ins(%[[YM]], %[[BV]] : tensor<2x4x24xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[YB]] {{\[\[}}0], [1], [2, 3]] output_shape [2, 4, 6, 4] : tensor<2x4x24xf32> into tensor<2x4x6x4xf32>
// CHECK: return %[[Y]]
func.func @conv(%x: tensor<2x3x6x5xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x4xf32> {
  %0 = dlc.Conv %x, %w, %b {pads = array<i64: 1, 0, 1, 0>}
      : (tensor<2x3x6x5xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<2x4x6x4xf32>
  return %0 : tensor<2x4x6x4xf32>
}
