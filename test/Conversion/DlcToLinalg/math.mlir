// dlc-convert-to-linalg of the math ops (DlcMathOps.td): one all-parallel linalg.generic each, broadcasting in the indexing maps, the scalar formula in arith/math ops.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @unary
// CHECK: linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic
// CHECK: math.absf
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: math.log
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK: linalg.generic
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: arith.divf %[[ONE]], %{{.*}} : f64
// CHECK-NOT: dlc.
func.func @unary(%x: tensor<4x3xf32>, %d: tensor<2xf64>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>) {
  %0 = dlc.Neg %x : tensor<4x3xf32>
  %1 = dlc.Abs %x : tensor<4x3xf32>
  %2 = dlc.Exp %x : tensor<4x3xf32>
  %3 = dlc.Log %x : tensor<4x3xf32>
  %4 = dlc.Sqrt %x : tensor<4x3xf32>
  %5 = dlc.Reciprocal %d : tensor<2xf64>
  return %0, %1, %2, %3, %4, %5 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>
}

// -----

// selu(x) = gamma (x > 0 ? x : alpha expm1(x)) with the ONNX defaults.
// CHECK-LABEL: func.func @selu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[E:.*]] = math.expm1 %[[X]] : f32
// CHECK: %[[A:.*]] = arith.constant 1.67326319 : f32
// CHECK: %[[N:.*]] = arith.mulf %[[E]], %[[A]] : f32
// CHECK: %[[P:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : f32
// CHECK: %[[S:.*]] = arith.select %[[P]], %[[X]], %[[N]] : f32
// CHECK: %[[G:.*]] = arith.constant 1.05070102 : f32
// CHECK: %[[R:.*]] = arith.mulf %[[S]], %[[G]] : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @selu(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = dlc.Selu %x : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// hard_sigmoid(x) = max(min(alpha x + beta, 1), 0)
// CHECK-LABEL: func.func @hardsigmoid
// CHECK: arith.constant 5.000000e-01 : f64
// CHECK: arith.mulf
// CHECK: arith.constant 2.500000e-01 : f64
// CHECK: arith.addf
// CHECK: arith.minimumf
// CHECK: arith.maximumf
func.func @hardsigmoid(%x: tensor<5xf64>) -> tensor<5xf64> {
  %0 = dlc.HardSigmoid %x {alpha = 0.5 : f64, beta = 0.25 : f64} : tensor<5xf64>
  return %0 : tensor<5xf64>
}

// -----

// softplus(x) = max(x, 0) + log1p(exp(-|x|))
// CHECK-LABEL: func.func @softplus
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[R:.*]] = arith.maximumf %[[X]], %{{.*}} : f32
// CHECK: %[[A:.*]] = math.absf %[[X]] : f32
// CHECK: %[[N:.*]] = arith.negf %[[A]] : f32
// CHECK: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK: %[[L:.*]] = math.log1p %[[E]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[R]], %[[L]] : f32
// CHECK: linalg.yield %[[S]] : f32
func.func @softplus(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = dlc.Softplus %x : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @binary
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: math.powf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID]], #[[$ID]]]
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: linalg.generic
// CHECK: arith.minimumf %{{.*}}, %{{.*}} : f32
func.func @binary(%a: tensor<4x3xf32>, %b: tensor<3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = dlc.Pow %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = dlc.Max %b, %a : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %2 = dlc.Min %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// Ordered float compares; signed integer compares.
// CHECK-LABEL: func.func @compare
// CHECK: outs(%{{.*}} : tensor<4x3xi1>)
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: i1):
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpf olt
// CHECK: arith.cmpi sgt, %{{.*}}, %{{.*}} : i64
func.func @compare(%a: tensor<4x3xf32>, %b: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<4x3xi1>, tensor<4x3xi1>, tensor<3xi1>) {
  %0 = dlc.Equal %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %1 = dlc.Less %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %2 = dlc.Greater %i, %i : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi1>
  return %0, %1, %2 : tensor<4x3xi1>, tensor<4x3xi1>, tensor<3xi1>
}

// -----

// Three-way broadcasting: [4, 1] ? [3] : [].
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @where
// CHECK: linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$SCALAR]], #[[$ID]]]
// CHECK: ^bb0(%[[C:.*]]: i1, %[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.select %[[C]], %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
func.func @where(%c: tensor<4x1xi1>, %x: tensor<3xf32>, %y: tensor<f32>) -> tensor<4x3xf32> {
  %0 = dlc.Where %c, %x, %y : (tensor<4x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.fptosi %{{.*}} : f32 to i64
// CHECK: arith.sitofp %{{.*}} : i64 to f32
// CHECK: arith.trunci %{{.*}} : i64 to i32
// CHECK: arith.cmpf une, %{{.*}}, %{{.*}} : f32
// CHECK: arith.extui %{{.*}} : i1 to i64
// CHECK: arith.uitofp %{{.*}} : i1 to f64
func.func @cast(%x: tensor<4xf32>, %d: tensor<4xf64>, %i: tensor<4xi64>, %c: tensor<4xi1>)
    -> (tensor<4xf64>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>, tensor<4xf64>) {
  %0 = dlc.Cast %x {to = 11 : si64} : (tensor<4xf32>) -> tensor<4xf64>
  %1 = dlc.Cast %d {to = 1 : si64} : (tensor<4xf64>) -> tensor<4xf32>
  %2 = dlc.Cast %x {to = 7 : si64} : (tensor<4xf32>) -> tensor<4xi64>
  %3 = dlc.Cast %i {to = 1 : si64} : (tensor<4xi64>) -> tensor<4xf32>
  %4 = dlc.Cast %i {to = 6 : si64} : (tensor<4xi64>) -> tensor<4xi32>
  %5 = dlc.Cast %x {to = 9 : si64} : (tensor<4xf32>) -> tensor<4xi1>
  %6 = dlc.Cast %c {to = 7 : si64} : (tensor<4xi1>) -> tensor<4xi64>
  %7 = dlc.Cast %c {to = 11 : si64} : (tensor<4xi1>) -> tensor<4xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xf64>, tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi32>, tensor<4xi1>, tensor<4xi64>, tensor<4xf64>
}

// -----

// Each bound only when given.
// CHECK-LABEL: func.func @clip
// CHECK: arith.maximumf
// CHECK-NEXT: arith.constant 6.000000e+00 : f32
// CHECK-NEXT: arith.minimumf
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[X]], %[[LO]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: ^bb0(%[[X2:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[X2]] : f32
func.func @clip(%x: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = dlc.Clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4x3xf32>
  %1 = dlc.Clip %x {min = -1.0 : f64} : tensor<4x3xf32>
  %2 = dlc.Clip %x : tensor<4x3xf32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}
