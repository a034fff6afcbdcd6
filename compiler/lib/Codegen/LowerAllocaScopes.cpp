//===- LowerAllocaScopes.cpp - alloca scopes as stack save/restore --------===//
//
// See Passes.td (dlc-lower-alloca-scopes). memref.alloca_scope holds one
// block; convert-scf-to-cf turns the loops inside a scope into a CFG of
// several blocks, which the scope's verifier rejects, and upstream lowers
// scopes only later, in finalize-memref-to-llvm. Kernels that pack into
// stack buffers (memref.alloca in a scope inside a loop) therefore need the
// scope gone first: what is left is the stack save/restore pair that the
// upstream lowering would emit, around the scope's body, inlined.
// scf.parallel is an allocation scope too, which convert-scf-to-cf forgets
// (its sequential loops keep every iteration's allocas until the function
// returns): a parallel loop whose body allocates gets the same pair inside
// its body.
//
//===----------------------------------------------------------------------===//

#include "AllocaScopes.h"
#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_LOWERALLOCASCOPES
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {
struct LowerAllocaScopesPass
    : dlc::impl::LowerAllocaScopesBase<LowerAllocaScopesPass> {
  void runOnOperation() override {
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    // Post-order: inner scopes first, so each body inlined is scope-free.
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation()->walk([&](memref::AllocaScopeOp scope) { scopes.push_back(scope); });
    // Parallel loops first, while their allocas still have them as scope.
    SmallVector<scf::ParallelOp> loops;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (dlc::hasOwnAllocas(loop))
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops) {
      Block *body = loop.getBody();
      OpBuilder b = OpBuilder::atBlockBegin(body);
      Value saved = LLVM::StackSaveOp::create(b, loop.getLoc(), ptrType);
      b.setInsertionPoint(body->getTerminator());
      LLVM::StackRestoreOp::create(b, loop.getLoc(), saved);
    }
    for (memref::AllocaScopeOp scope : scopes) {
      OpBuilder b(scope);
      Location loc = scope.getLoc();
      Value saved = LLVM::StackSaveOp::create(b, loc, ptrType);
      Block &body = scope.getBodyRegion().front();
      auto ret = cast<memref::AllocaScopeReturnOp>(body.getTerminator());
      SmallVector<Value> results(ret.getResults());
      ret.erase();
      scope->getBlock()->getOperations().splice(Block::iterator(scope),
                                                body.getOperations());
      b.setInsertionPoint(scope);
      LLVM::StackRestoreOp::create(b, loc, saved);
      scope->replaceAllUsesWith(results);
      scope.erase();
    }
  }
};
} // namespace
