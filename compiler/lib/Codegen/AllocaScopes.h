//===- AllocaScopes.h - which loop owns an alloca --------------*- C++ -*-===//
//
// scf.parallel is an automatic allocation scope: an alloca in its body
// lives for one iteration. dlc-parallelize (which outlines such bodies) and
// dlc-lower-alloca-scopes (which frees them per iteration when the loop
// stays serial) both ask the same question.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_LIB_CODEGEN_ALLOCASCOPES_H
#define DLC_LIB_CODEGEN_ALLOCASCOPES_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::dlc {

/// Whether `loop` is the allocation scope of an alloca in its body (one not
/// inside a nested scope such as memref.alloca_scope).
inline bool hasOwnAllocas(scf::ParallelOp loop) {
  bool found = false;
  loop.getBody()->walk([&](memref::AllocaOp alloca) {
    found |= alloca->getParentWithTrait<OpTrait::AutomaticAllocationScope>() == loop;
  });
  return found;
}

} // namespace mlir::dlc

#endif // DLC_LIB_CODEGEN_ALLOCASCOPES_H
