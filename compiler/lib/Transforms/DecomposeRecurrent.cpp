//===- DecomposeRecurrent.cpp - RNN, GRU, LSTM into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcRecurrentOps.td. Sequences are
// static, so the time loop is unrolled: S steps per direction, each a handful
// of core ops whose VJP rules give the backward pass (backpropagation through
// time falls out of autodiff over the unrolled graph).
//
// The graph is kept lean because it is differentiated and compiled:
//   - the input projection of all steps is one MatMul, [S*N, I] x [I, G*H],
//     with both biases folded into it where the equations allow;
//   - a step then costs one [N, H] x [H, G*H] MatMul (GRU with
//     linear_before_reset = 0: two, since r gates H before Rh), one Slice of
//     the projection, one Split into gates, and the gate arithmetic;
//   - a zero initial state (initial_h / initial_c omitted) is not
//     materialized: the first step drops the terms it would multiply.
//
// Shape letters as in DlcRecurrentOps.td: S, N, I, H, D, G.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// Builds core dlc ops at one location; every result type is inferred.
class GraphBuilder {
public:
  GraphBuilder(PatternRewriter &b, Location loc) : b(b), loc(loc) {}

  template <typename OpTy>
  Value make(ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    return OpTy::create(b, loc, operands, attrs)->getResult(0);
  }
  NamedAttribute i64s(StringRef name, ArrayRef<int64_t> v) {
    return b.getNamedAttr(name, b.getDenseI64ArrayAttr(v));
  }
  IntegerAttr si64(int64_t v) {
    return b.getIntegerAttr(b.getIntegerType(64, /*isSigned=*/true), v);
  }

  /// v[..., begin:end, ...] along `axis`.
  Value slice(Value v, int64_t axis, int64_t begin, int64_t end) {
    return make<SliceOp>(v, {i64s("starts", {begin}), i64s("ends", {end}),
                             i64s("axes", {axis})});
  }
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    return make<ReshapeOp>(v, {i64s("shape", shape)});
  }
  Value transpose(Value v, ArrayRef<int64_t> perm) {
    return make<TransposeOp>(v, {i64s("perm", perm)});
  }
  /// `n` equal parts along `axis` (by default the last) of a rank-2 value.
  SmallVector<Value> split(Value v, int64_t n, int64_t axis = 1) {
    if (n == 1)
      return {v};
    Operation *op = SplitOp::create(
        b, loc, ValueRange{v},
        {b.getNamedAttr("axis", si64(axis)), b.getNamedAttr("num_outputs", si64(n))});
    return SmallVector<Value>(op->getResults());
  }
  Value concat(ValueRange vs, int64_t axis) {
    if (vs.size() == 1)
      return vs[0];
    return make<ConcatOp>(vs, {b.getNamedAttr("axis", si64(axis))});
  }
  Value matmul(Value a, Value c) { return make<MatMulOp>({a, c}); }
  Value add(Value a, Value c) { return make<AddOp>({a, c}); }
  Value sub(Value a, Value c) { return make<SubOp>({a, c}); }
  Value mul(Value a, Value c) { return make<MulOp>({a, c}); }
  /// a + c where a null c means 0.
  Value addOpt(Value a, Value c) { return c ? add(a, c) : a; }

  /// An activation named as in ONNX's `activations`, after the optional clip.
  Value activation(StringRef name, Value v, std::optional<double> clip) {
    if (clip)
      v = make<ClipOp>(v, {b.getNamedAttr("min", b.getF64FloatAttr(-*clip)),
                           b.getNamedAttr("max", b.getF64FloatAttr(*clip))});
    if (name == "Sigmoid")
      return make<SigmoidOp>(v);
    if (name == "Relu")
      return make<ReluOp>(v);
    assert(name == "Tanh" && "activation names are checked by the verifier");
    return make<TanhOp>(v);
  }

private:
  PatternRewriter &b;
  Location loc;
};

enum class Cell { RNN, GRU, LSTM };

/// Everything the unrolling needs, read from one op.
struct Recurrence {
  Cell cell;
  int64_t gates, numActs;
  Value x, w, r, bias, initialH, initialC, p;
  int64_t hidden, numDir, layout;
  bool reverseOnly, linearBeforeReset = false;
  SmallVector<std::string> acts; // numActs per direction
  std::optional<double> clip;
};

template <typename OpTy>
Recurrence readOp(OpTy op, Cell cell, int64_t gates, ArrayRef<StringRef> defaults) {
  Recurrence rc;
  rc.cell = cell;
  rc.gates = gates;
  rc.numActs = defaults.size();
  rc.x = op.getX();
  rc.w = op.getW();
  rc.r = op.getR();
  rc.bias = op.getB();
  rc.initialH = op.getInitialH();
  rc.hidden = op.getHiddenSize();
  rc.numDir = op.getNumDirections();
  rc.layout = op.getLayout();
  rc.reverseOnly = op.getDirection() == "reverse";
  if (ArrayAttr acts = op.getActivationsAttr()) {
    for (Attribute a : acts)
      rc.acts.push_back(cast<StringAttr>(a).getValue().str());
  } else {
    for (int64_t d = 0; d < rc.numDir; ++d)
      for (StringRef s : defaults)
        rc.acts.push_back(s.str());
  }
  if (FloatAttr clip = op.getClipAttr())
    rc.clip = clip.getValueAsDouble();
  return rc;
}

/// The unrolled recurrence: Y, Y_h and (LSTM) Y_c in the op's layout.
SmallVector<Value> unroll(PatternRewriter &rewriter, Location loc, const Recurrence &rc) {
  GraphBuilder b(rewriter, loc);
  const int64_t H = rc.hidden, G = rc.gates, D = rc.numDir;
  // Time-major [S, N, I], then [S*N, I] for the input projection.
  Value x = rc.layout == 1 ? b.transpose(rc.x, {1, 0, 2}) : rc.x;
  auto xType = cast<RankedTensorType>(x.getType());
  const int64_t S = xType.getDimSize(0), N = xType.getDimSize(1), I = xType.getDimSize(2);
  Value xFlat = b.reshape(x, {S * N, I});
  // Initial states as [D, N, H].
  auto stateOf = [&](Value v) {
    return v && rc.layout == 1 ? b.transpose(v, {1, 0, 2}) : v;
  };
  Value initialH = stateOf(rc.initialH), initialC = stateOf(rc.initialC);

  SmallVector<Value> ys, yhs, ycs; // per direction: [S, 1, N, H], [1, N, H] x2
  for (int64_t d = 0; d < D; ++d) {
    bool reverse = rc.reverseOnly || d == 1;
    ArrayRef<std::string> acts = ArrayRef(rc.acts).slice(d * rc.numActs, rc.numActs);
    // This direction's weights, transposed for row-vector products.
    Value wT = b.transpose(b.reshape(b.slice(rc.w, 0, d, d + 1), {G * H, I}), {1, 0});
    Value rD = b.reshape(b.slice(rc.r, 0, d, d + 1), {G * H, H});
    // Biases: what can be added to the input projection once (xBias), and
    // what has to be added inside the step (GRU with linear_before_reset:
    // Rbh, which r multiplies).
    Value xBias, rbh;
    if (rc.bias) {
      Value bD = b.reshape(b.slice(rc.bias, 0, d, d + 1), {2 * G * H});
      Value wb = b.slice(bD, 0, 0, G * H), rb = b.slice(bD, 0, G * H, 2 * G * H);
      if (rc.cell == Cell::GRU && rc.linearBeforeReset) {
        xBias = b.concat({b.add(b.slice(wb, 0, 0, 2 * H), b.slice(rb, 0, 0, 2 * H)),
                          b.slice(wb, 0, 2 * H, 3 * H)},
                         0);
        rbh = b.slice(rb, 0, 2 * H, 3 * H);
      } else {
        xBias = b.add(wb, rb);
      }
    }
    // [S*N, G*H]: every step's input projection.
    Value xProj = b.addOpt(b.matmul(xFlat, wT), xBias);
    // Recurrent weights, transposed; GRU without linear_before_reset keeps
    // Rh apart since it multiplies r . H.
    Value rT, rhT;
    if (rc.cell == Cell::GRU && !rc.linearBeforeReset) {
      rT = b.transpose(b.slice(rD, 0, 0, 2 * H), {1, 0});
      rhT = b.transpose(b.slice(rD, 0, 2 * H, 3 * H), {1, 0});
    } else {
      rT = b.transpose(rD, {1, 0});
    }
    SmallVector<Value> pParts; // LSTM peepholes Pi, Po, Pf: [H] each
    if (rc.p) {
      Value pD = b.reshape(b.slice(rc.p, 0, d, d + 1), {3 * H});
      for (int64_t k = 0; k < 3; ++k)
        pParts.push_back(b.slice(pD, 0, k * H, (k + 1) * H));
    }

    // States; null means zeros (no initial state given, first step).
    Value h = initialH ? b.reshape(b.slice(initialH, 0, d, d + 1), {N, H}) : Value();
    Value c = initialC ? b.reshape(b.slice(initialC, 0, d, d + 1), {N, H}) : Value();
    SmallVector<Value> hs(S);
    // The steps' rows of the input projection, [N, G*H] each, as one Split:
    // its gradient is then one Concat, where S Slices would each contribute
    // a zero-padded gradient of the whole projection to an S-way sum.
    SmallVector<Value> xSteps = b.split(xProj, S, /*axis=*/0);
    for (int64_t step = 0; step < S; ++step) {
      int64_t t = reverse ? S - 1 - step : step;
      Value xt = xSteps[t];
      switch (rc.cell) {
      case Cell::RNN:
        h = b.activation(acts[0], h ? b.add(xt, b.matmul(h, rT)) : xt, rc.clip);
        break;
      case Cell::GRU: {
        SmallVector<Value> xg = b.split(xt, 3); // z, r, h
        Value hh;
        Value z, r;
        if (rc.linearBeforeReset) {
          // All three recurrent products at once; Rbh joins the h part.
          Value hz, hr, hh0;
          if (h) {
            SmallVector<Value> hg = b.split(b.matmul(h, rT), 3);
            hz = hg[0];
            hr = hg[1];
            hh0 = b.addOpt(hg[2], rbh);
          } else {
            hh0 = rbh;
          }
          z = b.activation(acts[0], b.addOpt(xg[0], hz), rc.clip);
          if (hh0) {
            r = b.activation(acts[0], b.addOpt(xg[1], hr), rc.clip);
            hh = b.activation(acts[1], b.add(xg[2], b.mul(r, hh0)), rc.clip);
          } else {
            hh = b.activation(acts[1], xg[2], rc.clip);
          }
        } else {
          if (h) {
            SmallVector<Value> hg = b.split(b.matmul(h, rT), 2);
            z = b.activation(acts[0], b.add(xg[0], hg[0]), rc.clip);
            r = b.activation(acts[0], b.add(xg[1], hg[1]), rc.clip);
            hh = b.activation(acts[1], b.add(xg[2], b.matmul(b.mul(r, h), rhT)),
                              rc.clip);
          } else {
            z = b.activation(acts[0], xg[0], rc.clip);
            hh = b.activation(acts[1], xg[2], rc.clip);
          }
        }
        // H = (1 - z) . hh + z . H_prev = hh + z . (H_prev - hh)
        h = h ? b.add(hh, b.mul(z, b.sub(h, hh))) : b.sub(hh, b.mul(z, hh));
        break;
      }
      case Cell::LSTM: {
        Value gates = h ? b.add(xt, b.matmul(h, rT)) : xt;
        SmallVector<Value> g = b.split(gates, 4); // i, o, f, c
        Value gi = g[0], go = g[1], gf = g[2], gc = g[3];
        if (c && rc.p) {
          gi = b.add(gi, b.mul(pParts[0], c));
          gf = b.add(gf, b.mul(pParts[2], c));
        }
        Value i = b.activation(acts[0], gi, rc.clip);
        Value cc = b.activation(acts[1], gc, rc.clip);
        Value cNew = b.mul(i, cc);
        if (c)
          cNew = b.add(b.mul(b.activation(acts[0], gf, rc.clip), c), cNew);
        c = cNew;
        if (rc.p)
          go = b.add(go, b.mul(pParts[1], c));
        Value o = b.activation(acts[0], go, rc.clip);
        h = b.mul(o, b.activation(acts[2], c, std::nullopt));
        break;
      }
      }
      hs[t] = b.reshape(h, {1, 1, N, H});
    }
    ys.push_back(b.concat(hs, 0)); // [S, 1, N, H]
    yhs.push_back(b.reshape(h, {1, N, H}));
    if (rc.cell == Cell::LSTM)
      ycs.push_back(b.reshape(c, {1, N, H}));
  }

  Value y = b.concat(ys, 1), yh = b.concat(yhs, 0); // [S, D, N, H], [D, N, H]
  SmallVector<Value> results{rc.layout == 1 ? b.transpose(y, {2, 0, 1, 3}) : y,
                             rc.layout == 1 ? b.transpose(yh, {1, 0, 2}) : yh};
  if (rc.cell == Cell::LSTM) {
    Value yc = b.concat(ycs, 0);
    results.push_back(rc.layout == 1 ? b.transpose(yc, {1, 0, 2}) : yc);
  }
  return results;
}

struct DecomposeRNN : OpRewritePattern<RNNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RNNOp op, PatternRewriter &rewriter) const override {
    Recurrence rc = readOp(op, Cell::RNN, 1, {"Tanh"});
    rewriter.replaceOp(op, unroll(rewriter, op.getLoc(), rc));
    return success();
  }
};

struct DecomposeGRU : OpRewritePattern<GRUOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GRUOp op, PatternRewriter &rewriter) const override {
    Recurrence rc = readOp(op, Cell::GRU, 3, {"Sigmoid", "Tanh"});
    rc.linearBeforeReset = op.getLinearBeforeReset() != 0;
    rewriter.replaceOp(op, unroll(rewriter, op.getLoc(), rc));
    return success();
  }
};

struct DecomposeLSTM : OpRewritePattern<LSTMOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LSTMOp op, PatternRewriter &rewriter) const override {
    Recurrence rc = readOp(op, Cell::LSTM, 4, {"Sigmoid", "Tanh", "Tanh"});
    rc.initialC = op.getInitialC();
    rc.p = op.getP();
    rewriter.replaceOp(op, unroll(rewriter, op.getLoc(), rc));
    return success();
  }
};

} // namespace

void mlir::dlc::populateDecomposeRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeRNN, DecomposeGRU, DecomposeLSTM>(patterns.getContext());
}
