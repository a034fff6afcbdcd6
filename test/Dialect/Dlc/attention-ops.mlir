// Attention parses, infers [B, H, Sq, Dv] and prints back: with and without a
// mask (full and broadcast shapes), causal, a custom scale, Sq != Sk, Dv != D.
// RUN: dlc-opt %s | dlc-opt | FileCheck %s

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>,
                     %m: tensor<2x4x8x8xf32>, %m2: tensor<8x8xf32>, %mb: tensor<2x1x1x8xf32>)
    -> (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) {
  // CHECK: dlc.Attention %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %0 = dlc.Attention %q, %k, %v : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  // CHECK: dlc.Attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {is_causal = true, scale = 5.000000e-01 : f64}
  %1 = dlc.Attention %q, %k, %v, %m {is_causal = true, scale = 0.5 : f64}
      : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x16xf32>
  // CHECK: dlc.Attention {{.*}} tensor<8x8xf32>) -> tensor<2x4x8x16xf32>
  %2 = dlc.Attention %q, %k, %v, %m2
      : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<8x8xf32>) -> tensor<2x4x8x16xf32>
  // A padding mask [B, 1, 1, Sk].
  // CHECK: dlc.Attention {{.*}} tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
  %3 = dlc.Attention %q, %k, %v, %mb
      : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32>
  return %0, %1, %2, %3 : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
}

// Sq = 3, Sk = 5, D = 4, Dv = 6: the result is [B, H, Sq, Dv].
// CHECK-LABEL: func.func @attention_shapes
func.func @attention_shapes(%q: tensor<1x2x3x4xf64>, %k: tensor<1x2x5x4xf64>, %v: tensor<1x2x5x6xf64>)
    -> tensor<1x2x3x6xf64> {
  // CHECK: dlc.Attention {{.*}} {is_causal = true} : (tensor<1x2x3x4xf64>, tensor<1x2x5x4xf64>, tensor<1x2x5x6xf64>) -> tensor<1x2x3x6xf64>
  %0 = dlc.Attention %q, %k, %v {is_causal = true}
      : (tensor<1x2x3x4xf64>, tensor<1x2x5x4xf64>, tensor<1x2x5x6xf64>) -> tensor<1x2x3x6xf64>
  return %0 : tensor<1x2x3x6xf64>
}
