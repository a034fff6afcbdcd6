// dlc-vectorize-elementwise: elementwise (and column-reduction) generics
// become one scf.parallel over rows with vector loads, the body lane by
// lane, vector stores, and a masked tail.
// RUN: dlc-opt %s --pass-pipeline='builtin.module(func.func(dlc-vectorize-elementwise{vector-bits=512}))' -split-input-file | FileCheck %s

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (n)>
#col = affine_map<(m, n) -> (m)>

// Bias (along the row), a per-row scale (broadcast), ReLU. 100 = 6 * 16 + 4:
// a vector loop and a masked tail of 4 lanes.
// CHECK-LABEL: func.func @bias_scale_relu
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK: arith.remui
// CHECK: scf.for {{.*}} to %c96{{.*}} step %c16
// CHECK: vector.load {{.*}} vector<16xf32>
// CHECK: memref.load
// CHECK: vector.broadcast
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.store
// CHECK: vector.constant_mask [4] : vector<16xi1>
// CHECK: vector.maskedload
// CHECK: vector.maskedstore
func.func @bias_scale_relu(%x: memref<8x100xf32>, %b: memref<100xf32>, %s: memref<8xf32>,
                           %y: memref<8x100xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b, %s : memref<8x100xf32>, memref<100xf32>, memref<8xf32>) outs(%y : memref<8x100xf32>) {
  ^bb0(%v: f32, %bv: f32, %sv: f32, %o: f32):
    %0 = arith.addf %v, %bv : f32
    %1 = arith.mulf %0, %sv : f32
    %2 = arith.maximumf %1, %zero : f32
    linalg.yield %2 : f32
  }
  return
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#sum = affine_map<(m, n) -> (0, n)>

// A column sum (a bias gradient): rows accumulate in order in an scf.for
// carrying the output vector, inside the parallel loop over column chunks.
// CHECK-LABEL: func.func @column_sum
// CHECK: scf.parallel
// CHECK: vector.load
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>)
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: scf.yield
// CHECK: vector.store
func.func @column_sum(%x: memref<64x32xf32>, %g: memref<1x32xf32>) {
  linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x32xf32>) outs(%g : memref<1x32xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %0 = arith.addf %acc, %v : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#t = affine_map<(m, n) -> (n, m)>
#rsum = affine_map<(m, n) -> (m)>

// Left alone: a transpose (an input strided along the contiguous loop), a
// row reduction whose output is not simply combined (acc * 2 + v), a body
// that reads linalg.index, an integer division (a masked lane could divide
// by zero).
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-4: linalg.generic
// CHECK-NOT: vector.
func.func @left_alone(%x: memref<16x16xf32>, %y: memref<16x16xf32>, %r: memref<16xf32>,
                      %i: memref<16x16xi32>, %j: memref<16x16xi32>) {
  linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<16x16xf32>) outs(%y : memref<16x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#id, #rsum], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<16x16xf32>) outs(%r : memref<16xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %two = arith.constant 2.0 : f32
    %d = arith.mulf %acc, %two : f32
    %0 = arith.addf %d, %v : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%y : memref<16x16xf32>) {
  ^bb0(%o: f32):
    %k = linalg.index 1 : index
    %c = arith.index_cast %k : index to i32
    %f = arith.sitofp %c : i32 to f32
    linalg.yield %f : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%i : memref<16x16xi32>) outs(%j : memref<16x16xi32>) {
  ^bb0(%v: i32, %o: i32):
    %c7 = arith.constant 7 : i32
    %0 = arith.divsi %v, %c7 : i32
    linalg.yield %0 : i32
  }
  return
}

// -----

// A copy into a subview (a Concat's slot) becomes vector loops: row stride
// 80 in the target, 32 in the source. A copy between whole buffers stays a
// memref.copy (an llvm.memcpy later).
// CHECK-LABEL: func.func @strided_copy
// CHECK: %[[SLOT:.*]] = memref.subview
// CHECK-NOT: memref.copy %{{.*}}, %[[SLOT]]
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} to %c32{{.*}} step %c16
// CHECK: vector.load {{.*}} vector<16xf32>
// CHECK: vector.store
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x32xf32> to memref<4x32xf32>
func.func @strided_copy(%x: memref<4x32xf32>, %y: memref<4x80xf32>, %z: memref<4x32xf32>) {
  %slot = memref.subview %y[0, 48] [4, 32] [1, 1] : memref<4x80xf32> to memref<4x32xf32, strided<[80, 1], offset: 48>>
  memref.copy %x, %slot : memref<4x32xf32> to memref<4x32xf32, strided<[80, 1], offset: 48>>
  memref.copy %x, %z : memref<4x32xf32> to memref<4x32xf32>
  return
}

// -----

#id = affine_map<(m, n) -> (m, n)>
#row = affine_map<(m, n) -> (m)>

// Row reductions along the contiguous loop (a softmax's max, then its sum of
// exp(x - max)): L partial results per row in vector lanes, 100 = 6 * 16 + 4
// columns (a vector loop carrying them, a masked tail that keeps the
// masked-off lanes), then one vector.reduction with the output's old value.
// CHECK-LABEL: func.func @softmax_rows
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK: arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: scf.for {{.*}} to %c96{{.*}} step %c16 iter_args
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.constant_mask [4] : vector<16xi1>
// CHECK: arith.select
// CHECK: vector.reduction <maximumf>, %{{.*}}, %{{.*}} : vector<16xf32> into f32
// CHECK: memref.store
// CHECK: scf.parallel
// CHECK: arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.broadcast
// CHECK: math.exp {{.*}} : vector<16xf32>
// CHECK: vector.reduction <add>, %{{.*}}, %{{.*}} : vector<16xf32> into f32
func.func @softmax_rows(%x: memref<8x100xf32>, %max: memref<8xf32>, %sum: memref<8xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x100xf32>) outs(%max : memref<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %0 = arith.maximumf %v, %acc : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x, %max : memref<8x100xf32>, memref<8xf32>) outs(%sum : memref<8xf32>) {
  ^bb0(%v: f32, %m: f32, %acc: f32):
    %0 = arith.subf %v, %m : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %acc, %1 : f32
    linalg.yield %2 : f32
  }
  return
}
