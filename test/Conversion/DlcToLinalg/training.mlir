// dlc-convert-to-linalg of the training ops: Constant, ReduceSum, the
// gradient helpers, the losses, Accuracy, the schedule and the optimizer updates.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @constant
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @constant() -> tensor<2xf32> {
  %0 = dlc.Constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// keepdims: the reduced dimensions read index 0 of the output.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2) -> (0, d1, 0)>
// CHECK-LABEL: func.func @reduce_sum_keepdims
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.*}} : tensor<1x3x1xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$OUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[INIT]] : tensor<1x3x1xf32>)
// CHECK: arith.addf
func.func @reduce_sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<1x3x1xf32> {
  %0 = dlc.ReduceSum %x {axes = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  return %0 : tensor<1x3x1xf32>
}

// -----

// keepdims = 0: the reduced dimension is dropped; empty axes reduce all.
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @reduce_sum_drop
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$OUT]]], iterator_types = ["reduction", "parallel"]}
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$ALL]]], iterator_types = ["reduction", "reduction"]}
func.func @reduce_sum_drop(%x: tensor<4x10xf32>) -> (tensor<10xf32>, tensor<f32>) {
  %0 = dlc.ReduceSum %x {axes = array<i64: 0>, keepdims = 0 : si64} : (tensor<4x10xf32>) -> tensor<10xf32>
  %1 = dlc.ReduceSum %x {keepdims = 0 : si64} : (tensor<4x10xf32>) -> tensor<f32>
  return %0, %1 : tensor<10xf32>, tensor<f32>
}

// -----

// The elementwise helpers: one parallel generic over (dY, saved) each.
// CHECK-LABEL: func.func @grads
// CHECK-SAME: (%[[DY:.*]]: tensor<8xf32>, %[[X:.*]]: tensor<8xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[DY]], %[[X]] : tensor<8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[D:.*]]: f32, %[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[P:.*]] = arith.cmpf ogt, %[[V]], %[[Z]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[P]], %[[D]], %[[Z]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// LeakyReluGrad: x >= 0 ? dy : alpha dy
// CHECK: ^bb0(%[[D:.*]]: f32, %[[V:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[A:.*]] = arith.constant 2.000000e-01 : f32
// CHECK-NEXT: %[[S:.*]] = arith.mulf %[[D]], %[[A]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.cmpf oge, %[[V]], %{{.*}} : f32
// CHECK-NEXT: arith.select %[[P]], %[[D]], %[[S]] : f32
// EluGrad: x > 0 ? dy : alpha exp(x) dy
// CHECK: math.exp
// CHECK: arith.cmpf ogt
// SigmoidGrad, TanhGrad
// CHECK: arith.subf
// CHECK: arith.mulf
// GeluGrad none: erf and the Gaussian density
// CHECK: math.erf
// CHECK: math.exp
// GeluGrad tanh
// CHECK: math.tanh
// CHECK-NOT: math.erf
// CHECK: return
func.func @grads(%dy: tensor<8xf32>, %x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = dlc.ReluGrad %dy, %x : tensor<8xf32>
  %1 = dlc.LeakyReluGrad %dy, %x {alpha = 0.2} : tensor<8xf32>
  %2 = dlc.EluGrad %dy, %x : tensor<8xf32>
  %3 = dlc.SigmoidGrad %dy, %x : tensor<8xf32>
  %4 = dlc.TanhGrad %dy, %x : tensor<8xf32>
  %5 = dlc.GeluGrad %dy, %x : tensor<8xf32>
  %6 = dlc.GeluGrad %dy, %x {approximate = "tanh"} : tensor<8xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// SoftmaxGrad: sum(dy y) along the axis, then y (dy - s).
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$RED:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<4x10xf32>, %[[Y:.*]]: tensor<4x10xf32>)
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[DY]], %[[Y]] : {{.*}}) outs(%[[INIT]] : tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$RED]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[DY]], %[[Y]], %[[S]] :
// CHECK-NEXT: ^bb0(%[[D:.*]]: f32, %[[YV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[DIFF:.*]] = arith.subf %[[D]], %[[SV]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[YV]], %[[DIFF]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @softmax_grad(%dy: tensor<4x10xf32>, %y: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = dlc.SoftmaxGrad %dy, %y : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// LogSoftmaxGrad along axis 0: sum(dy), then dy - exp(y) s.
// CHECK-DAG: #[[$RED:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @log_softmax_grad
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[$RED]]], iterator_types = ["reduction", "parallel"]}
// CHECK-NOT: arith.mulf
// CHECK: arith.addf
// CHECK: iterator_types = ["parallel", "parallel"]
// CHECK-NEXT: ^bb0(%[[D:.*]]: f32, %[[YV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[E:.*]] = math.exp %[[YV]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[E]], %[[SV]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.subf %[[D]], %[[M]] : f32
func.func @log_softmax_grad(%dy: tensor<4x10xf32>, %y: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = dlc.LogSoftmaxGrad %dy, %y {axis = 0 : si64} : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// Cross entropy, mean with ignore_index: a max over classes, one reduction
// for sum(exp(s - m)) and the label's score (linalg.index vs the label cast to
// index), then one reduction over samples of the loss and of the count, and
// the division.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @cross_entropy_mean
// CHECK-SAME: (%[[SC:.*]]: tensor<4x10xf32>, %[[L:.*]]: tensor<4xi64>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[SC]], %[[L]], %[[MAX]] :
// CHECK: math.exp
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[LI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.cmpi eq, %[[C]], %[[LI]] : index
// CHECK: %[[TOT:.*]]:2 = linalg.generic {indexing_maps = [#[[$V]], #[[$V]], #[[$V]], #[[$V]], #[[$S]], #[[$S]]], iterator_types = ["reduction"]}
// CHECK-SAME: ins(%[[L]], %[[MAX]], %[[SUMS]]#0, %[[SUMS]]#1 :
// CHECK: math.log
// CHECK: %[[IGN:.*]] = arith.constant -100 : i64
// CHECK: arith.cmpi ne, %{{.*}}, %[[IGN]] : i64
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = []} ins(%[[TOT]]#0, %[[TOT]]#1 :
// CHECK: arith.divf
// CHECK: return %[[R]]
func.func @cross_entropy_mean(%s: tensor<4x10xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %0 = dlc.SoftmaxCrossEntropyLoss %s, %l {ignore_index = -100 : si64} : (tensor<4x10xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// reduction none with label smoothing and i32 labels: a third row sum (of the
// scores), and a parallel generic over samples.
// CHECK-LABEL: func.func @cross_entropy_none
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: %[[SUMS:.*]]:3 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%{{.*}}, %{{.*}}, %[[SUMS]]#0, %[[SUMS]]#1, %[[SUMS]]#2 :
// CHECK-SAME: outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.constant 0.899999976 : f32
// CHECK: arith.constant 2.000000e-02 : f32
// CHECK: return %[[R]]
func.func @cross_entropy_none(%s: tensor<4x5xf32>, %l: tensor<4xi32>) -> tensor<4xf32> {
  %0 = dlc.SoftmaxCrossEntropyLoss %s, %l {reduction = "none", label_smoothing = 0.1} : (tensor<4x5xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The gradient, mean: the count of samples not ignored is a rank-0 input.
// CHECK-DAG: #[[$S2:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @cross_entropy_grad
// CHECK-SAME: (%[[DL:.*]]: tensor<f32>, %[[SC:.*]]: tensor<4x10xf32>, %[[L:.*]]: tensor<4xi64>)
// CHECK: %[[CNT:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[L]] : tensor<4xi64>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}, #[[$S2]], #[[$S2]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[SC]], %[[L]], %{{.*}}, %{{.*}}, %[[DL]], %[[CNT]] :
// CHECK: linalg.index 1
// CHECK: arith.select
// CHECK: arith.divf
// CHECK: arith.cmpi ne
// CHECK: return %[[R]]
func.func @cross_entropy_grad(%dl: tensor<f32>, %s: tensor<4x10xf32>, %l: tensor<4xi64>) -> tensor<4x10xf32> {
  %0 = dlc.SoftmaxCrossEntropyLossGrad %dl, %s, %l {ignore_index = 3 : si64} : (tensor<f32>, tensor<4x10xf32>, tensor<4xi64>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// MSE mean: a full reduction of (p - t)^2, divided by the element count.
// CHECK-LABEL: func.func @mse
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.constant 4.000000e+01 : f32
// CHECK: arith.divf
func.func @mse(%p: tensor<4x10xf32>, %t: tensor<4x10xf32>) -> tensor<f32> {
  %0 = dlc.MeanSquaredError %p, %t : (tensor<4x10xf32>, tensor<4x10xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Accuracy: arg-max by a strict > scan (the first maximal class wins), then a
// count of hits over samples, divided by N.
// CHECK-LABEL: func.func @accuracy
// CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<4x10xf64>) outs(%{{.*}}, %{{.*}} : tensor<4xf64>, tensor<4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 1
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[ARG]]#1, %{{.*}} : tensor<4xi64>, tensor<4xi32>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: arith.cmpi eq
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: arith.divf
func.func @accuracy(%s: tensor<4x10xf64>, %l: tensor<4xi32>) -> tensor<f32> {
  %0 = dlc.Accuracy %s, %l : (tensor<4x10xf64>, tensor<4xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// The schedule on rank-0 tensors, computed in f64 and truncated.
// CHECK-LABEL: func.func @schedule
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = []} ins(%{{.*}} : tensor<i64>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.floordivsi
// CHECK: math.powf %{{.*}}, %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: iterator_types = []
// CHECK: math.cos %{{.*}} : f64
// CHECK: arith.cmpi slt
// CHECK: arith.select
// CHECK: arith.truncf
// CHECK: iterator_types = []
// CHECK: arith.addi
func.func @schedule(%s: tensor<i64>) -> (tensor<f32>, tensor<f32>, tensor<i64>) {
  %0 = dlc.LearningRate %s {learning_rate = 0.1, schedule = "step", step_size = 2} : (tensor<i64>) -> tensor<f32>
  %1 = dlc.LearningRate %s {learning_rate = 0.1, schedule = "cosine", total_steps = 10, warmup_steps = 2} : (tensor<i64>) -> tensor<f32>
  %2 = dlc.StepIncrement %s : tensor<i64>
  return %0, %1, %2 : tensor<f32>, tensor<f32>, tensor<i64>
}

// -----

// SGD with momentum: one generic, the parameter and buffer as its outs (updated
// in place), lr and step through rank-0 maps.
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @sgd
// CHECK-SAME: (%[[P:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[LR:.*]]: tensor<f32>, %[[ST:.*]]: tensor<i64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$S]], #[[$V]], #[[$V]]], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%[[G]], %[[LR]], %[[ST]] : tensor<4xf32>, tensor<f32>, tensor<i64>) outs(%[[P]], %[[B]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.subf
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @sgd(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0:2 = dlc.SGDUpdate %p, %g momentum_buffer %b, %lr, %s {momentum = 0.9, nesterov = true} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// AdamW with amsgrad: the bias corrections and decay once in a rank-0 generic
// (f64, from t = step + 1), then one generic with outs(param, m, v, vmax).
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @adamw
// CHECK-SAME: (%[[P:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2x3xf32>, %[[M:.*]]: tensor<2x3xf32>, %[[V:.*]]: tensor<2x3xf32>, %[[VM:.*]]: tensor<2x3xf32>, %[[LR:.*]]: tensor<f32>, %[[ST:.*]]: tensor<i64>)
// CHECK: %[[SC:.*]]:3 = linalg.generic {{.*}} iterator_types = []} ins(%[[LR]], %[[ST]] : tensor<f32>, tensor<i64>)
// CHECK: arith.addi
// CHECK: math.powf
// CHECK: math.powf
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: %[[R:.*]]:4 = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$S]], #[[$S]], #[[$V]], #[[$V]], #[[$V]], #[[$V]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[G]], %[[SC]]#0, %[[SC]]#1, %[[SC]]#2 : {{.*}}) outs(%[[P]], %[[M]], %[[V]], %[[VM]] :
// CHECK: arith.maximumf
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[R]]#3
func.func @adamw(%p: tensor<2x3xf32>, %g: tensor<2x3xf32>, %m: tensor<2x3xf32>, %v: tensor<2x3xf32>, %vm: tensor<2x3xf32>, %lr: tensor<f32>, %s: tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0:4 = dlc.AdamUpdate %p, %g, %m, %v vmax %vm, %lr, %s {decoupled = true, weight_decay = 0.01} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<f32>, tensor<i64>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}
