// Canonicalization of the dlc dialect: Transpose/Reshape composition, Identity/Transpose/Reshape folds, and cases that must stay.
// RUN: dlc-opt %s -canonicalize -split-input-file | FileCheck %s

// Explicit perms compose: result dim i of the pair is x's dim p[q[i]].
// CHECK-LABEL: func.func @transpose_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = dlc.Transpose %0 {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// A non-commuting pair: the order of composition matters.
// CHECK-LABEL: func.func @transpose_transpose_order
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 2, 0, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<4x2x5x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_transpose_order(%x: tensor<2x3x4x5xf32>) -> tensor<4x2x5x3xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32>
  %1 = dlc.Transpose %0 {perm = array<i64: 1, 0, 3, 2>} : (tensor<2x4x3x5xf32>) -> tensor<4x2x5x3xf32>
  return %1 : tensor<4x2x5x3xf32>
}

// -----

// Inner default perm (reversal) composed with an explicit outer perm.
// CHECK-LABEL: func.func @transpose_default_inner
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_default_inner(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = dlc.Transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = dlc.Transpose %0 {perm = array<i64: 1, 0, 2>} : (tensor<4x3x2xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// Explicit inner perm composed with a default outer perm.
// CHECK-LABEL: func.func @transpose_default_outer
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_default_outer(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = dlc.Transpose %0 : (tensor<2x4x3xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// Two default transposes cancel: the composed perm is the identity and folds away.
// CHECK-LABEL: func.func @transpose_default_twice
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_default_twice(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %1 = dlc.Transpose %0 : (tensor<4x3x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// A permutation followed by its inverse cancels.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf64>)
// CHECK-NOT: dlc.Transpose
// CHECK: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf64>) -> tensor<2x3x4xf64> {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf64>) -> tensor<3x4x2xf64>
  %1 = dlc.Transpose %0 {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf64>) -> tensor<2x3x4xf64>
  return %1 : tensor<2x3x4xf64>
}

// -----

// Three transposes collapse into one.
// CHECK-LABEL: func.func @transpose_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_chain(%x: tensor<2x3x4xf32>) -> tensor<2x4x3xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = dlc.Transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  %2 = dlc.Transpose %1 {perm = array<i64: 2, 1, 0>} : (tensor<3x4x2xf32>) -> tensor<2x4x3xf32>
  return %2 : tensor<2x4x3xf32>
}

// -----

// An explicit identity perm folds.
// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// The default perm of a rank-1 (or rank-0) tensor is the identity.
// CHECK-LABEL: func.func @transpose_rank1
// CHECK-SAME: (%[[X:.*]]: tensor<5xf32>, %[[S:.*]]: tensor<f32>)
// CHECK-NEXT: return %[[X]], %[[S]]
func.func @transpose_rank1(%x: tensor<5xf32>, %s: tensor<f32>) -> (tensor<5xf32>, tensor<f32>) {
  %0 = dlc.Transpose %x : (tensor<5xf32>) -> tensor<5xf32>
  %1 = dlc.Transpose %s : (tensor<f32>) -> tensor<f32>
  return %0, %1 : tensor<5xf32>, tensor<f32>
}

// -----

// Not the identity although the shape does not change: the op stays.
// CHECK-LABEL: func.func @transpose_square_stays
// CHECK-SAME: (%[[X:.*]]: tensor<3x3xf32>)
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[X]] : (tensor<3x3xf32>) -> tensor<3x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_square_stays(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = dlc.Transpose %x : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// A single non-identity transpose stays, with its perm.
// CHECK-LABEL: func.func @transpose_single_stays
// CHECK-NEXT: dlc.Transpose %{{.*}} {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
// CHECK-NEXT: return
func.func @transpose_single_stays(%x: tensor<2x3x4xf32>) -> tensor<2x4x3xf32> {
  %0 = dlc.Transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  return %0 : tensor<2x4x3xf32>
}

// -----

// The inner transpose has another use: it stays for that use, the outer one
// is still rewritten to read x directly.
// CHECK-LABEL: func.func @transpose_multi_use
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-DAG: %[[IN:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK-DAG: %[[OUT:.*]] = dlc.Transpose %[[X]] {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK: return %[[IN]], %[[OUT]]
func.func @transpose_multi_use(%x: tensor<2x3x4xf32>) -> (tensor<3x2x4xf32>, tensor<3x4x2xf32>) {
  %0 = dlc.Transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = dlc.Transpose %0 {perm = array<i64: 0, 2, 1>} : (tensor<3x2x4xf32>) -> tensor<3x4x2xf32>
  return %0, %1 : tensor<3x2x4xf32>, tensor<3x4x2xf32>
}

// -----

// Reshape of a reshape becomes one reshape to the explicit final shape.
// CHECK-LABEL: func.func @reshape_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = dlc.Reshape %[[X]] {shape = array<i64: 4, 6>} : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: 24>} : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = dlc.Reshape %0 {shape = array<i64: 4, -1>} : (tensor<24xf32>) -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// The outer shape's 0 entries refer to the inner result ([6, 4]), not to x
// ([2, 3, 4]): the fused op must spell out 6, not copy x's dimension 0 (2).
// CHECK-LABEL: func.func @reshape_reshape_zero
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.*]] = dlc.Reshape %[[X]] {shape = array<i64: 6, 2, 2>} : (tensor<2x3x4xf32>) -> tensor<6x2x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape_zero(%x: tensor<2x3x4xf32>) -> tensor<6x2x2xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: 6, -1>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = dlc.Reshape %0 {shape = array<i64: 0, 2, -1>} : (tensor<6x4xf32>) -> tensor<6x2x2xf32>
  return %1 : tensor<6x2x2xf32>
}

// -----

// A reshape chain that returns to the input shape disappears entirely.
// CHECK-LABEL: func.func @reshape_roundtrip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_roundtrip(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %1 = dlc.Reshape %0 {shape = array<i64: 2, 3, 4>} : (tensor<6x4xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// A reshape to the same shape folds, whichever way the shape is written.
// CHECK-LABEL: func.func @reshape_same
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @reshape_same(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = dlc.Reshape %x {shape = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dlc.Reshape %x {shape = array<i64: 0, -1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A single reshape that changes the shape stays, with its shape as written.
// CHECK-LABEL: func.func @reshape_stays
// CHECK-NEXT: dlc.Reshape %{{.*}} {shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: return
func.func @reshape_stays(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  %0 = dlc.Reshape %x {shape = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  return %0 : tensor<2x12xf32>
}

// -----

// Identity folds away, also in chains and on non-float tensors.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[I:.*]]: tensor<4xi64>)
// CHECK-NEXT: return %[[X]], %[[I]]
func.func @identity(%x: tensor<2x3xf32>, %i: tensor<4xi64>) -> (tensor<2x3xf32>, tensor<4xi64>) {
  %0 = dlc.Identity %x : tensor<2x3xf32>
  %1 = dlc.Identity %0 : tensor<2x3xf32>
  %2 = dlc.Identity %i : tensor<4xi64>
  return %1, %2 : tensor<2x3xf32>, tensor<4xi64>
}

// -----

// Identity between two transposes folds first, then the transposes compose.
// CHECK-LABEL: func.func @identity_between
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity_between(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dlc.Transpose %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = dlc.Identity %0 : tensor<3x2xf32>
  %2 = dlc.Transpose %1 : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// A reshape and a transpose do not combine; a Flatten is not a Reshape for
// the ReshapeOfReshape pattern. Everything stays.
// CHECK-LABEL: func.func @mixed_stays
// CHECK-NEXT: %[[F:.*]] = dlc.Flatten %{{.*}} : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: %[[R:.*]] = dlc.Reshape %[[F]] {shape = array<i64: 12, 2>} : (tensor<2x12xf32>) -> tensor<12x2xf32>
// CHECK-NEXT: %[[T:.*]] = dlc.Transpose %[[R]] : (tensor<12x2xf32>) -> tensor<2x12xf32>
// CHECK-NEXT: %[[R2:.*]] = dlc.Reshape %[[T]] {shape = array<i64: 24>} : (tensor<2x12xf32>) -> tensor<24xf32>
// CHECK-NEXT: return %[[R2]]
func.func @mixed_stays(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  %0 = dlc.Flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %1 = dlc.Reshape %0 {shape = array<i64: 12, 2>} : (tensor<2x12xf32>) -> tensor<12x2xf32>
  %2 = dlc.Transpose %1 : (tensor<12x2xf32>) -> tensor<2x12xf32>
  %3 = dlc.Reshape %2 {shape = array<i64: 24>} : (tensor<2x12xf32>) -> tensor<24xf32>
  return %3 : tensor<24xf32>
}

// -----

// Compute ops have no folds or patterns: Relu(Relu(x)) stays as written.
// CHECK-LABEL: func.func @compute_stays
// CHECK-NEXT: %[[A:.*]] = dlc.Relu %{{.*}} : tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = dlc.Relu %[[A]] : tensor<4xf32>
// CHECK-NEXT: return %[[B]]
func.func @compute_stays(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Relu %x : tensor<4xf32>
  %1 = dlc.Relu %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Dead pure ops are erased.
// CHECK-LABEL: func.func @dead
// CHECK-NOT: dlc.
// CHECK: return
func.func @dead(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.Sigmoid %x : tensor<4xf32>
  %1 = dlc.Transpose %x : (tensor<4xf32>) -> tensor<4xf32>
  return %x : tensor<4xf32>
}
