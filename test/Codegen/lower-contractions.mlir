// dlc-lower-contractions: matrix-product linalg.generics become tasks over
// output tiles (scf.parallel) with a register-tiled vector micro-kernel;
// everything else is left alone.
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-lower-contractions{vector-bits=512}))' -split-input-file | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-lower-contractions{vector-bits=256}))' -split-input-file | FileCheck %s --check-prefixes=CHECK,AVX2

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>

// A dense layer's shape, b row-major and small: streamed in place (no
// packing buffer), 8 tasks, a 6x64 (24 accumulators with AVX-512) or 6x16
// (12 with AVX2) register tile.
// CHECK-LABEL: func.func @dense
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.alloca
// CHECK: scf.parallel
// CHECK: scf.for
// AVX512: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// AVX2: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK: vector.load
// CHECK: memref.load
// CHECK: vector.broadcast
// CHECK: vector.fma
// CHECK: scf.yield
// Full tiles on the right (256 % 64 == 0): plain loads and stores.
// CHECK-NOT: vector.maskedstore
// CHECK: arith.addf
// CHECK: vector.store
func.func @dense(%x: memref<64x784xf32>, %w: memref<784x256xf32>, %y: memref<64x256xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<64x784xf32>, memref<784x256xf32>) outs(%y : memref<64x256xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// b transposed (a dot-product nest, as Gemm with transB lowers) and many
// rows: b is packed into a 64-byte aligned stack buffer, columns walked down
// k; the ragged right edge (70 columns) uses masked loads and stores.
// CHECK-LABEL: func.func @transposed_b
// CHECK: scf.parallel
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<{{[0-9]+}}xf32>
// CHECK: memref.store
// CHECK: vector.fma
// CHECK: vector.maskedload
// CHECK: vector.maskedstore
func.func @transposed_b(%x: memref<200x600xf32>, %w: memref<70x600xf32>, %y: memref<200x70xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<200x600xf32>, memref<70x600xf32>) outs(%y : memref<200x70xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %0, %acc : f32
    linalg.yield %1 : f32
  }
  return
}

// b transposed and few rows (a dense layer's x W^T at batch 45): no packing;
// both operands stream along k in vectors (a 4x4 tile of 16 partial-sum
// vectors with AVX-512, 2x4 with AVX2), k's tail (600 % 16 = 8, 600 % 8 = 0)
// masked, each sum reduced at the end and a row of 4 results stored
// (masked: 70 % 4 != 0).
// CHECK-LABEL: func.func @transposed_b_few_rows
// CHECK-NOT: memref.alloca
// CHECK: scf.parallel
// AVX512: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: vector.fma
// AVX512: vector.constant_mask [8] : vector<16xi1>
// AVX512: vector.maskedload
// CHECK: vector.reduction <add>, {{.*}} fastmath<reassoc>
// CHECK: vector.from_elements {{.*}} : vector<4xf32>
// CHECK: vector.maskedstore {{.*}} vector<4xi1>, vector<4xf32>
func.func @transposed_b_few_rows(%x: memref<45x600xf32>, %w: memref<70x600xf32>, %y: memref<45x70xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<45x600xf32>, memref<70x600xf32>) outs(%y : memref<45x70xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %0, %acc : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#a = affine_map<(b, m, k, n) -> (0, m, k)>
#b = affine_map<(b, m, k, n) -> (b, k, n)>
#c = affine_map<(b, m, k, n) -> (b, m, n)>

// A batch loop, broadcast in a: one task per batch element at least; f64
// vectors have half the lanes.
// CHECK-LABEL: func.func @batched_f64
// CHECK: scf.parallel
// CHECK: arith.remui
// AVX512: vector.fma {{.*}} : vector<8xf64>
// AVX2: vector.fma {{.*}} : vector<4xf64>
func.func @batched_f64(%x: memref<1x20x30xf64>, %w: memref<4x30x33xf64>, %y: memref<4x20x33xf64>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<1x20x30xf64>, memref<4x30x33xf64>) outs(%y : memref<4x20x33xf64>) {
  ^bb0(%p: f64, %q: f64, %acc: f64):
    %0 = arith.mulf %p, %q : f64
    %1 = arith.addf %acc, %0 : f64
    linalg.yield %1 : f64
  }
  return
}

// -----

// Left for the loop lowering: below min-flops; a matrix-vector product (no
// n loop); a body that is not multiply-accumulate; integers.
// CHECK-LABEL: func.func @not_contractions
// CHECK-NOT: vector.fma
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: vector.fma
func.func @not_contractions(%s: memref<4x4xf32>, %so: memref<4x4xf32>,
                            %m: memref<64x100xf32>, %v: memref<100xf32>, %mv: memref<64xf32>,
                            %a: memref<64x100xf32>, %b: memref<100x64xf32>, %o: memref<64x64xf32>,
                            %ia: memref<64x100xi32>, %ib: memref<100x64xi32>, %io: memref<64x64xi32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%s, %s : memref<4x4xf32>, memref<4x4xf32>) outs(%so : memref<4x4xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (k)>, affine_map<(m, k) -> (m)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%m, %v : memref<64x100xf32>, memref<100xf32>) outs(%mv : memref<64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<64x100xf32>, memref<100x64xf32>) outs(%o : memref<64x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.maximumf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%ia, %ib : memref<64x100xi32>, memref<100x64xi32>) outs(%io : memref<64x64xi32>) {
  ^bb0(%p: i32, %q: i32, %acc: i32):
    %0 = arith.muli %p, %q : i32
    %1 = arith.addi %acc, %0 : i32
    linalg.yield %1 : i32
  }
  return
}

// -----

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>

// A dense layer with bias and ReLU: the zero fill is folded (the first k
// block stores instead of adding), the bias + ReLU generic runs on the tile
// in registers and writes its own buffer (allocated after the contraction,
// so moved before the kernel); the raw product, read by nothing else, is
// never stored. Several k blocks (K = 1000): the epilogue only in the last.
// CHECK-LABEL: func.func @dense_bias_relu
// CHECK: %[[D:.*]] = memref.alloc() : memref<64x256xf32>
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: } else {
// CHECK: scf.if
// CHECK: vector.load
// CHECK: arith.addf {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK: arith.maximumf {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK: vector.store
// CHECK: } else {
// CHECK-NOT: linalg.generic
// CHECK: memref.copy %[[D]]
func.func @dense_bias_relu(%x: memref<64x1000xf32>, %w: memref<1000x256xf32>,
                           %bias: memref<256xf32>, %y: memref<64x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x256xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x256xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<64x1000xf32>, memref<1000x256xf32>) outs(%c : memref<64x256xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  %d = memref.alloc() : memref<64x256xf32>
  linalg.generic {indexing_maps = [#id, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x256xf32>, memref<256xf32>) outs(%d : memref<64x256xf32>) {
  ^bb0(%v: f32, %bv: f32, %out: f32):
    %0 = arith.addf %v, %bv : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  }
  memref.copy %d, %y : memref<64x256xf32> to memref<64x256xf32>
  return
}

// -----

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>

// The raw product is also read after the epilogue (as a pre-activation is
// by its gradient): the kernel stores it too. An op between the fill and the
// contraction that writes memory keeps the fill.
// CHECK-LABEL: func.func @product_still_needed
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: scf.parallel
// CHECK: math.tanh {{.*}} : vector<
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @product_still_needed(%x: memref<32x64xf32>, %w: memref<64x48xf32>,
                                %y: memref<32x48xf32>, %z: memref<32x48xf32>,
                                %s: memref<4xf32>, %t: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<32x48xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<32x48xf32>)
  memref.copy %s, %t : memref<4xf32> to memref<4xf32>
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<32x64xf32>, memref<64x48xf32>) outs(%c : memref<32x48xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x48xf32>) outs(%y : memref<32x48xf32>) {
  ^bb0(%v: f32, %out: f32):
    %0 = math.tanh %v : f32
    linalg.yield %0 : f32
  }
  memref.copy %c, %z : memref<32x48xf32> to memref<32x48xf32>
  return
}

// -----

#a = affine_map<(n, m, k, p) -> (m, k)>
#b = affine_map<(n, m, k, p) -> (n, k, p)>
#y = affine_map<(n, m, k, p) -> (n, m, p)>
#id3 = affine_map<(n, m, p) -> (n, m, p)>
#ch3 = affine_map<(n, m, p) -> (m)>

// A convolution's product (filter [M, K] times each image's im2col
// [K, P]) with its channel bias and a ReLU (what dlc-fuse-elementwise makes
// of Conv + Relu): the epilogue adds bias[m], one element per tile row
// broadcast along it, and no generic is left.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel
// CHECK: memref.load
// CHECK: vector.broadcast
// CHECK: arith.addf {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK: arith.maximumf {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK: vector.{{(masked)?}}store
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @conv_bias_relu(%w: memref<64x288xf32>, %col: memref<2x288x121xf32>,
                          %bias: memref<64xf32>, %out: memref<2x64x121xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<2x64x121xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<2x64x121xf32>)
  linalg.generic {indexing_maps = [#a, #b, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%w, %col : memref<64x288xf32>, memref<2x288x121xf32>) outs(%p : memref<2x64x121xf32>) {
  ^bb0(%x: f32, %c: f32, %o: f32):
    %0 = arith.mulf %x, %c : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p, %bias : memref<2x64x121xf32>, memref<64xf32>) outs(%out : memref<2x64x121xf32>) {
  ^bb0(%v: f32, %bv: f32, %o: f32):
    %0 = arith.addf %v, %bv : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

#a = affine_map<(m, k, n) -> (m, k)>
#bt = affine_map<(m, k, n) -> (n, k)>
#c = affine_map<(m, k, n) -> (m, n)>

// x·Wᵀ with many rows: W is packed transposed, by scalar copies, once per
// task. Column blocks are split down to two panels before rows are, so the
// 8 tasks are 4 column blocks of 64 x 2 row blocks (each panel packed twice
// in all), not 2 x 4.
// CHECK-LABEL: func.func @transposed_b_tasks
// CHECK: scf.parallel (%[[T:.*]]) = (%c0) to (%c8)
// AVX512: arith.remui %[[T]], %c4
// AVX512: %[[REST:.*]] = arith.divui %[[T]], %c4
// AVX512: arith.remui %[[REST]], %c2
// The packing: with 16 lanes, 16 x 16 blocks (16 column loads, a transpose
// lowered to shuffles, 16 row stores) while 16 rows of k remain, then
// scalar copies for the rest; with 8 lanes, scalar copies only.
// AVX512-COUNT-16: vector.load {{.*}} : memref<{{[0-9]+}}xf32>, vector<16xf32>
// AVX512: vector.shuffle
// AVX512-NOT: vector.transpose
// AVX512-COUNT-16: vector.store {{.*}} : memref<{{[0-9]+}}xf32>, vector<16xf32>
// AVX2-NOT: vector.shuffle
// CHECK: memref.load
// CHECK: memref.store
func.func @transposed_b_tasks(%x: memref<512x64xf32>, %w: memref<256x64xf32>, %y: memref<512x256xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : memref<512x64xf32>, memref<256x64xf32>) outs(%y : memref<512x256xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %0 = arith.mulf %p, %q : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
