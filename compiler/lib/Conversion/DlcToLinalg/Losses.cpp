//===- Losses.cpp - dlc losses and metrics to linalg ----------------------===//
//
// SoftmaxCrossEntropyLoss (torch.nn.functional.cross_entropy with integer
// labels), its gradient, MeanSquaredError, BinaryCrossEntropy (and its
// gradient), BinaryCrossEntropyWithLogits, FocalLoss (and its gradient) and
// Accuracy. The binary losses are elementwise generics (a reduction generic
// for mean/sum); FocalLoss shares the row statistics of cross entropy.
//
// Cross entropy of scores s [N, C], labels l [N], smoothing eps:
//   m_n   = max_c s_nc                                  (reduction from -inf)
//   e_n   = sum_c exp(s_nc - m_n), p_n = sum_c (c == l_n ? s_nc : 0),
//   r_n   = sum_c s_nc                                  (one reduction generic)
//   loss_n = m_n + log e_n - (1 - eps) p_n - eps / C r_n, 0 where l_n is
//   ignore_index; this is -sum_c q_nc log softmax(s_n)_c with
//   q = (1 - eps) onehot + eps / C. `none` yields loss_n ([N], parallel
//   generic); `sum` and `mean` reduce over N in the same generic, `mean`
//   dividing by the count of samples not ignored (NaN when none is, as torch).
// The class index is compared with the label through linalg.index and
// arith.index_cast of the label.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dlc;

namespace {

using IT = utils::IteratorType;

Value cst(OpBuilder &b, Location loc, Type t, double v) {
  return floatConstant(b, loc, t, v);
}

/// i1: `label` (of the labels' integer type) is not `ignore`.
Value notIgnored(OpBuilder &b, Location loc, Value label,
                 std::optional<int64_t> ignore) {
  if (!ignore)
    return arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  Value c = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(label.getType(), *ignore));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, label, c);
}

/// i1: the class index (loop dimension 1) is `label`.
Value isLabel(OpBuilder &b, Location loc, Value label) {
  Value c = linalg::IndexOp::create(b, loc, 1);
  Value l = arith::IndexCastOp::create(b, loc, b.getIndexType(), label);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, l);
}

/// max_c s_nc as an [N] tensor.
Value rowMax(OpBuilder &b, Location loc, Value scores) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(scores.getType());
  auto rowType = RankedTensorType::get({type.getDimSize(0)}, type.getElementType());
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  Value init = createFilled(b, loc, rowType, -std::numeric_limits<double>::infinity());
  return linalg::GenericOp::create(
             b, loc, TypeRange{rowType}, ValueRange{scores}, ValueRange{init},
             ArrayRef<AffineMap>{id, row}, ArrayRef<IT>{IT::parallel, IT::reduction},
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   nb, l, Value(arith::MaximumFOp::create(nb, l, a[0], a[1])));
             })
      .getResult(0);
}

struct SoftmaxCrossEntropyLossLowering
    : OpConversionPattern<SoftmaxCrossEntropyLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value scores = adaptor.getScores(), labels = adaptor.getLabels();
    auto sType = cast<RankedTensorType>(scores.getType());
    Type ft = sType.getElementType();
    int64_t n = sType.getDimSize(0), numClasses = sType.getDimSize(1);
    double eps = op.getLabelSmoothing().convertToDouble();
    std::optional<int64_t> ignore = op.getIgnoreIndex();
    StringRef reduction = op.getReduction();
    auto rowType = RankedTensorType::get({n}, ft);
    auto scalarType = RankedTensorType::get({}, ft);

    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    Value max = rowMax(rewriter, loc, scores);

    // e_n, p_n and (with smoothing) r_n in one reduction over classes.
    SmallVector<Value> inits = {createFilled(rewriter, loc, rowType, 0.0),
                                createFilled(rewriter, loc, rowType, 0.0)};
    if (eps != 0.0)
      inits.push_back(createFilled(rewriter, loc, rowType, 0.0));
    SmallVector<Type> sumTypes(inits.size(), rowType);
    SmallVector<AffineMap> sumMaps = {id2, row2, row2};
    sumMaps.append(inits.size(), row2);
    auto sums = linalg::GenericOp::create(
        rewriter, loc, sumTypes, ValueRange{scores, labels, max}, inits, sumMaps,
        ArrayRef<IT>{IT::parallel, IT::reduction},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value s = a[0], label = a[1], m = a[2];
          Value e = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, s, m));
          Value picked = arith::SelectOp::create(b, l, isLabel(b, l, label), s,
                                                 cst(b, l, ft, 0.0));
          SmallVector<Value> out = {arith::AddFOp::create(b, l, a[3], e),
                                    arith::AddFOp::create(b, l, a[4], picked)};
          if (eps != 0.0)
            out.push_back(arith::AddFOp::create(b, l, a[5], s));
          linalg::YieldOp::create(b, l, out);
        });

    // loss_n from the row statistics; `inputs` are label, m, e, p[, r].
    auto sampleLoss = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      Value lse = arith::AddFOp::create(b, l, a[1], math::LogOp::create(b, l, a[2]));
      Value loss = arith::SubFOp::create(
          b, l, lse, arith::MulFOp::create(b, l, a[3], cst(b, l, ft, 1.0 - eps)));
      if (eps != 0.0)
        loss = arith::SubFOp::create(
            b, l, loss,
            arith::MulFOp::create(b, l, a[4],
                                  cst(b, l, ft, eps / double(numClasses))));
      return arith::SelectOp::create(b, l, notIgnored(b, l, a[0], ignore), loss,
                                     cst(b, l, ft, 0.0));
    };
    SmallVector<Value> perSample = {labels, max};
    perSample.append(sums.getResults().begin(), sums.getResults().end());
    unsigned numIn = perSample.size();
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    AffineMap scalar1 = AffineMap::get(1, 0, {}, ctx);

    Value result;
    if (reduction == "none") {
      SmallVector<AffineMap> maps(numIn + 1, id1);
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{rowType}, perSample,
                   ValueRange{createEmpty(rewriter, loc, rowType)}, maps,
                   ArrayRef<IT>{IT::parallel},
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     linalg::YieldOp::create(b, l, sampleLoss(b, l, a));
                   })
                   .getResult(0);
    } else {
      bool mean = reduction == "mean";
      SmallVector<Value> outs = {createFilled(rewriter, loc, scalarType, 0.0)};
      if (mean)
        outs.push_back(createFilled(rewriter, loc, scalarType, 0.0));
      SmallVector<AffineMap> maps(numIn, id1);
      maps.append(outs.size(), scalar1);
      SmallVector<Type> outTypes(outs.size(), scalarType);
      auto total = linalg::GenericOp::create(
          rewriter, loc, outTypes, perSample, outs, maps,
          ArrayRef<IT>{IT::reduction},
          [&](OpBuilder &b, Location l, ValueRange a) {
            SmallVector<Value> r = {
                arith::AddFOp::create(b, l, a[numIn], sampleLoss(b, l, a))};
            if (mean) {
              Value one = arith::SelectOp::create(
                  b, l, notIgnored(b, l, a[0], ignore), cst(b, l, ft, 1.0),
                  cst(b, l, ft, 0.0));
              r.push_back(arith::AddFOp::create(b, l, a[numIn + 1], one));
            }
            linalg::YieldOp::create(b, l, r);
          });
      result = total.getResult(0);
      if (mean)
        result = buildElementwise(
            rewriter, loc, scalarType, total.getResults(),
            [](OpBuilder &b, Location l, ValueRange a) -> Value {
              return arith::DivFOp::create(b, l, a[0], a[1]);
            });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// dscores_nc = dloss_n (softmax(s_n)_c - q_nc) [/ count], 0 for ignored n.
struct SoftmaxCrossEntropyLossGradLowering
    : OpConversionPattern<SoftmaxCrossEntropyLossGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyLossGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dloss = adaptor.getDloss(), scores = adaptor.getScores(),
          labels = adaptor.getLabels();
    auto sType = cast<RankedTensorType>(scores.getType());
    Type ft = sType.getElementType();
    int64_t n = sType.getDimSize(0), numClasses = sType.getDimSize(1);
    double eps = op.getLabelSmoothing().convertToDouble();
    std::optional<int64_t> ignore = op.getIgnoreIndex();
    StringRef reduction = op.getReduction();
    bool mean = reduction == "mean";
    auto rowType = RankedTensorType::get({n}, ft);
    auto scalarType = RankedTensorType::get({}, ft);

    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    AffineMap scalar2 = AffineMap::get(2, 0, {}, ctx);
    Value max = rowMax(rewriter, loc, scores);
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{rowType}, ValueRange{scores, max},
                    ValueRange{createFilled(rewriter, loc, rowType, 0.0)},
                    ArrayRef<AffineMap>{id2, row2, row2},
                    ArrayRef<IT>{IT::parallel, IT::reduction},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value e = math::ExpOp::create(
                          b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                      linalg::YieldOp::create(
                          b, l, Value(arith::AddFOp::create(b, l, a[2], e)));
                    })
                    .getResult(0);

    SmallVector<Value> ins = {scores, labels, max, sum, dloss};
    SmallVector<AffineMap> maps = {id2, row2, row2, row2,
                                   reduction == "none" ? row2 : scalar2};
    if (mean) {
      // count = number of samples not ignored.
      AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
      AffineMap scalar1 = AffineMap::get(1, 0, {}, ctx);
      Value count =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{scalarType}, ValueRange{labels},
              ValueRange{createFilled(rewriter, loc, scalarType, 0.0)},
              ArrayRef<AffineMap>{id1, scalar1}, ArrayRef<IT>{IT::reduction},
              [&](OpBuilder &b, Location l, ValueRange a) {
                Value one = arith::SelectOp::create(
                    b, l, notIgnored(b, l, a[0], ignore), cst(b, l, ft, 1.0),
                    cst(b, l, ft, 0.0));
                linalg::YieldOp::create(b, l,
                                        Value(arith::AddFOp::create(b, l, a[1], one)));
              })
              .getResult(0);
      ins.push_back(count);
      maps.push_back(scalar2);
    }
    maps.push_back(id2);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sType}, ins,
            ValueRange{createEmpty(rewriter, loc, sType)}, maps,
            ArrayRef<IT>{IT::parallel, IT::parallel},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value s = a[0], label = a[1], m = a[2], e = a[3], dl = a[4];
              Value p = arith::DivFOp::create(
                  b, l, math::ExpOp::create(b, l, arith::SubFOp::create(b, l, s, m)),
                  e);
              double off = eps / double(numClasses);
              Value q = arith::SelectOp::create(b, l, isLabel(b, l, label),
                                                cst(b, l, ft, 1.0 - eps + off),
                                                cst(b, l, ft, off));
              Value g = arith::MulFOp::create(b, l, dl,
                                              arith::SubFOp::create(b, l, p, q));
              if (mean)
                g = arith::DivFOp::create(b, l, g, a[5]);
              Value r = arith::SelectOp::create(b, l, notIgnored(b, l, label, ignore),
                                                g, cst(b, l, ft, 0.0));
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

// (p - t)^2 elementwise (`none`), or summed over all elements into a rank-0
// tensor (`sum`), divided by the element count (`mean`).
struct MeanSquaredErrorLowering : OpConversionPattern<MeanSquaredErrorOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MeanSquaredErrorOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value p = adaptor.getPrediction(), t = adaptor.getTarget();
    auto type = cast<RankedTensorType>(p.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    auto square = [](OpBuilder &b, Location l, Value x, Value y) -> Value {
      Value d = arith::SubFOp::create(b, l, x, y);
      return arith::MulFOp::create(b, l, d, d);
    };
    Value result;
    if (op.getReduction() == "none") {
      result = buildElementwise(rewriter, loc, resultType, ValueRange{p, t},
                                [&](OpBuilder &b, Location l, ValueRange a) {
                                  return square(b, l, a[0], a[1]);
                                });
    } else {
      int64_t rank = type.getRank();
      AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
      AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{resultType}, ValueRange{p, t},
                   ValueRange{createFilled(rewriter, loc, resultType, 0.0)},
                   ArrayRef<AffineMap>{id, id, scalar},
                   SmallVector<IT>(rank, IT::reduction),
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     linalg::YieldOp::create(
                         b, l,
                         Value(arith::AddFOp::create(b, l, a[2],
                                                     square(b, l, a[0], a[1]))));
                   })
                   .getResult(0);
      if (op.getReduction() == "mean") {
        double count = double(type.getNumElements());
        Type ft = type.getElementType();
        result = buildElementwise(rewriter, loc, resultType, ValueRange{result},
                                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                    return arith::DivFOp::create(
                                        b, l, a[0], cst(b, l, ft, count));
                                  });
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// Per sample the arg-max class (a strict > scan over classes, so the first
// maximal class wins ties), then the count of samples whose arg-max is the
// label, divided by N, in f32.
struct AccuracyLowering : OpConversionPattern<AccuracyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AccuracyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value scores = adaptor.getScores(), labels = adaptor.getLabels();
    auto sType = cast<RankedTensorType>(scores.getType());
    Type ft = sType.getElementType();
    int64_t n = sType.getDimSize(0);
    auto rowType = RankedTensorType::get({n}, ft);
    auto idxType = RankedTensorType::get({n}, rewriter.getI64Type());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f32 = resultType.getElementType();

    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    Value maxInit = createFilled(rewriter, loc, rowType,
                                 -std::numeric_limits<double>::infinity());
    Value zeroI = arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
    Value argInit = linalg::FillOp::create(rewriter, loc, zeroI,
                                           createEmpty(rewriter, loc, idxType))
                        .getResult(0);
    auto argmax = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rowType, idxType}, ValueRange{scores},
        ValueRange{maxInit, argInit}, ArrayRef<AffineMap>{id2, row2, row2},
        ArrayRef<IT>{IT::parallel, IT::reduction},
        [](OpBuilder &b, Location l, ValueRange a) {
          Value greater =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], a[1]);
          Value c = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, 1));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, greater, a[0], a[1]),
                         arith::SelectOp::create(b, l, greater, c, a[2])});
        });

    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    AffineMap scalar1 = AffineMap::get(1, 0, {}, ctx);
    Value count =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType},
            ValueRange{argmax.getResult(1), labels},
            ValueRange{createFilled(rewriter, loc, resultType, 0.0)},
            ArrayRef<AffineMap>{id1, id1, scalar1}, ArrayRef<IT>{IT::reduction},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value label = a[1];
              if (label.getType() != b.getI64Type())
                label = arith::ExtSIOp::create(b, l, b.getI64Type(), label);
              Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                a[0], label);
              Value one = arith::SelectOp::create(b, l, hit, cst(b, l, f32, 1.0),
                                                  cst(b, l, f32, 0.0));
              linalg::YieldOp::create(b, l,
                                      Value(arith::AddFOp::create(b, l, a[2], one)));
            })
            .getResult(0);
    Value result = buildElementwise(
        rewriter, loc, resultType, ValueRange{count},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0], cst(b, l, f32, double(n)));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// BinaryCrossEntropy, BinaryCrossEntropyWithLogits, FocalLoss
//===----------------------------------------------------------------------===//

/// An elementwise loss `fn` over inputs of one shape, reduced per `reduction`:
/// `none` is one parallel generic; `sum` one all-reduction generic into a
/// rank-0 tensor; `mean` that sum divided by the element count.
Value reduceElementwiseLoss(ConversionPatternRewriter &rewriter, Location loc,
                            StringRef reduction, RankedTensorType resultType,
                            ValueRange inputs, ScalarFn fn) {
  if (reduction == "none")
    return buildElementwise(rewriter, loc, resultType, inputs, fn);
  MLIRContext *ctx = rewriter.getContext();
  auto type = cast<RankedTensorType>(inputs[0].getType());
  int64_t rank = type.getRank();
  Type ft = type.getElementType();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
  SmallVector<AffineMap> maps(inputs.size(), id);
  maps.push_back(scalar);
  Value result =
      linalg::GenericOp::create(
          rewriter, loc, TypeRange{resultType}, inputs,
          ValueRange{createFilled(rewriter, loc, resultType, 0.0)}, maps,
          SmallVector<IT>(rank, IT::reduction),
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value v = fn(b, l, a.drop_back());
            linalg::YieldOp::create(b, l, Value(arith::AddFOp::create(b, l, a.back(), v)));
          })
          .getResult(0);
  if (reduction == "mean") {
    double count = double(type.getNumElements());
    result = buildElementwise(rewriter, loc, resultType, ValueRange{result},
                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                return arith::DivFOp::create(b, l, a[0],
                                                             cst(b, l, ft, count));
                              });
  }
  return result;
}

/// max(log(x), -100) and max(log1p(-x), -100): torch's clamped logs.
Value clampedLog(OpBuilder &b, Location l, Value logValue) {
  return arith::MaximumFOp::create(b, l, logValue,
                                   cst(b, l, logValue.getType(), -100.0));
}

// -(t max(log p, -100) + (1 - t) max(log1p(-p), -100))
struct BinaryCrossEntropyLowering : OpConversionPattern<BinaryCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BinaryCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = reduceElementwiseLoss(
        rewriter, op.getLoc(), op.getReduction(), resultType,
        ValueRange{adaptor.getPrediction(), adaptor.getTarget()},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value p = a[0], t = a[1];
          Type ft = p.getType();
          Value logP = clampedLog(b, l, math::LogOp::create(b, l, p));
          Value log1mP = clampedLog(
              b, l, math::Log1pOp::create(b, l, arith::NegFOp::create(b, l, p)));
          Value oneMinusT = arith::SubFOp::create(b, l, cst(b, l, ft, 1.0), t);
          Value sum = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, t, logP),
                                            arith::MulFOp::create(b, l, oneMinusT, log1mP));
          return arith::NegFOp::create(b, l, sum);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// dp = dl k (p - t) / max(p (1 - p), 1e-12); dt = dl k (log1p(-p) - log p).
struct BinaryCrossEntropyGradLowering
    : OpConversionPattern<BinaryCrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BinaryCrossEntropyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    double k = op.getReduction() == "mean" ? 1.0 / double(type.getNumElements()) : 1.0;
    bool wrtTarget = op.getWrtTarget();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type,
        ValueRange{adaptor.getDloss(), adaptor.getPrediction(), adaptor.getTarget()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value dl = a[0], p = a[1], t = a[2];
          Type ft = p.getType();
          Value g;
          if (wrtTarget) {
            g = arith::SubFOp::create(
                b, l, math::Log1pOp::create(b, l, arith::NegFOp::create(b, l, p)),
                math::LogOp::create(b, l, p));
          } else {
            Value var = arith::MulFOp::create(
                b, l, p, arith::SubFOp::create(b, l, cst(b, l, ft, 1.0), p));
            Value denom = arith::MaximumFOp::create(b, l, var, cst(b, l, ft, 1e-12));
            g = arith::DivFOp::create(b, l, arith::SubFOp::create(b, l, p, t), denom);
          }
          g = arith::MulFOp::create(b, l, dl, g);
          if (k != 1.0)
            g = arith::MulFOp::create(b, l, g, cst(b, l, ft, k));
          return g;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

// max(x, 0) - x t + log1p(exp(-|x|))
struct BinaryCrossEntropyWithLogitsLowering
    : OpConversionPattern<BinaryCrossEntropyWithLogitsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BinaryCrossEntropyWithLogitsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value result = reduceElementwiseLoss(
        rewriter, op.getLoc(), op.getReduction(), resultType,
        ValueRange{adaptor.getLogits(), adaptor.getTarget()},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value x = a[0], t = a[1];
          Type ft = x.getType();
          Value relu = arith::MaximumFOp::create(b, l, x, cst(b, l, ft, 0.0));
          Value negAbs = arith::NegFOp::create(b, l, math::AbsFOp::create(b, l, x));
          Value softplus = math::Log1pOp::create(b, l, math::ExpOp::create(b, l, negAbs));
          return arith::AddFOp::create(
              b, l, arith::SubFOp::create(b, l, relu, arith::MulFOp::create(b, l, x, t)),
              softplus);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x^e for a constant e >= 0: repeated products for small integers (exact
/// for the common gamma = 2), else math.powf.
Value powConst(OpBuilder &b, Location l, Value x, double e) {
  Type ft = x.getType();
  if (e == 0)
    return cst(b, l, ft, 1.0);
  if (e == std::floor(e) && e > 0 && e <= 4) {
    Value r = x;
    for (int i = 1; i < int(e); ++i)
      r = arith::MulFOp::create(b, l, r, x);
    return r;
  }
  return math::PowFOp::create(b, l, x, cst(b, l, ft, e));
}

/// Row statistics of focal loss over scores [N, C]: max m_n (separately),
/// then e_n = sum_c exp(s_nc - m_n), the label's score s_n,label and (with
/// alpha) the label's weight, in one reduction generic.
struct FocalStats {
  Value max, sumExp, picked, weight; // weight null without alpha
};

FocalStats focalStats(ConversionPatternRewriter &rewriter, Location loc,
                      Value scores, Value labels, std::optional<ArrayRef<double>> alpha) {
  MLIRContext *ctx = rewriter.getContext();
  auto sType = cast<RankedTensorType>(scores.getType());
  Type ft = sType.getElementType();
  int64_t n = sType.getDimSize(0), numClasses = sType.getDimSize(1);
  auto rowType = RankedTensorType::get({n}, ft);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  AffineMap col2 = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  Value max = rowMax(rewriter, loc, scores);
  SmallVector<Value> ins = {scores, labels, max};
  SmallVector<AffineMap> maps = {id2, row2, row2};
  if (alpha) {
    auto alphaType = RankedTensorType::get({numClasses}, ft);
    SmallVector<Attribute> values;
    for (double w : *alpha)
      values.push_back(rewriter.getFloatAttr(ft, w));
    ins.push_back(arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(alphaType, values)));
    maps.push_back(col2);
  }
  unsigned numIns = ins.size();
  SmallVector<Value> inits = {createFilled(rewriter, loc, rowType, 0.0),
                              createFilled(rewriter, loc, rowType, 0.0)};
  if (alpha)
    inits.push_back(createFilled(rewriter, loc, rowType, 0.0));
  maps.append(inits.size(), row2);
  SmallVector<Type> types(inits.size(), rowType);
  auto sums = linalg::GenericOp::create(
      rewriter, loc, types, ins, inits, maps, ArrayRef<IT>{IT::parallel, IT::reduction},
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value s = a[0], m = a[2];
        Value hit = isLabel(b, l, a[1]);
        Value zero = cst(b, l, ft, 0.0);
        Value e = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, s, m));
        SmallVector<Value> out = {
            arith::AddFOp::create(b, l, a[numIns], e),
            arith::AddFOp::create(b, l, a[numIns + 1],
                                  arith::SelectOp::create(b, l, hit, s, zero))};
        if (alpha)
          out.push_back(arith::AddFOp::create(
              b, l, a[numIns + 2], arith::SelectOp::create(b, l, hit, a[3], zero)));
        linalg::YieldOp::create(b, l, out);
      });
  return {max, sums.getResult(0), sums.getResult(1),
          alpha ? sums.getResult(2) : Value()};
}

/// log p_t = s_label - m - log e, and 1 - p_t = -expm1(log p_t).
std::pair<Value, Value> focalLogPt(OpBuilder &b, Location l, Value m, Value e,
                                   Value picked) {
  Value logPt = arith::SubFOp::create(
      b, l, arith::SubFOp::create(b, l, picked, m), math::LogOp::create(b, l, e));
  Value oneMinusPt = arith::NegFOp::create(b, l, math::ExpM1Op::create(b, l, logPt));
  return {logPt, oneMinusPt};
}

// loss_n = -alpha_label (1 - p_t)^gamma log p_t, reduced over N.
struct FocalLossLowering : OpConversionPattern<FocalLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FocalLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto sType = cast<RankedTensorType>(adaptor.getScores().getType());
    Type ft = sType.getElementType();
    int64_t n = sType.getDimSize(0);
    double gamma = op.getGamma().convertToDouble();
    StringRef reduction = op.getReduction();
    FocalStats st = focalStats(rewriter, loc, adaptor.getScores(), adaptor.getLabels(),
                               op.getAlpha());
    SmallVector<Value> perSample = {st.max, st.sumExp, st.picked};
    if (st.weight)
      perSample.push_back(st.weight);
    unsigned numIn = perSample.size();
    auto sampleLoss = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      auto [logPt, oneMinusPt] = focalLogPt(b, l, a[0], a[1], a[2]);
      Value loss = arith::NegFOp::create(b, l, logPt);
      if (gamma != 0.0)
        loss = arith::MulFOp::create(b, l, powConst(b, l, oneMinusPt, gamma), loss);
      if (numIn == 4)
        loss = arith::MulFOp::create(b, l, a[3], loss);
      return loss;
    };
    auto rowType = RankedTensorType::get({n}, ft);
    auto scalarType = RankedTensorType::get({}, ft);
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    AffineMap scalar1 = AffineMap::get(1, 0, {}, ctx);
    Value result;
    if (reduction == "none") {
      result = buildElementwise(rewriter, loc, rowType, perSample, sampleLoss);
    } else {
      SmallVector<AffineMap> maps(numIn, id1);
      maps.push_back(scalar1);
      result = linalg::GenericOp::create(
                   rewriter, loc, TypeRange{scalarType}, perSample,
                   ValueRange{createFilled(rewriter, loc, scalarType, 0.0)}, maps,
                   ArrayRef<IT>{IT::reduction},
                   [&](OpBuilder &b, Location l, ValueRange a) {
                     linalg::YieldOp::create(
                         b, l,
                         Value(arith::AddFOp::create(b, l, a[numIn],
                                                     sampleLoss(b, l, a.drop_back()))));
                   })
                   .getResult(0);
      if (reduction == "mean")
        result = buildElementwise(
            rewriter, loc, scalarType, ValueRange{result},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              return arith::DivFOp::create(b, l, a[0], cst(b, l, ft, double(n)));
            });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// dscores_nc = dloss_n k alpha_label F_n (p_c - [c == label]) with
// F_n = (1 - p_t)^gamma - gamma p_t (1 - p_t)^(gamma - 1) log p_t
// (the second term 0 where 1 - p_t = 0): a parallel [N] generic for
// F_n alpha_label, then a parallel [N, C] generic.
struct FocalLossGradLowering : OpConversionPattern<FocalLossGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FocalLossGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value scores = adaptor.getScores(), labels = adaptor.getLabels();
    auto sType = cast<RankedTensorType>(scores.getType());
    Type ft = sType.getElementType();
    int64_t n = sType.getDimSize(0);
    double gamma = op.getGamma().convertToDouble();
    StringRef reduction = op.getReduction();
    double k = reduction == "mean" ? 1.0 / double(n) : 1.0;
    FocalStats st = focalStats(rewriter, loc, scores, labels, op.getAlpha());
    auto rowType = RankedTensorType::get({n}, ft);

    SmallVector<Value> rowIns = {st.max, st.sumExp, st.picked};
    if (st.weight)
      rowIns.push_back(st.weight);
    Value factor = buildElementwise(
        rewriter, loc, rowType, rowIns,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          auto [logPt, u] = focalLogPt(b, l, a[0], a[1], a[2]);
          Value f = cst(b, l, ft, 1.0);
          if (gamma != 0.0) {
            Value pt = math::ExpOp::create(b, l, logPt);
            Value term = arith::MulFOp::create(
                b, l,
                arith::MulFOp::create(b, l, cst(b, l, ft, gamma),
                                      arith::MulFOp::create(b, l, pt, logPt)),
                powConst(b, l, u, gamma - 1.0));
            Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, u,
                                                   cst(b, l, ft, 0.0));
            term = arith::SelectOp::create(b, l, positive, term, cst(b, l, ft, 0.0));
            f = arith::SubFOp::create(b, l, powConst(b, l, u, gamma), term);
          }
          if (a.size() == 4)
            f = arith::MulFOp::create(b, l, f, a[3]);
          if (k != 1.0)
            f = arith::MulFOp::create(b, l, f, cst(b, l, ft, k));
          return f;
        });

    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row2 = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
    AffineMap scalar2 = AffineMap::get(2, 0, {}, ctx);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sType},
            ValueRange{scores, labels, st.max, st.sumExp, factor, adaptor.getDloss()},
            ValueRange{createEmpty(rewriter, loc, sType)},
            ArrayRef<AffineMap>{id2, row2, row2, row2, row2,
                                reduction == "none" ? row2 : scalar2, id2},
            ArrayRef<IT>{IT::parallel, IT::parallel},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value s = a[0], label = a[1], m = a[2], e = a[3], f = a[4], dl = a[5];
              Value p = arith::DivFOp::create(
                  b, l, math::ExpOp::create(b, l, arith::SubFOp::create(b, l, s, m)), e);
              Value q = arith::SelectOp::create(b, l, isLabel(b, l, label),
                                                cst(b, l, ft, 1.0), cst(b, l, ft, 0.0));
              Value g = arith::MulFOp::create(
                  b, l, arith::MulFOp::create(b, l, dl, f),
                  arith::SubFOp::create(b, l, p, q));
              linalg::YieldOp::create(b, l, g);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dlc::populateLossToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyLossLowering,
               SoftmaxCrossEntropyLossGradLowering, MeanSquaredErrorLowering,
               AccuracyLowering, BinaryCrossEntropyLowering,
               BinaryCrossEntropyGradLowering, BinaryCrossEntropyWithLogitsLowering,
               FocalLossLowering, FocalLossGradLowering>(patterns.getContext());
}
