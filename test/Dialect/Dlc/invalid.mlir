// Diagnostics of the dlc ops' shape rules, verifiers and type constraints, one per split.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

func.func @gemm_inner(%a: tensor<4x3xf32>, %b: tensor<5x6xf32>) -> tensor<4x6xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inner dimensions differ: [4, 3] x [5, 6]}}
  %0 = dlc.Gemm %a, %b : (tensor<4x3xf32>, tensor<5x6xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// The message shows the shapes as multiplied, after transA/transB.
func.func @gemm_inner_trans(%a: tensor<4x3xf32>, %b: tensor<5x3xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inner dimensions differ: [3, 4] x [3, 5]}}
  %0 = dlc.Gemm %a, %b {transA = true, transB = true} : (tensor<4x3xf32>, tensor<5x3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_not_matrix(%a: tensor<2x4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{A and B must be matrices, got [2, 4, 3] and [3, 5]}}
  %0 = dlc.Gemm %a, %b : (tensor<2x4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_vector(%a: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{A and B must be matrices, got [4, 3] and [3]}}
  %0 = dlc.Gemm %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gemm_c_mismatch(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{C of shape [4] does not broadcast to the result [4, 5]}}
  %0 = dlc.Gemm %a, %b, %c : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// Unidirectional: C may not enlarge the result.
func.func @gemm_c_grows(%a: tensor<1x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4x5xf32>) -> tensor<1x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{C of shape [4, 5] does not broadcast to the result [1, 5]}}
  %0 = dlc.Gemm %a, %b, %c : (tensor<1x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

func.func @gemm_c_rank3(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<1x4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{C of shape [1, 4, 5] does not broadcast to the result [4, 5]}}
  %0 = dlc.Gemm %a, %b, %c : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_mixed(%a: tensor<4x3xf32>, %b: tensor<3x5xf64>) -> tensor<4x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f32' and 'f64'}}
  %0 = dlc.Gemm %a, %b : (tensor<4x3xf32>, tensor<3x5xf64>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_mixed_c(%a: tensor<4x3xf64>, %b: tensor<3x5xf64>, %c: tensor<5xf32>) -> tensor<4x5xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f64' and 'f32'}}
  %0 = dlc.Gemm %a, %b, %c : (tensor<4x3xf64>, tensor<3x5xf64>, tensor<5xf32>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

func.func @matmul_inner(%a: tensor<4x3xf32>, %b: tensor<2x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inner dimensions differ: [4, 3] x [2, 5] (3 vs 2)}}
  %0 = dlc.MatMul %a, %b : (tensor<4x3xf32>, tensor<2x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @matmul_inner_vec(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inner dimensions differ: [3] x [4] (3 vs 4)}}
  %0 = dlc.MatMul %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @matmul_batch(%a: tensor<2x4x3xf32>, %b: tensor<5x3x6xf32>) -> tensor<2x4x6xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{batch dimensions do not broadcast: [2, 4, 3] x [5, 3, 6]}}
  %0 = dlc.MatMul %a, %b : (tensor<2x4x3xf32>, tensor<5x3x6xf32>) -> tensor<2x4x6xf32>
  return %0 : tensor<2x4x6xf32>
}

// -----

func.func @matmul_rank0(%a: tensor<f32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands must have rank 1 or more, got [] and [3]}}
  %0 = dlc.MatMul %a, %b : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @matmul_mixed(%a: tensor<4x3xf64>, %b: tensor<3x5xf32>) -> tensor<4x5xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f64' and 'f32'}}
  %0 = dlc.MatMul %a, %b : (tensor<4x3xf64>, tensor<3x5xf32>) -> tensor<4x5xf64>
  return %0 : tensor<4x5xf64>
}

// -----

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

func.func @add_broadcast(%a: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [4, 3] and [4]}}
  %0 = dlc.Add %a, %b : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @sub_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>, %c: tensor<5x1x1xf32>) -> tensor<5x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [2, 3, 4] and [5, 1, 1]}}
  %0 = dlc.Sub %a, %c : (tensor<2x3x4xf32>, tensor<5x1x1xf32>) -> tensor<5x3x4xf32>
  return %0 : tensor<5x3x4xf32>
}

// -----

func.func @mul_broadcast(%a: tensor<2x3xf64>, %b: tensor<3x2xf64>) -> tensor<3x3xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [2, 3] and [3, 2]}}
  %0 = dlc.Mul %a, %b : (tensor<2x3xf64>, tensor<3x2xf64>) -> tensor<3x3xf64>
  return %0 : tensor<3x3xf64>
}

// -----

func.func @div_broadcast(%a: tensor<7xf32>, %b: tensor<2x6xf32>) -> tensor<2x7xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [7] and [2, 6]}}
  %0 = dlc.Div %a, %b : (tensor<7xf32>, tensor<2x6xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @add_mixed(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f32' and 'f64'}}
  %0 = dlc.Add %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 1])}}
  %0 = dlc.Softmax %x {axis = 2 : si64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_axis_neg(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 1])}}
  %0 = dlc.Softmax %x {axis = -3 : si64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @logsoftmax_axis(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 1 is out of range for rank 1 (expected [-1, 0])}}
  %0 = dlc.LogSoftmax %x {axis = 1 : si64} : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// The generic form goes through the verifier rather than the parser.
func.func @logsoftmax_axis_generic(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -4 is out of range for rank 3 (expected [-3, 2])}}
  %0 = "dlc.LogSoftmax"(%x) <{axis = -4 : si64}> : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// A scalar has no axis at all, not even the default -1.
func.func @softmax_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{axis -1 is out of range for rank 0}}
  %0 = dlc.Softmax %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Flatten
//===----------------------------------------------------------------------===//

func.func @flatten_axis(%x: tensor<2x3x4xf32>) -> tensor<24x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 4 is out of range for rank 3 (expected [-3, 3])}}
  %0 = dlc.Flatten %x {axis = 4 : si64} : (tensor<2x3x4xf32>) -> tensor<24x1xf32>
  return %0 : tensor<24x1xf32>
}

// -----

func.func @flatten_axis_neg(%x: tensor<2x3x4xf32>) -> tensor<1x24xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -4 is out of range for rank 3 (expected [-3, 3])}}
  %0 = dlc.Flatten %x {axis = -4 : si64} : (tensor<2x3x4xf32>) -> tensor<1x24xf32>
  return %0 : tensor<1x24xf32>
}

// -----

// The default axis 1 does not exist for a scalar.
func.func @flatten_scalar_default(%x: tensor<f32>) -> tensor<1x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 1 is out of range for rank 0 (expected [0, 0])}}
  %0 = dlc.Flatten %x : (tensor<f32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

func.func @reshape_two_minus_one(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shape [-1, -1] has more than one -1}}
  %0 = dlc.Reshape %x {shape = array<i64: -1, -1>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

func.func @reshape_negative(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shape [6, -4] has a negative dimension -4}}
  %0 = dlc.Reshape %x {shape = array<i64: 6, -4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

func.func @reshape_zero_beyond_rank(%x: tensor<6x4xf32>) -> tensor<6x4x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shape [6, 4, 0] copies dimension 2 (0) but the input [6, 4] has rank 2}}
  %0 = dlc.Reshape %x {shape = array<i64: 6, 4, 0>} : (tensor<6x4xf32>) -> tensor<6x4x1xf32>
  return %0 : tensor<6x4x1xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3x4xf32>) -> tensor<5x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{cannot reshape [2, 3, 4] (24 elements) to [5, 5] (25 elements)}}
  %0 = dlc.Reshape %x {shape = array<i64: 5, 5>} : (tensor<2x3x4xf32>) -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

// A 0 entry counts the copied dimension.
func.func @reshape_count_zero(%x: tensor<2x3x4xf32>) -> tensor<2x13xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{cannot reshape [2, 3, 4] (24 elements) to [0, 13] (26 elements)}}
  %0 = dlc.Reshape %x {shape = array<i64: 0, 13>} : (tensor<2x3x4xf32>) -> tensor<2x13xf32>
  return %0 : tensor<2x13xf32>
}

// -----

func.func @reshape_count_inferred(%x: tensor<2x3x4xf32>) -> tensor<5x5xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{cannot reshape [2, 3, 4] (24 elements) to [5, -1]}}
  %0 = dlc.Reshape %x {shape = array<i64: 5, -1>} : (tensor<2x3x4xf32>) -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

func.func @reshape_missing_shape(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{requires attribute 'shape'}}
  %0 = "dlc.Reshape"(%x) : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

func.func @transpose_duplicate(%x: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm [0, 0, 2] is not a permutation of the 3 dimensions of [2, 3, 4]}}
  %0 = dlc.Transpose %x {perm = array<i64: 0, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

func.func @transpose_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm [2, 0] is not a permutation of the 2 dimensions of [2, 3]}}
  %0 = dlc.Transpose %x {perm = array<i64: 2, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_negative(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm [-1, 0] is not a permutation of the 2 dimensions of [2, 3]}}
  %0 = dlc.Transpose %x {perm = array<i64: -1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_short(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm [1, 0] is not a permutation of the 3 dimensions of [2, 3, 4]}}
  %0 = dlc.Transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

func.func @transpose_long(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm [1, 0, 2] is not a permutation of the 2 dimensions of [2, 3]}}
  %0 = dlc.Transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Gelu
//===----------------------------------------------------------------------===//

func.func @gelu_approximate(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dlc.Gelu' op approximate must be "none" or "tanh", got "fast"}}
  %0 = dlc.Gelu %x {approximate = "fast"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Result types that disagree with the inferred ones
//===----------------------------------------------------------------------===//

func.func @result_shape(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) -> tensor<4x6xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.MatMul' op inferred type(s) 'tensor<4x5xf32>' are incompatible with return type(s) of operation 'tensor<4x6xf32>'}}
  %0 = dlc.MatMul %a, %b : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

func.func @result_element_type(%x: tensor<2x3xf32>) -> tensor<6xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Reshape' op inferred type(s) 'tensor<6xf32>' are incompatible with return type(s) of operation 'tensor<6xf64>'}}
  %0 = dlc.Reshape %x {shape = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<6xf64>
  return %0 : tensor<6xf64>
}

// -----

func.func @result_broadcast(%a: tensor<4x1xf32>, %b: tensor<3xf32>) -> tensor<4x1xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Add' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<4x1xf32>'}}
  %0 = dlc.Add %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @result_transpose(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Transpose' op inferred type(s) 'tensor<4x3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3x4xf32>'}}
  %0 = dlc.Transpose %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @result_flatten(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Flatten' op inferred type(s) 'tensor<6x4xf32>' are incompatible with return type(s) of operation 'tensor<2x12xf32>'}}
  %0 = dlc.Flatten %x {axis = 2 : si64} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

func.func @result_unary_generic(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Relu' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  %0 = "dlc.Relu"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element type constraints (ODS); "{{.*}}tensor of" leaves room for the
// static-shape constraint that invalid-dynamic.mlir asks for
//===----------------------------------------------------------------------===//

func.func @relu_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error-re @+1 {{'dlc.Relu' op operand #0 must be {{.*}}tensor of 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = dlc.Relu %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @add_f16(%a: tensor<4xf16>, %b: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error-re @+1 {{'dlc.Add' op operand #0 must be {{.*}}tensor of 32-bit float or 64-bit float values, but got 'tensor<4xf16>'}}
  %0 = dlc.Add %a, %b : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @matmul_i64(%a: tensor<2x3xf32>, %b: tensor<3x2xi64>) -> tensor<2x2xf32> {
  // expected-error-re @+1 {{'dlc.MatMul' op operand #1 must be {{.*}}tensor of 32-bit float or 64-bit float values, but got 'tensor<3x2xi64>'}}
  %0 = dlc.MatMul %a, %b : (tensor<2x3xf32>, tensor<3x2xi64>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @relu_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error-re @+1 {{'dlc.Relu' op operand #0 must be {{.*}}tensor of 32-bit float or 64-bit float values, but got 'tensor<*xf32>'}}
  %0 = "dlc.Relu"(%x) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @transpose_f8(%x: tensor<2x3xf8E4M3FN>) -> tensor<3x2xf8E4M3FN> {
  // expected-error-re @+1 {{'dlc.Transpose' op operand #0 must be {{.*}}tensor of {{.*}} values, but got 'tensor<2x3xf8E4M3FN>'}}
  %0 = dlc.Transpose %x : (tensor<2x3xf8E4M3FN>) -> tensor<3x2xf8E4M3FN>
  return %0 : tensor<3x2xf8E4M3FN>
}
