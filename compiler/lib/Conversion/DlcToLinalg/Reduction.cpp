//===- Reduction.cpp - dlc Constant and ReduceSum to linalg ---------------===//
//
// Constant becomes an arith.constant of its dense value. ReduceSum becomes one
// linalg.generic over the input's shape whose reduced dimensions are
// "reduction" iterators; the output map drops them (keepdims = 0) or reads
// them at index 0 (keepdims = 1), accumulating into a zero-filled result.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value is not a typed attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct ReduceSumLowering : OpConversionPattern<ReduceSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getData();
    auto inType = cast<RankedTensorType>(x.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank();
    SmallVector<int64_t> axes = op.getNormalizedAxes();
    bool keep = op.getKeepdims() != 0;

    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i) {
      if (llvm::is_contained(axes, i)) {
        iters[i] = utils::IteratorType::reduction;
        if (keep)
          outExprs.push_back(getAffineConstantExpr(0, ctx));
      } else {
        outExprs.push_back(getAffineDimExpr(i, ctx));
      }
    }
    AffineMap inMap = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    Value init = createFilled(rewriter, loc, outType, 0.0);
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{outType}, ValueRange{x},
                    ValueRange{init}, ArrayRef<AffineMap>{inMap, outMap}, iters,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      linalg::YieldOp::create(
                          b, l, Value(arith::AddFOp::create(b, l, a[1], a[0])));
                    })
                    .getResult(0);
    rewriter.replaceOp(op, sum);
    return success();
  }
};

} // namespace

void mlir::dlc::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReduceSumLowering>(patterns.getContext());
}
