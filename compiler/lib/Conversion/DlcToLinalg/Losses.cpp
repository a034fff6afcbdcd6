//===- Losses.cpp - dlc losses and metrics to linalg ----------------------===//
//
// SoftmaxCrossEntropyLoss (torch.nn.functional.cross_entropy with integer
// labels), its gradient, MeanSquaredError and Accuracy.
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

} // namespace

void mlir::dlc::populateLossToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxCrossEntropyLossLowering,
               SoftmaxCrossEntropyLossGradLowering, MeanSquaredErrorLowering,
               AccuracyLowering>(patterns.getContext());
}
