// Round trip of every dlc op (custom and generic form): printed form, attributes, default elision, inferred types.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3x5xf32>, %[[C:.*]]: tensor<5xf32>, %[[AT:.*]]: tensor<3x4xf32>, %[[BT:.*]]: tensor<5x3xf32>, %[[C2:.*]]: tensor<4x1xf32>)
func.func @gemm(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xf32>,
                %at: tensor<3x4xf32>, %bt: tensor<5x3xf32>, %c2: tensor<4x1xf32>)
    -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) {
  // Without C; attributes spelled at their defaults are elided.
  // CHECK: dlc.Gemm %[[A]], %[[B]] : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  // GENERIC: "dlc.Gemm"(%{{.*}}, %{{.*}}) <{alpha = 1.000000e+00 : f64, beta = 1.000000e+00 : f64, transA = false, transB = false}> : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %0 = dlc.Gemm %a, %b {alpha = 1.0 : f64, transA = false} : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  // With C (a row broadcast over M) and non-default alpha/beta.
  // CHECK: dlc.Gemm %[[A]], %[[B]], %[[C]] {alpha = 5.000000e-01 : f64, beta = 2.000000e+00 : f64} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  // GENERIC: "dlc.Gemm"(%{{.*}}, %{{.*}}, %{{.*}}) <{alpha = 5.000000e-01 : f64, beta = 2.000000e+00 : f64, transA = false, transB = false}>
  %1 = dlc.Gemm %a, %b, %c {alpha = 0.5 : f64, beta = 2.0 : f64} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  // transA and transB.
  // CHECK: dlc.Gemm %[[AT]], %[[BT]] {transA = true, transB = true} : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  %2 = dlc.Gemm %at, %bt {transA = true, transB = true} : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  // A column C of shape [M, 1].
  // CHECK: dlc.Gemm %[[A]], %[[BT]], %[[C2]] {transB = true} : (tensor<4x3xf32>, tensor<5x3xf32>, tensor<4x1xf32>) -> tensor<4x5xf32>
  %3 = dlc.Gemm %a, %bt, %c2 {transB = true} : (tensor<4x3xf32>, tensor<5x3xf32>, tensor<4x1xf32>) -> tensor<4x5xf32>
  // Generic form in the input.
  // CHECK: dlc.Gemm %[[AT]], %[[B]] {transA = true} : (tensor<3x4xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %4 = "dlc.Gemm"(%at, %b) <{transA = true}> : (tensor<3x4xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0, %1, %2, %3, %4 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>
}

// CHECK-LABEL: func.func @gemm_f64
// CHECK: dlc.Gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xf64>, tensor<3x4xf64>, tensor<f64>) -> tensor<2x4xf64>
func.func @gemm_f64(%a: tensor<2x3xf64>, %b: tensor<3x4xf64>, %c: tensor<f64>) -> tensor<2x4xf64> {
  %0 = dlc.Gemm %a, %b, %c : (tensor<2x3xf64>, tensor<3x4xf64>, tensor<f64>) -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// CHECK-LABEL: func.func @matmul
func.func @matmul(%m: tensor<4x3xf32>, %n: tensor<3x5xf32>, %v3: tensor<3xf32>, %v5: tensor<5xf32>,
                  %batched: tensor<8x1x4x3xf32>, %b2: tensor<6x3x5xf32>, %d: tensor<3x5xf64>, %e: tensor<2x4x3xf64>) {
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %0 = dlc.MatMul %m, %n : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  // 1-D A: the prepended unit dimension is removed from the result.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  %1 = dlc.MatMul %v3, %n : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  // 1-D B: the appended unit dimension is removed from the result.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3xf32>
  %2 = dlc.MatMul %n, %v5 : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3xf32>
  // 1-D x 1-D: a dot product, rank 0.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %3 = dlc.MatMul %v3, %v3 : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  // Batch dimensions broadcast: [8, 1] x [6] -> [8, 6].
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<8x1x4x3xf32>, tensor<6x3x5xf32>) -> tensor<8x6x4x5xf32>
  %4 = dlc.MatMul %batched, %b2 : (tensor<8x1x4x3xf32>, tensor<6x3x5xf32>) -> tensor<8x6x4x5xf32>
  // A batched operand against a plain matrix.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<8x1x4x3xf32>, tensor<3x5xf32>) -> tensor<8x1x4x5xf32>
  %5 = dlc.MatMul %batched, %n : (tensor<8x1x4x3xf32>, tensor<3x5xf32>) -> tensor<8x1x4x5xf32>
  // 1-D A against a batched B keeps the batch.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<6x3x5xf32>) -> tensor<6x5xf32>
  %6 = dlc.MatMul %v3, %b2 : (tensor<3xf32>, tensor<6x3x5xf32>) -> tensor<6x5xf32>
  // f64.
  // CHECK: dlc.MatMul %{{.*}}, %{{.*}} : (tensor<2x4x3xf64>, tensor<3x5xf64>) -> tensor<2x4x5xf64>
  %7 = dlc.MatMul %e, %d : (tensor<2x4x3xf64>, tensor<3x5xf64>) -> tensor<2x4x5xf64>
  return
}

// CHECK-LABEL: func.func @binary
func.func @binary(%x: tensor<4x3xf32>, %row: tensor<3xf32>, %col: tensor<4x1xf32>, %s: tensor<f32>,
                  %d: tensor<2x1x3xf64>, %e: tensor<5x1xf64>) {
  // CHECK: dlc.Add %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %0 = dlc.Add %x, %x : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Sub %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = dlc.Sub %x, %row : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Mul %{{.*}}, %{{.*}} : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %2 = dlc.Mul %col, %row : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Div %{{.*}}, %{{.*}} : (tensor<f32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %3 = dlc.Div %s, %x : (tensor<f32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  // CHECK: dlc.Add %{{.*}}, %{{.*}} : (tensor<2x1x3xf64>, tensor<5x1xf64>) -> tensor<2x5x3xf64>
  %4 = dlc.Add %d, %e : (tensor<2x1x3xf64>, tensor<5x1xf64>) -> tensor<2x5x3xf64>
  // Generic form.
  // CHECK: dlc.Mul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %5 = "dlc.Mul"(%row, %x) : (tensor<3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x3xf32>, %d: tensor<4xf64>) {
  // CHECK: dlc.Relu %{{.*}} : tensor<2x3xf32>
  %0 = dlc.Relu %x : tensor<2x3xf32>
  // Default alpha (0.01) elided, others kept.
  // CHECK: dlc.LeakyRelu %{{.*}} : tensor<2x3xf32>
  // GENERIC: "dlc.LeakyRelu"(%{{.*}}) <{alpha = 1.000000e-02 : f64}>
  %1 = dlc.LeakyRelu %x : tensor<2x3xf32>
  // CHECK: dlc.LeakyRelu %{{.*}} {alpha = 2.000000e-01 : f64} : tensor<2x3xf32>
  %2 = dlc.LeakyRelu %x {alpha = 0.2 : f64} : tensor<2x3xf32>
  // CHECK: dlc.Elu %{{.*}} : tensor<2x3xf32>
  // GENERIC: "dlc.Elu"(%{{.*}}) <{alpha = 1.000000e+00 : f64}>
  %3 = dlc.Elu %x {alpha = 1.0 : f64} : tensor<2x3xf32>
  // CHECK: dlc.Elu %{{.*}} {alpha = 5.000000e-01 : f64} : tensor<2x3xf32>
  %4 = dlc.Elu %x {alpha = 0.5 : f64} : tensor<2x3xf32>
  // CHECK: dlc.Sigmoid %{{.*}} : tensor<2x3xf32>
  %5 = dlc.Sigmoid %x : tensor<2x3xf32>
  // CHECK: dlc.Tanh %{{.*}} : tensor<2x3xf32>
  %6 = dlc.Tanh %x : tensor<2x3xf32>
  // CHECK: dlc.Gelu %{{.*}} : tensor<2x3xf32>
  // GENERIC: "dlc.Gelu"(%{{.*}}) <{approximate = "none"}>
  %7 = dlc.Gelu %x {approximate = "none"} : tensor<2x3xf32>
  // CHECK: dlc.Gelu %{{.*}} {approximate = "tanh"} : tensor<2x3xf32>
  %8 = dlc.Gelu %x {approximate = "tanh"} : tensor<2x3xf32>
  // CHECK: dlc.Relu %{{.*}} : tensor<4xf64>
  %9 = dlc.Relu %d : tensor<4xf64>
  // CHECK: dlc.Sigmoid %{{.*}} : tensor<4xf64>
  %10 = dlc.Sigmoid %d : tensor<4xf64>
  // CHECK: dlc.Gelu %{{.*}} {approximate = "tanh"} : tensor<4xf64>
  %11 = dlc.Gelu %d {approximate = "tanh"} : tensor<4xf64>
  // Generic form.
  // CHECK: dlc.Tanh %{{.*}} : tensor<4xf64>
  %12 = "dlc.Tanh"(%d) : (tensor<4xf64>) -> tensor<4xf64>
  return
}

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<2x3x4xf32>, %d: tensor<5xf64>) {
  // Default axis (-1) elided, with or without it spelled out.
  // CHECK: dlc.Softmax %{{.*}} : tensor<2x3x4xf32>
  // GENERIC: "dlc.Softmax"(%{{.*}}) <{axis = -1 : si64}>
  %0 = dlc.Softmax %x : tensor<2x3x4xf32>
  // CHECK: dlc.Softmax %{{.*}} : tensor<2x3x4xf32>
  %1 = dlc.Softmax %x {axis = -1 : si64} : tensor<2x3x4xf32>
  // CHECK: dlc.Softmax %{{.*}} {axis = 1 : si64} : tensor<2x3x4xf32>
  %2 = dlc.Softmax %x {axis = 1 : si64} : tensor<2x3x4xf32>
  // CHECK: dlc.LogSoftmax %{{.*}} : tensor<2x3x4xf32>
  %3 = dlc.LogSoftmax %x : tensor<2x3x4xf32>
  // CHECK: dlc.LogSoftmax %{{.*}} {axis = -3 : si64} : tensor<2x3x4xf32>
  %4 = dlc.LogSoftmax %x {axis = -3 : si64} : tensor<2x3x4xf32>
  // CHECK: dlc.Softmax %{{.*}} {axis = 0 : si64} : tensor<5xf64>
  %5 = dlc.Softmax %d {axis = 0 : si64} : tensor<5xf64>
  // Generic form with the attribute as property and as discardable-style dictionary.
  // CHECK: dlc.LogSoftmax %{{.*}} {axis = 2 : si64} : tensor<2x3x4xf32>
  %6 = "dlc.LogSoftmax"(%x) <{axis = 2 : si64}> : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: dlc.Softmax %{{.*}} {axis = 0 : si64} : tensor<2x3x4xf32>
  %7 = "dlc.Softmax"(%x) {axis = 0 : si64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return
}

// CHECK-LABEL: func.func @flatten
func.func @flatten(%x: tensor<2x3x4xf32>, %s: tensor<f32>, %i: tensor<2x3xi64>) {
  // Default axis (1) elided.
  // CHECK: dlc.Flatten %{{.*}} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  // GENERIC: "dlc.Flatten"(%{{.*}}) <{axis = 1 : si64}>
  %0 = dlc.Flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  // CHECK: dlc.Flatten %{{.*}} {axis = 0 : si64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  %1 = dlc.Flatten %x {axis = 0 : si64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  // CHECK: dlc.Flatten %{{.*}} {axis = 3 : si64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  %2 = dlc.Flatten %x {axis = 3 : si64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  // CHECK: dlc.Flatten %{{.*}} {axis = -1 : si64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %3 = dlc.Flatten %x {axis = -1 : si64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // Rank 0: axis 0 is the only valid one.
  // CHECK: dlc.Flatten %{{.*}} {axis = 0 : si64} : (tensor<f32>) -> tensor<1x1xf32>
  %4 = dlc.Flatten %s {axis = 0 : si64} : (tensor<f32>) -> tensor<1x1xf32>
  // Shape ops accept non-float elements.
  // CHECK: dlc.Flatten %{{.*}} {axis = 0 : si64} : (tensor<2x3xi64>) -> tensor<1x6xi64>
  %5 = dlc.Flatten %i {axis = 0 : si64} : (tensor<2x3xi64>) -> tensor<1x6xi64>
  return
}

// CHECK-LABEL: func.func @reshape
func.func @reshape(%x: tensor<2x3x4xf32>, %s: tensor<f32>, %d: tensor<6xf64>, %b: tensor<2x2xi1>) {
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %0 = dlc.Reshape %x {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // 0 copies the input dimension at that index; -1 is inferred.
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = dlc.Reshape %x {shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 0, 0, 2, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x2x2xf32>
  %2 = dlc.Reshape %x {shape = array<i64: 0, 0, 2, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x2x2xf32>
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %3 = dlc.Reshape %x {shape = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
  // To and from rank 0.
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 1, 1>} : (tensor<f32>) -> tensor<1x1xf32>
  %4 = dlc.Reshape %s {shape = array<i64: 1, 1>} : (tensor<f32>) -> tensor<1x1xf32>
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
  %5 = dlc.Reshape %4 {shape = array<i64>} : (tensor<1x1xf32>) -> tensor<f32>
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 3, -1>} : (tensor<6xf64>) -> tensor<3x2xf64>
  %6 = dlc.Reshape %d {shape = array<i64: 3, -1>} : (tensor<6xf64>) -> tensor<3x2xf64>
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 4>} : (tensor<2x2xi1>) -> tensor<4xi1>
  %7 = dlc.Reshape %b {shape = array<i64: 4>} : (tensor<2x2xi1>) -> tensor<4xi1>
  // Generic form.
  // CHECK: dlc.Reshape %{{.*}} {shape = array<i64: 4, -1, 2>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %8 = "dlc.Reshape"(%x) <{shape = array<i64: 4, -1, 2>}> : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return
}

// CHECK-LABEL: func.func @transpose
func.func @transpose(%x: tensor<2x3x4xf32>, %d: tensor<5x6xf64>, %i: tensor<2x3xi32>) {
  // Without perm: dimensions reversed, and no perm printed.
  // CHECK: dlc.Transpose %{{.*}} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // GENERIC: "dlc.Transpose"(%{{.*}}) : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %0 = dlc.Transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // CHECK: dlc.Transpose %{{.*}} {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = dlc.Transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  // perm spelled as the default is kept as written (it is an optional attribute).
  // CHECK: dlc.Transpose %{{.*}} {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %2 = dlc.Transpose %x {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  // CHECK: dlc.Transpose %{{.*}} {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %3 = dlc.Transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  // CHECK: dlc.Transpose %{{.*}} : (tensor<5x6xf64>) -> tensor<6x5xf64>
  %4 = dlc.Transpose %d : (tensor<5x6xf64>) -> tensor<6x5xf64>
  // CHECK: dlc.Transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %5 = dlc.Transpose %i {perm = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  // Generic form.
  // CHECK: dlc.Transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %6 = "dlc.Transpose"(%x) <{perm = array<i64: 2, 0, 1>}> : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return
}

// CHECK-LABEL: func.func @identity
func.func @identity(%x: tensor<2x3xf32>, %i: tensor<7xi8>, %d: tensor<f64>) {
  // CHECK: dlc.Identity %{{.*}} : tensor<2x3xf32>
  %0 = dlc.Identity %x : tensor<2x3xf32>
  // CHECK: dlc.Identity %{{.*}} : tensor<7xi8>
  %1 = dlc.Identity %i : tensor<7xi8>
  // CHECK: dlc.Identity %{{.*}} : tensor<f64>
  %2 = "dlc.Identity"(%d) : (tensor<f64>) -> tensor<f64>
  return
}
