// Diagnostics of the math ops' shape rules, verifiers and type constraints, one per split.
// RUN: dlc-opt %s -split-input-file -verify-diagnostics

func.func @pow_shapes(%a: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [4, 3] and [4]}}
  %0 = dlc.Pow %a, %b : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @max_types(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f32' and 'f64'}}
  %0 = dlc.Max %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @min_shapes(%a: tensor<2x3xf64>, %b: tensor<3x2xf64>) -> tensor<2x3xf64> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [2, 3] and [3, 2]}}
  %0 = dlc.Min %a, %b : (tensor<2x3xf64>, tensor<3x2xf64>) -> tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

func.func @max_integer(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = dlc.Max %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @equal_shapes(%a: tensor<4x3xf32>, %b: tensor<2xf32>) -> tensor<4x3xi1> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [4, 3] and [2]}}
  %0 = dlc.Equal %a, %b : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<4x3xi1>
  return %0 : tensor<4x3xi1>
}

// -----

func.func @less_types(%a: tensor<3xf32>, %b: tensor<3xi64>) -> tensor<3xi1> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f32' and 'i64'}}
  %0 = dlc.Less %a, %b : (tensor<3xf32>, tensor<3xi64>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

// The result of a comparison is i1.
func.func @greater_result(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = dlc.Greater %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @where_shapes(%c: tensor<4x1xi1>, %x: tensor<3xf32>, %y: tensor<5xf32>) -> tensor<4x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{shapes do not broadcast: [4, 1] and [3] and [5]}}
  %0 = dlc.Where %c, %x, %y : (tensor<4x1xi1>, tensor<3xf32>, tensor<5xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @where_types(%c: tensor<3xi1>, %x: tensor<3xf32>, %y: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operands have different element types: 'f32' and 'f64'}}
  %0 = dlc.Where %c, %x, %y : (tensor<3xi1>, tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @where_condition(%c: tensor<3xf32>, %x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = dlc.Where %c, %x, %y : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cast_unknown(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{Cast to ONNX data type 8 is not supported (supported: 1 f32, 2 u8, 3 i8, 6 i32, 7 i64, 9 bool, 10 f16, 11 f64, 16 bf16)}}
  %0 = dlc.Cast %x {to = 8 : si64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @cast_result(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dlc.Cast' op inferred type(s) 'tensor<3xf64>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  %0 = dlc.Cast %x {to = 11 : si64} : (tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @clip_bounds(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dlc.Clip' op min 2.000000e+00 is greater than max 1.000000e+00}}
  %0 = dlc.Clip %x {min = 2.0 : f64, max = 1.0 : f64} : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @selu_integer(%x: tensor<3xi64>) -> tensor<3xi64> {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = dlc.Selu %x : tensor<3xi64>
  return %0 : tensor<3xi64>
}
