// RUN: dlc-opt %s -dlc-copy-repeated-results -split-input-file | FileCheck %s

// One buffer returned twice (for example the equal gradients of a and b in
// a + b): the repeat gets its own copy, so that buffer-results-to-out-params
// gives each out-parameter an allocation.
// CHECK-LABEL: func.func @repeated
// CHECK: %[[G:.*]] = memref.alloc() : memref<4xf64>
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf64>
// CHECK: memref.copy %[[G]], %[[C]]
// CHECK: %[[C2:.*]] = memref.alloc() : memref<4xf64>
// CHECK: memref.copy %[[G]], %[[C2]]
// CHECK: return %{{.*}}, %[[G]], %[[C]], %[[C2]]
func.func @repeated(%l: memref<f64>) -> (memref<f64>, memref<4xf64>, memref<4xf64>, memref<4xf64>) {
  %g = memref.alloc() : memref<4xf64>
  return %l, %g, %g, %g : memref<f64>, memref<4xf64>, memref<4xf64>, memref<4xf64>
}

// -----

// Distinct results are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: memref.copy
// CHECK: return %arg0, %arg1
func.func @distinct(%a: memref<4xf64>, %b: memref<4xf64>) -> (memref<4xf64>, memref<4xf64>) {
  return %a, %b : memref<4xf64>, memref<4xf64>
}
