// dlc-assign-workspace: allocs of public functions become memref.view at 64-byte aligned offsets of a trailing workspace argument, buffers whose live ranges do not meet sharing memory; errors for allocs it cannot place.
// RUN: dlc-opt %s -dlc-assign-workspace -split-input-file -verify-diagnostics | FileCheck %s

// Live ranges (top-level op positions): t [0, 6], u [1, 5], v [2, 2] and
// w [3, 3] (never used). Largest first, each at the lowest 64-byte aligned
// offset clear of the placed buffers it meets: u (120 B) at 0, t (16 B) at
// 128, v at 192, and w at 192 too, since v is dead when w is born; 256 in
// all (without reuse it would be 320).
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[A:[^:]*]]: memref<4xf32>, %[[OUT:[^:]*]]: memref<4xf32>, %[[WS:[^:]*]]: memref<256xi8>)
// CHECK-SAME: attributes {dlc.workspace_size = 256 : i64}
// CHECK-NEXT: %[[C128:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[T:.*]] = memref.view %[[WS]][%[[C128]]][] : memref<256xi8> to memref<4xf32>
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[U:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<256xi8> to memref<3x5xf64>
// CHECK-NEXT: %[[C192:.*]] = arith.constant 192 : index
// CHECK-NEXT: %[[V:.*]] = memref.view %[[WS]][%[[C192]]][] : memref<256xi8> to memref<1xi1>
// CHECK-NEXT: %[[C192B:.*]] = arith.constant 192 : index
// CHECK-NEXT: %[[W:.*]] = memref.view %[[WS]][%[[C192B]]][] : memref<256xi8> to memref<2xi8>
// CHECK-NEXT: arith.constant 0.000000e+00 : f64
// CHECK-NEXT: memref.copy %[[A]], %[[T]]
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f64) outs(%[[U]] : memref<3x5xf64>)
// CHECK-NEXT: memref.copy %[[T]], %[[OUT]]
// CHECK-NEXT: return
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @f(%a: memref<4xf32>, %out: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  %u = memref.alloc() {alignment = 64 : i64} : memref<3x5xf64>
  %v = memref.alloc() : memref<1xi1>
  %w = memref.alloc() : memref<2xi8>
  %zero = arith.constant 0.0 : f64
  memref.copy %a, %t : memref<4xf32> to memref<4xf32>
  linalg.fill ins(%zero : f64) outs(%u : memref<3x5xf64>)
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  memref.dealloc %u : memref<3x5xf64>
  return
}

// -----

// A chain a -> t1 -> t2 -> t3 -> out: the op that writes t2 reads t1, so
// t1 and t2 meet; t3 meets t2 but not t1 (t1's last reader comes before t3
// is born), so t3 takes t1's memory: 128 bytes for three buffers.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: %[[WS:[^:]*]]: memref<128xi8>) attributes {dlc.workspace_size = 128 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C64]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C0B:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[C0B]]][] : memref<128xi8> to memref<16xf32>
func.func @reuse(%a: memref<16xf32>, %out: memref<16xf32>) {
  %t1 = memref.alloc() : memref<16xf32>
  memref.copy %a, %t1 : memref<16xf32> to memref<16xf32>
  %t2 = memref.alloc() : memref<16xf32>
  memref.copy %t1, %t2 : memref<16xf32> to memref<16xf32>
  %t3 = memref.alloc() : memref<16xf32>
  memref.copy %t2, %t3 : memref<16xf32> to memref<16xf32>
  memref.copy %t3, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A view of a buffer keeps the buffer alive: %v (a reshape of t1) is read
// after t2 is written, so t2 must not take t1's memory; t3, written after
// the view's last use, may.
// CHECK-LABEL: func.func @alias
// CHECK-SAME: %[[WS:[^:]*]]: memref<128xi8>) attributes {dlc.workspace_size = 128 : i64}
// CHECK: %[[O1:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O1]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[O2:.*]] = arith.constant 64 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O2]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[O3:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[WS]][%[[O3]]][] : memref<128xi8> to memref<16xf32>
func.func @alias(%a: memref<16xf32>, %out: memref<4x4xf32>, %out2: memref<16xf32>) {
  %t1 = memref.alloc() : memref<16xf32>
  memref.copy %a, %t1 : memref<16xf32> to memref<16xf32>
  %v = memref.expand_shape %t1 [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  %t2 = memref.alloc() : memref<16xf32>
  memref.copy %a, %t2 : memref<16xf32> to memref<16xf32>
  memref.copy %v, %out : memref<4x4xf32> to memref<4x4xf32>
  %t3 = memref.alloc() : memref<16xf32>
  memref.copy %t2, %t3 : memref<16xf32> to memref<16xf32>
  memref.copy %t3, %out2 : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A buffer of exactly 64 bytes needs no padding; the next one starts at 64.
// CHECK-LABEL: func.func @exact
// CHECK-SAME: %[[WS:[^:]*]]: memref<128xi8>) attributes {dlc.workspace_size = 128 : i64}
// CHECK: memref.view %[[WS]][%{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK: arith.constant 64 : index
// CHECK: memref.view %[[WS]][%{{.*}}][] : memref<128xi8> to memref<2x32xi8>
func.func @exact(%a: memref<16xf32>) {
  %t = memref.alloc() : memref<16xf32>
  %u = memref.alloc() : memref<2x32xi8>
  memref.copy %a, %t : memref<16xf32> to memref<16xf32>
  return
}

// -----

// Allocs in nested regions are placed too, at the alloc's position.
// CHECK-LABEL: func.func @nested
// CHECK-SAME: %[[WS:[^:]*]]: memref<64xi8>) attributes {dlc.workspace_size = 64 : i64}
// CHECK: scf.for
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[T:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<64xi8> to memref<8xf32>
// CHECK-NEXT: memref.copy %{{.*}}, %[[T]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @nested(%a: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %t = memref.alloc() : memref<8xf32>
    memref.copy %a, %t : memref<8xf32> to memref<8xf32>
    memref.dealloc %t : memref<8xf32>
  }
  return
}

// -----

// Private functions and declarations are untouched: no argument, no attribute.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{[^:]*}}: memref<4xf32>) {
// CHECK-NEXT: %[[T:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: memref.copy
// CHECK-NEXT: memref.dealloc %[[T]] : memref<4xf32>
// CHECK-LABEL: func.func private @decl(memref<4xf32>)
// CHECK-NOT: dlc.workspace_size
func.func private @helper(%a: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  memref.copy %a, %t : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}
func.func private @decl(memref<4xf32>)

// -----

// A public function without temporaries still gets the (empty) workspace, so
// every entry has the same calling convention.
// CHECK-LABEL: func.func @no_temps
// CHECK-SAME: (%{{[^:]*}}: memref<4xf32>, %{{[^:]*}}: memref<0xi8>) attributes {dlc.workspace_size = 0 : i64}
// CHECK-NEXT: return
func.func @no_temps(%a: memref<4xf32>) {
  return
}

// -----

// Existing function attributes are kept.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: memref<64xi8>
// CHECK-SAME: attributes {dlc.entry, dlc.workspace_size = 64 : i64}
func.func @entry(%a: memref<2xf64>) attributes {dlc.entry} {
  %t = memref.alloc() : memref<2xf64>
  memref.copy %a, %t : memref<2xf64> to memref<2xf64>
  return
}

// -----

// Errors: a dynamic shape or a non-identity layout has no fixed place.
func.func @dynamic(%n: index) {
  // expected-error @+1 {{'memref.alloc' op needs a static shape and identity layout to be placed in the workspace, got 'memref<?xf32>'}}
  %t = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @strided() {
  // expected-error @+1 {{'memref.alloc' op needs a static shape and identity layout to be placed in the workspace, got 'memref<4x4xf32, strided<[1, 4]>>'}}
  %t = memref.alloc() : memref<4x4xf32, strided<[1, 4]>>
  return
}
