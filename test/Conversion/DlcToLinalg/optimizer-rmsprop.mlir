// dlc-convert-to-linalg of dlc.RMSPropUpdate (one destination-passing
// generic: outs are the parameter and the state operands, updated in place)
// and dlc.GlobalNormScale (full reductions into one f64 accumulator, then the
// coefficient in a rank-0 generic).
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Plain RMSProp: outs(param, square_avg), lr through a rank-0 map, no step.
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%[[P:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>, %[[SQ:.*]]: tensor<4xf32>, %[[LR:.*]]: tensor<f32>, %[[ST:.*]]: tensor<i64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$V]], #[[$V]]], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%[[G]], %[[LR]] : tensor<4xf32>, tensor<f32>) outs(%[[P]], %[[SQ]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[g:.*]]: f32, %[[lr:.*]]: f32, %[[p:.*]]: f32, %[[sq:.*]]: f32):
// CHECK: %[[A:.*]] = arith.mulf %[[sq]], %{{.*}} : f32
// CHECK: %[[GG:.*]] = arith.mulf %[[g]], %[[g]] : f32
// CHECK: %[[B:.*]] = arith.mulf %[[GG]], %{{.*}} : f32
// CHECK: %[[SQ2:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK: %[[RT:.*]] = math.sqrt %[[SQ2]] : f32
// CHECK: %[[AVG:.*]] = arith.addf %[[RT]], %{{.*}} : f32
// CHECK: %[[D:.*]] = arith.divf %[[g]], %[[AVG]] : f32
// CHECK: %[[U:.*]] = arith.mulf %[[lr]], %[[D]] : f32
// CHECK: %[[P2:.*]] = arith.subf %[[p]], %[[U]] : f32
// CHECK: linalg.yield %[[P2]], %[[SQ2]] : f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @plain(%p: tensor<4xf32>, %g: tensor<4xf32>, %sq: tensor<4xf32>, %lr: tensor<f32>, %s: tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0:2 = dlc.RMSPropUpdate %p, %g, %sq, %lr, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Centered with momentum and weight decay (f64): outs(param, square_avg,
// momentum_buffer, grad_avg) in torch's state order.
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @centered_momentum
// CHECK-SAME: (%[[P:.*]]: tensor<2x3xf64>, %[[G:.*]]: tensor<2x3xf64>, %[[SQ:.*]]: tensor<2x3xf64>, %[[B:.*]]: tensor<2x3xf64>, %[[GA:.*]]: tensor<2x3xf64>, %[[LR:.*]]: tensor<f32>, %[[ST:.*]]: tensor<i64>)
// CHECK: %[[R:.*]]:4 = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$V]], #[[$V]], #[[$V]], #[[$V]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[G]], %[[LR]] : tensor<2x3xf64>, tensor<f32>) outs(%[[P]], %[[SQ]], %[[B]], %[[GA]] : tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>)
// CHECK: ^bb0(%[[g:.*]]: f64, %[[lr32:.*]]: f32, %[[p:.*]]: f64, %[[sq:.*]]: f64, %[[buf:.*]]: f64, %[[ga:.*]]: f64):
// CHECK: %[[lr:.*]] = arith.extf %[[lr32]] : f32 to f64
// CHECK: %[[WD:.*]] = arith.mulf %[[p]], %{{.*}} : f64
// CHECK: %[[GW:.*]] = arith.addf %[[g]], %[[WD]] : f64
// CHECK: %[[SQ2:.*]] = arith.addf
// CHECK: arith.mulf %[[ga]], %{{.*}} : f64
// CHECK: arith.mulf %[[GW]], %{{.*}} : f64
// CHECK: %[[GA2:.*]] = arith.addf
// CHECK: %[[GA2SQ:.*]] = arith.mulf %[[GA2]], %[[GA2]] : f64
// CHECK: %[[VAR:.*]] = arith.subf %[[SQ2]], %[[GA2SQ]] : f64
// CHECK: %[[RT:.*]] = math.sqrt %[[VAR]] : f64
// CHECK: %[[AVG:.*]] = arith.addf %[[RT]], %{{.*}} : f64
// CHECK: %[[D:.*]] = arith.divf %[[GW]], %[[AVG]] : f64
// CHECK: %[[BM:.*]] = arith.mulf %[[buf]], %{{.*}} : f64
// CHECK: %[[B2:.*]] = arith.addf %[[BM]], %[[D]] : f64
// CHECK: %[[U:.*]] = arith.mulf %[[lr]], %[[B2]] : f64
// CHECK: %[[P2:.*]] = arith.subf %[[p]], %[[U]] : f64
// CHECK: linalg.yield %[[P2]], %[[SQ2]], %[[B2]], %[[GA2]] : f64, f64, f64, f64
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[R]]#3
func.func @centered_momentum(%p: tensor<2x3xf64>, %g: tensor<2x3xf64>, %sq: tensor<2x3xf64>, %b: tensor<2x3xf64>, %ga: tensor<2x3xf64>, %lr: tensor<f32>, %s: tensor<i64>) -> (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %0:4 = dlc.RMSPropUpdate %p, %g, %sq momentum_buffer %b grad_avg %ga, %lr, %s {alpha = 0.9, centered = true, momentum = 0.5, weight_decay = 0.01} : (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<f32>, tensor<i64>) -> (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>)
  return %0#0, %0#1, %0#2, %0#3 : tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

// -----

// GlobalNormScale: a zero-filled f64 accumulator, one reduction per gradient
// chained through it, then min(1, max_norm / (sqrt(sum) + 1e-6)) truncated
// to f32.
// CHECK-DAG: #[[$M2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$S2:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[$M1:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S1:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @norm
// CHECK-SAME: (%[[A:.*]]: tensor<4x5xf32>, %[[B:.*]]: tensor<5xf32>)
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<f64>) -> tensor<f64>
// CHECK: %[[S1:.*]] = linalg.generic {indexing_maps = [#[[$M2]], #[[$S2]]], iterator_types = ["reduction", "reduction"]} ins(%[[A]] : tensor<4x5xf32>) outs(%[[Z]] : tensor<f64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: %[[S2:.*]] = linalg.generic {indexing_maps = [#[[$M1]], #[[$S1]]], iterator_types = ["reduction"]} ins(%[[B]] : tensor<5xf32>) outs(%[[S1]] : tensor<f64>)
// CHECK: %[[C:.*]] = linalg.generic {{.*}} iterator_types = []} ins(%[[S2]] : tensor<f64>)
// CHECK: math.sqrt %{{.*}} : f64
// CHECK: arith.constant 9.9999999999999995E-7 : f64
// CHECK: arith.divf
// CHECK: arith.minimumf
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: return %[[C]] : tensor<f32>
func.func @norm(%a: tensor<4x5xf32>, %b: tensor<5xf32>) -> tensor<f32> {
  %0 = dlc.GlobalNormScale %a, %b {max_norm = 1.0} : (tensor<4x5xf32>, tensor<5xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
