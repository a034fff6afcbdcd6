// Hand-written kernels of the shapes dlc-parallelize must carry through the
// whole lowering, built into an object, linked with libdlcrt and run with 1
// and 4 threads by Inputs/parallelize_main.c, which checks every element:
//  @blocked: a GEMM-style loop over row blocks whose body packs the block
//    into a stack buffer inside memref.alloca_scope (outlined);
//  @own: an alloca directly in the body of a 2048-iteration loop, 64 KiB
//    each (outlined: one scope per iteration, or the stack would overflow);
//  @small: the same with 4 iterations (not outlined, run sequentially);
//  @strided: a 2-D loop with lower bounds and steps other than 0 and 1
//    (both dimensions linearized), writing out[i, j] = 1000 i + j.
// RUN: dlc-opt %s --dlc-lower-to-llvm -o %t.llvm.mlir
// RUN: FileCheck %s --input-file=%t.llvm.mlir
// RUN: mlir-translate --mlir-to-llvmir %t.llvm.mlir -o %t.ll
// RUN: %cc -c -O2 -Wno-override-module %t.ll -o %t.o
// RUN: %cc -std=c11 -Wall -Werror %dlcrt_cflags %S/Inputs/parallelize_main.c %t.o %dlcrt_libs -o %t.exe
// RUN: env DLC_NUM_THREADS=1 %t.exe | FileCheck %s --check-prefix=RUN1
// RUN: env DLC_NUM_THREADS=4 %t.exe | FileCheck %s --check-prefix=RUN4
// RUN1: ok (1 threads)
// RUN4: ok (4 threads)

// CHECK-LABEL: llvm.func @blocked(
// CHECK: llvm.call @dlc_parallel_for
// CHECK-LABEL: llvm.func internal @blocked_par0(
// CHECK: llvm.intr.stacksave
// CHECK: llvm.alloca
// CHECK: llvm.intr.stackrestore
// CHECK-LABEL: llvm.func @own(
// CHECK: llvm.call @dlc_parallel_for
// CHECK-LABEL: llvm.func internal @own_par0(
// CHECK: llvm.intr.stacksave
// CHECK: llvm.alloca
// CHECK: llvm.intr.stackrestore
// CHECK-LABEL: llvm.func @strided(
// CHECK: llvm.call @dlc_parallel_for
// CHECK-LABEL: llvm.func @small(
// CHECK-NOT: llvm.call
// CHECK: llvm.intr.stacksave
// CHECK: llvm.alloca
// CHECK: llvm.intr.stackrestore
// CHECK: llvm.return

// out = 2 a + 1, through a packed block of 16 rows.
func.func @blocked(%a: memref<256x256xf32>, %out: memref<256x256xf32>) attributes {dlc.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c256 = arith.constant 256 : index
  %two = arith.constant 2.0 : f32
  %one = arith.constant 1.0 : f32
  scf.parallel (%ib) = (%c0) to (%c256) step (%c16) {
    memref.alloca_scope {
      %pack = memref.alloca() {alignment = 64 : i64} : memref<16x256xf32>
      scf.for %r = %c0 to %c16 step %c1 {
        %row = arith.addi %ib, %r : index
        scf.for %k = %c0 to %c256 step %c1 {
          %v = memref.load %a[%row, %k] : memref<256x256xf32>
          %w = arith.mulf %v, %two : f32
          memref.store %w, %pack[%r, %k] : memref<16x256xf32>
        }
      }
      scf.for %r = %c0 to %c16 step %c1 {
        %row = arith.addi %ib, %r : index
        scf.for %k = %c0 to %c256 step %c1 {
          %v = memref.load %pack[%r, %k] : memref<16x256xf32>
          %w = arith.addf %v, %one : f32
          memref.store %w, %out[%row, %k] : memref<256x256xf32>
        }
      }
    }
  }
  return
}

// out = 3 a - a, through a 64 KiB buffer per row.
func.func @own(%a: memref<2048x256xf32>, %out: memref<2048x256xf32>) attributes {dlc.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c2048 = arith.constant 2048 : index
  %three = arith.constant 3.0 : f32
  scf.parallel (%i) = (%c0) to (%c2048) step (%c1) {
    %tmp = memref.alloca() : memref<16384xf32>
    scf.for %k = %c0 to %c256 step %c1 {
      %v = memref.load %a[%i, %k] : memref<2048x256xf32>
      %w = arith.mulf %v, %three : f32
      memref.store %w, %tmp[%k] : memref<16384xf32>
    }
    scf.for %k = %c0 to %c256 step %c1 {
      %v = memref.load %tmp[%k] : memref<16384xf32>
      %x = memref.load %a[%i, %k] : memref<2048x256xf32>
      %w = arith.subf %v, %x : f32
      memref.store %w, %out[%i, %k] : memref<2048x256xf32>
    }
  }
  return
}

// out[i, j] = 1000 i + j for i = 1, 4, ..., 637 and j = 2, 7, ..., 997.
func.func @strided(%out: memref<640x1000xf32>) attributes {dlc.entry} {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c640 = arith.constant 640 : index
  %c1000 = arith.constant 1000 : index
  %k = arith.constant 1000 : index
  scf.parallel (%i, %j) = (%c1, %c2) to (%c640, %c1000) step (%c3, %c5) {
    %a = arith.muli %i, %k : index
    %b = arith.addi %a, %j : index
    %c = arith.index_cast %b : index to i64
    %v = arith.sitofp %c : i64 to f32
    memref.store %v, %out[%i, %j] : memref<640x1000xf32>
  }
  return
}

// out = a + a for 4 x 4, through a buffer per row.
func.func @small(%a: memref<4x4xf32>, %out: memref<4x4xf32>) attributes {dlc.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %tmp = memref.alloca() : memref<4xf32>
    scf.for %k = %c0 to %c4 step %c1 {
      %v = memref.load %a[%i, %k] : memref<4x4xf32>
      memref.store %v, %tmp[%k] : memref<4xf32>
    }
    scf.for %k = %c0 to %c4 step %c1 {
      %v = memref.load %tmp[%k] : memref<4xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %out[%i, %k] : memref<4x4xf32>
    }
  }
  return
}
