// dlc-fuse-elementwise: elementwise producers fuse into consumers that read
// them through a permutation of all their loops (computed once, never
// stored); never into contractions. An elementwise op reading a
// contraction's epilogue through an expand_shape (its only reader) is
// rewritten over the collapsed shape to fuse with it.
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-fuse-elementwise))' -split-input-file | FileCheck %s

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// A bias add and a ReLU: one op, both bodies in it.
// CHECK-LABEL: func.func @bias_relu
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @bias_relu(%x: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<8x16xf32>, tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// exp feeding a row sum (a softmax's denominator): the reduction computes
// the exponentials itself.
// CHECK-LABEL: func.func @exp_into_sum
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: math.exp
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
func.func @exp_into_sum(%x: tensor<8x16xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = math.exp %v : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %acc0 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<8xf32>) -> tensor<8xf32>
  %1 = linalg.generic {indexing_maps = [#id, affine_map<(m, n) -> (m)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%0 : tensor<8x16xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%v: f32, %a: f32):
    %s = arith.addf %a, %v : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// A ReLU feeding a matrix product stays its own op: the product reads each
// element 32 times.
// CHECK-LABEL: func.func @not_into_contraction
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.maximumf
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @not_into_contraction(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %acc0 = tensor.empty() : tensor<8x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>,
                                        affine_map<(m, k, n) -> (m, n)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%0, %w : tensor<8x16xf32>, tensor<16x32xf32>) outs(%acc : tensor<8x32xf32>) {
  ^bb0(%p: f32, %q: f32, %a: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %a, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %1 : tensor<8x32xf32>
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// A broadcast read (the consumer reads a row vector along a loop it does not
// index): the producer would be recomputed per row, so it stays.
// CHECK-LABEL: func.func @not_through_broadcast
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-NOT: math.exp
// CHECK: return
func.func @not_through_broadcast(%b: tensor<16xf32>, %x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %e1 = tensor.empty() : tensor<16xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(n) -> (n)>, affine_map<(n) -> (n)>],
                       iterator_types = ["parallel"]}
      ins(%b : tensor<16xf32>) outs(%e1 : tensor<16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = math.exp %v : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %e = tensor.empty() : tensor<8x16xf32>
  %1 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %0 : tensor<8x16xf32>, tensor<16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.mulf %v, %bv : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %1 : tensor<8x16xf32>
}

// -----

#a = affine_map<(n, m, k, p) -> (m, k)>
#b = affine_map<(n, m, k, p) -> (n, k, p)>
#y = affine_map<(n, m, k, p) -> (n, m, p)>
#id3 = affine_map<(n, m, p) -> (n, m, p)>
#ch3 = affine_map<(n, m, p) -> (m)>
#id4 = affine_map<(n, m, h, w) -> (n, m, h, w)>

// A convolution's product [N, M, P] plus its bias, reshaped to NCHW, then a
// ReLU (the reshape's only reader): the ReLU is rewritten over [N, M, P]
// and fuses with the bias, so the GEMM codegen can take both as the
// product's epilogue; the reshape moves after it.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK: %[[P:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK: %[[R:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} ins(%[[P]], %{{.*}} : tensor<2x4x6xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[R]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @conv_bias_relu(%w: tensor<4x5xf32>, %col: tensor<2x5x6xf32>, %bias: tensor<4xf32>)
    -> tensor<2x4x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e3 = tensor.empty() : tensor<2x4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %p = linalg.generic {indexing_maps = [#a, #b, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%w, %col : tensor<4x5xf32>, tensor<2x5x6xf32>) outs(%acc : tensor<2x4x6xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %m = arith.mulf %x, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6xf32>
  %yb = linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p, %bias : tensor<2x4x6xf32>, tensor<4xf32>) outs(%e3 : tensor<2x4x6xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6xf32>
  %y4 = tensor.expand_shape %yb [[0], [1], [2, 3]] output_shape [2, 4, 2, 3] : tensor<2x4x6xf32> into tensor<2x4x2x3xf32>
  %e4 = tensor.empty() : tensor<2x4x2x3xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y4 : tensor<2x4x2x3xf32>) outs(%e4 : tensor<2x4x2x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4x2x3xf32>
  return %r : tensor<2x4x2x3xf32>
}

// -----

#a = affine_map<(n, m, k, p) -> (m, k)>
#b = affine_map<(n, m, k, p) -> (n, k, p)>
#y = affine_map<(n, m, k, p) -> (n, m, p)>
#id3 = affine_map<(n, m, p) -> (n, m, p)>
#ch3 = affine_map<(n, m, p) -> (m)>
#id4 = affine_map<(n, m, h, w) -> (n, m, h, w)>

// The same reshape read twice (in a training step the ReLU's gradient reads
// the pre-activation too): left as it is, the ReLU stays over NCHW.
// CHECK-LABEL: func.func @reshape_read_twice
// CHECK: tensor.expand_shape
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: arith.maximumf
func.func @reshape_read_twice(%w: tensor<4x5xf32>, %col: tensor<2x5x6xf32>, %bias: tensor<4xf32>)
    -> (tensor<2x4x2x3xf32>, tensor<2x4x2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e3 = tensor.empty() : tensor<2x4x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %p = linalg.generic {indexing_maps = [#a, #b, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%w, %col : tensor<4x5xf32>, tensor<2x5x6xf32>) outs(%acc : tensor<2x4x6xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %m = arith.mulf %x, %c : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6xf32>
  %yb = linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p, %bias : tensor<2x4x6xf32>, tensor<4xf32>) outs(%e3 : tensor<2x4x6xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %s = arith.addf %v, %bv : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6xf32>
  %y4 = tensor.expand_shape %yb [[0], [1], [2, 3]] output_shape [2, 4, 2, 3] : tensor<2x4x6xf32> into tensor<2x4x2x3xf32>
  %e4 = tensor.empty() : tensor<2x4x2x3xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y4 : tensor<2x4x2x3xf32>) outs(%e4 : tensor<2x4x2x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x4x2x3xf32>
  return %r, %y4 : tensor<2x4x2x3xf32>, tensor<2x4x2x3xf32>
}
