// dlc-approximate-math: f32 (scalar and vector) exp/expm1/tanh/erf/log become polynomial arithmetic; f64 ops are left for libm.
// RUN: dlc-opt %s -dlc-approximate-math -split-input-file | FileCheck %s
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-approximate-math))' -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @exp_f32
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK-NOT: math.exp
// CHECK: return %{{.*}} : f32
func.func @exp_f32(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @expm1_f32
// CHECK-NOT: math.expm1
// CHECK: arith.
// CHECK-NOT: math.expm1
// CHECK: return %{{.*}} : f32
func.func @expm1_f32(%x: f32) -> f32 {
  %0 = math.expm1 %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @tanh_f32
// CHECK-NOT: math.tanh
// CHECK: math.fma
// CHECK-NOT: math.tanh
// CHECK: return %{{.*}} : f32
func.func @tanh_f32(%x: f32) -> f32 {
  %0 = math.tanh %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @erf_f32
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK-NOT: math.erf
// CHECK: return %{{.*}} : f32
func.func @erf_f32(%x: f32) -> f32 {
  %0 = math.erf %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @log_f32
// CHECK-NOT: math.log
// CHECK: math.fma
// CHECK-NOT: math.log
// CHECK: return %{{.*}} : f32
func.func @log_f32(%x: f32) -> f32 {
  %0 = math.log %x : f32
  return %0 : f32
}

// -----

// Vectors of f32 are approximated lane-wise, staying vectors.
// CHECK-LABEL: func.func @exp_vector
// CHECK-NOT: math.exp
// CHECK: math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT: math.exp
// CHECK: return %{{.*}} : vector<8xf32>
func.func @exp_vector(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.exp %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// f64 is untouched: the ops stay exactly as written.
// CHECK-LABEL: func.func @f64_untouched
// CHECK-SAME: (%[[X:.*]]: f64)
// CHECK-NEXT: %[[A:.*]] = math.exp %[[X]] : f64
// CHECK-NEXT: %[[B:.*]] = math.tanh %[[A]] : f64
// CHECK-NEXT: %[[C:.*]] = math.erf %[[B]] : f64
// CHECK-NEXT: %[[D:.*]] = math.log %[[C]] : f64
// CHECK-NEXT: %[[E:.*]] = math.expm1 %[[D]] : f64
// CHECK-NEXT: return %[[E]] : f64
func.func @f64_untouched(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  %1 = math.tanh %0 : f64
  %2 = math.erf %1 : f64
  %3 = math.log %2 : f64
  %4 = math.expm1 %3 : f64
  return %4 : f64
}

// -----

// Mixed: inside a loop body (as after convert-linalg-to-loops), only the f32 op changes.
// CHECK-LABEL: func.func @mixed
// CHECK: scf.for
// CHECK-NOT: math.tanh %{{.*}} : f32
// CHECK: math.tanh %{{.*}} : f64
// CHECK-NOT: math.tanh %{{.*}} : f32
// CHECK: return
func.func @mixed(%a: memref<4xf32>, %b: memref<4xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %x = memref.load %a[%i] : memref<4xf32>
    %tx = math.tanh %x : f32
    memref.store %tx, %a[%i] : memref<4xf32>
    %y = memref.load %b[%i] : memref<4xf64>
    %ty = math.tanh %y : f64
    memref.store %ty, %b[%i] : memref<4xf64>
  }
  return
}
