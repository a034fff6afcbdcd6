// Round trip of the math ops (DlcMathOps.td), custom and generic form: printed form, attributes, default elision, inferred types.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<4x3xf32>, %d: tensor<2xf64>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>) {
  // CHECK: dlc.Neg %{{.*}} : tensor<4x3xf32>
  %0 = dlc.Neg %x : tensor<4x3xf32>
  // CHECK: dlc.Abs %{{.*}} : tensor<4x3xf32>
  %1 = dlc.Abs %x : tensor<4x3xf32>
  // CHECK: dlc.Exp %{{.*}} : tensor<4x3xf32>
  %2 = dlc.Exp %x : tensor<4x3xf32>
  // CHECK: dlc.Log %{{.*}} : tensor<4x3xf32>
  %3 = dlc.Log %x : tensor<4x3xf32>
  // CHECK: dlc.Sqrt %{{.*}} : tensor<4x3xf32>
  %4 = dlc.Sqrt %x : tensor<4x3xf32>
  // CHECK: dlc.Reciprocal %{{.*}} : tensor<2xf64>
  %5 = dlc.Reciprocal %d : tensor<2xf64>
  // Defaults elided, explicit values kept.
  // CHECK: dlc.Selu %{{.*}} : tensor<4x3xf32>
  %6 = dlc.Selu %x : tensor<4x3xf32>
  // CHECK: dlc.Selu %{{.*}} {alpha = 2.000000e+00 : f64, gamma = 5.000000e-01 : f64} : tensor<4x3xf32>
  %7 = dlc.Selu %x {alpha = 2.0 : f64, gamma = 0.5 : f64} : tensor<4x3xf32>
  // CHECK: dlc.HardSigmoid %{{.*}} {alpha = 5.000000e-01 : f64} : tensor<4x3xf32>
  %8 = dlc.HardSigmoid %x {alpha = 0.5 : f64, beta = 0.5 : f64} : tensor<4x3xf32>
  // CHECK: dlc.Softplus %{{.*}} : tensor<4x3xf32>
  %9 = dlc.Softplus %x : tensor<4x3xf32>
  // CHECK: dlc.Clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<2xf64>
  %10 = dlc.Clip %d {min = 0.0 : f64, max = 6.0 : f64} : tensor<2xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<2xf64>
}

// CHECK-LABEL: func.func @clip_optional
func.func @clip_optional(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  // CHECK: dlc.Clip %{{.*}} : tensor<3xf32>
  %0 = dlc.Clip %x : tensor<3xf32>
  // CHECK: dlc.Clip %{{.*}} {min = -1.000000e+00 : f64} : tensor<3xf32>
  %1 = dlc.Clip %x {min = -1.0 : f64} : tensor<3xf32>
  // CHECK: dlc.Clip %{{.*}} {max = 1.000000e+00 : f64} : tensor<3xf32>
  %2 = dlc.Clip %x {max = 1.0 : f64} : tensor<3xf32>
  return %0, %1, %2 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<4x3xf32>, %b: tensor<3xf32>, %s: tensor<f64>, %t: tensor<2x1xf64>) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<2x1xf64>) {
  // CHECK: dlc.Pow %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %0 = dlc.Pow %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Max %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %1 = dlc.Max %b, %a : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Min %{{.*}}, %{{.*}} : (tensor<f64>, tensor<2x1xf64>) -> tensor<2x1xf64>
  %2 = dlc.Min %s, %t : (tensor<f64>, tensor<2x1xf64>) -> tensor<2x1xf64>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<2x1xf64>
}

// CHECK-LABEL: func.func @compare_where
func.func @compare_where(%a: tensor<4x3xf32>, %b: tensor<3xf32>, %i: tensor<2x1xi64>, %j: tensor<5xi64>, %c: tensor<4x1xi1>, %y: tensor<f32>) -> (tensor<4x3xi1>, tensor<4x3xi1>, tensor<2x5xi1>, tensor<4x3xf32>, tensor<2x5xi64>) {
  // CHECK: dlc.Equal %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %0 = dlc.Equal %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  // CHECK: dlc.Less %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  %1 = dlc.Less %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
  // CHECK: dlc.Greater %{{.*}}, %{{.*}} : (tensor<2x1xi64>, tensor<5xi64>) -> tensor<2x5xi1>
  %2 = dlc.Greater %i, %j : (tensor<2x1xi64>, tensor<5xi64>) -> tensor<2x5xi1>
  // Three-way broadcasting.
  // CHECK: dlc.Where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %3 = dlc.Where %c, %b, %y : (tensor<4x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
  // CHECK: dlc.Where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x5xi1>, tensor<2x1xi64>, tensor<5xi64>) -> tensor<2x5xi64>
  %4 = dlc.Where %2, %i, %j : (tensor<2x5xi1>, tensor<2x1xi64>, tensor<5xi64>) -> tensor<2x5xi64>
  return %0, %1, %2, %3, %4 : tensor<4x3xi1>, tensor<4x3xi1>, tensor<2x5xi1>, tensor<4x3xf32>, tensor<2x5xi64>
}

// CHECK-LABEL: func.func @cast
func.func @cast(%x: tensor<4xf32>) -> (tensor<4xf64>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xi8>, tensor<4xui8>, tensor<4xf32>) {
  // CHECK: dlc.Cast %{{.*}} {to = 11 : si64} : (tensor<4xf32>) -> tensor<4xf64>
  %0 = dlc.Cast %x {to = 11 : si64} : (tensor<4xf32>) -> tensor<4xf64>
  // CHECK: dlc.Cast %{{.*}} {to = 7 : si64} : (tensor<4xf32>) -> tensor<4xi64>
  %1 = dlc.Cast %x {to = 7 : si64} : (tensor<4xf32>) -> tensor<4xi64>
  // CHECK: dlc.Cast %{{.*}} {to = 6 : si64} : (tensor<4xi64>) -> tensor<4xi32>
  %2 = dlc.Cast %1 {to = 6 : si64} : (tensor<4xi64>) -> tensor<4xi32>
  // CHECK: dlc.Cast %{{.*}} {to = 9 : si64} : (tensor<4xf32>) -> tensor<4xi1>
  %3 = dlc.Cast %x {to = 9 : si64} : (tensor<4xf32>) -> tensor<4xi1>
  // CHECK: dlc.Cast %{{.*}} {to = 3 : si64} : (tensor<4xf32>) -> tensor<4xi8>
  %4 = dlc.Cast %x {to = 3 : si64} : (tensor<4xf32>) -> tensor<4xi8>
  // CHECK: dlc.Cast %{{.*}} {to = 2 : si64} : (tensor<4xf32>) -> tensor<4xui8>
  %5 = dlc.Cast %x {to = 2 : si64} : (tensor<4xf32>) -> tensor<4xui8>
  // CHECK: dlc.Cast %{{.*}} {to = 1 : si64} : (tensor<4xi1>) -> tensor<4xf32>
  %6 = "dlc.Cast"(%3) <{to = 1 : si64}> : (tensor<4xi1>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf64>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xi8>, tensor<4xui8>, tensor<4xf32>
}
