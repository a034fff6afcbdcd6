// Every tensor op (DlcTensorOps.td) parses, infers the written result types and prints back; the gradient helpers (SliceGrad, ReduceMaxGrad, GatherGrad) verify.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s
// CHECK-LABEL: func.func @tensor_ops
// CHECK: %{{.*}} = dlc.Concat %{{.*}}, %{{.*}} {axis = -1 : si64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: %{{.*}} = dlc.Split %{{.*}} {axis = 2 : si64, num_outputs = 3 : si64} : (tensor<4x1x8xf32>) -> (tensor<4x1x3xf32>, tensor<4x1x3xf32>, tensor<4x1x2xf32>)
// CHECK-NEXT: %{{.*}} = dlc.Split %{{.*}} {axis = -1 : si64, split = array<i64: 6, 2>} : (tensor<4x1x8xf32>) -> (tensor<4x1x6xf32>, tensor<4x1x2xf32>)
// CHECK-NEXT: %{{.*}} = dlc.Slice %{{.*}} {axes = array<i64: 2, 0>, ends = array<i64: -100, 100>, starts = array<i64: -1, 1>, steps = array<i64: -3, 2>} : (tensor<4x1x8xf32>) -> tensor<2x1x3xf32>
// CHECK-NEXT: %{{.*}} = dlc.Squeeze %{{.*}} : (tensor<4x1x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %{{.*}} = dlc.Squeeze %{{.*}} {axes = array<i64: -2>} : (tensor<4x1x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %{{.*}} = dlc.Unsqueeze %{{.*}} {axes = array<i64: 0, -1>} : (tensor<2x3xf32>) -> tensor<1x2x3x1xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReduceMean %{{.*}} {axes = array<i64: 0, 2>, keepdims = 0 : si64} : (tensor<4x1x8xf32>) -> tensor<1xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReduceMax %{{.*}} : (tensor<4x1x8xf32>) -> tensor<1x1x1xf32>
// CHECK-NEXT: %{{.*}} = dlc.ArgMax %{{.*}} {axis = 1 : si64, keepdims = 0 : si64} : (tensor<2x3xf32>) -> tensor<2xi64>
// CHECK-NEXT: %{{.*}} = dlc.ArgMax %{{.*}} : (tensor<2x3xf32>) -> tensor<1x3xi64>
// CHECK-NEXT: %{{.*}} = dlc.Gather %{{.*}}, %{{.*}} : (tensor<10x4xf32>, tensor<3x2xi64>) -> tensor<3x2x4xf32>
// CHECK-NEXT: %{{.*}} = dlc.SliceGrad %{{.*}} {axes = array<i64: 2, 0>, ends = array<i64: -100, 100>, starts = array<i64: -1, 1>, steps = array<i64: -3, 2>} : (tensor<2x1x3xf32>) -> tensor<4x1x8xf32>
// CHECK-NEXT: %{{.*}} = dlc.ReduceMaxGrad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x1xf32>, tensor<4x1x8xf32>, tensor<1x1x1xf32>) -> tensor<4x1x8xf32>
// CHECK-NEXT: %{{.*}} = dlc.GatherGrad %{{.*}}, %{{.*}} : (tensor<3x2x4xf32>, tensor<3x2xi64>) -> tensor<10x4xf32>

func.func @tensor_ops(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %x: tensor<4x1x8xf32>, %ids: tensor<3x2xi64>, %t: tensor<10x4xf32>) {
  %0 = dlc.Concat %a, %b {axis = -1 : si64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %1:3 = dlc.Split %x {axis = 2 : si64, num_outputs = 3 : si64} : (tensor<4x1x8xf32>) -> (tensor<4x1x3xf32>, tensor<4x1x3xf32>, tensor<4x1x2xf32>)
  %2:2 = dlc.Split %x {axis = -1 : si64, split = array<i64: 6, 2>} : (tensor<4x1x8xf32>) -> (tensor<4x1x6xf32>, tensor<4x1x2xf32>)
  %3 = dlc.Slice %x {starts = array<i64: -1, 1>, ends = array<i64: -100, 100>, axes = array<i64: 2, 0>, steps = array<i64: -3, 2>} : (tensor<4x1x8xf32>) -> tensor<2x1x3xf32>
  %4 = dlc.Squeeze %x : (tensor<4x1x8xf32>) -> tensor<4x8xf32>
  %5 = dlc.Squeeze %x {axes = array<i64: -2>} : (tensor<4x1x8xf32>) -> tensor<4x8xf32>
  %6 = dlc.Unsqueeze %a {axes = array<i64: 0, -1>} : (tensor<2x3xf32>) -> tensor<1x2x3x1xf32>
  %7 = dlc.ReduceMean %x {axes = array<i64: 0, 2>, keepdims = 0 : si64} : (tensor<4x1x8xf32>) -> tensor<1xf32>
  %8 = dlc.ReduceMax %x : (tensor<4x1x8xf32>) -> tensor<1x1x1xf32>
  %9 = dlc.ArgMax %a {axis = 1 : si64, keepdims = 0 : si64} : (tensor<2x3xf32>) -> tensor<2xi64>
  %10 = dlc.ArgMax %a : (tensor<2x3xf32>) -> tensor<1x3xi64>
  %11 = dlc.Gather %t, %ids : (tensor<10x4xf32>, tensor<3x2xi64>) -> tensor<3x2x4xf32>
  %12 = dlc.SliceGrad %3 {starts = array<i64: -1, 1>, ends = array<i64: -100, 100>, axes = array<i64: 2, 0>, steps = array<i64: -3, 2>} : (tensor<2x1x3xf32>) -> tensor<4x1x8xf32>
  %13 = dlc.ReduceMaxGrad %8, %x, %8 : (tensor<1x1x1xf32>, tensor<4x1x8xf32>, tensor<1x1x1xf32>) -> tensor<4x1x8xf32>
  %14 = dlc.GatherGrad %11, %ids : (tensor<3x2x4xf32>, tensor<3x2xi64>) -> tensor<10x4xf32>
  return
}
