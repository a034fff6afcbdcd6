//===- Tensor.cpp - dlc tensor ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcTensorOps.td.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::dlc;

namespace {

using utils::IteratorType;

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A filled tensor of any element type (float or integer).
Value filledWith(OpBuilder &b, Location loc, RankedTensorType type, Attribute value) {
  Value init = createEmpty(b, loc, type);
  Value scalar = arith::ConstantOp::create(b, loc, cast<TypedAttr>(value));
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

/// An integer index tensor element made an `index` in [0, n): negative
/// entries count from the end, and what is still out of range is clamped
/// to the nearest row (indices come from user data at run time, and a
/// generated kernel must never read or write outside its tensors).
Value normalizedIndex(OpBuilder &b, Location loc, Value raw, int64_t n) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = indexConst(b, loc, 0);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::AddIOp::create(b, loc, i, indexConst(b, loc, n));
  Value normalized = arith::SelectOp::create(b, loc, neg, wrapped, i);
  Value clampedLow = arith::MaxSIOp::create(b, loc, normalized, zero);
  return arith::MinSIOp::create(b, loc, clampedLow, indexConst(b, loc, n - 1));
}

/// The map of a reduced tensor inside a generic over the input's dims.
AffineMap reducedMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes, bool keep) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(axes, i)) {
      if (keep)
        exprs.push_back(getAffineConstantExpr(0, ctx));
    } else {
      exprs.push_back(getAffineDimExpr(i, ctx));
    }
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Reduces `x` over `axes` into `outType`, starting from `initValue`.
Value reduce(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes, bool keep,
             RankedTensorType outType, double initValue,
             function_ref<Value(OpBuilder &, Location, Value /*x*/, Value /*acc*/)> combine) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  for (int64_t a : axes)
    iters[a] = IteratorType::reduction;
  AffineMap inMap = AffineMap::getMultiDimIdentityMap(rank, ctx);
  Value init = createFilled(b, loc, outType, initValue);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{x}, ValueRange{init},
             ArrayRef<AffineMap>{inMap, reducedMap(ctx, rank, axes, keep)}, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, combine(nb, l, a[0], a[1]));
             })
      .getResult(0);
}

// Each input is inserted into its slot of the result (tensor.insert_slice).
// Bufferization then writes an input computed by an elementwise op straight
// into its slot (eliminate-empty-tensors), and copies the others there
// (memref.copy into a subview, which dlc-vectorize-elementwise writes as
// vector loops). (One generic over the result, selecting between the inputs
// per element, was scalar code that read every input at every element: 22%
// of the LSTM training step.)
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getNormalizedAxis(), rank = type.getRank();
    Value result = createEmpty(rewriter, loc, type);
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, result);
      return success();
    }
    SmallVector<int64_t> offsets(rank, 0), ones(rank, 1);
    for (Value in : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(in.getType());
      if (inType.getNumElements() > 0)
        result = tensor::InsertSliceOp::create(rewriter, loc, in, result, ValueRange{},
                                               ValueRange{}, ValueRange{}, offsets,
                                               inType.getShape(), ones);
      offsets[axis] += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

// Each output is a Slice of the input (lowered by SliceLowering).
struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t axis = op.getNormalizedAxis(), offset = 0;
    SmallVector<Value> parts;
    for (Value r : op.getResults()) {
      int64_t size = cast<RankedTensorType>(r.getType()).getDimSize(axis);
      parts.push_back(SliceOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                      rewriter.getDenseI64ArrayAttr({offset}),
                                      rewriter.getDenseI64ArrayAttr({offset + size}),
                                      rewriter.getDenseI64ArrayAttr({axis}), DenseI64ArrayAttr()));
      offset += size;
    }
    rewriter.replaceOp(op, parts);
    return success();
  }
};

template <typename OpTy>
void sliceParamsOf(OpTy op, ArrayRef<int64_t> shape, SmallVectorImpl<int64_t> &start,
                   SmallVectorImpl<int64_t> &step, SmallVectorImpl<int64_t> &count) {
  std::optional<ArrayRef<int64_t>> axes, steps;
  if (op.getAxesAttr())
    axes = op.getAxesAttr().asArrayRef();
  if (op.getStepsAttr())
    steps = op.getStepsAttr().asArrayRef();
  (void)SliceOp::normalize(std::nullopt, shape, op.getStarts(), op.getEnds(), axes, steps,
                           start, step, count);
}

// out[i] = in[start + i * step]: with positive steps a strided view
// (tensor.extract_slice); with a negative step, one generic with
// linalg.index and tensor.extract.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto inType = cast<RankedTensorType>(data.getType());
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> start, step, count;
    sliceParamsOf(op, inType.getShape(), start, step, count);
    int64_t rank = type.getRank();
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    // Positive steps: a strided view of the input (a subview after
    // bufferization, read in place by the slice's consumers).
    if (llvm::all_of(step, [](int64_t k) { return k > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type, data, ValueRange{},
                                                          ValueRange{}, ValueRange{}, start,
                                                          count, step);
      return success();
    }
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{createEmpty(rewriter, loc, type)},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx)},
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> idx;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            Value scaled = arith::MulIOp::create(b, l, i, indexConst(b, l, step[d]));
            idx.push_back(arith::AddIOp::create(b, l, scaled, indexConst(b, l, start[d])));
          }
          linalg::YieldOp::create(b, l, Value(tensor::ExtractOp::create(b, l, data, idx)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// dX[j] = dY[(j - start) / step] where j - start is a multiple of step and the
// quotient is in [0, count); 0 elsewhere.
struct SliceGradLowering : OpConversionPattern<SliceGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(SliceGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getDY();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> start, step, count;
    sliceParamsOf(op, type.getShape(), start, step, count);
    int64_t rank = type.getRank();
    Type et = type.getElementType();
    if (cast<RankedTensorType>(dy.getType()).getNumElements() == 0 ||
        type.getNumElements() == 0) {
      rewriter.replaceOp(op, createFilled(rewriter, loc, type, 0.0));
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{createEmpty(rewriter, loc, type)},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx)},
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> idx;
          Value ok = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
          Value zero = indexConst(b, l, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value j = linalg::IndexOp::create(b, l, d);
            // A dimension the slice takes whole reads dY directly; one it
            // takes a prefix of (start 0, step 1, count < size) still needs
            // the bound check, or rows past the prefix read outside dY.
            if (start[d] == 0 && step[d] == 1 && count[d] == type.getDimSize(d)) {
              idx.push_back(j);
              continue;
            }
            Value rel = arith::SubIOp::create(b, l, j, indexConst(b, l, start[d]));
            Value k = indexConst(b, l, step[d]);
            Value rem = arith::RemSIOp::create(b, l, rel, k);
            Value q = arith::DivSIOp::create(b, l, rel, k);
            Value c1 = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, rem, zero);
            Value c2 = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, q, zero);
            Value c3 = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, q,
                                             indexConst(b, l, count[d]));
            Value dimOk = arith::AndIOp::create(
                b, l, arith::AndIOp::create(b, l, c1, c2).getResult(), c3);
            ok = arith::AndIOp::create(b, l, ok, dimOk);
            idx.push_back(arith::SelectOp::create(b, l, dimOk, q, zero));
          }
          Value v = tensor::ExtractOp::create(b, l, dy, idx);
          Value z = floatConstant(b, l, et, 0.0);
          linalg::YieldOp::create(b, l, Value(arith::SelectOp::create(b, l, ok, v, z)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

template <typename OpTy>
struct ToReshapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, type, adaptor.getData(),
                                           rewriter.getDenseI64ArrayAttr(type.getShape()));
    return success();
  }
};

struct ReduceMeanLowering : OpConversionPattern<ReduceMeanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getData().getType());
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> axes = op.getNormalizedAxes();
    int64_t n = 1;
    for (int64_t a : axes)
      n *= inType.getDimSize(a);
    Value sum = reduce(rewriter, loc, adaptor.getData(), axes, op.getKeepdims() != 0, type, 0.0,
                       [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
                         return arith::AddFOp::create(b, l, acc, x);
                       });
    double inv = 1.0 / static_cast<double>(n);
    Type et = type.getElementType();
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, type, ValueRange{sum},
                                            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                              return arith::MulFOp::create(
                                                  b, l, a[0], floatConstant(b, l, et, inv));
                                            }));
    return success();
  }
};

struct ReduceMaxLowering : OpConversionPattern<ReduceMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReduceMaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(op, reduce(rewriter, op.getLoc(), adaptor.getData(),
                                  op.getNormalizedAxes(), op.getKeepdims() != 0, type,
                                  -std::numeric_limits<double>::infinity(),
                                  [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
                                    return arith::MaximumFOp::create(b, l, acc, x);
                                  }));
    return success();
  }
};

// count = number of x == max per reduced position; dX = x == max ? dY / count : 0.
struct ReduceMaxGradLowering : OpConversionPattern<ReduceMaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ReduceMaxGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto redType = cast<RankedTensorType>(adaptor.getReduced().getType());
    Type et = type.getElementType();
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes;
    {
      ArrayRef<int64_t> raw = op.getAxes();
      if (raw.empty())
        for (int64_t i = 0; i < rank; ++i)
          axes.push_back(i);
      for (int64_t a : raw)
        axes.push_back(a < 0 ? a + rank : a);
    }
    bool keep = op.getKeepdims() != 0;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap red = reducedMap(ctx, rank, axes, keep);
    SmallVector<IteratorType> iters(rank, IteratorType::parallel);
    for (int64_t a : axes)
      iters[a] = IteratorType::reduction;
    Value count =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{redType},
            ValueRange{adaptor.getData(), adaptor.getReduced()},
            ValueRange{createFilled(rewriter, loc, redType, 0.0)},
            ArrayRef<AffineMap>{id, red, red}, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value eq = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0], a[1]);
              Value one = floatConstant(b, l, et, 1.0), zero = floatConstant(b, l, et, 0.0);
              Value add = arith::SelectOp::create(b, l, eq, one, zero);
              linalg::YieldOp::create(b, l, Value(arith::AddFOp::create(b, l, a[2], add)));
            })
            .getResult(0);
    Value dx =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{adaptor.getDY(), adaptor.getData(), adaptor.getReduced(), count},
            ValueRange{createEmpty(rewriter, loc, type)},
            ArrayRef<AffineMap>{red, id, red, red, id},
            SmallVector<IteratorType>(rank, IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value eq = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1], a[2]);
              Value share = arith::DivFOp::create(b, l, a[0], a[3]);
              Value zero = floatConstant(b, l, et, 0.0);
              linalg::YieldOp::create(b, l, Value(arith::SelectOp::create(b, l, eq, share, zero)));
            })
            .getResult(0);
    rewriter.replaceOp(op, dx);
    return success();
  }
};

// A reduction carrying (max, index): a strictly greater element replaces
// both, so ties keep the first index.
struct ArgMaxLowering : OpConversionPattern<ArgMaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ArgMaxOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getData();
    auto inType = cast<RankedTensorType>(x.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = inType.getRank(), axis = op.getNormalizedAxis();
    auto valType = RankedTensorType::get(type.getShape(), inType.getElementType());
    Value initV = createFilled(rewriter, loc, valType, -std::numeric_limits<double>::infinity());
    Value initI = filledWith(rewriter, loc, type, rewriter.getI64IntegerAttr(0));
    SmallVector<IteratorType> iters(rank, IteratorType::parallel);
    iters[axis] = IteratorType::reduction;
    AffineMap red = reducedMap(ctx, rank, {axis}, op.getKeepdims() != 0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, type}, ValueRange{x}, ValueRange{initV, initI},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx), red, red}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = linalg::IndexOp::create(b, l, axis);
          Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), i);
          Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], a[1]);
          Value v = arith::SelectOp::create(b, l, gt, a[0], a[1]);
          Value idx = arith::SelectOp::create(b, l, gt, i64, a[2]);
          linalg::YieldOp::create(b, l, ValueRange{v, idx});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

// out[i..., j...] = data[indices[i...], j...]
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto idxType = cast<RankedTensorType>(adaptor.getIndices().getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank(), ri = idxType.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = 0; d < ri; ++d)
      idxExprs.push_back(getAffineDimExpr(d, ctx));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()},
        ValueRange{createEmpty(rewriter, loc, type)},
        ArrayRef<AffineMap>{AffineMap::get(rank, 0, idxExprs, ctx),
                            AffineMap::getMultiDimIdentityMap(rank, ctx)},
        SmallVector<IteratorType>(rank, IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> at{normalizedIndex(b, l, a[0], dataType.getDimSize(0))};
          for (int64_t d = ri; d < rank; ++d)
            at.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(b, l, Value(tensor::ExtractOp::create(b, l, data, at)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// dX[k, j...] = sum over i... of (indices[i...] == k ? dY[i..., j...] : 0):
// loops (k, j..., i...), the i... reduced.
struct GatherGradLowering : OpConversionPattern<GatherGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherGradOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto idxType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t rx = type.getRank(), ri = idxType.getRank(), n = rx + ri;
    Type et = type.getElementType();
    SmallVector<AffineExpr> idxExprs, dyExprs, outExprs;
    for (int64_t d = 0; d < ri; ++d) {
      idxExprs.push_back(getAffineDimExpr(rx + d, ctx));
      dyExprs.push_back(getAffineDimExpr(rx + d, ctx));
    }
    for (int64_t d = 1; d < rx; ++d)
      dyExprs.push_back(getAffineDimExpr(d, ctx));
    for (int64_t d = 0; d < rx; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<IteratorType> iters(n, IteratorType::parallel);
    for (int64_t d = rx; d < n; ++d)
      iters[d] = IteratorType::reduction;
    int64_t rows = type.getDimSize(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices(), adaptor.getDY()},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{AffineMap::get(n, 0, idxExprs, ctx), AffineMap::get(n, 0, dyExprs, ctx),
                            AffineMap::get(n, 0, outExprs, ctx)},
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value k = linalg::IndexOp::create(b, l, 0);
          Value idx = normalizedIndex(b, l, a[0], rows);
          Value eq = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, idx, k);
          Value add = arith::SelectOp::create(b, l, eq, a[1], floatConstant(b, l, et, 0.0));
          linalg::YieldOp::create(b, l, Value(arith::AddFOp::create(b, l, a[2], add)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::dlc::populateTensorOpsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConcatLowering, SplitLowering, SliceLowering, SliceGradLowering,
               ToReshapeLowering<SqueezeOp>, ToReshapeLowering<UnsqueezeOp>,
               ReduceMeanLowering, ReduceMaxLowering, ReduceMaxGradLowering, ArgMaxLowering,
               GatherLowering, GatherGradLowering>(patterns.getContext());
}
