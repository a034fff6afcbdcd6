//===- Optimizer.cpp - dlc schedule and optimizer updates to linalg -------===//
//
// LearningRate and StepIncrement are linalg.generic ops over rank-0 tensors.
// LearningRate computes in f64 and truncates to f32; with s = step (the
// number of updates done before this one):
//   constant     lr
//   step         lr * gamma^floor(s / step_size)
//   exponential  lr * gamma^s
//   cosine       w = warmup_steps, T = total_steps - w:
//                s < w:  lr * (s + 1) / w   (linear warm-up; the first update
//                        trains at lr / w, the w-th at lr, so no update is
//                        wasted at 0)
//                else:   t = clamp(s - w, 0, T),
//                        min_lr + (lr - min_lr) (1 + cos(pi t / T)) / 2
// SGDUpdate and AdamUpdate are each ONE all-parallel linalg.generic over the
// parameter's shape producing every result. Destination-passing style: the
// `outs` are the parameter and state operands themselves and the body reads
// their old values from the out block arguments, so one-shot bufferization
// updates them in place. Scalars (lr, step, Adam's bias corrections) enter
// through rank-0 indexing maps (affine_map<(d...) -> ()>). RMSPropUpdate is
// one such generic too. GlobalNormScale (the clip_grad_norm_ coefficient) is
// a chain of full reductions into one rank-0 f64 accumulator and a rank-0
// generic for the coefficient.
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

using IT = utils::IteratorType;

Value cst(OpBuilder &b, Location loc, Type t, double v) {
  return floatConstant(b, loc, t, v);
}

/// `v` (a float) converted to float type `t`.
Value convertFloat(OpBuilder &b, Location loc, Value v, Type t) {
  unsigned from = v.getType().getIntOrFloatBitWidth(), to = t.getIntOrFloatBitWidth();
  if (from < to)
    return arith::ExtFOp::create(b, loc, t, v);
  if (from > to)
    return arith::TruncFOp::create(b, loc, t, v);
  return v;
}

struct LearningRateLowering : OpConversionPattern<LearningRateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LearningRateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    double lr = op.getLearningRate().convertToDouble();
    double gamma = op.getGamma().convertToDouble();
    double minLr = op.getMinLearningRate().convertToDouble();
    int64_t stepSize = op.getStepSize(), total = op.getTotalSteps(),
            warmup = op.getWarmupSteps();
    StringRef schedule = op.getSchedule();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, ValueRange{adaptor.getStep()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Type f64 = b.getF64Type();
          Value step = a[0];
          Value r;
          if (schedule == "step" || schedule == "exponential") {
            Value k = step;
            if (schedule == "step") {
              Value size = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(stepSize));
              k = arith::FloorDivSIOp::create(b, l, step, size);
            }
            Value kf = arith::SIToFPOp::create(b, l, f64, k);
            Value pw = math::PowFOp::create(b, l, cst(b, l, f64, gamma), kf);
            r = arith::MulFOp::create(b, l, cst(b, l, f64, lr), pw);
          } else if (schedule == "cosine") {
            Value s = arith::SIToFPOp::create(b, l, f64, step);
            double span = double(total - warmup);
            Value t = arith::SubFOp::create(b, l, s, cst(b, l, f64, double(warmup)));
            t = arith::MaximumFOp::create(b, l, t, cst(b, l, f64, 0.0));
            t = arith::MinimumFOp::create(b, l, t, cst(b, l, f64, span));
            Value c = math::CosOp::create(
                b, l, arith::MulFOp::create(b, l, t, cst(b, l, f64, M_PI / span)));
            Value frac = arith::MulFOp::create(
                b, l, arith::AddFOp::create(b, l, c, cst(b, l, f64, 1.0)),
                cst(b, l, f64, 0.5));
            r = arith::AddFOp::create(
                b, l, cst(b, l, f64, minLr),
                arith::MulFOp::create(b, l, frac, cst(b, l, f64, lr - minLr)));
            if (warmup > 0) {
              Value warm = arith::MulFOp::create(
                  b, l, arith::AddFOp::create(b, l, s, cst(b, l, f64, 1.0)),
                  cst(b, l, f64, lr / double(warmup)));
              Value w = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(warmup));
              Value inWarmup =
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, step, w);
              r = arith::SelectOp::create(b, l, inWarmup, warm, r);
            }
          } else {
            r = cst(b, l, f64, lr);
          }
          return arith::TruncFOp::create(b, l, type.getElementType(), r);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct StepIncrementLowering : OpConversionPattern<StepIncrementOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StepIncrementOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Destination-passing into the step operand itself (as the updates do),
    // so that bufferization increments the caller's counter in place.
    auto type = cast<RankedTensorType>(op.getType());
    auto map = AffineMap::get(0, 0, {}, rewriter.getContext());
    Value result =
        linalg::GenericOp::create(
            rewriter, op.getLoc(), TypeRange{type}, ValueRange{},
            ValueRange{adaptor.getStep()}, ArrayRef<AffineMap>{map},
            ArrayRef<utils::IteratorType>{},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value one = arith::ConstantOp::create(
                  b, l, b.getIntegerAttr(type.getElementType(), 1));
              linalg::YieldOp::create(b, l, Value(arith::AddIOp::create(b, l, a[0], one)));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// torch.optim.SGD, one parameter:
///   g = grad + weight_decay param
///   buf = step == 0 ? g : momentum buf + (1 - dampening) g   (momentum != 0)
///   g = nesterov ? g + momentum buf : buf                      (momentum != 0)
///   param = param - lr g
/// generic ins(grad, lr, [step]) outs(param, [buf]).
struct SGDUpdateLowering : OpConversionPattern<SGDUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SGDUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(adaptor.getParam().getType());
    Type ft = type.getElementType();
    int64_t rank = type.getRank();
    double momentum = op.getMomentum().convertToDouble();
    double dampening = op.getDampening().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool nesterov = op.getNesterov();
    bool hasBuf = momentum != 0.0;

    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<Value> ins = {adaptor.getGrad(), adaptor.getLr()};
    SmallVector<AffineMap> maps = {id, scalar};
    if (hasBuf) {
      ins.push_back(adaptor.getStep());
      maps.push_back(scalar);
    }
    SmallVector<Value> outs = {adaptor.getParam()};
    if (hasBuf)
      outs.push_back(adaptor.getMomentumBuffer());
    maps.append(outs.size(), id);
    SmallVector<Type> types(outs.size(), type);
    unsigned numIn = ins.size();

    auto generic = linalg::GenericOp::create(
        rewriter, loc, types, ins, outs, maps, SmallVector<IT>(rank, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = a[0], lr = convertFloat(b, l, a[1], ft), p = a[numIn];
          if (wd != 0.0)
            g = arith::AddFOp::create(
                b, l, g, arith::MulFOp::create(b, l, p, cst(b, l, ft, wd)));
          SmallVector<Value> results;
          Value buf;
          if (hasBuf) {
            Value old = a[numIn + 1];
            Value zero = arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0));
            Value first =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a[2], zero);
            Value later = arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, old, cst(b, l, ft, momentum)),
                arith::MulFOp::create(b, l, g, cst(b, l, ft, 1.0 - dampening)));
            buf = arith::SelectOp::create(b, l, first, g, later);
            g = nesterov ? Value(arith::AddFOp::create(
                               b, l, g,
                               arith::MulFOp::create(b, l, buf,
                                                     cst(b, l, ft, momentum))))
                         : buf;
          }
          results.push_back(
              arith::SubFOp::create(b, l, p, arith::MulFOp::create(b, l, lr, g)));
          if (hasBuf)
            results.push_back(buf);
          linalg::YieldOp::create(b, l, results);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// torch.optim.Adam / AdamW (single-tensor form), one parameter, t = step + 1:
///   scalars (f64, then the parameter's type, in a rank-0 generic):
///     step_size = lr / (1 - beta1^t), bc2_sqrt = sqrt(1 - beta2^t),
///     decay = 1 - lr weight_decay                         (decoupled only)
///   g = grad (+ weight_decay param unless decoupled); decoupled: param *= decay
///   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
///   amsgrad: vmax = max(vmax, v), used for v below
///   param = param - step_size m / (sqrt(v) / bc2_sqrt + eps)
/// generic ins(grad, step_size, bc2_sqrt, [decay]) outs(param, m, v, [vmax]).
struct AdamUpdateLowering : OpConversionPattern<AdamUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdamUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(adaptor.getParam().getType());
    Type ft = type.getElementType();
    int64_t rank = type.getRank();
    double beta1 = op.getBeta1().convertToDouble();
    double beta2 = op.getBeta2().convertToDouble();
    double eps = op.getEps().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();
    bool decay = decoupled && wd != 0.0;
    bool amsgrad = static_cast<bool>(adaptor.getVmax());

    // The scalars, once.
    auto scalarType = RankedTensorType::get({}, ft);
    unsigned numScalars = decay ? 3 : 2;
    SmallVector<Value> scalarInits;
    for (unsigned i = 0; i < numScalars; ++i)
      scalarInits.push_back(createEmpty(rewriter, loc, scalarType));
    AffineMap scalar0 = AffineMap::get(0, 0, {}, ctx);
    SmallVector<AffineMap> scalarMaps(2 + numScalars, scalar0);
    auto scalars = linalg::GenericOp::create(
        rewriter, loc, SmallVector<Type>(numScalars, scalarType),
        ValueRange{adaptor.getLr(), adaptor.getStep()}, scalarInits, scalarMaps,
        ArrayRef<IT>{}, [&](OpBuilder &b, Location l, ValueRange a) {
          Type f64 = b.getF64Type();
          Value lr = convertFloat(b, l, a[0], f64);
          Value one = cst(b, l, f64, 1.0);
          Value t = arith::SIToFPOp::create(
              b, l, f64,
              arith::AddIOp::create(
                  b, l, a[1], arith::ConstantOp::create(b, l, b.getI64IntegerAttr(1))));
          Value bc1 = arith::SubFOp::create(
              b, l, one, math::PowFOp::create(b, l, cst(b, l, f64, beta1), t));
          Value bc2 = arith::SubFOp::create(
              b, l, one, math::PowFOp::create(b, l, cst(b, l, f64, beta2), t));
          SmallVector<Value> r = {
              convertFloat(b, l, arith::DivFOp::create(b, l, lr, bc1), ft),
              convertFloat(b, l, math::SqrtOp::create(b, l, bc2), ft)};
          if (decay)
            r.push_back(convertFloat(
                b, l,
                arith::SubFOp::create(
                    b, l, one, arith::MulFOp::create(b, l, lr, cst(b, l, f64, wd))),
                ft));
          linalg::YieldOp::create(b, l, r);
        });

    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<Value> ins = {adaptor.getGrad()};
    ins.append(scalars.getResults().begin(), scalars.getResults().end());
    SmallVector<AffineMap> maps = {id};
    maps.append(numScalars, scalar);
    SmallVector<Value> outs = {adaptor.getParam(), adaptor.getM(), adaptor.getV()};
    if (amsgrad)
      outs.push_back(adaptor.getVmax());
    maps.append(outs.size(), id);
    unsigned numIn = ins.size();

    auto generic = linalg::GenericOp::create(
        rewriter, loc, SmallVector<Type>(outs.size(), type), ins, outs, maps,
        SmallVector<IT>(rank, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = a[0], stepSize = a[1], bc2Sqrt = a[2];
          Value p = a[numIn], m = a[numIn + 1], v = a[numIn + 2];
          if (decay)
            p = arith::MulFOp::create(b, l, p, a[3]);
          else if (wd != 0.0)
            g = arith::AddFOp::create(
                b, l, g, arith::MulFOp::create(b, l, p, cst(b, l, ft, wd)));
          Value m2 = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, m, cst(b, l, ft, beta1)),
              arith::MulFOp::create(b, l, g, cst(b, l, ft, 1.0 - beta1)));
          Value v2 = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, v, cst(b, l, ft, beta2)),
              arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, g, g),
                                    cst(b, l, ft, 1.0 - beta2)));
          Value vUsed = v2, vmax;
          if (amsgrad)
            vUsed = vmax = arith::MaximumFOp::create(b, l, a[numIn + 3], v2);
          Value denom = arith::AddFOp::create(
              b, l,
              arith::DivFOp::create(b, l, math::SqrtOp::create(b, l, vUsed), bc2Sqrt),
              cst(b, l, ft, eps));
          Value p2 = arith::SubFOp::create(
              b, l, p,
              arith::MulFOp::create(b, l, stepSize,
                                    arith::DivFOp::create(b, l, m2, denom)));
          SmallVector<Value> r = {p2, m2, v2};
          if (amsgrad)
            r.push_back(vmax);
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// torch.optim.RMSprop (single-tensor form), one parameter:
///   g = grad (+ weight_decay param)
///   sq = alpha sq + (1 - alpha) g^2
///   centered: ga = alpha ga + (1 - alpha) g; avg = sqrt(sq - ga^2) + eps
///   else:     avg = sqrt(sq) + eps
///   momentum > 0: buf = momentum buf + g / avg; param -= lr buf
///   else:         param -= lr g / avg
/// generic ins(grad, lr) outs(param, sq, [buf], [ga]).
struct RMSPropUpdateLowering : OpConversionPattern<RMSPropUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RMSPropUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(adaptor.getParam().getType());
    Type ft = type.getElementType();
    int64_t rank = type.getRank();
    double alpha = op.getAlpha().convertToDouble();
    double eps = op.getEps().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    double momentum = op.getMomentum().convertToDouble();
    bool hasBuf = static_cast<bool>(adaptor.getMomentumBuffer());
    bool centered = static_cast<bool>(adaptor.getGradAvg());

    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    SmallVector<Value> ins = {adaptor.getGrad(), adaptor.getLr()};
    SmallVector<AffineMap> maps = {id, scalar};
    SmallVector<Value> outs = {adaptor.getParam(), adaptor.getSquareAvg()};
    if (hasBuf)
      outs.push_back(adaptor.getMomentumBuffer());
    if (centered)
      outs.push_back(adaptor.getGradAvg());
    maps.append(outs.size(), id);
    unsigned numIn = ins.size();

    auto generic = linalg::GenericOp::create(
        rewriter, loc, SmallVector<Type>(outs.size(), type), ins, outs, maps,
        SmallVector<IT>(rank, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = a[0], lr = convertFloat(b, l, a[1], ft);
          Value p = a[numIn], sq = a[numIn + 1];
          unsigned next = numIn + 2;
          Value buf = hasBuf ? a[next++] : Value();
          Value ga = centered ? a[next++] : Value();
          if (wd != 0.0)
            g = arith::AddFOp::create(
                b, l, g, arith::MulFOp::create(b, l, p, cst(b, l, ft, wd)));
          Value sq2 = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, sq, cst(b, l, ft, alpha)),
              arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, g, g),
                                    cst(b, l, ft, 1.0 - alpha)));
          Value var = sq2, ga2;
          if (centered) {
            ga2 = arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, ga, cst(b, l, ft, alpha)),
                arith::MulFOp::create(b, l, g, cst(b, l, ft, 1.0 - alpha)));
            var = arith::SubFOp::create(b, l, sq2,
                                        arith::MulFOp::create(b, l, ga2, ga2));
          }
          Value avg = arith::AddFOp::create(b, l, math::SqrtOp::create(b, l, var),
                                            cst(b, l, ft, eps));
          Value dir = arith::DivFOp::create(b, l, g, avg), buf2;
          if (hasBuf) {
            buf2 = arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, buf, cst(b, l, ft, momentum)), dir);
            dir = buf2;
          }
          Value p2 =
              arith::SubFOp::create(b, l, p, arith::MulFOp::create(b, l, lr, dir));
          SmallVector<Value> r = {p2, sq2};
          if (hasBuf)
            r.push_back(buf2);
          if (centered)
            r.push_back(ga2);
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// torch.nn.utils.clip_grad_norm_'s coefficient: one all-reduction generic
/// per gradient accumulating sum(g^2) in f64 into the same rank-0 tensor
/// (each reads the previous one's result as its `outs`), then a rank-0
/// generic: coef = min(1, max_norm / (sqrt(sum) + 1e-6)) in the gradients'
/// element type.
struct GlobalNormScaleLowering : OpConversionPattern<GlobalNormScaleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalNormScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type f64 = rewriter.getF64Type();
    double maxNorm = op.getMaxNorm().convertToDouble();
    Value acc = createFilled(rewriter, loc, RankedTensorType::get({}, f64), 0.0);
    for (Value g : adaptor.getGrads()) {
      auto gt = cast<RankedTensorType>(g.getType());
      int64_t rank = gt.getRank();
      SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                     AffineMap::get(rank, 0, {}, ctx)};
      acc = linalg::GenericOp::create(
                rewriter, loc, TypeRange{acc.getType()}, ValueRange{g},
                ValueRange{acc}, maps, SmallVector<IT>(rank, IT::reduction),
                [&](OpBuilder &b, Location l, ValueRange a) {
                  Value x = convertFloat(b, l, a[0], f64);
                  Value sum = arith::AddFOp::create(
                      b, l, a[1], arith::MulFOp::create(b, l, x, x));
                  linalg::YieldOp::create(b, l, sum);
                })
                .getResult(0);
    }
    Value coef = buildElementwise(
        rewriter, loc, resultType, ValueRange{acc},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value total = math::SqrtOp::create(b, l, a[0]);
          Value c = arith::DivFOp::create(
              b, l, cst(b, l, f64, maxNorm),
              arith::AddFOp::create(b, l, total, cst(b, l, f64, 1e-6)));
          c = arith::MinimumFOp::create(b, l, c, cst(b, l, f64, 1.0));
          return convertFloat(b, l, c, resultType.getElementType());
        });
    rewriter.replaceOp(op, coef);
    return success();
  }
};

} // namespace

void mlir::dlc::populateOptimizerToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LearningRateLowering, StepIncrementLowering, SGDUpdateLowering,
               AdamUpdateLowering, RMSPropUpdateLowering, GlobalNormScaleLowering>(
      patterns.getContext());
}
