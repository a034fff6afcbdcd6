//===- CopyRepeatedResults.cpp - one buffer per function result -----------===//
//
// See Passes.td (dlc-copy-repeated-results).
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_COPYREPEATEDRESULTS
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {
struct CopyRepeatedResultsPass
    : dlc::impl::CopyRepeatedResultsBase<CopyRepeatedResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      func.walk([&](func::ReturnOp ret) {
        llvm::DenseSet<Value> seen;
        OpBuilder b(ret);
        for (OpOperand &operand : ret->getOpOperands()) {
          Value base = operand.get();
          while (auto cast = base.getDefiningOp<memref::CastOp>())
            base = cast.getSource();
          auto type = dyn_cast<MemRefType>(operand.get().getType());
          if (!type || seen.insert(base).second)
            continue;
          // A static, identity-layout result (what the entry points return);
          // anything else is left for upstream to handle or reject.
          if (!type.hasStaticShape() || !type.getLayout().isIdentity())
            continue;
          Value copy = memref::AllocOp::create(b, ret.getLoc(), type);
          memref::CopyOp::create(b, ret.getLoc(), operand.get(), copy);
          operand.set(copy);
        }
      });
    }
  }
};
} // namespace
