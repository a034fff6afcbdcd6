// dlc-convert-to-linalg of the broadcasting binary ops and the activations: one all-parallel linalg.generic each, broadcasting in the indexing maps.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Same shapes: identity maps everywhere.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @add_same
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3x4xf32>, tensor<2x3x4xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: dlc.
func.func @add_same(%a: tensor<2x3x4xf32>, %b: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Add %a, %b : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// [2, 3, 4] + [3, 1]: the missing leading dimension is dropped from B's map,
// its size-1 dimension reads index 0. No broadcast copy is materialized.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$BC:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4xf32>, %[[B:.*]]: tensor<3x1xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$BC]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3x4xf32>, tensor<3x1xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Add %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// The lower-rank operand first: [4] - [2, 3, 4] reads A at d2 only.
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @sub_leading
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<2x3x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$LAST]], #[[$ID3]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4xf32>, tensor<2x3x4xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.subf %[[X]], %[[Y]] : f32
func.func @sub_leading(%a: tensor<4xf32>, %b: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Sub %a, %b : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// An outer product by broadcasting: [4, 1] * [1, 3] -> [4, 3].
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @mul_outer
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: outs(%[[E]] : tensor<4x3xf32>)
// CHECK: arith.mulf
// CHECK: -> tensor<4x3xf32>
func.func @mul_outer(%a: tensor<4x1xf32>, %b: tensor<1x3xf32>) -> tensor<4x3xf32> {
  %0 = dlc.Mul %a, %b : (tensor<4x1xf32>, tensor<1x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// A size-1 dimension that is also size 1 in the result keeps its loop index.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$R:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @mul_unit_result
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$R]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x3xf64>, tensor<3xf64>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f64
func.func @mul_unit_result(%a: tensor<1x3xf64>, %b: tensor<3xf64>) -> tensor<1x3xf64> {
  %0 = dlc.Mul %a, %b : (tensor<1x3xf64>, tensor<3xf64>) -> tensor<1x3xf64>
  return %0 : tensor<1x3xf64>
}

// -----

// A rank-0 operand has an empty map.
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @div_scalar
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf64>, %[[S:.*]]: tensor<f64>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$SCALAR]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[S]] : tensor<2x3xf64>, tensor<f64>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f64, %[[Y:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: arith.divf %[[X]], %[[Y]] : f64
func.func @div_scalar(%a: tensor<2x3xf64>, %s: tensor<f64>) -> tensor<2x3xf64> {
  %0 = dlc.Div %a, %s : (tensor<2x3xf64>, tensor<f64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

// Rank-0 result: a generic with no loops.
// CHECK-DAG: #[[$S:.*]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @add_rank0
// CHECK: linalg.generic {indexing_maps = [#[[$S]], #[[$S]], #[[$S]]], iterator_types = []}
// CHECK: arith.addf
// CHECK: -> tensor<f32>
func.func @add_rank0(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %0 = dlc.Add %a, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// relu(x) = x > 0 ? x : 0
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @relu
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[POS:.*]] = arith.cmpf ogt, %[[X]], %[[ZERO]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[POS]], %[[X]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @relu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dlc.Relu %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @relu_f64
// CHECK: ^bb0(%[[X:.*]]: f64, %{{.*}}: f64):
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: arith.cmpf ogt, %[[X]], %[[ZERO]] : f64
// CHECK: arith.select
// CHECK: -> tensor<4xf64>
func.func @relu_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = dlc.Relu %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// leaky_relu(x) = x >= 0 ? x : alpha x, with the op's alpha.
// CHECK-LABEL: func.func @leaky_relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 2.000000e-01 : f32
// CHECK-DAG: %[[SCALED:.*]] = arith.mulf %[[X]], %[[ALPHA]] : f32
// CHECK-DAG: %[[POS:.*]] = arith.cmpf oge, %[[X]], %[[ZERO]] : f32
// CHECK: %[[R:.*]] = arith.select %[[POS]], %[[X]], %[[SCALED]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @leaky_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.LeakyRelu %x {alpha = 0.2 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The default alpha is 0.01.
// CHECK-LABEL: func.func @leaky_relu_default
// CHECK: arith.constant 0.00999999977 : f32
// CHECK: arith.cmpf oge
func.func @leaky_relu_default(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.LeakyRelu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// elu(x) = x > 0 ? x : alpha (exp(x) - 1), through math.expm1 for accuracy near 0.
// CHECK-LABEL: func.func @elu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[EM1:.*]] = math.expm1 %[[X]] : f32
// CHECK-DAG: %[[NEG:.*]] = arith.mulf %[[EM1]], %[[ALPHA]] : f32
// CHECK-DAG: %[[POS:.*]] = arith.cmpf ogt, %[[X]], %[[ZERO]] : f32
// CHECK: %[[R:.*]] = arith.select %[[POS]], %[[X]], %[[NEG]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: math.exp
func.func @elu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Elu %x {alpha = 0.5 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @elu_f64
// CHECK: math.expm1 %{{.*}} : f64
// CHECK: arith.select
// CHECK: -> tensor<4xf64>
func.func @elu_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = dlc.Elu %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// sigmoid(x) = 1 / (1 + exp(-x))
// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[NX:.*]] = arith.negf %[[X]] : f32
// CHECK: %[[E:.*]] = math.exp %[[NX]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[ONE]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Sigmoid %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @tanh
// CHECK: ^bb0(%[[X:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[R:.*]] = math.tanh %[[X]] : f64
// CHECK-NEXT: linalg.yield %[[R]] : f64
func.func @tanh(%x: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %0 = dlc.Tanh %x : tensor<2x2xf64>
  return %0 : tensor<2x2xf64>
}

// -----

// gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), exact by default.
// CHECK-LABEL: func.func @gelu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[RSQRT2:.*]] = arith.constant 0.707106769 : f32
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[RSQRT2]] : f32
// CHECK-NEXT: %[[ERF:.*]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[HX:.*]] = arith.mulf %[[HALF]], %[[X]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.addf %[[ONE]], %[[ERF]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[HX]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK-NOT: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Gelu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// approximate = "tanh": 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[X2:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT: %[[X3:.*]] = arith.mulf %[[X2]], %[[X]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.constant 4.471500e-02 : f32
// CHECK-NEXT: %[[T:.*]] = arith.mulf %[[X3]], %[[C]] : f32
// CHECK-NEXT: %[[POLY:.*]] = arith.addf %[[X]], %[[T]] : f32
// CHECK-NEXT: %[[K:.*]] = arith.constant 0.797884583 : f32
// CHECK-NEXT: %[[ARG:.*]] = arith.mulf %[[POLY]], %[[K]] : f32
// CHECK-NEXT: %[[TH:.*]] = math.tanh %[[ARG]] : f32
// CHECK: arith.addf %{{.*}}, %[[TH]] : f32
// CHECK-NOT: math.erf
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Gelu %x {approximate = "tanh"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The f64 constants keep double precision.
// CHECK-LABEL: func.func @gelu_f64
// CHECK: arith.constant 0.70710678118654757 : f64
// CHECK: math.erf %{{.*}} : f64
func.func @gelu_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = dlc.Gelu %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// A chain stays a chain of generics on tensors (fusion is later).
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: ins(%[[A]] : tensor<2x3xf32>)
// CHECK: arith.cmpf ogt
// CHECK: return %[[R]] : tensor<2x3xf32>
func.func @chain(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dlc.Add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.Relu %0 : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
