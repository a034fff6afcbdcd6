// dlc-decompose: Attention becomes Transpose(K), MatMul, Mul by the scale,
// Add of the mask, Where with the causal triangle, Softmax over the last
// axis (axis = -1, the default, is not printed) and MatMul with V; nothing
// of the composite op is left. The greedy driver puts the constants first.
// RUN: dlc-opt %s -dlc-decompose -split-input-file | FileCheck %s

// Default scale 1/sqrt(D) = 1/sqrt(16) = 0.25, no mask, not causal.
// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8x16xf32>, %[[K:.*]]: tensor<2x4x6x16xf32>, %[[V:.*]]: tensor<2x4x6x5xf32>)
// CHECK-NOT: dlc.Attention
// CHECK: %[[C:.*]] = dlc.Constant dense<2.500000e-01> : tensor<f32>
// CHECK-NEXT: %[[KT:.*]] = dlc.Transpose %[[K]] {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x4x6x16xf32>) -> tensor<2x4x16x6xf32>
// CHECK-NEXT: %[[S:.*]] = dlc.MatMul %[[Q]], %[[KT]] : (tensor<2x4x8x16xf32>, tensor<2x4x16x6xf32>) -> tensor<2x4x8x6xf32>
// CHECK-NEXT: %[[SS:.*]] = dlc.Mul %[[S]], %[[C]] : (tensor<2x4x8x6xf32>, tensor<f32>) -> tensor<2x4x8x6xf32>
// CHECK-NEXT: %[[P:.*]] = dlc.Softmax %[[SS]] : tensor<2x4x8x6xf32>
// CHECK-NEXT: %[[Y:.*]] = dlc.MatMul %[[P]], %[[V]] : (tensor<2x4x8x6xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x8x5xf32>
// CHECK-NEXT: return %[[Y]]
func.func @plain(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>, %v: tensor<2x4x6x5xf32>) -> tensor<2x4x8x5xf32> {
  %0 = dlc.Attention %q, %k, %v : (tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x5xf32>) -> tensor<2x4x8x5xf32>
  return %0 : tensor<2x4x8x5xf32>
}

// -----

// scale = 1: no Mul. The mask [Sq, Sk] is added to the scores.
// CHECK-LABEL: func.func @mask_scale_one
// CHECK-SAME: %[[M:[^:]*]]: tensor<3x2xf64>)
// CHECK-NOT: dlc.Constant
// CHECK: %[[S:.*]] = dlc.MatMul
// CHECK-NEXT: %[[SM:.*]] = dlc.Add %[[S]], %[[M]] : (tensor<1x2x3x2xf64>, tensor<3x2xf64>) -> tensor<1x2x3x2xf64>
// CHECK-NEXT: dlc.Softmax %[[SM]] : tensor<1x2x3x2xf64>
func.func @mask_scale_one(%q: tensor<1x2x3x4xf64>, %k: tensor<1x2x2x4xf64>, %v: tensor<1x2x2x4xf64>, %m: tensor<3x2xf64>) -> tensor<1x2x3x4xf64> {
  %0 = dlc.Attention %q, %k, %v, %m {scale = 1.0 : f64} : (tensor<1x2x3x4xf64>, tensor<1x2x2x4xf64>, tensor<1x2x2x4xf64>, tensor<3x2xf64>) -> tensor<1x2x3x4xf64>
  return %0 : tensor<1x2x3x4xf64>
}

// -----

// Causal with Sq = 3 > Sk = 2: keep[i, j] = j <= i (top-left aligned); the
// masked scores become the lowest finite f32, after the scale and the mask.
// CHECK-LABEL: func.func @causal
// CHECK-DAG: %[[LOW:.*]] = dlc.Constant dense<-3.40282347E+38> : tensor<f32>
// CHECK-DAG: %[[KEEP:.*]] = dlc.Constant dense<{{\[}}[true, false], [true, true], [true, true]]> : tensor<3x2xi1>
// CHECK-DAG: %[[C:.*]] = dlc.Constant dense<3.000000e-01> : tensor<f32>
// CHECK: %[[S:.*]] = dlc.MatMul
// CHECK-NEXT: %[[SS:.*]] = dlc.Mul %[[S]], %[[C]] : (tensor<1x1x3x2xf32>, tensor<f32>) -> tensor<1x1x3x2xf32>
// CHECK-NEXT: %[[SM:.*]] = dlc.Add %[[SS]], %{{.*}} : (tensor<1x1x3x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x3x2xf32>
// CHECK-NEXT: %[[W:.*]] = dlc.Where %[[KEEP]], %[[SM]], %[[LOW]] : (tensor<3x2xi1>, tensor<1x1x3x2xf32>, tensor<f32>) -> tensor<1x1x3x2xf32>
// CHECK-NEXT: dlc.Softmax %[[W]] : tensor<1x1x3x2xf32>
func.func @causal(%q: tensor<1x1x3x4xf32>, %k: tensor<1x1x2x4xf32>, %v: tensor<1x1x2x4xf32>, %m: tensor<1x1x1x2xf32>) -> tensor<1x1x3x4xf32> {
  %0 = dlc.Attention %q, %k, %v, %m {is_causal = true, scale = 0.3 : f64} : (tensor<1x1x3x4xf32>, tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>, tensor<1x1x1x2xf32>) -> tensor<1x1x3x4xf32>
  return %0 : tensor<1x1x3x4xf32>
}

// -----

// f64: the lowest finite f64; Sq = 2 < Sk = 3, keep[i, j] = j <= i; the
// default scale 1/sqrt(4).
// CHECK-LABEL: func.func @causal_f64
// CHECK-DAG: dlc.Constant dense<-1.7976931348623157E+308> : tensor<f64>
// CHECK-DAG: dlc.Constant dense<{{\[}}[true, false, false], [true, true, false]]> : tensor<2x3xi1>
// CHECK-DAG: dlc.Constant dense<5.000000e-01> : tensor<f64>
// CHECK: dlc.Where
func.func @causal_f64(%q: tensor<1x1x2x4xf64>, %k: tensor<1x1x3x4xf64>, %v: tensor<1x1x3x4xf64>) -> tensor<1x1x2x4xf64> {
  %0 = dlc.Attention %q, %k, %v {is_causal = true} : (tensor<1x1x2x4xf64>, tensor<1x1x3x4xf64>, tensor<1x1x3x4xf64>) -> tensor<1x1x2x4xf64>
  return %0 : tensor<1x1x2x4xf64>
}
