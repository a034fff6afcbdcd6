//===- Shape.cpp - dlc shape ops to tensor reshapes and linalg.transpose --===//
//
// Flatten and Reshape keep the row-major element order, so they become
// tensor.collapse_shape / tensor.expand_shape (views after bufferization, no
// copy). Transpose becomes linalg.transpose. Identity disappears.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// All dimensions of a rank-`rank` tensor in one group: [[0, ..., rank-1]].
SmallVector<ReassociationIndices> oneGroup(int64_t rank) {
  if (rank == 0)
    return {};
  ReassociationIndices all;
  for (int64_t i = 0; i < rank; ++i)
    all.push_back(i);
  return {all};
}

/// Reshapes `source` to `target` through a 1-D (or, for scalars, rank-0)
/// intermediate: collapse everything, then expand everything.
Value reshapeTo(OpBuilder &b, Location loc, Value source,
                RankedTensorType target) {
  auto srcType = cast<RankedTensorType>(source.getType());
  if (srcType == target)
    return source;
  // A scalar has nothing to collapse: expand it straight to the all-ones
  // target (a collapse_shape cannot raise the rank).
  if (srcType.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, target, source,
                                         SmallVector<ReassociationIndices>{});
  Value flat = source;
  if (srcType.getRank() != 1 && target.getRank() != 0) {
    auto flatType = RankedTensorType::get({srcType.getNumElements()},
                                          srcType.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, source,
                                           oneGroup(srcType.getRank()));
  } else if (target.getRank() == 0) {
    return tensor::CollapseShapeOp::create(b, loc, target, source,
                                           SmallVector<ReassociationIndices>{});
  }
  if (target.getRank() == 1)
    return flat;
  // Reassociation groups index the dimensions of the higher-rank type.
  return tensor::ExpandShapeOp::create(b, loc, target, flat,
                                       oneGroup(target.getRank()));
}

template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(),
                                     adaptor.getOperands()[0],
                                     cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value init = createEmpty(rewriter, op.getLoc(), type);
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getData(),
                                         init, op.getPermutation());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

struct IdentityLowering : OpConversionPattern<IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void mlir::dlc::populateShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLikeLowering<FlattenOp>, ReshapeLikeLowering<ReshapeOp>,
               TransposeLowering, IdentityLowering>(patterns.getContext());
}
