// dlc-convert-to-linalg of what BatchNormalization and Dropout decompose into
// beyond core ops: MovingAverage (destination-passing into the running
// statistic, so bufferization updates the parameter in place) and
// DropoutMask (the counter-based generator of docs/training.md).
// RUN: dlc-opt %s -dlc-convert-to-linalg -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @moving_average
// CHECK-SAME: (%[[R:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%[[R]] : tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK: %[[M:.*]] = arith.constant 7.500000e-01 : f32
// CHECK: %[[A:.*]] = arith.mulf %[[OUT]], %[[M]]
// CHECK: %[[M1:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[C:.*]] = arith.mulf %[[IN]], %[[M1]]
// CHECK: arith.addf %[[A]], %[[C]]
func.func @moving_average(%r: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.MovingAverage %r, %b {momentum = 0.75 : f64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The stream key s = mix(K ^ step) once, K = mix(mix(seed) ^ salt) folded
// (for seed 1, salt 2: -1211274664761577749 as i64); then per element the
// row-major index i, mix(s + (i + 1) * golden), the top 53 bits against the
// ratio in f64, and 0 or 1 / (1 - ratio).
// CHECK-LABEL: func.func @dropout_mask
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = []} ins(%arg0 : tensor<i64>)
// CHECK: arith.constant -1211274664761577749 : i64
// CHECK: arith.xori %{{.*}}, %{{.*}} : i64
// CHECK: arith.constant -4658895280553007687 : i64
// CHECK: arith.constant -7723592293110705685 : i64
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[S]] : tensor<i64>) outs(%{{.*}} : tensor<3x5xf32>)
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.constant 5 : i64
// CHECK: arith.constant -7046029254386353131 : i64
// CHECK: arith.shrui %{{.*}}, %{{.*}} : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
// CHECK: arith.constant 1.1102230246251565E-16 : f64
// CHECK: arith.cmpf oge, %{{.*}}, %{{.*}} : f64
// CHECK: arith.constant 1.33333337 : f32
// CHECK: arith.select
func.func @dropout_mask(%step: tensor<i64>) -> tensor<3x5xf32> {
  %0 = dlc.DropoutMask %step {ratio = 0.25 : f64, seed = 1 : i64, salt = 2 : i64} : (tensor<i64>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
