// LayerNormalization parses, infers its result type (X's) and prints back,
// with and without B, with the default and explicit attributes, and with
// Scale/B that broadcast to the normalized shape.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @layernorm
func.func @layernorm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>,
                     %s2: tensor<3x4xf32>, %s1: tensor<1x4xf32>, %x64: tensor<5x6xf64>,
                     %s64: tensor<6xf64>)
    -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<5x6xf64>) {
  // CHECK: dlc.LayerNormalization %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %0 = dlc.LayerNormalization %x, %s, %b : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // CHECK: dlc.LayerNormalization %{{.*}}, %{{.*}} {axis = 1 : si64, epsilon = 1.000000e-03 : f64} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  %1 = dlc.LayerNormalization %x, %s2 {axis = 1 : si64, epsilon = 1.0e-3 : f64} : (tensor<2x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  // Scale [1, 4] broadcasts to the normalized shape [3, 4]; stash_type 1 is
  // the default and is not printed.
  // CHECK: dlc.LayerNormalization %{{.*}}, %{{.*}}, %{{.*}} {axis = -2 : si64} : (tensor<2x3x4xf32>, tensor<1x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %2 = dlc.LayerNormalization %x, %s1, %b {axis = -2 : si64, stash_type = 1 : si64} : (tensor<2x3x4xf32>, tensor<1x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // axis 0: all axes; Scale [4] broadcasts to [2, 3, 4].
  // CHECK: dlc.LayerNormalization %{{.*}}, %{{.*}} {axis = 0 : si64}
  %3 = dlc.LayerNormalization %x, %s {axis = 0 : si64} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  // CHECK: dlc.LayerNormalization {{.*}} -> tensor<5x6xf64>
  %4 = dlc.LayerNormalization %x64, %s64 : (tensor<5x6xf64>, tensor<6xf64>) -> tensor<5x6xf64>
  return %0, %1, %2, %3, %4 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<5x6xf64>
}
