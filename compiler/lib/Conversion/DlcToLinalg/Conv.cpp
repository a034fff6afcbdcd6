//===- Conv.cpp - dlc conv ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcConvOps.td. Conv and its two gradients become
// matrix products over im2col matrices (buildContraction, the form the
// GEMM codegen takes) with reshapes and gathers around them; pooling stays
// direct window loops. docs/design.md, "Convolution: im2col + GEMM", gives
// the formulations and the measurements that chose them.
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

/// The sizes of a 2-D convolution: X [N, C, H, W], W [M, Cg, kH, kW],
/// Y [N, M, oH, oW], in G groups of Cg input and Mg = M / G output
/// channels. A group's contraction runs over K = Cg kH kW (a column of the
/// im2col matrix) and P = oH oW output positions.
struct ConvShape {
  ConvShape(RankedTensorType x, RankedTensorType w, RankedTensorType y, int64_t group)
      : n(x.getDimSize(0)), c(x.getDimSize(1)), h(x.getDimSize(2)), w(x.getDimSize(3)),
        m(w.getDimSize(0)), cg(w.getDimSize(1)), kh(w.getDimSize(2)), kw(w.getDimSize(3)),
        oh(y.getDimSize(2)), ow(y.getDimSize(3)), g(group), mg(m / group),
        et(x.getElementType()) {}
  int64_t n, c, h, w, m, cg, kh, kw, oh, ow, g, mg;
  Type et;
  int64_t k() const { return cg * kh * kw; }
  int64_t p() const { return oh * ow; }
  /// A group dimension appears in the contraction's operands only when
  /// there are several groups; with one the operands stay 2-D/3-D.
  bool grouped() const { return g > 1; }
  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, et);
  }
  /// [N, (G,) rows, cols]: a per-image (and per-group) matrix of the
  /// batched contractions.
  RankedTensorType perImage(int64_t rows, int64_t cols) const {
    if (grouped())
      return type({n, g, rows, cols});
    return type({n, rows, cols});
  }
};

/// The loops (n, [g,] three more) of a convolution's batched contraction,
/// the group loop (if any) right after n. `map` builds an operand's map from
/// its expressions, inserting the group loop after n (first when the operand
/// has no n).
struct ContractionLoops {
  ContractionLoops(MLIRContext *ctx, bool grouped)
      : ctx(ctx), grouped(grouped), numLoops(grouped ? 5 : 4) {
    for (unsigned i = 0; i < numLoops; ++i)
      d.push_back(getAffineDimExpr(i, ctx));
  }
  AffineExpr n() const { return d[0]; }
  /// The i-th (0, 1, 2) of the three loops after n and g.
  AffineExpr last(unsigned i) const { return d[numLoops - 3 + i]; }
  AffineMap map(ArrayRef<AffineExpr> e) const {
    SmallVector<AffineExpr> r(e);
    if (grouped)
      r.insert(r.begin() + (r[0] == d[0] ? 1 : 0), d[1]);
    return AffineMap::get(numLoops, 0, r, ctx);
  }

  MLIRContext *ctx;
  bool grouped;
  unsigned numLoops;
  SmallVector<AffineExpr> d;
};

Value collapse(OpBuilder &b, Location loc, Value v, RankedTensorType type,
               ArrayRef<ReassociationIndices> re) {
  return tensor::CollapseShapeOp::create(b, loc, type, v, re);
}

Value expand(OpBuilder &b, Location loc, Value v, RankedTensorType type,
             ArrayRef<ReassociationIndices> re) {
  return tensor::ExpandShapeOp::create(b, loc, type, v, re);
}

/// The im2col matrices of the padded input, one [K, P] matrix per image
/// (and group): col[n, (g,) (c, kh, kw), (oh, ow)] =
/// Xpad[n, g Cg + c, oh sH + kh dH, ow sW + kw dW]. A plain copy, built over
/// the 6-D (7-D grouped) shape and collapsed: one affine read and no bounds
/// test (the padding is already in Xpad). The loops run (n, (g,) kh, kw, c,
/// oh, ow): each (oh, ow) plane is written contiguously and, at stride 1,
/// read along rows of Xpad. With c inside the taps rather than outside,
/// LLVM fully unrolls only the (oh, ow) plane instead of all of
/// (kh, kw, oh, ow), a block whose scheduling took a second of compile
/// time per convolution (the CNN's `dlc compile --train` 2.5 s → 1.6 s, the
/// run time unchanged).
Value im2col(OpBuilder &b, Location loc, Value xp, const ConvShape &s, const ConvAttrs &a) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape{s.n};
  if (s.grouped())
    shape.push_back(s.g);
  shape.append({s.cg, s.kh, s.kw, s.oh, s.ow});
  unsigned rank = shape.size();
  SmallVector<AffineExpr> d;
  for (unsigned i = 0; i < rank; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  // Loops (n, (g,) kh, kw, c, oh, ow).
  AffineExpr n = d[0], kh = d[rank - 5], kw = d[rank - 4], c = d[rank - 3],
             oh = d[rank - 2], ow = d[rank - 1];
  AffineMap xMap = AffineMap::get(
      rank, 0,
      {n, s.grouped() ? d[1] * s.cg + c : c, oh * a.strides[0] + kh * a.dilations[0],
       ow * a.strides[1] + kw * a.dilations[1]},
      ctx);
  SmallVector<AffineExpr> outExprs{n};
  if (s.grouped())
    outExprs.push_back(d[1]);
  outExprs.append({c, kh, kw, oh, ow});
  RankedTensorType full = s.type(shape);
  Value col = linalg::GenericOp::create(
                  b, loc, TypeRange{full}, ValueRange{xp}, ValueRange{createEmpty(b, loc, full)},
                  ArrayRef<AffineMap>{xMap, AffineMap::get(rank, 0, outExprs, ctx)},
                  iterators(rank, 0),
                  [](OpBuilder &nb, Location l, ValueRange args) {
                    linalg::YieldOp::create(nb, l, args[0]);
                  })
                  .getResult(0);
  if (s.grouped())
    return collapse(b, loc, col, s.type({s.n, s.g, s.k(), s.p()}),
                    {{0}, {1}, {2, 3, 4}, {5, 6}});
  return collapse(b, loc, col, s.type({s.n, s.k(), s.p()}), {{0}, {1, 2, 3}, {4, 5}});
}

/// W [M, Cg, kH, kW] as the matrix [M, K], or [G, Mg, K] when grouped:
/// reshapes only.
Value filterMatrix(OpBuilder &b, Location loc, Value w, const ConvShape &s) {
  Value wm = collapse(b, loc, w, s.type({s.m, s.k()}), {{0}, {1, 2, 3}});
  if (s.grouped())
    wm = expand(b, loc, wm, s.type({s.g, s.mg, s.k()}), {{0, 1}, {2}});
  return wm;
}

/// Y [N, M, oH, oW] (or dY) as [N, M, P], or [N, G, Mg, P] when grouped:
/// reshapes only.
Value outputMatrices(OpBuilder &b, Location loc, Value y, const ConvShape &s) {
  Value ym = collapse(b, loc, y, s.type({s.n, s.m, s.p()}), {{0}, {1}, {2, 3}});
  if (s.grouped())
    ym = expand(b, loc, ym, s.type({s.n, s.g, s.mg, s.p()}), {{0}, {1, 2}, {3}});
  return ym;
}

/// y[n, m, ...] + bias[m] (channels along dimension 1), a separate
/// elementwise generic: dlc-lower-contractions applies it to the tiles of
/// the product it follows (Conv: [N, M, P]), dlc-fuse-elementwise merges it
/// with other elementwise producers or consumers.
Value addChannelBias(OpBuilder &b, Location loc, Value y, Value bias) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(y.getType());
  unsigned rank = type.getRank();
  auto id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{y, bias}, ValueRange{createEmpty(b, loc, type)},
             ArrayRef<AffineMap>{id, AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx),
                                 id},
             iterators(rank, 0),
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l,
                                       Value(arith::AddFOp::create(nb, l, args[0], args[1])));
             })
      .getResult(0);
}

/// The output index o of a window tap: o s = pos + pad - k dil, and
/// whether there is one (o >= 0 integral, o < size). Built inside a
/// linalg.generic body (col2im's gather).
std::pair<Value, Value> windowOrigin(OpBuilder &nb, Location l, Value pos, Value k, int64_t pad,
                                     int64_t dil, int64_t stride, int64_t size) {
  auto idx = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(nb, l, v)); };
  Value t = arith::SubIOp::create(nb, l, arith::AddIOp::create(nb, l, pos, idx(pad)),
                                  arith::MulIOp::create(nb, l, k, idx(dil)));
  Value ok = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, t, idx(0));
  Value o = t;
  if (stride != 1) {
    o = arith::DivSIOp::create(nb, l, t, idx(stride));
    ok = arith::AndIOp::create(
        nb, l, ok,
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                              arith::RemSIOp::create(nb, l, t, idx(stride)), idx(0)));
  }
  ok = arith::AndIOp::create(
      nb, l, ok, arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, o, idx(size)));
  return {o, ok};
}

// Y = W * X as a batched matrix product over the im2col matrix:
// col = im2col(Xpad) [N, (G,) K, P], then
// Y'[n, (g,) m, p] = sum_k W'[(g,) m, k] col[n, (g,) k, p] with W' the
// filter as a matrix (broadcast over n) and loops (n, (g,) m, p, k); the
// nest runs (.., m, k, p), so the inner loop streams a row of col and of
// Y' (buildContraction). The bias is added to Y' (the GEMM's epilogue),
// which is then reshaped to Y.
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
    ConvShape s(cast<RankedTensorType>(adaptor.getX().getType()), wType, type, a.group);
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, 0.0);
    Value col = im2col(rewriter, loc, xp, s, a);
    Value wm = filterMatrix(rewriter, loc, adaptor.getW(), s);
    // Loops (n, (g,) m, p, k).
    ContractionLoops nest(ctx, s.grouped());
    unsigned numLoops = nest.numLoops;
    AffineExpr n = nest.n(), m = nest.last(0), p = nest.last(1), k = nest.last(2);
    auto map = [&](ArrayRef<AffineExpr> e) { return nest.map(e); };
    Value ym = buildContraction(rewriter, loc, s.perImage(s.mg, s.p()), wm, col, map({m, k}),
                                map({n, k, p}), map({n, m, p}), numLoops,
                                /*rowInnermost=*/true);
    if (s.grouped())
      ym = collapse(rewriter, loc, ym, s.type({s.n, s.m, s.p()}), {{0}, {1, 2}, {3}});
    // The bias is added to the product before it is reshaped to NCHW, so
    // that dlc-lower-contractions finds it right after the contraction and
    // adds it to the tiles in registers (its epilogue).
    if (Value bias = adaptor.getB())
      ym = addChannelBias(rewriter, loc, ym, bias);
    rewriter.replaceOp(op, expand(rewriter, loc, ym, type, {{0}, {1}, {2, 3}}));
    return success();
  }
};

// dW = dY * X over the forward's im2col matrix, one product per image
// summed after: col = im2col(Xpad) [N, (G,) K, P] (the very generic Conv
// builds, so in a training step CSE leaves one), dY' = dY reshaped to
// [N, (G,) Mg, P], and
//   part[n, (g,) k, m] = sum_p col[n, (g,) k, p] dY'[n, (g,) m, p]
//     (loops (n, (g,) k, m, p): a reassociable dot product along rows of
//     both operands),
//   dW[g Mg + m, k] = sum_n part[n, (g,) k, m].
// A contraction has one reduction loop (the form the GEMM codegen takes),
// and n and p merge into one only in other layouts: col as [K, N P] (a
// second im2col) and dY transposed to [M, N P] (a copy) give one product
// with one reduction over j = n P + p, but without tiling that product
// streams all of col once per output channel, and it measured slower than
// this form, whose per-image operands stay in cache (docs/design.md,
// "Convolution: im2col + GEMM").
struct ConvBackwardFilterLowering : OpConversionPattern<ConvBackwardFilterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvBackwardFilterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ConvAttrs a = convAttrs(op);
    auto dyType = cast<RankedTensorType>(adaptor.getDY().getType());
    ConvShape s(cast<RankedTensorType>(adaptor.getX().getType()), type, dyType, a.group);
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, 0.0);
    Value col = im2col(rewriter, loc, xp, s, a);
    Value dym = outputMatrices(rewriter, loc, adaptor.getDY(), s);
    // Loops (n, (g,) k, m, p).
    ContractionLoops nest(ctx, s.grouped());
    unsigned numLoops = nest.numLoops;
    AffineExpr n = nest.n(), k = nest.last(0), m = nest.last(1), p = nest.last(2);
    auto map = [&](ArrayRef<AffineExpr> e) { return nest.map(e); };
    Value part = buildContraction(rewriter, loc, s.perImage(s.k(), s.mg), col, dym, map({n, k, p}),
                                  map({n, m, p}), map({n, k, m}), numLoops,
                                  /*rowInnermost=*/false);
    // The sum over images, n outermost so the inner loop runs along rows
    // of part; loops (n, (g,) k, m).
    unsigned sumLoops = numLoops - 1;
    SmallVector<AffineExpr> e;
    for (unsigned i = 0; i < sumLoops; ++i)
      e.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineExpr> outExprs{e[sumLoops - 1], e[sumLoops - 2]};
    SmallVector<int64_t> dwShape{s.mg, s.k()};
    if (s.grouped()) {
      outExprs.insert(outExprs.begin(), e[1]);
      dwShape.insert(dwShape.begin(), s.g);
    }
    auto dwType = s.type(dwShape);
    SmallVector<utils::IteratorType> loops(sumLoops, utils::IteratorType::parallel);
    loops[0] = utils::IteratorType::reduction;
    Value dwm =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{dwType}, ValueRange{part},
            ValueRange{createFilled(rewriter, loc, dwType, 0.0)},
            ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(sumLoops, ctx),
                                AffineMap::get(sumLoops, 0, outExprs, ctx)},
            loops,
            [](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l,
                                      Value(arith::AddFOp::create(nb, l, args[1], args[0])));
            })
            .getResult(0);
    if (s.grouped())
      dwm = collapse(rewriter, loc, dwm, s.type({s.m, s.k()}), {{0, 1}, {2}});
    rewriter.replaceOp(op, expand(rewriter, loc, dwm, type, {{0}, {1, 2, 3}}));
    return success();
  }
};

// dX = W^T * dY, then col2im:
// dcol[n, (g,) k, p] = sum_m W'[(g,) m, k] dY'[n, (g,) m, p] (W' the
// filter as a matrix, read transposed; loops (n, (g,) k, p, m), nest
// (.., k, m, p) streaming rows of dY' and dcol), and
// dX[n, c, h, w] = sum over (kh, kw) of dcol[n, c, kh, kw, oh, ow] with
// oh sH + kh dH = h + top (likewise w) where that oh exists: a gather, so
// each element of dX is summed by one loop chain in a fixed order (no
// scatter, deterministic, parallel over dX).
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
    ConvShape s(type, wType, dyType, a.group);

    Value wm = filterMatrix(rewriter, loc, adaptor.getW(), s);
    Value dym = outputMatrices(rewriter, loc, adaptor.getDY(), s);
    ContractionLoops nest(ctx, s.grouped());
    unsigned numLoops = nest.numLoops;
    AffineExpr n = nest.n(), k = nest.last(0), p = nest.last(1), m = nest.last(2);
    auto map = [&](ArrayRef<AffineExpr> e) { return nest.map(e); };
    Value dcol = buildContraction(rewriter, loc, s.perImage(s.k(), s.p()), wm, dym, map({m, k}),
                                  map({n, m, p}), map({n, k, p}), numLoops,
                                  /*rowInnermost=*/true);
    // [N, (G,) K, P] as [N, C, kH, kW, oH, oW].
    auto col6 = s.type({s.n, s.c, s.kh, s.kw, s.oh, s.ow});
    if (s.grouped()) {
      dcol = expand(rewriter, loc, dcol, s.type({s.n, s.g, s.cg, s.kh, s.kw, s.oh, s.ow}),
                    {{0}, {1}, {2, 3, 4}, {5, 6}});
      dcol = collapse(rewriter, loc, dcol, col6, {{0}, {1, 2}, {3}, {4}, {5}, {6}});
    } else {
      dcol = expand(rewriter, loc, dcol, col6, {{0}, {1, 2, 3}, {4, 5}});
    }
    rewriter.replaceOp(op, col2im(rewriter, loc, dcol, type, s, a));
    return success();
  }

  /// The gather of col2im; loops (n, c, h, w, kh, kw), the window taps
  /// innermost (each dX element sums in a register).
  static Value col2im(OpBuilder &b, Location loc, Value dcol, RankedTensorType type,
                      const ConvShape &s, const ConvAttrs &a) {
    MLIRContext *ctx = b.getContext();
    AffineExpr n, c, h, w, kh, kw;
    bindDims(ctx, n, c, h, w, kh, kw);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(6, 0, e, ctx); };
    return linalg::GenericOp::create(
               b, loc, TypeRange{type},
               ValueRange{createEmpty(b, loc, s.type({s.kh, s.kw}))},
               ValueRange{createFilled(b, loc, type, 0.0)},
               ArrayRef<AffineMap>{map({kh, kw}), map({n, c, h, w})}, iterators(4, 2),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 auto at = [&](unsigned i) { return Value(linalg::IndexOp::create(nb, l, i)); };
                 auto [oh, okH] = windowOrigin(nb, l, at(2), at(4), a.pads[0], a.dilations[0],
                                               a.strides[0], s.oh);
                 auto [ow, okW] = windowOrigin(nb, l, at(3), at(5), a.pads[1], a.dilations[1],
                                               a.strides[1], s.ow);
                 Value ok = arith::AndIOp::create(nb, l, okH, okW);
                 Value zero = arith::ConstantIndexOp::create(nb, l, 0);
                 oh = arith::SelectOp::create(nb, l, ok, oh, zero);
                 ow = arith::SelectOp::create(nb, l, ok, ow, zero);
                 Value v = tensor::ExtractOp::create(
                     nb, l, dcol, ValueRange{at(0), at(1), at(4), at(5), oh, ow});
                 Value term = arith::SelectOp::create(
                     nb, l, ok, v, floatConstant(nb, l, v.getType(), 0.0));
                 linalg::YieldOp::create(
                     nb, l, Value(arith::AddFOp::create(nb, l, args[1], term)));
               })
        .getResult(0);
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

/// Inside the body of an elementwise op over a pooling output (n, c, oh, ow):
/// calls `tap(v, kh, kw)` for each element of the window in the padded
/// input `xp`, row by row. The taps are unrolled, so a running value stays
/// in registers, where a reduction over (kh, kw) would load and store the
/// output at every tap.
void forEachTap(OpBuilder &b, Location l, Value xp, const PoolAttrs &a,
                function_ref<void(Value, int64_t, int64_t)> tap) {
  auto idx = [&](int64_t v) { return Value(arith::ConstantIndexOp::create(b, l, v)); };
  SmallVector<Value> at;
  for (unsigned d = 0; d < 4; ++d)
    at.push_back(linalg::IndexOp::create(b, l, d));
  for (int64_t kh = 0; kh < a.kernel[0]; ++kh)
    for (int64_t kw = 0; kw < a.kernel[1]; ++kw) {
      Value h = arith::AddIOp::create(
          b, l, arith::MulIOp::create(b, l, at[2], idx(a.strides[0])), idx(kh));
      Value w = arith::AddIOp::create(
          b, l, arith::MulIOp::create(b, l, at[3], idx(a.strides[1])), idx(kw));
      tap(tensor::ExtractOp::create(b, l, xp, ValueRange{at[0], at[1], h, w}), kh, kw);
    }
}

// Y[n, c, oh, ow] = max_{kh, kw} Xpad[n, c, oh sH + kh, ow sW + kw], Xpad
// padded with -inf: one elementwise op over the outputs (forEachTap).
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
    Value y = buildElementwise(rewriter, loc, type, ValueRange{},
                               [&](OpBuilder &nb, Location l, ValueRange) {
                                 Value best;
                                 forEachTap(nb, l, xp, a, [&](Value v, int64_t, int64_t) {
                                   best = best ? Value(arith::MaximumFOp::create(nb, l, best, v))
                                               : v;
                                 });
                                 return best;
                               });
    rewriter.replaceOp(op, y);
    return success();
  }
};

// Two generics: (1) per output position, the window offset kh kW + kw of
// the first maximum (ties go to the smaller offset), one elementwise op over
// the windows (forEachTap); (2) dX[n, c, h, w] = the dY[n, c, oh, ow] of the
// windows (oh, ow) covering (h, w) whose argmax is (h, w): when windows tile
// the input (stride = kernel) one lookup per element, otherwise a sum over
// the taps, loops (n, c, h, w, kh, kw) with oh sH + kh = h + top.
struct MaxPoolGradLowering : OpConversionPattern<MaxPoolGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto dyType = cast<RankedTensorType>(adaptor.getDY().getType());
    PoolAttrs a = poolAttrs(op);
    double ninf = -std::numeric_limits<double>::infinity();
    Value xp = padNCHW(rewriter, loc, adaptor.getX(), a.pads, ninf);
    int64_t kW = a.kernel[1];
    auto idxType = RankedTensorType::get(dyType.getShape(), rewriter.getI64Type());
    Value argIdx = buildElementwise(
        rewriter, loc, idxType, ValueRange{}, [&](OpBuilder &nb, Location l, ValueRange) {
          Value best, bestK;
          forEachTap(nb, l, xp, a, [&](Value v, int64_t kh, int64_t kw) {
            Value k = arith::ConstantOp::create(nb, l, nb.getI64IntegerAttr(kh * kW + kw));
            if (!best) {
              best = v, bestK = k;
              return;
            }
            // Strictly greater: an equal value later in the window loses.
            Value better = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, best);
            best = arith::SelectOp::create(nb, l, better, v, best);
            bestK = arith::SelectOp::create(nb, l, better, k, bestK);
          });
          return bestK;
        });
    Value dY = adaptor.getDY();

    // dY[n, c, oh, ow] where window (oh, ow) exists (`valid`) and its argmax
    // is tap (kh, kw), else 0.
    auto routed = [&](OpBuilder &nb, Location l, Value valid, Value n, Value c,
                      SmallVector<Value, 2> o, Value kh, Value kw) -> Value {
      Value zero = arith::ConstantIndexOp::create(nb, l, 0);
      SmallVector<Value> pos{n, c};
      for (Value v : o)
        pos.push_back(arith::SelectOp::create(nb, l, valid, v, zero));
      Value k = arith::IndexCastOp::create(
          nb, l, nb.getI64Type(),
          arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, kh, arith::ConstantIndexOp::create(nb, l, kW)),
              kw));
      Value hit = arith::AndIOp::create(
          nb, l, valid,
          arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                tensor::ExtractOp::create(nb, l, argIdx, pos), k));
      Value g = tensor::ExtractOp::create(nb, l, dY, pos);
      return arith::SelectOp::create(nb, l, hit, g, floatConstant(nb, l, g.getType(), 0.0));
    };

    // Windows that tile the input (stride = kernel, the usual 2x2/2): each
    // input element lies in at most one window, at one tap, so its gradient
    // is one lookup, not a sum over every tap that might reach it.
    if (a.strides == a.kernel) {
      Value dX = buildElementwise(
          rewriter, loc, type, ValueRange{}, [&](OpBuilder &nb, Location l, ValueRange) {
            auto idx = [&](int64_t v) {
              return Value(arith::ConstantIndexOp::create(nb, l, v));
            };
            Value valid;
            SmallVector<Value, 2> o, taps;
            for (int i = 0; i < 2; ++i) {
              Value t = arith::AddIOp::create(nb, l, linalg::IndexOp::create(nb, l, 2 + i),
                                              idx(a.pads[i]));
              o.push_back(arith::DivUIOp::create(nb, l, t, idx(a.strides[i])));
              taps.push_back(arith::RemUIOp::create(nb, l, t, idx(a.strides[i])));
              Value ok = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, o.back(),
                                               idx(dyType.getDimSize(2 + i)));
              valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
            }
            return routed(nb, l, valid, linalg::IndexOp::create(nb, l, 0),
                          linalg::IndexOp::create(nb, l, 1), o, taps[0], taps[1]);
          });
      rewriter.replaceOp(op, dX);
      return success();
    }

    AffineExpr n, c, h, w, kh, kw;
    bindDims(ctx, n, c, h, w, kh, kw);
    auto map = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(6, 0, e, ctx); };
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{windowTensor(rewriter, loc, a.kernel, type.getElementType())},
        ValueRange{createFilled(rewriter, loc, type, 0.0)},
        ArrayRef<AffineMap>{map({kh, kw}), map({n, c, h, w})}, iterators(4, 2),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          auto idx = [&](int64_t v) {
            return Value(arith::ConstantIndexOp::create(nb, l, v));
          };
          auto at = [&](unsigned d) { return Value(linalg::IndexOp::create(nb, l, d)); };
          Value valid;
          SmallVector<Value, 2> o;
          for (int i = 0; i < 2; ++i) {
            Value t = arith::SubIOp::create(
                nb, l, arith::AddIOp::create(nb, l, at(2 + i), idx(a.pads[i])), at(4 + i));
            Value s = idx(a.strides[i]);
            o.push_back(arith::DivSIOp::create(nb, l, t, s));
            Value ok = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, t, idx(0)),
                arith::AndIOp::create(
                    nb, l,
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                          arith::RemSIOp::create(nb, l, t, s), idx(0)),
                    arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, o.back(),
                                          idx(dyType.getDimSize(2 + i)))));
            valid = valid ? Value(arith::AndIOp::create(nb, l, valid, ok)) : ok;
          }
          Value term = routed(nb, l, valid, at(0), at(1), o, at(4), at(5));
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
    if (Value bias = adaptor.getB())
      y = addChannelBias(rewriter, loc, y, bias);
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
