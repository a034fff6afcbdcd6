// dlc-convert-to-linalg of Softmax and LogSoftmax: a max reduction from -inf, a sum of exp(x - max) from 0, then the normalizing generic, along the op's axis.
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// Default axis (-1) of a matrix: reduce the last dimension.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$RED:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MINIT:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%[[E0]] : tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<4x10xf32>) outs(%[[MINIT]] : tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[M:.*]]: f32):
// CHECK-NEXT: %[[MX:.*]] = arith.maximumf %[[A]], %[[M]] : f32
// CHECK-NEXT: linalg.yield %[[MX]] : f32
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[SINIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E1]] : tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]], #[[$RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<4x10xf32>, tensor<4xf32>) outs(%[[SINIT]] : tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[M:.*]]: f32, %[[S:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[EX:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: %[[NS:.*]] = arith.addf %[[S]], %[[EX]] : f32
// CHECK-NEXT: linalg.yield %[[NS]] : f32
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4x10xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]], #[[$RED]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<4x10xf32>, tensor<4xf32>, tensor<4xf32>) outs(%[[E2]] : tensor<4x10xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[M:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[EX:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[EX]], %[[S]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
// CHECK: return %[[R]] : tensor<4x10xf32>
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = dlc.Softmax %x : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// A middle axis: the reduced maps drop d1, the reduction iterator is the second.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$RED:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax_axis1
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: arith.maximumf
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]], #[[$RED]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$RED]], #[[$RED]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.divf
func.func @softmax_axis1(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Softmax %x {axis = 1 : si64} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// A negative axis counts from the end: -3 of a rank-3 tensor is dimension 0.
// CHECK-DAG: #[[$RED:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @softmax_axis_neg
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$RED]]], iterator_types = ["reduction", "parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<3x4xf32>)
func.func @softmax_axis_neg(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Softmax %x {axis = -3 : si64} : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// LogSoftmax: the same two reductions, then x - max - log(sum); f64 fills.
// CHECK-DAG: #[[$V:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$S:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @logsoftmax
// CHECK-SAME: (%[[X:.*]]: tensor<5xf64>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFFF0000000000000 : f64
// CHECK: %[[MINIT:.*]] = linalg.fill ins(%[[NINF]] : f64) outs(%{{.*}} : tensor<f64>) -> tensor<f64>
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[$V]], #[[$S]]], iterator_types = ["reduction"]}
// CHECK-SAME: outs(%[[MINIT]] : tensor<f64>)
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f64
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[SINIT:.*]] = linalg.fill ins(%[[ZERO]] : f64) outs(%{{.*}} : tensor<f64>) -> tensor<f64>
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$S]]], iterator_types = ["reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<5xf64>, tensor<f64>) outs(%[[SINIT]] : tensor<f64>)
// CHECK: math.exp %{{.*}} : f64
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[$V]], #[[$S]], #[[$S]], #[[$V]]], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<5xf64>, tensor<f64>, tensor<f64>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f64, %[[M:.*]]: f64, %[[SV:.*]]: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[A]], %[[M]] : f64
// CHECK-NEXT: %[[L:.*]] = math.log %[[SV]] : f64
// CHECK-NEXT: %[[Y:.*]] = arith.subf %[[D]], %[[L]] : f64
// CHECK-NEXT: linalg.yield %[[Y]] : f64
// CHECK: return %[[R]]
func.func @logsoftmax(%x: tensor<5xf64>) -> tensor<5xf64> {
  %0 = dlc.LogSoftmax %x : tensor<5xf64>
  return %0 : tensor<5xf64>
}

// -----

// LogSoftmax never exponentiates in its final generic, nor divides.
// CHECK-LABEL: func.func @logsoftmax_axis0
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: iterator_types = ["reduction", "parallel"]
// CHECK: iterator_types = ["parallel", "parallel"]
// CHECK-NOT: math.exp
// CHECK-NOT: arith.divf
// CHECK: math.log
// CHECK-NOT: math.exp
// CHECK-NOT: arith.divf
// CHECK: return
func.func @logsoftmax_axis0(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = dlc.LogSoftmax %x {axis = 0 : si64} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
