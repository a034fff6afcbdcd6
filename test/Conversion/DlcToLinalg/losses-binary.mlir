// dlc-convert-to-linalg of BinaryCrossEntropy (and its gradient),
// BinaryCrossEntropyWithLogits, FocalLoss (and its gradient): linalg.generic
// with arith/math bodies, no calls.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s
// CHECK-NOT: call

// mean: one all-reduction generic of the clamped logs, then / numel.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @bce_mean
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: %[[LOG:.*]] = math.log %[[P:.*]] : f32
// CHECK-NEXT: %[[M100:.*]] = arith.constant -1.000000e+02 : f32
// CHECK-NEXT: arith.maximumf %[[LOG]], %[[M100]] : f32
// CHECK-NEXT: %[[NP:.*]] = arith.negf %[[P]] : f32
// CHECK-NEXT: %[[L1P:.*]] = math.log1p %[[NP]] : f32
// CHECK: arith.maximumf %[[L1P]]
// CHECK: arith.negf
// CHECK-NEXT: arith.addf
// CHECK: arith.constant 1.200000e+01 : f32
// CHECK-NEXT: arith.divf
func.func @bce_mean(%p: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> tensor<f32> {
  %0 = dlc.BinaryCrossEntropy %p, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// none: one parallel generic; sum: no division.
// CHECK-LABEL: func.func @bce_none_sum
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.log1p
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK-NOT: arith.divf
// CHECK: return
func.func @bce_none_sum(%p: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<f32>) {
  %0 = dlc.BinaryCrossEntropy %p, %t {reduction = "none"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %1 = dlc.BinaryCrossEntropy %p, %t {reduction = "sum"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return %0, %1 : tensor<4x3xf32>, tensor<f32>
}

// -----

// The gradient: dl (p - t) / max(p (1 - p), 1e-12) / numel; w.r.t. the
// target dl (log1p(-p) - log p) / numel. The scalar dloss is broadcast.
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @bce_grad
// CHECK: linalg.generic {indexing_maps = [#[[$S]], #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-NEXT: ^bb0(%[[DL:.*]]: f32, %[[P:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[V:.*]] = arith.mulf %[[P]], %{{.*}} : f32
// CHECK-NEXT: %[[EPS:.*]] = arith.constant 9.99999996E-13 : f32
// CHECK-NEXT: %[[DEN:.*]] = arith.maximumf %[[V]], %[[EPS]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[P]], %[[T]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[D]], %[[DEN]] : f32
// CHECK-NEXT: %[[G:.*]] = arith.mulf %[[DL]], %[[Q]] : f32
// CHECK-NEXT: arith.constant 0.0833333358 : f32
// CHECK: ^bb0(%[[DL:.*]]: f32, %[[P:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[NP:.*]] = arith.negf %[[P]] : f32
// CHECK-NEXT: %[[A:.*]] = math.log1p %[[NP]] : f32
// CHECK-NEXT: %[[B:.*]] = math.log %[[P]] : f32
// CHECK-NEXT: arith.subf %[[A]], %[[B]] : f32
func.func @bce_grad(%dl: tensor<f32>, %p: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = dlc.BinaryCrossEntropyGrad %dl, %p, %t : (tensor<f32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %1 = dlc.BinaryCrossEntropyGrad %dl, %p, %t {wrt_target = true} : (tensor<f32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// With logits: max(x, 0) - x t + log1p(exp(-|x|)).
// CHECK-LABEL: func.func @bce_logits
// CHECK: ^bb0(%[[X:.*]]: f32, %[[T:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[X]], %[[Z]] : f32
// CHECK-NEXT: %[[A:.*]] = math.absf %[[X]] : f32
// CHECK-NEXT: %[[NA:.*]] = arith.negf %[[A]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[NA]] : f32
// CHECK-NEXT: %[[SP:.*]] = math.log1p %[[E]] : f32
// CHECK-NEXT: %[[XT:.*]] = arith.mulf %[[X]], %[[T]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[R]], %[[XT]] : f32
// CHECK-NEXT: %[[L:.*]] = arith.addf %[[D]], %[[SP]] : f32
// CHECK-NEXT: arith.addf %[[OUT]], %[[L]] : f32
func.func @bce_logits(%x: tensor<4x3xf32>, %t: tensor<4x3xf32>) -> tensor<f32> {
  %0 = dlc.BinaryCrossEntropyWithLogits %x, %t {reduction = "sum"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// FocalLoss: row max, then one reduction generic for sum exp, the label's
// score and the label's alpha (a class-indexed constant), then per sample
// -alpha (1 - p_t)^2 log p_t with 1 - p_t = -expm1(log p_t).
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @focal
// CHECK: arith.maximumf
// CHECK: %[[ALPHA:.*]] = arith.constant dense<[2.500000e-01, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$ROW]], #[[$ROW]], #[[$COL]], #[[$ROW]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %{{.*}}, %{{.*}}, %[[ALPHA]] :
// CHECK: linalg.index 1
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK: math.log
// CHECK-NEXT: %[[LOGPT:.*]] = arith.subf
// CHECK-NEXT: %[[EM1:.*]] = math.expm1 %[[LOGPT]] : f32
// CHECK-NEXT: %[[U:.*]] = arith.negf %[[EM1]] : f32
// CHECK-NEXT: %[[NL:.*]] = arith.negf %[[LOGPT]] : f32
// CHECK-NEXT: %[[U2:.*]] = arith.mulf %[[U]], %[[U]] : f32
// CHECK-NEXT: %[[L:.*]] = arith.mulf %[[U2]], %[[NL]] : f32
// CHECK-NEXT: arith.mulf %{{.*}}, %[[L]] : f32
// CHECK-NOT: math.powf
// CHECK: return
func.func @focal(%s: tensor<4x3xf32>, %l: tensor<4xi64>) -> tensor<4xf32> {
  %0 = dlc.FocalLoss %s, %l {alpha = array<f64: 0.25, 0.5, 1.0>, reduction = "none"} : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A non-integer gamma uses math.powf; mean divides by N.
// CHECK-LABEL: func.func @focal_mean
// CHECK-NOT: arith.constant dense
// CHECK: math.powf
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK-NEXT: arith.divf
func.func @focal_mean(%s: tensor<4x3xf32>, %l: tensor<4xi32>) -> tensor<f32> {
  %0 = dlc.FocalLoss %s, %l {gamma = 1.5} : (tensor<4x3xf32>, tensor<4xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// FocalLossGrad: F_n (with the term selected away where 1 - p_t = 0) in a
// parallel [N] generic, then dloss F_n (softmax - onehot) over [N, C].
// CHECK-LABEL: func.func @focal_grad
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK: math.expm1
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.index 1
// CHECK: arith.subf
func.func @focal_grad(%dl: tensor<4xf32>, %s: tensor<4x3xf32>, %l: tensor<4xi64>) -> tensor<4x3xf32> {
  %0 = dlc.FocalLossGrad %dl, %s, %l {reduction = "none"} : (tensor<4xf32>, tensor<4x3xf32>, tensor<4xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
