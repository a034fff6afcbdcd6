//===- Softmax.cpp - dlc Softmax and LogSoftmax to linalg -----------------===//
//
// Three linalg.generic ops along `axis`: m = max(x), s = sum(exp(x - m)),
// then exp(x - m) / s (Softmax) or x - m - log(s) (LogSoftmax). Subtracting
// the maximum keeps exp from overflowing.
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

template <typename OpTy, bool IsLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getNormalizedAxis();

    AxisReduction red(ctx, type, axis);
    const auto &[reducedType, identity, reduced, reduceIters, parallelIters] = red;

    Value maxInit = createFilled(rewriter, loc, reducedType,
                                 -std::numeric_limits<double>::infinity());
    Value max = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{reducedType}, ValueRange{x},
                    ValueRange{maxInit}, ArrayRef<AffineMap>{identity, reduced},
                    reduceIters,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      linalg::YieldOp::create(
                          b, l, Value(arith::MaximumFOp::create(b, l, a[0], a[1])));
                    })
                    .getResult(0);

    Value sumInit = createFilled(rewriter, loc, reducedType, 0.0);
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{reducedType}, ValueRange{x, max},
                    ValueRange{sumInit},
                    ArrayRef<AffineMap>{identity, reduced, reduced}, reduceIters,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value e = math::ExpOp::create(
                          b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                      linalg::YieldOp::create(b, l,
                                              Value(arith::AddFOp::create(b, l, a[2], e)));
                    })
                    .getResult(0);

    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{x, max, sum},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{identity, reduced, reduced, identity},
            parallelIters,
            [](OpBuilder &b, Location l, ValueRange a) {
              Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
              Value r;
              if (IsLog)
                r = arith::SubFOp::create(b, l, shifted, math::LogOp::create(b, l, a[2]));
              else
                r = arith::DivFOp::create(b, l, math::ExpOp::create(b, l, shifted), a[2]);
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dlc::populateSoftmaxToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>>(patterns.getContext());
}
