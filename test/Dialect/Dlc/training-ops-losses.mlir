// Round trip of BinaryCrossEntropy(+Grad), BinaryCrossEntropyWithLogits, FocalLoss(+Grad) (custom and generic form): attributes, default elision (reduction, gamma, wrt_target), optional alpha.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// RUN: dlc-opt %s -mlir-print-op-generic | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @losses
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropy %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropy %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropy %{{.*}}, %{{.*}} {reduction = "sum"} : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropyGrad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropyGrad %{{.*}}, %{{.*}}, %{{.*}} {reduction = "none", wrt_target = true} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropyWithLogits %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.BinaryCrossEntropyWithLogits %{{.*}}, %{{.*}} {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.FocalLoss %{{.*}}, %{{.*}} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
// CHECK-NEXT: %{{.*}} = dlc.FocalLoss %{{.*}}, %{{.*}} {alpha = array<f64: 1.000000e+00, 2.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 5.000000e-01>, gamma = 5.000000e-01 : f64, reduction = "none"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<4xf32>
// CHECK-NEXT: %{{.*}} = dlc.FocalLossGrad %{{.*}}, %{{.*}}, %{{.*}} {gamma = 0.000000e+00 : f64} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
// CHECK-NEXT: %{{.*}} = dlc.FocalLossGrad %{{.*}}, %{{.*}}, %{{.*}} {alpha = array<f64: 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00>, reduction = "none"} : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
// CHECK-NEXT: return
func.func @losses(%x: tensor<4x10xf32>, %t: tensor<4x10xf32>, %l: tensor<4xi64>, %l32: tensor<4xi32>, %dl: tensor<f32>, %dln: tensor<4xf32>, %xd: tensor<3xf64>) {
  %b0 = dlc.BinaryCrossEntropy %x, %t {reduction = "mean"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  %b1 = dlc.BinaryCrossEntropy %x, %t {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %b2 = dlc.BinaryCrossEntropy %xd, %xd {reduction = "sum"} : (tensor<3xf64>, tensor<3xf64>) -> tensor<f64>
  %g0 = dlc.BinaryCrossEntropyGrad %dl, %x, %t {wrt_target = false} : (tensor<f32>, tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %g1 = dlc.BinaryCrossEntropyGrad %t, %x, %t {reduction = "none", wrt_target = true} : (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %w0 = dlc.BinaryCrossEntropyWithLogits %x, %t : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  %w1 = dlc.BinaryCrossEntropyWithLogits %x, %t {reduction = "none"} : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<4x10xf32>
  %f0 = dlc.FocalLoss %x, %l {gamma = 2.0} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  %f1 = dlc.FocalLoss %x, %l32 {gamma = 0.5, alpha = array<f64: 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5>, reduction = "none"} : (tensor<4x10xf32>, tensor<4xi32>) -> tensor<4xf32>
  %f2 = dlc.FocalLossGrad %dl, %x, %l {gamma = 0.0} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  %f3 = dlc.FocalLossGrad %dln, %x, %l {alpha = array<f64: 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0>, reduction = "none"} : (tensor<4xf32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return
}
