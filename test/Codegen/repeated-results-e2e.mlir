// The whole lowering of a function that returns one value twice (it used to
// crash in buffer-results-to-out-params).
// RUN: dlc-opt %s --dlc-lower-to-linalg --dlc-lower-to-llvm | FileCheck %s
// CHECK: llvm.func @f_packed
func.func @f(%a: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>) attributes {dlc.entry} {
  %x = dlc.Add %a, %a : (tensor<4xf64>, tensor<4xf64>) -> tensor<4xf64>
  return %x, %x : tensor<4xf64>, tensor<4xf64>
}
