// dlc-parallelize: outermost scf.parallel loops with enough work become a
// private function run by dlc_parallel_for; small loops stay; reductions
// stay inside; allocas keep a scope per iteration; captured memrefs and
// scalars travel through a stack struct.
// RUN: dlc-opt %s -dlc-parallelize -split-input-file | FileCheck %s
// RUN: dlc-opt %s -dlc-parallelize=min-work=1 -split-input-file | FileCheck %s --check-prefix=LOW

// A 64x512 elementwise loop (32768 iterations): outlined. 64 rows are fewer
// than 256 units, so both dimensions are linearized: rows, then the column
// range of each row. The two memrefs go through the struct as pointers.
// CHECK-LABEL: func.func private @dlc_parallel_for((!llvm.ptr, i64, i64) -> (), !llvm.ptr, i64)
// CHECK-LABEL: func.func @elementwise(
// CHECK-SAME: %[[A:.*]]: memref<64x512xf32>, %[[B:.*]]: memref<64x512xf32>)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr)> : (i64) -> !llvm.ptr
// CHECK-NOT: scf.parallel
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: llvm.getelementptr %[[CTX]][0, 0]
// CHECK: llvm.store
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: llvm.getelementptr %[[CTX]][0, 1]
// CHECK: llvm.store
// CHECK: %[[FN:.*]] = constant @elementwise_par0 : (!llvm.ptr, i64, i64) -> ()
// CHECK: %[[TOTAL:.*]] = arith.constant 32768 : i64
// CHECK: call @dlc_parallel_for(%[[FN]], %[[CTX]], %[[TOTAL]])
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @elementwise_par0(
// CHECK-SAME: %[[C:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[C]][0, 0]
// CHECK: llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.mlir.poison : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[AIN:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<64x512xf32>
// CHECK: %[[BIN:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<64x512xf32>
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[COL:.*]] = %{{.*}} to %{{.*}} step
// CHECK: memref.load %[[AIN]]
// CHECK: math.exp
// CHECK: memref.store %{{.*}}, %[[BIN]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @elementwise(%a: memref<64x512xf32>, %b: memref<64x512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c512) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<64x512xf32>
    %y = math.exp %x : f32
    memref.store %y, %b[%i, %j] : memref<64x512xf32>
  }
  return
}

// -----

// 64x10 with a short body: 640 iterations of 3 ops is under the threshold,
// so the loop stays (and no declaration is added); with min-work=1 it is
// outlined over all 640 units.
// CHECK: module {
// CHECK-NEXT: func.func @small(
// CHECK-NOT: call
// CHECK: scf.parallel
// CHECK-NOT: call
// CHECK: return
// CHECK-NEXT: }
// CHECK-NEXT: }
// LOW-LABEL: func.func @small(
// LOW: %[[FN:.*]] = constant @small_par0
// LOW: %[[N:.*]] = arith.constant 640 : i64
// LOW: call @dlc_parallel_for(%[[FN]], %{{.*}}, %[[N]])
// LOW-LABEL: func.func private @small_par0(
func.func @small(%a: memref<64x10xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c10 = arith.constant 10 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c10) step (%c1, %c1) {
    memref.store %zero, %a[%i, %j] : memref<64x10xf32>
  }
  return
}

// -----

// A contraction as convert-linalg-to-parallel-loops makes it: the parallel
// (i, j) outside, the reduction k an scf.for inside. 64x64 output elements
// times 64 steps of 5 ops: outlined; the reduction loop stays whole inside
// each (i, j), so each output element is still summed by one thread in
// order. 64 rows are not enough units, so (i, j) are linearized (4096).
// CHECK-LABEL: func.func @matmul(
// CHECK: %[[N:.*]] = arith.constant 4096 : i64
// CHECK: call @dlc_parallel_for(%{{.*}}, %{{.*}}, %[[N]])
// CHECK-LABEL: func.func private @matmul_par0(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    scf.for %k = %c0 to %c64 step %c1 {
      %x = memref.load %a[%i, %k] : memref<64x64xf32>
      %y = memref.load %b[%k, %j] : memref<64x64xf32>
      %acc = memref.load %c[%i, %j] : memref<64x64xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %c[%i, %j] : memref<64x64xf32>
    }
  }
  return
}

// -----

// 3-D: the first two dimensions give 64 x 8 = 512 units; the third stays an
// scf.parallel inside each unit (lowered sequentially later).
// CHECK-LABEL: func.func @three_d(
// CHECK: %[[N:.*]] = arith.constant 512 : i64
// CHECK: call @dlc_parallel_for(%{{.*}}, %{{.*}}, %[[N]])
// CHECK-LABEL: func.func private @three_d_par0(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.parallel (%{{.*}}) = (%c0{{.*}}) to (%c100{{.*}}) step (%c1{{.*}})
// CHECK: memref.store
func.func @three_d(%a: memref<64x8x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c100 = arith.constant 100 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c64, %c8, %c100) step (%c1, %c1, %c1) {
    memref.store %one, %a[%i, %j, %k] : memref<64x8x100xf32>
  }
  return
}

// -----

// A GEMM-style kernel: an scf.parallel over row blocks whose body packs a
// block of A into a stack buffer inside memref.alloca_scope and uses it with
// vector ops. The alloca, its scope and the vector ops move into the
// outlined function unchanged; the block loop (16 units) is the only
// dimension.
// CHECK-LABEL: func.func @packed(
// CHECK: %[[N:.*]] = arith.constant 16 : i64
// CHECK: call @dlc_parallel_for(%{{.*}}, %{{.*}}, %[[N]])
// CHECK-LABEL: func.func private @packed_par0(
// CHECK: scf.for
// CHECK: memref.alloca_scope {
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<16x256xf32>
// CHECK: vector.load
// CHECK: vector.store
// CHECK: }
func.func @packed(%a: memref<256x256xf32>, %out: memref<256x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%ib) = (%c0) to (%c256) step (%c16) {
    memref.alloca_scope {
      %pack = memref.alloca() {alignment = 64 : i64} : memref<16x256xf32>
      scf.for %r = %c0 to %c16 step %c1 {
        %row = arith.addi %ib, %r : index
        scf.for %k = %c0 to %c256 step %c8 {
          %v = vector.load %a[%row, %k] : memref<256x256xf32>, vector<8xf32>
          vector.store %v, %pack[%r, %k] : memref<16x256xf32>, vector<8xf32>
        }
      }
      scf.for %r = %c0 to %c16 step %c1 {
        %row = arith.addi %ib, %r : index
        scf.for %k = %c0 to %c256 step %c8 {
          %v = vector.load %pack[%r, %k] : memref<16x256xf32>, vector<8xf32>
          %w = arith.addf %v, %v : vector<8xf32>
          vector.store %w, %out[%row, %k] : memref<256x256xf32>, vector<8xf32>
        }
      }
    }
  }
  return
}

// -----

// An alloca directly in the body belongs to the scf.parallel's own scope
// (one per iteration); in the outlined scf.for it gets a memref.alloca_scope.
// CHECK-LABEL: func.func private @own_alloca_par0(
// CHECK: scf.for
// CHECK: memref.alloca_scope {
// CHECK-NEXT: memref.alloca() : memref<1024xf32>
func.func @own_alloca(%a: memref<64x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %tmp = memref.alloca() : memref<1024xf32>
    scf.for %k = %c0 to %c1024 step %c1 {
      %x = memref.load %a[%i, %k] : memref<64x1024xf32>
      memref.store %x, %tmp[%k] : memref<1024xf32>
    }
    scf.for %k = %c0 to %c1024 step %c1 {
      %x = memref.load %tmp[%k] : memref<1024xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %a[%i, %k] : memref<64x1024xf32>
    }
  }
  return
}

// -----

// Captures of every kind: a dynamic memref (pointer, sizes, strides), a
// strided view with a dynamic offset, an f32, an index from an enclosing
// sequential loop. The struct is allocated once in the entry block, outside
// the sequential loop, and filled before every call.
// CHECK-LABEL: func.func @captures(
// CHECK-SAME: %[[D:[^:]*]]: memref<?x?xf32>, %[[S:[^:]*]]: memref<64x64xf32, strided<[128, 1], offset: ?>>, %[[X:[^:]*]]: f32
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(ptr, i64, i64, i64, ptr, i64, f32, i64)>
// CHECK: scf.for %[[T:[^ ]*]] =
// CHECK: memref.extract_strided_metadata %[[D]]
// CHECK: memref.extract_strided_metadata %[[S]]
// CHECK: llvm.store %[[X]]
// CHECK: arith.index_cast %[[T]] : index to i64
// CHECK: call @dlc_parallel_for
// CHECK-LABEL: func.func private @captures_par0(
// CHECK: %[[DIN:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<?x?xf32>
// CHECK: %[[SIN:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<64x64xf32, strided<[128, 1], offset: ?>>
// CHECK: %[[XIN:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: %[[TI64:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: %[[TIN:.*]] = arith.index_cast %[[TI64]] : i64 to index
// CHECK: memref.load %[[DIN]]
// CHECK: memref.load %[[SIN]]
// CHECK: arith.addf %{{.*}}, %[[XIN]]
// CHECK: arith.index_cast %[[TIN]]
func.func @captures(%d: memref<?x?xf32>, %s: memref<64x64xf32, strided<[128, 1], offset: ?>>, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c4 step %c1 {
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
      scf.for %k = %c0 to %c64 step %c1 {
        %v = memref.load %d[%i, %k] : memref<?x?xf32>
        %w = memref.load %s[%k, %j] : memref<64x64xf32, strided<[128, 1], offset: ?>>
        %p = arith.mulf %v, %w : f32
        %q = arith.addf %p, %x : f32
        %tf = arith.index_cast %t : index to i64
        %u = arith.sitofp %tf : i64 to f32
        %r = arith.addf %q, %u : f32
        memref.store %r, %d[%i, %j] : memref<?x?xf32>
      }
    }
  }
  return
}

// -----

// Only the outermost scf.parallel is outlined; one nested in it stays an
// scf.parallel inside the outlined function (run sequentially there).
// CHECK-LABEL: func.func @nested(
// CHECK-COUNT-1: call @dlc_parallel_for
// CHECK-LABEL: func.func private @nested_par0(
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.parallel
// CHECK-NOT: dlc_parallel_for
func.func @nested(%a: memref<64x8x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c8) step (%c1, %c1) {
    scf.parallel (%k) = (%c0) to (%c128) step (%c1) {
      memref.store %one, %a[%i, %j, %k] : memref<64x8x128xf32>
    }
  }
  return
}
