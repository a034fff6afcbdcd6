//===- FuseElementwise.cpp - elementwise fusion without recomputation -----===//
//
// See Passes.td (dlc-fuse-elementwise). The rewriting is upstream's
// elementwise fusion; what is dlc's is the rule of when to fuse: only where
// the consumer reads the producer's result through a permutation of all of
// its loops, so the fused op computes each producer element exactly once,
// and only when the consumer is the producer's only reader. An elementwise
// op that reads a convolution's biased product through its reshape to NCHW
// is first rewritten over the product's shape (readsProductThroughReshape).
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

/// An elementwise op that reads, through a tensor.expand_shape, an
/// elementwise op on a contraction's result (a convolution's product plus
/// its bias, [N, M, P] viewed as [N, M, oH, oW]; then, say, a Relu): it is
/// rewritten over the collapsed shape, so that it fuses with the bias and
/// dlc-lower-contractions applies both to the product's tiles. Only the
/// reshape's one reader (in a training step the Relu's gradient reads the
/// pre-activation too; collapsing the Relu alone then measured 15% slower),
/// and only ops that write fresh tensors (an optimizer update writes its
/// parameter in place and keeps its shape).
bool readsProductThroughReshape(OpOperand *use) {
  auto reshape = use->get().getDefiningOp<tensor::ExpandShapeOp>();
  auto consumer = dyn_cast<linalg::GenericOp>(use->getOwner());
  if (!reshape || !consumer || !reshape->hasOneUse() ||
      consumer.getNumLoops() != consumer.getNumParallelLoops() ||
      !llvm::all_of(consumer.getDpsInits(),
                    [](Value v) { return v.getDefiningOp<tensor::EmptyOp>(); }))
    return false;
  auto elementwise = reshape.getSrc().getDefiningOp<linalg::GenericOp>();
  if (!elementwise || elementwise.getNumLoops() != elementwise.getNumParallelLoops())
    return false;
  return llvm::any_of(elementwise.getDpsInputs(), [](Value in) {
    auto producer = in.getDefiningOp<linalg::GenericOp>();
    return producer && producer.getNumReductionLoops() > 0;
  });
}

struct FuseElementwisePass
    : mlir::dlc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, fusesWithoutRecomputation);
    linalg::populateFoldReshapeOpsByCollapsingPatterns(patterns, readsProductThroughReshape);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
