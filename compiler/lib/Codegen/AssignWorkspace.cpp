//===- AssignWorkspace.cpp - temporaries as views of one workspace --------===//
//
// See Passes.td (dlc-assign-workspace). Generated code must not allocate in
// the steady state (cli-and-abi.md), so every bufferized temporary lives at a
// fixed offset of one caller-owned buffer whose size the header publishes.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_ASSIGNWORKSPACE
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

constexpr int64_t kAlignment = 64; // a cache line, and any vector width

int64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * llvm::divideCeil(bits, 8);
}

struct AssignWorkspacePass : dlc::impl::AssignWorkspaceBase<AssignWorkspacePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || func.isPrivate())
        continue;
      if (failed(assign(func)))
        return signalPassFailure();
    }
  }

  LogicalResult assign(func::FuncOp func) {
    SmallVector<memref::AllocOp> allocs;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError("needs a static shape and identity layout to be "
                          "placed in the workspace, got ")
            << type;
        return WalkResult::interrupt();
      }
      allocs.push_back(alloc);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    SmallVector<int64_t> offsets;
    int64_t size = 0;
    for (memref::AllocOp alloc : allocs) {
      size = llvm::alignTo(size, kAlignment);
      offsets.push_back(size);
      size += byteSize(alloc.getType());
    }
    size = llvm::alignTo(size, kAlignment);

    MLIRContext *ctx = func.getContext();
    auto wsType = MemRefType::get({size}, IntegerType::get(ctx, 8));
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, wsType,
                                   DictionaryAttr::get(ctx), func.getLoc())))
      return failure();
    Value ws = func.getArgument(index);
    func->setAttr(kWorkspaceSizeAttr, IntegerAttr::get(IntegerType::get(ctx, 64), size));

    for (auto [alloc, offset] : llvm::zip(allocs, offsets)) {
      OpBuilder b(alloc);
      Value off = arith::ConstantIndexOp::create(b, alloc.getLoc(), offset);
      Value view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(), ws,
                                          off, ValueRange{});
      // Deallocations of workspace memory are meaningless; drop them.
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
    return success();
  }
};

} // namespace
