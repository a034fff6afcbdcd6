//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//
//
// See Passes.td (dlc-fuse-elementwise). The rewriting is upstream's
// elementwise fusion; what is dlc's is the rule of when to fuse: only where
// the consumer reads the producer's result through a permutation of all of
// its loops, so the fused op computes each producer element exactly once,
// and only when the consumer is the producer's only reader.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {

bool fusesWithoutRecomputation(OpOperand *use) {
  auto consumer = dyn_cast<linalg::GenericOp>(use->getOwner());
  if (!consumer)
    return false;
  // Only a producer that nothing else reads: fusing one with other users
  // makes its result an extra output of the fused op, and on the large
  // differentiated graphs (a recurrent step unrolled 28 times) the greedy
  // rewriting then keeps growing ops with dozens of results for minutes.
  Value produced = use->get();
  if (!llvm::all_of(produced.getUsers(),
                    [&](Operation *user) { return user == consumer.getOperation(); }))
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(use);
  return map.isPermutation() && map.getNumDims() == consumer.getNumLoops();
}

struct FuseElementwisePass
    : mlir::dlc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusesWithoutRecomputation);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
