//===- DecomposeNorm.cpp - BatchNormalization, LayerNormalization, Dropout into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateDecomposeNormPatterns(RewritePatternSet &patterns) {
  populateDecomposeLayerNormPatterns(patterns);
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//
//   axes = [axis, rank)
//   mean = ReduceMean(X, axes, keepdims = 1)
//   D    = Sub(X, mean)
//   var  = ReduceMean(Mul(D, D), axes, keepdims = 1)
//   Y    = Mul(Mul(D, Reciprocal(Sqrt(Add(var, epsilon)))), Scale)
//   Y    = Add(Y, B)                                       (when B is given)
//
// The reciprocal is taken on the reduced statistics, so the full-size work
// is two Muls rather than a Div. Scale and B broadcast to X from the right,
// which is the normalized shape by the verifier.
//===----------------------------------------------------------------------===//

namespace {

struct DecomposeLayerNormalization : OpRewritePattern<LayerNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  /// A dlc op whose result type its shape rule infers.
  template <typename OpTy>
  static Value make(OpBuilder &b, Location loc, ValueRange operands,
                    ArrayRef<NamedAttribute> attrs = {}) {
    return OpTy::create(b, loc, operands, attrs)->getResult(0);
  }

  LogicalResult matchAndRewrite(LayerNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto x = cast<RankedTensorType>(op.getX().getType());
    SmallVector<int64_t> axes;
    for (int64_t i = op.getNormalizedAxis(); i < x.getRank(); ++i)
      axes.push_back(i);
    SmallVector<NamedAttribute> reduce{
        rewriter.getNamedAttr("axes", rewriter.getDenseI64ArrayAttr(axes)),
        rewriter.getNamedAttr("keepdims",
                              rewriter.getIntegerAttr(rewriter.getIntegerType(64, true), 1))};
    auto scalarType = RankedTensorType::get({}, x.getElementType());
    Value epsilon = ConstantOp::create(
        rewriter, loc, scalarType,
        DenseElementsAttr::get(scalarType,
                               rewriter.getFloatAttr(x.getElementType(), op.getEpsilonAttr().getValueAsDouble())));

    Value mean = make<ReduceMeanOp>(rewriter, loc, op.getX(), reduce);
    Value centered = make<SubOp>(rewriter, loc, {op.getX(), mean});
    Value squares = make<MulOp>(rewriter, loc, {centered, centered});
    Value var = make<ReduceMeanOp>(rewriter, loc, squares, reduce);
    Value stdDev = make<SqrtOp>(rewriter, loc, make<AddOp>(rewriter, loc, {var, epsilon}));
    Value invStdDev = make<ReciprocalOp>(rewriter, loc, stdDev);
    Value normalized = make<MulOp>(rewriter, loc, {centered, invStdDev});
    Value y = make<MulOp>(rewriter, loc, {normalized, op.getScale()});
    if (Value b = op.getB())
      y = make<AddOp>(rewriter, loc, {y, b});
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void mlir::dlc::populateDecomposeLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeLayerNormalization>(patterns.getContext());
}
