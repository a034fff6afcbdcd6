//===- DecomposeNorm.cpp - BatchNormalization, LayerNormalization, Dropout into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::dlc;

//===----------------------------------------------------------------------===//
// BatchNormalization and Dropout
//===----------------------------------------------------------------------===//

namespace {
namespace bn {

/// A dlc op whose result type its shape rule infers.
template <typename OpTy>
Value make(OpBuilder &b, Location loc, ValueRange operands,
           ArrayRef<NamedAttribute> attrs = {}) {
  return OpTy::create(b, loc, operands, attrs)->getResult(0);
}

Value scalar(OpBuilder &b, Location loc, Type element, double value) {
  auto type = RankedTensorType::get({}, element);
  return ConstantOp::create(b, loc, type,
                            DenseElementsAttr::get(type, b.getFloatAttr(element, value)));
}

Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  if (cast<RankedTensorType>(x.getType()).getShape() == shape)
    return x;
  return make<ReshapeOp>(b, loc, x, {b.getNamedAttr("shape", b.getDenseI64ArrayAttr(shape))});
}

/// Inference mode, with per-channel vectors computed once ([C]):
///   k = scale / sqrt(var + eps),  y = (x - mean) * k + B
/// each vector reshaped to [C, 1, ...] to broadcast along axis 1.
/// Training mode, with the statistics over every axis but 1 (kept as size-1
/// axes, so they broadcast back):
///   mean = ReduceMean(x),  d = x - mean,  var = ReduceMean(d * d)
///   y = d * (1 / sqrt(var + eps)) * scale + B
///   running_mean' = MovingAverage(running_mean, mean), likewise the variance.
/// Every op on the path to y has a VJP rule, so dlc-autodiff differentiates
/// through the batch statistics.
struct DecomposeBatchNormalization : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getX();
    auto xt = cast<RankedTensorType>(x.getType());
    Type element = xt.getElementType();
    int64_t rank = xt.getRank(), c = xt.getDimSize(1);
    // [C] as [C, 1, ...]: broadcasts against [N, C, d...] (rank 2: [C]).
    SmallVector<int64_t> channelShape(rank - 1, 1);
    channelShape[0] = c;
    auto perChannel = [&](Value v) { return reshape(rewriter, loc, v, channelShape); };
    Value eps = scalar(rewriter, loc, element, op.getEpsilon().convertToDouble());

    if (!op.getTraining()) {
      Value invStd = make<ReciprocalOp>(
          rewriter, loc,
          make<SqrtOp>(rewriter, loc, make<AddOp>(rewriter, loc, {op.getInputVar(), eps})));
      Value k = make<MulOp>(rewriter, loc, {op.getScale(), invStd});
      Value centered = make<SubOp>(rewriter, loc, {x, perChannel(op.getInputMean())});
      Value y = make<AddOp>(
          rewriter, loc,
          {make<MulOp>(rewriter, loc, {centered, perChannel(k)}), perChannel(op.getB())});
      rewriter.replaceOp(op, y);
      return success();
    }

    SmallVector<int64_t> axes{0};
    for (int64_t i = 2; i < rank; ++i)
      axes.push_back(i);
    SmallVector<NamedAttribute> reduce{
        rewriter.getNamedAttr("axes", rewriter.getDenseI64ArrayAttr(axes)),
        rewriter.getNamedAttr("keepdims", rewriter.getIntegerAttr(
                                              rewriter.getIntegerType(64, true), 1))};
    Value mean = make<ReduceMeanOp>(rewriter, loc, x, reduce);
    Value d = make<SubOp>(rewriter, loc, {x, mean});
    Value var = make<ReduceMeanOp>(rewriter, loc, make<MulOp>(rewriter, loc, {d, d}), reduce);
    Value invStd = make<ReciprocalOp>(
        rewriter, loc, make<SqrtOp>(rewriter, loc, make<AddOp>(rewriter, loc, {var, eps})));
    Value normalized = make<MulOp>(rewriter, loc, {d, invStd});
    Value y = make<AddOp>(
        rewriter, loc,
        {make<MulOp>(rewriter, loc, {normalized, perChannel(op.getScale())}),
         perChannel(op.getB())});
    auto momentum = rewriter.getNamedAttr("momentum", op.getMomentumAttr());
    Value runningMean = make<MovingAverageOp>(
        rewriter, loc, {op.getInputMean(), reshape(rewriter, loc, mean, {c})}, {momentum});
    Value runningVar = make<MovingAverageOp>(
        rewriter, loc, {op.getInputVar(), reshape(rewriter, loc, var, {c})}, {momentum});
    rewriter.replaceOp(op, ValueRange{y, runningMean, runningVar});
    return success();
  }
};

/// Inference: y = x. Training: y = x * DropoutMask(step), the mask already
/// scaled by 1 / (1 - ratio); the gradient is Mul's (dy * mask).
struct DecomposeDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutOp op, PatternRewriter &rewriter) const override {
    if (!op.getStep() || op.getRatio().isZero()) {
      rewriter.replaceOp(op, op.getData());
      return success();
    }
    Location loc = op.getLoc();
    Value mask = DropoutMaskOp::create(rewriter, loc, op.getType(), op.getStep(),
                                       op.getRatioAttr(), op.getSeedAttr(), op.getSaltAttr());
    rewriter.replaceOp(op, make<MulOp>(rewriter, loc, {op.getData(), mask}));
    return success();
  }
};

} // namespace bn
} // namespace

void mlir::dlc::populateDecomposeNormPatterns(RewritePatternSet &patterns) {
  // BatchNormalization and Dropout.
  patterns.add<bn::DecomposeBatchNormalization, bn::DecomposeDropout>(
      patterns.getContext());
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
