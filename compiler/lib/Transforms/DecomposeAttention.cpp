//===- DecomposeAttention.cpp - Attention into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcAttentionOps.td.
//
// Attention(Q, K, V, mask) with Q [B, H, Sq, D], K [B, H, Sk, D], V [B, H, Sk, Dv]:
//
//   S = MatMul(Q, Transpose(K, [0, 1, 3, 2]))     [B, H, Sq, Sk]
//   S = Mul(S, scale)                              (skipped when scale is 1)
//   S = Add(S, mask)                               (mask broadcasts to S)
//   S = Where(keep, S, lowest)                     (is_causal; keep[i, j] = j <= i)
//   Y = MatMul(Softmax(S, axis = -1), V)           [B, H, Sq, Dv]
//
// The causal mask selects rather than adds: a masked score becomes exactly
// the lowest finite value of the element type, whatever the score was, so
// the softmax gives it weight 0 and Where's VJP gives it gradient 0. With -inf
// (or a large negative number added) an already very negative score or
// mask could overflow or turn into NaN in exp(x - max) or in the backward pass.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// A dlc op whose result type its shape rule infers.
template <typename OpTy>
Value make(OpBuilder &b, Location loc, ValueRange operands,
           ArrayRef<NamedAttribute> attrs = {}) {
  return OpTy::create(b, loc, operands, attrs)->getResult(0);
}

Value constant(OpBuilder &b, Location loc, DenseElementsAttr value) {
  return ConstantOp::create(b, loc, value.getType(), value);
}

struct DecomposeAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto q = cast<RankedTensorType>(op.getQ().getType());
    auto k = cast<RankedTensorType>(op.getK().getType());
    auto element = cast<FloatType>(q.getElementType());
    int64_t sq = q.getDimSize(2), sk = k.getDimSize(2);

    Value kT = make<TransposeOp>(
        rewriter, loc, op.getK(),
        {rewriter.getNamedAttr("perm", rewriter.getDenseI64ArrayAttr({0, 1, 3, 2}))});
    Value scores = make<MatMulOp>(rewriter, loc, {op.getQ(), kT});
    if (double scale = op.getScaleOrDefault(); scale != 1.0) {
      auto scalarType = RankedTensorType::get({}, element);
      Value factor = constant(
          rewriter, loc,
          DenseElementsAttr::get(scalarType, rewriter.getFloatAttr(element, scale)));
      scores = make<MulOp>(rewriter, loc, {scores, factor});
    }
    if (Value mask = op.getMask())
      scores = make<AddOp>(rewriter, loc, {scores, mask});
    if (op.getIsCausal()) {
      // keep[i, j] = j <= i: the triangle aligned at the top left (torch).
      SmallVector<bool> keep;
      keep.reserve(sq * sk);
      for (int64_t i = 0; i < sq; ++i)
        for (int64_t j = 0; j < sk; ++j)
          keep.push_back(j <= i);
      auto keepType = RankedTensorType::get({sq, sk}, rewriter.getI1Type());
      Value cond = constant(rewriter, loc, DenseElementsAttr::get(keepType, ArrayRef(keep)));
      auto scalarType = RankedTensorType::get({}, element);
      APFloat lowest = APFloat::getLargest(element.getFloatSemantics(), /*Negative=*/true);
      Value masked = constant(
          rewriter, loc,
          DenseElementsAttr::get(scalarType, rewriter.getFloatAttr(element, lowest)));
      scores = make<WhereOp>(rewriter, loc, {cond, scores, masked});
    }
    Value probs = make<SoftmaxOp>(
        rewriter, loc, scores,
        {rewriter.getNamedAttr("axis",
                               rewriter.getIntegerAttr(rewriter.getIntegerType(64, true), -1))});
    rewriter.replaceOp(op, make<MatMulOp>(rewriter, loc, {probs, op.getV()}));
    return success();
  }
};

} // namespace

void mlir::dlc::populateDecomposeAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeAttention>(patterns.getContext());
}
