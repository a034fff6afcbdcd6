//===- Gradients.cpp - dlc activation gradient helpers to linalg ----------===//
//
// The *Grad ops the Autodiff pass emits. Each elementwise one becomes one
// all-parallel linalg.generic over (dY, saved); the conventions at the kinks
// follow the forward lowerings in Elementwise.cpp:
//   ReluGrad       x > 0 ? dy : 0
//   LeakyReluGrad  x >= 0 ? dy : alpha dy
//   EluGrad        x > 0 ? dy : alpha exp(x) dy
//   SigmoidGrad    dy y (1 - y)
//   TanhGrad       dy (1 - y^2)
//   GeluGrad       dy gelu'(x), with for approximate = "none"
//                    gelu'(x) = 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi)
//                  and for approximate = "tanh", u = sqrt(2/pi) (x + 0.044715 x^3),
//                    gelu'(x) = 0.5 (1 + tanh u)
//                             + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
// SoftmaxGrad and LogSoftmaxGrad add one sum along the axis (a reduction
// generic into a zero-filled tensor without that axis), then
//   SoftmaxGrad     y (dy - sum(dy y))
//   LogSoftmaxGrad  dy - exp(y) sum(dy)
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dlc;

namespace {

Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return floatConstant(b, loc, like.getType(), v);
}

/// Lowers a gradient helper whose dX element is `Formula(dy, saved)`.
template <typename OpTy, typename Formula>
struct GradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type,
        ValueRange{adaptor.getDY(), adaptor.getSaved()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return Formula()(op, b, loc, a[0], a[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ReluGradFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, Value dy, Value x) {
    Value zero = cst(b, loc, x, 0.0);
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    return arith::SelectOp::create(b, loc, pos, dy, zero);
  }
};

struct LeakyReluGradFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, Value dy, Value x) {
    double alpha = cast<LeakyReluGradOp>(op).getAlpha().convertToDouble();
    Value zero = cst(b, loc, x, 0.0);
    Value scaled = arith::MulFOp::create(b, loc, dy, cst(b, loc, x, alpha));
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
    return arith::SelectOp::create(b, loc, pos, dy, scaled);
  }
};

struct EluGradFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, Value dy, Value x) {
    double alpha = cast<EluGradOp>(op).getAlpha().convertToDouble();
    Value zero = cst(b, loc, x, 0.0);
    Value e = math::ExpOp::create(b, loc, x);
    Value neg = arith::MulFOp::create(
        b, loc, arith::MulFOp::create(b, loc, e, cst(b, loc, x, alpha)), dy);
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    return arith::SelectOp::create(b, loc, pos, dy, neg);
  }
};

struct SigmoidGradFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, Value dy, Value y) {
    Value oneMinus = arith::SubFOp::create(b, loc, cst(b, loc, y, 1.0), y);
    return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, dy, y),
                                 oneMinus);
  }
};

struct TanhGradFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, Value dy, Value y) {
    Value sq = arith::MulFOp::create(b, loc, y, y);
    Value oneMinus = arith::SubFOp::create(b, loc, cst(b, loc, y, 1.0), sq);
    return arith::MulFOp::create(b, loc, dy, oneMinus);
  }
};

struct GeluGradFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, Value dy, Value x) {
    Value half = cst(b, loc, x, 0.5), one = cst(b, loc, x, 1.0);
    Value x2 = arith::MulFOp::create(b, loc, x, x);
    Value d;
    if (cast<GeluGradOp>(op).getApproximate() == "tanh") {
      constexpr double k = 0.044715;
      Value c = cst(b, loc, x, std::sqrt(2.0 / M_PI));
      Value x3 = arith::MulFOp::create(b, loc, x2, x);
      Value poly = arith::AddFOp::create(
          b, loc, x, arith::MulFOp::create(b, loc, x3, cst(b, loc, x, k)));
      Value t = math::TanhOp::create(b, loc, arith::MulFOp::create(b, loc, poly, c));
      Value left = arith::MulFOp::create(b, loc, half,
                                         arith::AddFOp::create(b, loc, one, t));
      Value sech2 = arith::SubFOp::create(b, loc, one,
                                          arith::MulFOp::create(b, loc, t, t));
      Value dpoly = arith::AddFOp::create(
          b, loc, one, arith::MulFOp::create(b, loc, x2, cst(b, loc, x, 3 * k)));
      Value right = arith::MulFOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, half, x),
                                sech2),
          arith::MulFOp::create(b, loc, c, dpoly));
      d = arith::AddFOp::create(b, loc, left, right);
    } else {
      Value erf = math::ErfOp::create(
          b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, M_SQRT1_2)));
      Value cdf = arith::MulFOp::create(b, loc, half,
                                        arith::AddFOp::create(b, loc, one, erf));
      Value pdf = arith::MulFOp::create(
          b, loc,
          math::ExpOp::create(b, loc,
                              arith::MulFOp::create(b, loc, x2, cst(b, loc, x, -0.5))),
          cst(b, loc, x, 1.0 / std::sqrt(2.0 * M_PI)));
      d = arith::AddFOp::create(b, loc, cdf, arith::MulFOp::create(b, loc, x, pdf));
    }
    return arith::MulFOp::create(b, loc, dy, d);
  }
};

/// SoftmaxGrad (IsLog = false) and LogSoftmaxGrad (IsLog = true).
template <typename OpTy, bool IsLog>
struct SoftmaxGradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value dy = adaptor.getDY(), y = adaptor.getSaved();
    auto type = cast<RankedTensorType>(y.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return op.emitOpError("axis ") << op.getAxis() << " is out of range for rank "
                                     << rank;

    AxisReduction red(ctx, type, axis);
    const auto &[reducedType, identity, reduced, reduceIters, parallelIters] = red;

    // s = sum(dy y) (Softmax) or sum(dy) (LogSoftmax) along the axis.
    Value sumInit = createFilled(rewriter, loc, reducedType, 0.0);
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{reducedType}, ValueRange{dy, y},
                    ValueRange{sumInit},
                    ArrayRef<AffineMap>{identity, identity, reduced}, reduceIters,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value term = IsLog ? a[0]
                                         : Value(arith::MulFOp::create(b, l, a[0], a[1]));
                      linalg::YieldOp::create(
                          b, l, Value(arith::AddFOp::create(b, l, a[2], term)));
                    })
                    .getResult(0);

    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{dy, y, sum},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{identity, identity, reduced, identity},
            parallelIters,
            [](OpBuilder &b, Location l, ValueRange a) {
              Value r;
              if (IsLog)
                r = arith::SubFOp::create(
                    b, l, a[0],
                    arith::MulFOp::create(b, l, math::ExpOp::create(b, l, a[1]), a[2]));
              else
                r = arith::MulFOp::create(b, l, a[1],
                                          arith::SubFOp::create(b, l, a[0], a[2]));
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dlc::populateGradientToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GradLowering<ReluGradOp, ReluGradFormula>,
               GradLowering<LeakyReluGradOp, LeakyReluGradFormula>,
               GradLowering<EluGradOp, EluGradFormula>,
               GradLowering<SigmoidGradOp, SigmoidGradFormula>,
               GradLowering<TanhGradOp, TanhGradFormula>,
               GradLowering<GeluGradOp, GeluGradFormula>,
               SoftmaxGradLowering<SoftmaxGradOp, false>,
               SoftmaxGradLowering<LogSoftmaxGradOp, true>>(patterns.getContext());
}
