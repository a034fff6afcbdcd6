//===- DropInPlaceResults.cpp - results that are the arguments themselves -===//
//
// See Passes.td (dlc-drop-in-place-results).
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/BitVector.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_DROPINPLACERESULTS
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {
struct DropInPlaceResultsPass
    : dlc::impl::DropInPlaceResultsBase<DropInPlaceResultsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      // Only a training step returns buffers it updated in place; an
      // inference output that is an input (Identity) must still be copied.
      auto inPlace = func->getAttrOfType<IntegerAttr>("dlc.num_in_place_results");
      if (!func->hasAttr(dlc::kEntryAttr) || !inPlace || func.isExternal())
        continue;
      auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
      llvm::BitVector drop(ret.getNumOperands());
      // Only the updated parameters and state, which the optimizer pass puts
      // first; any other result (a loss, a metric) stays even if it happens
      // to be an argument.
      unsigned candidates = std::min<uint64_t>(inPlace.getInt(), ret.getNumOperands());
      for (auto [i, v] : llvm::enumerate(ret.getOperands().take_front(candidates))) {
        Value base = v;
        while (auto cast = base.getDefiningOp<memref::CastOp>())
          base = cast.getSource();
        auto arg = dyn_cast<BlockArgument>(base);
        if (arg && arg.getOwner()->getParentOp() == func)
          drop.set(i);
      }
      if (drop.none())
        continue;
      ret->eraseOperands(drop);
      if (failed(func.eraseResults(drop)))
        return signalPassFailure();
    }
  }
};
} // namespace
