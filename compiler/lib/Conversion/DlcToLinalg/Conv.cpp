//===- Conv.cpp - dlc conv ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcConvOps.td.
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

/// X padded with `value` by pads [top, left, bottom, right] on H and W: a
/// linalg.generic over the padded shape reading X at a clamped index
/// (tensor.pad would bufferize to a strided memref.copy, a library call).
Value padNCHW(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
              double value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += pads[0] + pads[2];
  shape[3] += pads[1] + pads[3];
  auto padded = RankedTensorType::get(shape, type.getElementType());
  MLIRContext *ctx = b.getContext();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{padded}, ValueRange{}, ValueRange{createEmpty(b, loc, padded)},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx)},
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto idx = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(nb, l, v)); };
        SmallVector<Value> at{linalg::IndexOp::create(nb, l, 0),
                              linalg::IndexOp::create(nb, l, 1)};
        Value valid;
        for (int i = 0; i < 2; ++i) {
          Value p = linalg::IndexOp::create(nb, l, 2 + i);
          Value q = arith::SubIOp::create(nb, l, p, idx(pads[i]));
          Value ok = arith::AndIOp::create(
              nb, l, arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, q, idx(0)),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, q,
                                    idx(type.getDimSize(2 + i))));
          valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
          at.push_back(q);
        }
        for (int i = 2; i < 4; ++i)
          at[i] = arith::SelectOp::create(nb, l, valid, at[i], idx(0));
        Value v = tensor::ExtractOp::create(nb, l, x, at);
        Value r = arith::SelectOp::create(
            nb, l, valid, v, floatConstant(nb, l, type.getElementType(), value));
        linalg::YieldOp::create(nb, l, r);
      });
  return generic.getResult(0);
}

SmallVector<utils::IteratorType> iterators(unsigned parallel, unsigned reduction) {
  SmallVector<utils::IteratorType> it(parallel, utils::IteratorType::parallel);
  it.append(reduction, utils::IteratorType::reduction);
  return it;
}

/// acc += a * b, the body of the contractions below.
void multiplyAccumulate(OpBuilder &nb, Location nloc, ValueRange args) {
  Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
  linalg::YieldOp::create(nb, nloc, Value(arith::AddFOp::create(nb, nloc, args[2], prod)));
}

struct ConvAttrs {
  SmallVector<int64_t> strides, pads, dilations;
  int64_t group;
};

template <typename OpTy>
ConvAttrs convAttrs(OpTy op) {
  auto get = [](std::optional<ArrayRef<int64_t>> a, size_t n, int64_t d) {
    return a ? SmallVector<int64_t>(*a) : SmallVector<int64_t>(n, d);
  };
  return {get(op.getStrides(), 2, 1), get(op.getPads(), 4, 0),
          get(op.getDilations(), 2, 1), static_cast<int64_t>(op.getGroup())};
}

// Y[n, m, oh, ow] = B[m] + sum_{c, kh, kw} Xpad[n, g Cg + c, oh sH + kh dH,
// ow sW + kw dW] W[m, c, kh, kw], g = m floordiv (M / group); loops
// (n, m, c, kh, kw, oh, ow).
struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ConvAttrs a = convAttrs(op);
    auto wType = cast<RankedTensorType>(adaptor.getW().getType());
    int64_t cg = wType.getDimSize(1), mg = wType.getDimSize(0) / a.group;
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, 0.0);

    Value init;
    if (Value bias = adaptor.getB()) {
      AffineExpr n, m, h, w;
      bindDims(ctx, n, m, h, w);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{type}, ValueRange{bias},
                 ValueRange{createEmpty(rewriter, loc, type)},
                 ArrayRef<AffineMap>{AffineMap::get(4, 0, {m}, ctx),
                                     AffineMap::getMultiDimIdentityMap(4, ctx)},
                 iterators(4, 0),
                 [](OpBuilder &nb, Location nloc, ValueRange args) {
                   linalg::YieldOp::create(nb, nloc, args[0]);
                 })
                 .getResult(0);
    } else {
      init = createFilled(rewriter, loc, type, 0.0);
    }
    // The output row is the innermost loop: its iterations are independent
    // and walk Y and X with unit stride (at stride 1), so LLVM vectorizes
    // it; the reductions over (c, kh, kw) sit outside it.
    AffineExpr n, m, c, kh, kw, oh, ow;
    bindDims(ctx, n, m, c, kh, kw, oh, ow);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(7, 0, e, ctx); };
    AffineMap xMap = map({n, m.floorDiv(mg) * cg + c, oh * a.strides[0] + kh * a.dilations[0],
                          ow * a.strides[1] + kw * a.dilations[1]});
    using utils::IteratorType;
    SmallVector<IteratorType> loops{IteratorType::parallel,  IteratorType::parallel,
                                    IteratorType::reduction, IteratorType::reduction,
                                    IteratorType::reduction, IteratorType::parallel,
                                    IteratorType::parallel};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{xp, adaptor.getW()}, ValueRange{init},
        ArrayRef<AffineMap>{xMap, map({m, c, kh, kw}), map({n, m, oh, ow})}, loops,
        multiplyAccumulate);
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// dW[m, c, kh, kw] = sum_{n, oh, ow} dY[n, m, oh, ow] Xpad[n, g Cg + c,
// oh sH + kh dH, ow sW + kw dW]; loops (m, c, kh, kw, n, oh, ow).
struct ConvBackwardFilterLowering : OpConversionPattern<ConvBackwardFilterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvBackwardFilterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ConvAttrs a = convAttrs(op);
    int64_t cg = type.getDimSize(1), mg = type.getDimSize(0) / a.group;
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, 0.0);
    AffineExpr m, c, kh, kw, n, oh, ow;
    bindDims(ctx, m, c, kh, kw, n, oh, ow);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(7, 0, e, ctx); };
    AffineMap xMap = map({n, m.floorDiv(mg) * cg + c, oh * a.strides[0] + kh * a.dilations[0],
                          ow * a.strides[1] + kw * a.dilations[1]});
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getDY(), xp},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{map({n, m, oh, ow}), xMap, map({m, c, kh, kw})},
        iterators(4, 3), multiplyAccumulate);
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// With channels split into groups (ci = g Cg + cc, m = g Mg + mm):
// dX[n, g, cc, h, w] = sum_{mm, kh, kw} dY[n, g Mg + mm, oh, ow]
// W[g, mm, cc, kh, kw] over the (kh, kw) where h + top - kh dH = oh sH for an
// oh in [0, oH) (likewise w); loops (n, g, cc, h, w, mm, kh, kw). W is viewed
// as [G, Mg, Cg, kH, kW] and the result collapsed back to [N, C, H, W]. dY
// is read with tensor.extract at a clamped index and the term is dropped
// where there is no such oh.
struct ConvBackwardDataLowering : OpConversionPattern<ConvBackwardDataOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvBackwardDataOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ConvAttrs a = convAttrs(op);
    auto wType = cast<RankedTensorType>(adaptor.getW().getType());
    auto dyType = cast<RankedTensorType>(adaptor.getDY().getType());
    int64_t g = a.group, cg = wType.getDimSize(1), mg = wType.getDimSize(0) / g;
    Type et = type.getElementType();
    auto w5Type = RankedTensorType::get(
        {g, mg, cg, wType.getDimSize(2), wType.getDimSize(3)}, et);
    Value w5 = tensor::ExpandShapeOp::create(
        rewriter, loc, w5Type, adaptor.getW(),
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    auto dx5Type = RankedTensorType::get(
        {type.getDimSize(0), g, cg, type.getDimSize(2), type.getDimSize(3)}, et);
    Value dY = adaptor.getDY();
    auto collapse = [&](Value dx5) {
      return tensor::CollapseShapeOp::create(
          rewriter, loc, type, dx5, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    };
    int64_t kH = wType.getDimSize(2), kW = wType.getDimSize(3);
    int64_t reachH = a.dilations[0] * (kH - 1), reachW = a.dilations[1] * (kW - 1);
    if (a.strides[0] == 1 && a.strides[1] == 1 && a.pads[0] <= reachH &&
        a.pads[2] <= reachH && a.pads[1] <= reachW && a.pads[3] <= reachW) {
      // At stride 1 every (h, kh) pair meets an output row, so dX is a
      // plain correlation of dY, padded by the kernel's reach minus Conv's
      // pads, with the flipped kernel: no per-term bounds test, and the
      // output row innermost (unit stride, vectorizable), as in Conv.
      Value dyp = padNCHW(rewriter, loc, dY,
                          {reachH - a.pads[0], reachW - a.pads[1], reachH - a.pads[2],
                           reachW - a.pads[3]},
                          0.0);
      AffineExpr n, gg, cc, mm, kh, kw, h, w;
      bindDims(ctx, n, gg, cc, mm, kh, kw, h, w);
      auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(8, 0, e, ctx); };
      using utils::IteratorType;
      SmallVector<IteratorType> loops(8, IteratorType::parallel);
      loops[3] = loops[4] = loops[5] = IteratorType::reduction;
      auto generic = linalg::GenericOp::create(
          rewriter, loc, TypeRange{dx5Type}, ValueRange{dyp, w5},
          ValueRange{createFilled(rewriter, loc, dx5Type, 0.0)},
          ArrayRef<AffineMap>{
              map({n, gg * mg + mm, h + reachH - kh * a.dilations[0],
                   w + reachW - kw * a.dilations[1]}),
              map({gg, mm, cc, kh, kw}), map({n, gg, cc, h, w})},
          loops, multiplyAccumulate);
      rewriter.replaceOp(op, Value(collapse(generic.getResult(0))));
      return success();
    }
    AffineExpr n, gg, cc, h, w, mm, kh, kw;
    bindDims(ctx, n, gg, cc, h, w, mm, kh, kw);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(8, 0, e, ctx); };
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{dx5Type}, ValueRange{w5},
        ValueRange{createFilled(rewriter, loc, dx5Type, 0.0)},
        ArrayRef<AffineMap>{map({gg, mm, cc, kh, kw}), map({n, gg, cc, h, w})},
        iterators(5, 3), [&](OpBuilder &nb, Location l, ValueRange args) {
          auto idx = [&](int64_t v) {
            return Value(arith::ConstantIndexOp::create(nb, l, v));
          };
          auto at = [&](unsigned d) { return Value(linalg::IndexOp::create(nb, l, d)); };
          Value valid;
          SmallVector<Value> outIdx;
          for (int i = 0; i < 2; ++i) {
            // t = pos + pad - k dil; valid when t >= 0, t % s == 0, t / s < oH
            Value pos = at(3 + i), k = at(6 + i);
            Value t = arith::SubIOp::create(
                nb, l, arith::AddIOp::create(nb, l, pos, idx(a.pads[i])),
                arith::MulIOp::create(nb, l, k, idx(a.dilations[i])));
            Value s = idx(a.strides[i]);
            Value o = arith::DivSIOp::create(nb, l, t, s);
            Value ok = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, t, idx(0)),
                arith::AndIOp::create(
                    nb, l,
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                          arith::RemSIOp::create(nb, l, t, s), idx(0)),
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, o,
                                          idx(dyType.getDimSize(2 + i)))));
            valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
            outIdx.push_back(o);
          }
          for (Value &o : outIdx)
            o = arith::SelectOp::create(nb, l, valid, o, idx(0));
          Value m = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, at(1), idx(mg)), at(5));
          Value dy = tensor::ExtractOp::create(nb, l, dY,
                                               ValueRange{at(0), m, outIdx[0], outIdx[1]});
          Value prod = arith::MulFOp::create(nb, l, dy, args[0]);
          Value term = arith::SelectOp::create(
              nb, l, valid, prod, floatConstant(nb, l, prod.getType(), 0.0));
          linalg::YieldOp::create(nb, l, Value(arith::AddFOp::create(nb, l, args[1], term)));
        });
    rewriter.replaceOp(op, Value(collapse(generic.getResult(0))));
    return success();
  }
};

/// The pooling attributes with defaults filled in.
struct PoolAttrs {
  SmallVector<int64_t> kernel, strides, pads;
};

template <typename OpTy>
PoolAttrs poolAttrs(OpTy op) {
  auto get = [](std::optional<ArrayRef<int64_t>> a, size_t n, int64_t d) {
    return a ? SmallVector<int64_t>(*a) : SmallVector<int64_t>(n, d);
  };
  return {SmallVector<int64_t>(op.getKernelShape()), get(op.getStrides(), 2, 1),
          get(op.getPads(), 4, 0)};
}

/// Maps of a pooling nest (n, c, oh, ow, kh, kw): the padded input, the
/// window (a [kH, kW] tensor.empty that only gives kh, kw their ranges) and
/// the output.
SmallVector<AffineMap> poolMaps(MLIRContext *ctx, ArrayRef<int64_t> strides) {
  AffineExpr n, c, oh, ow, kh, kw;
  bindDims(ctx, n, c, oh, ow, kh, kw);
  auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(6, 0, e, ctx); };
  return {map({n, c, oh * strides[0] + kh, ow * strides[1] + kw}), map({kh, kw}),
          map({n, c, oh, ow})};
}

Value windowTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> kernel, Type et) {
  return createEmpty(b, loc, RankedTensorType::get(kernel, et));
}

// Y[n, c, oh, ow] = max_{kh, kw} Xpad[n, c, oh sH + kh, ow sW + kw], Xpad
// padded with -inf.
struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    PoolAttrs a = poolAttrs(op);
    double ninf = -std::numeric_limits<double>::infinity();
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, ninf);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{xp, windowTensor(rewriter, loc, a.kernel, type.getElementType())},
        ValueRange{createFilled(rewriter, loc, type, ninf)},
        poolMaps(rewriter.getContext(), a.strides), iterators(4, 2),
        [](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, Value(arith::MaximumFOp::create(nb, l, args[2], args[0])));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// Two generics: (1) per output position, the window offset kh kW + kw of
// the first maximum (ties go to the smaller offset, so the reduction order
// does not matter); (2) dX[n, c, h, w] = sum over the windows (oh, ow)
// covering (h, w) whose argmax is (h, w) of dY[n, c, oh, ow], loops
// (n, c, h, w, kh, kw) with oh sH + kh = h + top.
struct MaxPoolGradLowering : OpConversionPattern<MaxPoolGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto dyType = cast<RankedTensorType>(adaptor.getDY().getType());
    Type et = type.getElementType();
    PoolAttrs a = poolAttrs(op);
    double ninf = -std::numeric_limits<double>::infinity();
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, ninf);
    Value window = windowTensor(rewriter, loc, a.kernel, et);
    auto i64 = rewriter.getI64Type();
    auto idxType = RankedTensorType::get(dyType.getShape(), i64);
    Value idxInit =
        linalg::FillOp::create(
            rewriter, loc,
            ValueRange{arith::ConstantOp::create(
                rewriter, loc, rewriter.getI64IntegerAttr(std::numeric_limits<int64_t>::max()))},
            ValueRange{createEmpty(rewriter, loc, idxType)})
            .getResult(0);
    SmallVector<AffineMap> maps = poolMaps(ctx, a.strides);
    maps.push_back(maps.back());
    int64_t kW = a.kernel[1];
    auto argmax = linalg::GenericOp::create(
        rewriter, loc, TypeRange{dyType, idxType}, ValueRange{xp, window},
        ValueRange{createFilled(rewriter, loc, dyType, ninf), idxInit}, maps,
        iterators(4, 2), [&](OpBuilder &nb, Location l, ValueRange args) {
          Value k = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, linalg::IndexOp::create(nb, l, 4),
                                    arith::ConstantIndexOp::create(nb, l, kW)),
              linalg::IndexOp::create(nb, l, 5));
          k = arith::IndexCastOp::create(nb, l, nb.getI64Type(), k);
          Value v = args[0], best = args[2], bestK = args[3];
          Value better = arith::OrIOp::create(
              nb, l, arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, best),
              arith::AndIOp::create(
                  nb, l, arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, v, best),
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, k, bestK)));
          linalg::YieldOp::create(
              nb, l,
              ValueRange{arith::SelectOp::create(nb, l, better, v, best),
                         arith::SelectOp::create(nb, l, better, k, bestK)});
        });
    Value argIdx = argmax.getResult(1), dY = adaptor.getDY();

    AffineExpr n, c, h, w, kh, kw;
    bindDims(ctx, n, c, h, w, kh, kw);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(6, 0, e, ctx); };
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{window},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{map({kh, kw}), map({n, c, h, w})}, iterators(4, 2),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          auto idx = [&](int64_t v) {
            return Value(arith::ConstantIndexOp::create(nb, l, v));
          };
          auto at = [&](unsigned d) { return Value(linalg::IndexOp::create(nb, l, d)); };
          Value valid;
          SmallVector<Value> outIdx;
          for (int i = 0; i < 2; ++i) {
            Value t = arith::SubIOp::create(
                nb, l, arith::AddIOp::create(nb, l, at(2 + i), idx(a.pads[i])), at(4 + i));
            Value s = idx(a.strides[i]);
            Value o = arith::DivSIOp::create(nb, l, t, s);
            Value ok = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, t, idx(0)),
                arith::AndIOp::create(
                    nb, l,
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                          arith::RemSIOp::create(nb, l, t, s), idx(0)),
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, o,
                                          idx(dyType.getDimSize(2 + i)))));
            valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
            outIdx.push_back(o);
          }
          for (Value &o : outIdx)
            o = arith::SelectOp::create(nb, l, valid, o, idx(0));
          SmallVector<Value> pos{at(0), at(1), outIdx[0], outIdx[1]};
          Value k = arith::IndexCastOp::create(
              nb, l, nb.getI64Type(),
              arith::AddIOp::create(nb, l, arith::MulIOp::create(nb, l, at(4), idx(kW)),
                                    at(5)));
          Value hit = arith::AndIOp::create(
              nb, l, valid,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                    tensor::ExtractOp::create(nb, l, argIdx, pos), k));
          Value g = tensor::ExtractOp::create(nb, l, dY, pos);
          Value term = arith::SelectOp::create(nb, l, hit, g,
                                               floatConstant(nb, l, g.getType(), 0.0));
          linalg::YieldOp::create(nb, l, Value(arith::AddFOp::create(nb, l, args[1], term)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// GlobalMaxPool: MaxPool over the whole H x W (converted in turn).
struct GlobalMaxPoolLowering : OpConversionPattern<GlobalMaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalMaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto x = cast<RankedTensorType>(adaptor.getX().getType());
    rewriter.replaceOpWithNewOp<MaxPoolOp>(
        op, op.getType(), adaptor.getX(),
        rewriter.getDenseI64ArrayAttr({x.getDimSize(2), x.getDimSize(3)}), nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr);
    return success();
  }
};

// GlobalAveragePool: Y[n, c, 0, 0] = sum_{h, w} X[n, c, h, w] / (H W).
struct GlobalAveragePoolLowering : OpConversionPattern<GlobalAveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto x = cast<RankedTensorType>(adaptor.getX().getType());
    AffineExpr n, c, h, w;
    bindDims(ctx, n, c, h, w);
    auto sum = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getX()},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx),
                            AffineMap::get(4, 0, {n, c, getAffineConstantExpr(0, ctx),
                                                  getAffineConstantExpr(0, ctx)},
                                           ctx)},
        iterators(2, 2), [](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, Value(arith::AddFOp::create(nb, l, args[1], args[0])));
        });
    double scale = 1.0 / static_cast<double>(x.getDimSize(2) * x.getDimSize(3));
    Value mean = buildElementwise(
        rewriter, loc, type, ValueRange{sum.getResult(0)},
        [&](OpBuilder &b, Location l, ValueRange v) {
          return Value(arith::MulFOp::create(b, l, v[0],
                                             floatConstant(b, l, v[0].getType(), scale)));
        });
    rewriter.replaceOp(op, mean);
    return success();
  }
};

/// The divisor of AveragePool's window at output (oh, ow): kH kW with
/// count_include_pad, else the number of the window's elements inside X.
Value poolDivisor(OpBuilder &b, Location l, Type et, Value oh, Value ow,
                  const PoolAttrs &a, ArrayRef<int64_t> inHW, bool includePad) {
  auto idx = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, l, v)); };
  Value count;
  if (includePad) {
    count = idx(a.kernel[0] * a.kernel[1]);
  } else {
    Value o[2] = {oh, ow};
    for (int i = 0; i < 2; ++i) {
      Value start = arith::SubIOp::create(
          b, l, arith::MulIOp::create(b, l, o[i], idx(a.strides[i])), idx(a.pads[i]));
      Value end = arith::AddIOp::create(b, l, start, idx(a.kernel[i]));
      Value n = arith::SubIOp::create(b, l, arith::MinSIOp::create(b, l, end, idx(inHW[i])),
                                      arith::MaxSIOp::create(b, l, start, idx(0)));
      count = count ? Value(arith::MulIOp::create(b, l, count, n)) : n;
    }
  }
  Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), count);
  return arith::SIToFPOp::create(b, l, et, i64);
}

/// `t` divided elementwise by the divisor of its (oh, ow) = dims 2, 3.
Value divideByDivisor(OpBuilder &b, Location loc, Value t, const PoolAttrs &a,
                      ArrayRef<int64_t> inHW, bool includePad) {
  auto type = cast<RankedTensorType>(t.getType());
  MLIRContext *ctx = b.getContext();
  auto id = AffineMap::getMultiDimIdentityMap(4, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{t}, ValueRange{createEmpty(b, loc, type)},
             ArrayRef<AffineMap>{id, id}, iterators(4, 0),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value d = poolDivisor(nb, l, type.getElementType(),
                                     linalg::IndexOp::create(nb, l, 2),
                                     linalg::IndexOp::create(nb, l, 3), a, inHW, includePad);
               linalg::YieldOp::create(nb, l, Value(arith::DivFOp::create(nb, l, args[0], d)));
             })
      .getResult(0);
}

// Y = (sum_{kh, kw} Xpad[n, c, oh sH + kh, ow sW + kw]) / divisor(oh, ow).
struct AveragePoolLowering : OpConversionPattern<AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    PoolAttrs a = poolAttrs(op);
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, 0.0);
    auto sum = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{xp, windowTensor(rewriter, loc, a.kernel, type.getElementType())},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        poolMaps(rewriter.getContext(), a.strides), iterators(4, 2),
        [](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, Value(arith::AddFOp::create(nb, l, args[2], args[0])));
        });
    rewriter.replaceOp(op, divideByDivisor(rewriter, loc, sum.getResult(0), a,
                                           xType.getShape().drop_front(2),
                                           op.getCountIncludePad() != 0));
    return success();
  }
};

// dX[n, c, h, w] = sum over the windows (oh, ow) covering (h, w) of
// dY[n, c, oh, ow] / divisor(oh, ow); loops (n, c, h, w, kh, kw) with
// oh sH + kh = h + top.
struct AveragePoolGradLowering : OpConversionPattern<AveragePoolGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AveragePoolGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto dyType = cast<RankedTensorType>(adaptor.getDY().getType());
    PoolAttrs a{SmallVector<int64_t>(op.getKernelShape()),
                SmallVector<int64_t>(op.getStrides()), SmallVector<int64_t>(op.getPads())};
    Value dYs = divideByDivisor(rewriter, loc, adaptor.getDY(), a,
                                type.getShape().drop_front(2), op.getCountIncludePad() != 0);
    Value window = windowTensor(rewriter, loc, a.kernel, type.getElementType());
    AffineExpr n, c, h, w, kh, kw;
    bindDims(ctx, n, c, h, w, kh, kw);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(6, 0, e, ctx); };
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{window},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{map({kh, kw}), map({n, c, h, w})}, iterators(4, 2),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          auto idx = [&](int64_t v) {
            return Value(arith::ConstantIndexOp::create(nb, l, v));
          };
          auto at = [&](unsigned d) { return Value(linalg::IndexOp::create(nb, l, d)); };
          Value valid;
          SmallVector<Value> outIdx;
          for (int i = 0; i < 2; ++i) {
            Value t = arith::SubIOp::create(
                nb, l, arith::AddIOp::create(nb, l, at(2 + i), idx(a.pads[i])), at(4 + i));
            Value s = idx(a.strides[i]);
            Value o = arith::DivSIOp::create(nb, l, t, s);
            Value ok = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, t, idx(0)),
                arith::AndIOp::create(
                    nb, l,
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                          arith::RemSIOp::create(nb, l, t, s), idx(0)),
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, o,
                                          idx(dyType.getDimSize(2 + i)))));
            valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
            outIdx.push_back(o);
          }
          for (Value &o : outIdx)
            o = arith::SelectOp::create(nb, l, valid, o, idx(0));
          Value g = tensor::ExtractOp::create(nb, l, dYs,
                                              ValueRange{at(0), at(1), outIdx[0], outIdx[1]});
          Value term = arith::SelectOp::create(nb, l, valid, g,
                                               floatConstant(nb, l, g.getType(), 0.0));
          linalg::YieldOp::create(nb, l, Value(arith::AddFOp::create(nb, l, args[1], term)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

// ConvTranspose is ConvBackwardData of X with W (converted in turn), plus
// the bias broadcast over N, H, W.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto get = [](std::optional<ArrayRef<int64_t>> a, size_t n, int64_t d) {
      return a ? SmallVector<int64_t>(*a) : SmallVector<int64_t>(n, d);
    };
    Value y = ConvBackwardDataOp::create(
        rewriter, loc, type, adaptor.getX(), adaptor.getW(),
        rewriter.getDenseI64ArrayAttr(get(op.getStrides(), 2, 1)),
        rewriter.getDenseI64ArrayAttr(get(op.getPads(), 4, 0)),
        rewriter.getDenseI64ArrayAttr(get(op.getDilations(), 2, 1)),
        rewriter.getIntegerAttr(rewriter.getIntegerType(64, true), op.getGroup()));
    if (Value bias = adaptor.getB()) {
      AffineExpr n, m, h, w;
      bindDims(ctx, n, m, h, w);
      auto id = AffineMap::getMultiDimIdentityMap(4, ctx);
      y = linalg::GenericOp::create(
              rewriter, loc, TypeRange{type}, ValueRange{y, bias},
              ValueRange{createEmpty(rewriter, loc, type)},
              ArrayRef<AffineMap>{id, AffineMap::get(4, 0, {m}, ctx), id}, iterators(4, 0),
              [](OpBuilder &nb, Location l, ValueRange args) {
                linalg::YieldOp::create(nb, l,
                                        Value(arith::AddFOp::create(nb, l, args[0], args[1])));
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void mlir::dlc::populateConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvLowering, ConvBackwardDataLowering, ConvBackwardFilterLowering,
               MaxPoolLowering, MaxPoolGradLowering,
               GlobalAveragePoolLowering, GlobalMaxPoolLowering,
               AveragePoolLowering, AveragePoolGradLowering, ConvTransposeLowering>(
      patterns.getContext());
}
