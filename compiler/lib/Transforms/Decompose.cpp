//===- Decompose.cpp - composite ops into core dlc ops (dlc-decompose) ----===//
//
// See Passes.td. The patterns live with their op family
// (DecomposeNorm.cpp, DecomposeRecurrent.cpp, DecomposeAttention.cpp).
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"
#include "dlc/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_DECOMPOSE
#include "dlc/Transforms/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {
struct DecomposePass : dlc::impl::DecomposeBase<DecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateDecomposeNormPatterns(patterns);
    populateDecomposeRecurrentPatterns(patterns);
    populateDecomposeAttentionPatterns(patterns);
    // Only the composite ops are rewritten; folding the core ops they
    // produce is the canonicalizer's job.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace
