//===- Matmul.cpp - dlc Gemm and MatMul to linalg contractions ------------===//
//
// Both become a linalg.generic contraction (acc += a * b) into a zero-filled
// accumulator; transposes and batch broadcasting are folded into the indexing
// maps, so nothing is copied. Gemm's alpha/beta/C become an elementwise
// epilogue on the accumulator, which the codegen later fuses into the
// contraction's tiles.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

// Y = alpha * A' B' + beta * C, loops (m, n, k) in the maps; the nest runs
// (m, k, n) unless B is transposed (see buildContraction).
struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](AffineExpr i, AffineExpr j) {
      return AffineMap::get(3, 0, {i, j}, ctx);
    };
    AffineMap aMap = op.getTransA() ? map(k, m) : map(m, k);
    AffineMap bMap = op.getTransB() ? map(n, k) : map(k, n);
    Value acc = buildContraction(rewriter, loc, type, adaptor.getA(),
                                 adaptor.getB(), aMap, bMap, map(m, n), 3,
                                 /*rowInnermost=*/!op.getTransB());

    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = adaptor.getC();
    bool useC = c && beta != 0.0;
    if (alpha != 1.0 || useC) {
      SmallVector<Value> inputs{acc};
      if (useC)
        inputs.push_back(c);
      acc = buildElementwise(
          rewriter, loc, type, inputs,
          [&](OpBuilder &b, Location l, ValueRange x) {
            Value r = x[0];
            if (alpha != 1.0)
              r = arith::MulFOp::create(b, l, r, floatConstant(b, l, r.getType(), alpha));
            if (useC) {
              Value cv = x[1];
              if (beta != 1.0)
                cv = arith::MulFOp::create(b, l, cv, floatConstant(b, l, cv.getType(), beta));
              r = arith::AddFOp::create(b, l, r, cv);
            }
            return r;
          });
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

// numpy.matmul, loops (batch..., [m], [n], k): 1-D operands have no m (A) or
// no n (B) loop; batch dimensions broadcast through the maps. With an n loop
// the nest runs (..., k, n) (see buildContraction).
struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> as = op.getA().getType().getShape();
    ArrayRef<int64_t> bs = op.getB().getType().getShape();
    bool vecA = as.size() == 1, vecB = bs.size() == 1;
    int64_t batchRank =
        type.getRank() - (vecA ? 0 : 1) - (vecB ? 0 : 1);
    ArrayRef<int64_t> batchShape = type.getShape().take_front(batchRank);
    unsigned numLoops = batchRank + (vecA ? 0 : 1) + (vecB ? 0 : 1) + 1;
    unsigned mDim = batchRank, nDim = batchRank + (vecA ? 0 : 1);
    AffineExpr kExpr = getAffineDimExpr(numLoops - 1, ctx);

    // Batch dimensions of an operand, broadcast against the result's.
    auto batchExprs = [&](ArrayRef<int64_t> operandBatch) {
      AffineMap bm = broadcastMap(ctx, operandBatch, batchShape);
      SmallVector<AffineExpr> exprs;
      for (AffineExpr e : bm.getResults())
        exprs.push_back(e);
      return exprs;
    };
    SmallVector<AffineExpr> aExprs =
        batchExprs(vecA ? ArrayRef<int64_t>{} : as.drop_back(2));
    if (!vecA)
      aExprs.push_back(getAffineDimExpr(mDim, ctx));
    aExprs.push_back(kExpr);
    SmallVector<AffineExpr> bExprs =
        batchExprs(vecB ? ArrayRef<int64_t>{} : bs.drop_back(2));
    bExprs.push_back(kExpr);
    if (!vecB)
      bExprs.push_back(getAffineDimExpr(nDim, ctx));
    SmallVector<AffineExpr> outExprs;
    for (unsigned i = 0; i < numLoops - 1; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));

    // broadcastMap built maps over batchRank dims; they are the leading loops
    // of the full nest, so the expressions carry over unchanged.
    auto full = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(numLoops, 0, e, ctx);
    };
    Value result = buildContraction(rewriter, op.getLoc(), type, adaptor.getA(),
                                    adaptor.getB(), full(aExprs), full(bExprs),
                                    full(outExprs), numLoops, /*rowInnermost=*/!vecB);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::dlc::populateMatmulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GemmLowering, MatMulLowering>(patterns.getContext());
}
