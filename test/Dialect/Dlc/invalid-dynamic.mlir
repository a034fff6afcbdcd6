// Dynamic dimensions are rejected by the dlc type constraints ("all shapes are static"), with the offending type shown.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

// Without the check, this verifies and then the lowering builds an invalid
// tensor.empty (no dynamic size operands).
func.func @relu_dynamic(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error-re @+1 {{'dlc.Relu' op operand #0 must be {{.*}}, but got 'tensor<?x3xf32>'}}
  %0 = dlc.Relu %x : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// Without the check, the shape rule computes with kDynamic and reports
// "cannot reshape [-9223372036854775808, 3] (-9223372036854775808 elements)".
func.func @reshape_dynamic(%x: tensor<?x3xf32>) -> tensor<6xf32> {
  // expected-error-re @+1 {{'dlc.Reshape' op operand #0 must be {{.*}}, but got 'tensor<?x3xf32>'}}
  %0 = "dlc.Reshape"(%x) <{shape = array<i64: 6>}> : (tensor<?x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @matmul_dynamic(%a: tensor<4x3xf32>, %b: tensor<3x?xf32>) -> tensor<4x?xf32> {
  // expected-error-re @+1 {{'dlc.MatMul' op operand #1 must be {{.*}}, but got 'tensor<3x?xf32>'}}
  %0 = "dlc.MatMul"(%a, %b) : (tensor<4x3xf32>, tensor<3x?xf32>) -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
