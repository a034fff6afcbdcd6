// dlc-drop-in-place-results: the leading results that are the entry's own
// arguments (updated in place) are dropped; nothing else is.
// RUN: dlc-opt %s -dlc-drop-in-place-results -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[W:.*]]: memref<4xf32>, %[[S:.*]]: memref<i64>, %[[L:.*]]: memref<f32>) -> memref<f32>
// CHECK: return %[[L]] : memref<f32>
func.func @step(%w: memref<4xf32>, %s: memref<i64>, %l: memref<f32>) -> (memref<4xf32>, memref<i64>, memref<f32>)
    attributes {dlc.entry, dlc.num_in_place_results = 2 : i64} {
  return %w, %s, %l : memref<4xf32>, memref<i64>, memref<f32>
}

// -----

// A result past the in-place ones stays even when it is an argument, and a
// leading result that is not an argument (a copy) stays too.
// CHECK-LABEL: func.func @partial
// CHECK-SAME: -> (memref<4xf32>, memref<f32>)
// CHECK: %[[C:.*]] = memref.alloc
// CHECK: return %[[C]], %arg1 : memref<4xf32>, memref<f32>
func.func @partial(%w: memref<4xf32>, %l: memref<f32>) -> (memref<4xf32>, memref<f32>)
    attributes {dlc.entry, dlc.num_in_place_results = 1 : i64} {
  %c = memref.alloc() : memref<4xf32>
  return %c, %l : memref<4xf32>, memref<f32>
}

// -----

// Inference entries have no in-place results: an output that is an input
// is still returned (and copied later).
// CHECK-LABEL: func.func @infer
// CHECK: return %arg0 : memref<4xf32>
func.func @infer(%x: memref<4xf32>) -> memref<4xf32> attributes {dlc.entry} {
  return %x : memref<4xf32>
}
