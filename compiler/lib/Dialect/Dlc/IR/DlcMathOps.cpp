//===- DlcMathOps.cpp - shape rules and VJPs of the math ops -------===//
//
// Shape rules (inferReturnTypes, verifiers) and VJP rules of the ops in
// DlcMathOps.td. The VJPs are compositions of dlc ops (Where, comparisons,
// Mul, ...), so the backward graph lowers like the forward one.
//
//===----------------------------------------------------------------------===//

#include "VJPUtils.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::dlc;
using namespace mlir::dlc::vjp;

//===----------------------------------------------------------------------===//
// Shape rules
//===----------------------------------------------------------------------===//

/// Broadcast shape of `operands` (numpy), or an error naming all shapes.
static FailureOr<SmallVector<int64_t>> broadcastAll(std::optional<Location> loc,
                                                    ValueRange operands) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    FailureOr<SmallVector<int64_t>> next =
        broadcastShapes(shape, cast<RankedTensorType>(v.getType()).getShape());
    if (failed(next)) {
      std::string all;
      for (auto [i, o] : llvm::enumerate(operands))
        all += (i ? " and " : "") +
               formatShape(cast<RankedTensorType>(o.getType()).getShape());
      return emitOptionalError(loc, "shapes do not broadcast: ", all);
    }
    shape = *next;
  }
  return shape;
}

static LogicalResult sameElementType(std::optional<Location> loc, Value a, Value b) {
  Type ta = getElementTypeOrSelf(a.getType()), tb = getElementTypeOrSelf(b.getType());
  if (ta != tb)
    return emitOptionalError(loc, "operands have different element types: ", ta,
                             " and ", tb);
  return success();
}

#define DLC_SAME_TYPE_INFER(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,  \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &results) {        \
    results.push_back(adaptor.getX().getType());                              \
    return success();                                                          \
  }
DLC_SAME_TYPE_INFER(NegOp)
DLC_SAME_TYPE_INFER(AbsOp)
DLC_SAME_TYPE_INFER(ExpOp)
DLC_SAME_TYPE_INFER(LogOp)
DLC_SAME_TYPE_INFER(SqrtOp)
DLC_SAME_TYPE_INFER(ReciprocalOp)
DLC_SAME_TYPE_INFER(SeluOp)
DLC_SAME_TYPE_INFER(HardSigmoidOp)
DLC_SAME_TYPE_INFER(SoftplusOp)
#undef DLC_SAME_TYPE_INFER

/// Broadcast result of A and B with element type `elementType` (A's when
/// null).
static LogicalResult inferBinary(std::optional<Location> loc, Value a, Value b,
                                 Type elementType, SmallVectorImpl<Type> &results) {
  if (failed(sameElementType(loc, a, b)))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = broadcastAll(loc, {a, b});
  if (failed(shape))
    return failure();
  if (!elementType)
    elementType = getElementTypeOrSelf(a.getType());
  results.push_back(RankedTensorType::get(*shape, elementType));
  return success();
}

#define DLC_BINARY_INFER(OP, ELEMENT)                                          \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                        \
                                     std::optional<Location> loc,             \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &results) {        \
    (void)ctx;                                                                 \
    return inferBinary(loc, adaptor.getA(), adaptor.getB(), ELEMENT, results);\
  }
DLC_BINARY_INFER(PowOp, Type())
DLC_BINARY_INFER(MaxOp, Type())
DLC_BINARY_INFER(MinOp, Type())
DLC_BINARY_INFER(EqualOp, IntegerType::get(ctx, 1))
DLC_BINARY_INFER(LessOp, IntegerType::get(ctx, 1))
DLC_BINARY_INFER(GreaterOp, IntegerType::get(ctx, 1))
#undef DLC_BINARY_INFER

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  if (failed(sameElementType(loc, adaptor.getX(), adaptor.getY())))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      broadcastAll(loc, {adaptor.getCondition(), adaptor.getX(), adaptor.getY()});
  if (failed(shape))
    return failure();
  results.push_back(
      RankedTensorType::get(*shape, getElementTypeOrSelf(adaptor.getX().getType())));
  return success();
}

/// The element type of ONNX TensorProto data type `to`, null if dlc has none.
static Type onnxElementType(MLIRContext *ctx, int64_t to) {
  switch (to) {
  case 1: return Float32Type::get(ctx);
  case 2: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case 3: return IntegerType::get(ctx, 8);
  case 6: return IntegerType::get(ctx, 32);
  case 7: return IntegerType::get(ctx, 64);
  case 9: return IntegerType::get(ctx, 1);
  case 10: return Float16Type::get(ctx);
  case 11: return Float64Type::get(ctx);
  case 16: return BFloat16Type::get(ctx);
  default: return Type();
  }
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  if (!adaptor.getToAttr())
    return emitOptionalError(loc, "Cast needs the attribute 'to'");
  int64_t to = adaptor.getTo();
  Type element = onnxElementType(ctx, to);
  if (!element)
    return emitOptionalError(
        loc, "Cast to ONNX data type ", to,
        " is not supported (supported: 1 f32, 2 u8, 3 i8, 6 i32, 7 i64, 9 bool, "
        "10 f16, 11 f64, 16 bf16)");
  auto in = cast<RankedTensorType>(adaptor.getInput().getType());
  results.push_back(RankedTensorType::get(in.getShape(), element));
  return success();
}

LogicalResult ClipOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMax() && *getMin() > *getMax())
    return emitOpError("min ") << getMin()->convertToDouble()
                               << " is greater than max "
                               << getMax()->convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// VJP rules
//===----------------------------------------------------------------------===//

namespace {

Type elementOf(Value v) { return tensorType(v).getElementType(); }

/// where(cond, a, b)
Value select(OpBuilder &b, Location loc, Value cond, Value x, Value y) {
  return make<WhereOp>(b, loc, {cond, x, y});
}

/// The zero scalar of x's element type.
Value zeroLike(OpBuilder &b, Location loc, Value x) {
  return scalar(b, loc, elementOf(x), 0.0);
}

} // namespace

// -x: -dY
LogicalResult NegOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(make<NegOp>(b, getLoc(), resultGrads[0]));
  return success();
}

// |x|: dY sign(x), with sign(0) = 0 (as torch)
LogicalResult AbsOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0], x = getX(), zero = zeroLike(b, loc, x);
  Value neg = select(b, loc, make<LessOp>(b, loc, {x, zero}),
                     make<NegOp>(b, loc, dY), zero);
  operandGrads.push_back(
      select(b, loc, make<GreaterOp>(b, loc, {x, zero}), dY, neg));
  return success();
}

// exp(x): dY y
LogicalResult ExpOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(make<MulOp>(b, getLoc(), {resultGrads[0], getY()}));
  return success();
}

// log(x): dY / x
LogicalResult LogOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(make<DivOp>(b, getLoc(), {resultGrads[0], getX()}));
  return success();
}

// sqrt(x): dY / (2 y)
LogicalResult SqrtOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  operandGrads.push_back(
      make<DivOp>(b, loc, {resultGrads[0], scaled(b, loc, getY(), 2.0)}));
  return success();
}

// 1/x: -dY y^2
LogicalResult ReciprocalOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y2 = make<MulOp>(b, loc, {getY(), getY()});
  operandGrads.push_back(make<NegOp>(b, loc, make<MulOp>(b, loc, {resultGrads[0], y2})));
  return success();
}

// selu: dY gamma for x > 0, dY gamma alpha exp(x) elsewhere
LogicalResult SeluOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  double alpha = getAlpha().convertToDouble(), gamma = getGamma().convertToDouble();
  Value dY = resultGrads[0], x = getX();
  Value pos = scaled(b, loc, dY, gamma);
  Value neg = make<MulOp>(b, loc, {scaled(b, loc, dY, gamma * alpha),
                                   make<ExpOp>(b, loc, x)});
  operandGrads.push_back(
      select(b, loc, make<GreaterOp>(b, loc, {x, zeroLike(b, loc, x)}), pos, neg));
  return success();
}

// hard_sigmoid: alpha dY where 0 < alpha x + beta < 1, 0 elsewhere
LogicalResult HardSigmoidOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  double alpha = getAlpha().convertToDouble(), beta = getBeta().convertToDouble();
  Value x = getX(), zero = zeroLike(b, loc, x);
  Type e = elementOf(x);
  Value t = make<AddOp>(b, loc, {scaled(b, loc, x, alpha), scalar(b, loc, e, beta)});
  Value inner = select(b, loc, make<LessOp>(b, loc, {t, scalar(b, loc, e, 1.0)}),
                       scaled(b, loc, resultGrads[0], alpha), zero);
  operandGrads.push_back(
      select(b, loc, make<GreaterOp>(b, loc, {t, zero}), inner, zero));
  return success();
}

// softplus: dY sigmoid(x)
LogicalResult SoftplusOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  operandGrads.push_back(
      make<MulOp>(b, loc, {resultGrads[0], make<SigmoidOp>(b, loc, getX())}));
  return success();
}

// C = A^B: dA = dC B A^(B-1), dB = dC log(A) C (real where A > 0)
LogicalResult PowOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dC = resultGrads[0], a = getA(), bb = getB();
  Value bm1 = make<SubOp>(b, loc, {bb, scalar(b, loc, elementOf(bb), 1.0)});
  Value dA = make<MulOp>(b, loc, {make<MulOp>(b, loc, {dC, bb}),
                                  make<PowOp>(b, loc, {a, bm1})});
  Value dB = make<MulOp>(b, loc, {make<MulOp>(b, loc, {dC, getC()}),
                                  make<LogOp>(b, loc, a)});
  operandGrads.push_back(reduceToShape(b, loc, dA, tensorType(a)));
  operandGrads.push_back(reduceToShape(b, loc, dB, tensorType(bb)));
  return success();
}

/// Max/Min as torch: dC to the selected operand, half to each on ties.
/// `Wins` is Greater for Max, Less for Min.
template <typename Wins>
static void selectedGrads(OpBuilder &b, Location loc, Value a, Value bb, Value dC,
                          SmallVectorImpl<Value> &operandGrads) {
  Value zero = zeroLike(b, loc, dC);
  Value half = scaled(b, loc, dC, 0.5);
  Value tie = select(b, loc, make<EqualOp>(b, loc, {a, bb}), half, zero);
  Value dA = select(b, loc, make<Wins>(b, loc, {a, bb}), dC, tie);
  Value dB = select(b, loc, make<Wins>(b, loc, {bb, a}), dC, tie);
  operandGrads.push_back(reduceToShape(b, loc, dA, tensorType(a)));
  operandGrads.push_back(reduceToShape(b, loc, dB, tensorType(bb)));
}

LogicalResult MaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  selectedGrads<GreaterOp>(b, getLoc(), getA(), getB(), resultGrads[0], operandGrads);
  return success();
}

LogicalResult MinOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  selectedGrads<LessOp>(b, getLoc(), getA(), getB(), resultGrads[0], operandGrads);
  return success();
}

// where(c, X, Y): dX = where(c, dO, 0), dY = where(c, 0, dO); c has none.
LogicalResult WhereOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dO = resultGrads[0], c = getCondition();
  if (!isa<FloatType>(elementOf(dO)))
    return emitOpError("gradient of Where needs float X and Y");
  Value zero = zeroLike(b, loc, dO);
  operandGrads.push_back(Value());
  operandGrads.push_back(
      reduceToShape(b, loc, select(b, loc, c, dO, zero), tensorType(getX())));
  operandGrads.push_back(
      reduceToShape(b, loc, select(b, loc, c, zero, dO), tensorType(getY())));
  return success();
}

// Cast float -> float: dY cast back; otherwise no gradient.
LogicalResult CastOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Type in = elementOf(getInput()), out = elementOf(getOutput());
  if (!isa<FloatType>(in) || !isa<FloatType>(out)) {
    operandGrads.push_back(Value());
    return success();
  }
  int64_t to = isa<Float64Type>(in) ? 11 : isa<Float32Type>(in) ? 1
               : isa<Float16Type>(in) ? 10 : 16;
  operandGrads.push_back(make<CastOp>(
      b, getLoc(), resultGrads[0],
      {b.getNamedAttr("to", b.getIntegerAttr(b.getIntegerType(64, true), to))}));
  return success();
}

// clip: dY where min <= x <= max (as torch.clamp), 0 elsewhere.
LogicalResult ClipOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0], zero = zeroLike(b, loc, x);
  Type e = elementOf(x);
  if (std::optional<APFloat> hi = getMax())
    g = select(b, loc, make<GreaterOp>(b, loc, {x, scalar(b, loc, e, hi->convertToDouble())}),
               zero, g);
  if (std::optional<APFloat> lo = getMin())
    g = select(b, loc, make<LessOp>(b, loc, {x, scalar(b, loc, e, lo->convertToDouble())}),
               zero, g);
  operandGrads.push_back(g);
  return success();
}
