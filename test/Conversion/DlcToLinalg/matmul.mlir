// dlc-convert-to-linalg of Gemm and MatMul: a zero-filled linalg.generic contraction, transposes and batch broadcasting in the maps, Gemm's alpha/beta/C as an epilogue only when needed.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Plain Gemm without C: loops (m, k, n) (the row of B and Y innermost), no epilogue.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<4x5xf32>) -> tensor<4x5xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x3xf32>, tensor<3x5xf32>) outs(%[[ACC]] : tensor<4x5xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[W:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[W]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[O]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NEXT: } -> tensor<4x5xf32>
// CHECK-NEXT: return %[[R]] : tensor<4x5xf32>
func.func @gemm(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// transA reads A[k, m]; transB reads B[n, k]. Nothing is transposed in memory.
// CHECK-DAG: #[[$AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @gemm_trans
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[$AT]], #[[$BT]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<5x3xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @gemm_trans(%a: tensor<3x4xf32>, %b: tensor<5x3xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b {transA = true, transB = true} : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// transB alone (the usual dense layer): k, contiguous in both operands, stays
// innermost, and its sum may be reassociated so that LLVM vectorizes it.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @gemm_transb
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$BT]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
func.func @gemm_transb(%a: tensor<4x3xf32>, %b: tensor<5x3xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b {transB = true} : (tensor<4x3xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// C with alpha = beta = 1: the epilogue adds C, broadcast through its map, with no multiplications.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_bias
// CHECK-SAME: (%{{.*}}: tensor<4x3xf32>, %{{.*}}: tensor<3x5xf32>, %[[C:.*]]: tensor<5xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x5xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[ACC]], %[[C]] : tensor<4x5xf32>, tensor<5xf32>) outs(%[[E]] : tensor<4x5xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @gemm_bias(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b, %c : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// alpha and beta both scale; a column C of shape [M, 1] reads index 0 in n.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @gemm_alpha_beta
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: tensor<4x5xf64>, tensor<4x1xf64>
// CHECK-NEXT: ^bb0(%[[X:.*]]: f64, %[[Y:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 2.000000e+00 : f64
// CHECK-NEXT: %[[AX:.*]] = arith.mulf %[[X]], %[[ALPHA]] : f64
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 5.000000e-01 : f64
// CHECK-NEXT: %[[BY:.*]] = arith.mulf %[[Y]], %[[BETA]] : f64
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[AX]], %[[BY]] : f64
// CHECK-NEXT: linalg.yield %[[S]] : f64
func.func @gemm_alpha_beta(%a: tensor<4x3xf64>, %b: tensor<3x5xf64>, %c: tensor<4x1xf64>) -> tensor<4x5xf64> {
  %0 = dlc.Gemm %a, %b, %c {alpha = 2.0 : f64, beta = 0.5 : f64} : (tensor<4x3xf64>, tensor<3x5xf64>, tensor<4x1xf64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// alpha without C: the epilogue only scales.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gemm_alpha
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[ACC]] : tensor<4x5xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[X]], %[[ALPHA]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @gemm_alpha(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b {alpha = 3.0 : f64} : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// beta = 0 drops C altogether: only the contraction remains, C is not read.
// CHECK-LABEL: func.func @gemm_beta_zero
// CHECK-SAME: %[[C:[^:]*]]: tensor<4x5xf32>)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-NOT: linalg.generic
// CHECK-NOT: %[[C]]
// CHECK: return %[[R]]
func.func @gemm_beta_zero(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b, %c {beta = 0.0 : f64} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// beta = 0 with alpha != 1: the epilogue scales but still ignores C.
// CHECK-LABEL: func.func @gemm_beta_zero_alpha
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[ACC]] : tensor<4x5xf32>)
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: linalg.yield
func.func @gemm_beta_zero_alpha(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b, %c {alpha = 0.5 : f64, beta = 0.0 : f64} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// A scalar C (rank 0) broadcasts through an empty map.
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @gemm_scalar_c
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$S]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: tensor<4x5xf32>, tensor<f32>
func.func @gemm_scalar_c(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<f32>) -> tensor<4x5xf32> {
  %0 = dlc.Gemm %a, %b, %c : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// MatMul of two matrices: the same contraction as Gemm.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
func.func @matmul(%a: tensor<4x3xf64>, %b: tensor<3x5xf64>) -> tensor<4x5xf64> {
  %0 = dlc.MatMul %a, %b : (tensor<4x3xf64>, tensor<3x5xf64>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

// 1-D A: no m loop; loops (k, n).
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_vec_a
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<5xf32>)
func.func @matmul_vec_a(%a: tensor<3xf32>, %b: tensor<3x5xf32>) -> tensor<5xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// 1-D B: no n loop; loops (m, k).
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @matmul_vec_b
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<4xf32>)
func.func @matmul_vec_b(%a: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<4xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// 1-D x 1-D: a dot product into a rank-0 accumulator; the only loop reduces.
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @matmul_dot
// CHECK: %[[E:.*]] = tensor.empty() : tensor<f32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<f32>) -> tensor<f32>
// CHECK: linalg.generic {indexing_maps = [#[[$V]], #[[$V]], #[[$S]]], iterator_types = ["reduction"]}
// CHECK-SAME: outs(%[[ACC]] : tensor<f32>)
func.func @matmul_dot(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
  %0 = dlc.MatMul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Batch dimensions broadcast: [2, 1, 4, 3] x [5, 3, 6] -> [2, 5, 4, 6].
// Loops (b0, b1, m, k, n): A's size-1 batch dimension reads 0, B has no b0.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x1x4x3xf32>, tensor<5x3x6xf32>)
// CHECK-SAME: outs(%{{.*}} : tensor<2x5x4x6xf32>)
func.func @matmul_batch_broadcast(%a: tensor<2x1x4x3xf32>, %b: tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<2x1x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x5x4x6xf32>
  return %0 : tensor<2x5x4x6xf32>
}

// -----

// A batched A against a plain matrix B: B's map has no batch dimension.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @matmul_batch_matrix
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @matmul_batch_matrix(%a: tensor<8x4x3xf32>, %b: tensor<3x5xf32>) -> tensor<8x4x5xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<8x4x3xf32>, tensor<3x5xf32>) -> tensor<8x4x5xf32>
  return %0 : tensor<8x4x5xf32>
}

// -----

// 1-D A against a batched B: loops (b, n, k).
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul_vec_batched
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<6x5xf32>)
func.func @matmul_vec_batched(%a: tensor<3xf32>, %b: tensor<6x3x5xf32>) -> tensor<6x5xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<3xf32>, tensor<6x3x5xf32>) -> tensor<6x5xf32>
  return %0 : tensor<6x5xf32>
}

// -----

// A batched A against a 1-D B: loops (b, m, k).
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[$Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_batched_vec
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x4xf32>)
func.func @matmul_batched_vec(%a: tensor<2x4x3xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  %0 = dlc.MatMul %a, %b : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
