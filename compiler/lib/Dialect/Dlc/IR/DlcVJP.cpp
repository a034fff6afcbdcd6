//===- DlcVJP.cpp - vector-Jacobian products of the dlc ops ---------------===//
//
// Each differentiable op's VJP rule (VJPOpInterface::buildVJP), built only
// from dlc ops so the backward graph goes through the same simplification
// and lowering as the forward one. In the order of DlcOps.td.
//
// Notation: Y the op's result, dY the gradient of the loss w.r.t. Y.
// Broadcasting ops reduce each operand's gradient back to its shape.
//
//===----------------------------------------------------------------------===//

#include "VJPUtils.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
using namespace mlir::dlc::vjp;

namespace {

NamedAttribute boolAttr(OpBuilder &b, StringRef name, bool v) {
  return b.getNamedAttr(name, b.getBoolAttr(v));
}

} // namespace

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

// Y = alpha A' B' + beta C with A' = transA ? Aᵀ : A (likewise B'):
//   dA = alpha dY B'ᵀ   (transposed back when transA)
//   dB = alpha A'ᵀ dY   (transposed back when transB)
//   dC = beta dY, summed to C's shape
LogicalResult GemmOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0];
  bool ta = getTransA(), tb = getTransB();
  NamedAttribute alpha = b.getNamedAttr("alpha", getAlphaAttr());
  Value dA = ta ? make<GemmOp>(b, loc, {getB(), dY},
                               {alpha, boolAttr(b, "transA", tb), boolAttr(b, "transB", true)})
                : make<GemmOp>(b, loc, {dY, getB()},
                               {alpha, boolAttr(b, "transB", !tb)});
  Value dB = tb ? make<GemmOp>(b, loc, {dY, getA()},
                               {alpha, boolAttr(b, "transA", true), boolAttr(b, "transB", ta)})
                : make<GemmOp>(b, loc, {getA(), dY},
                               {alpha, boolAttr(b, "transA", !ta)});
  operandGrads.push_back(dA);
  operandGrads.push_back(dB);
  if (Value c = getC())
    operandGrads.push_back(reduceToShape(
        b, loc, scaled(b, loc, dY, getBeta().convertToDouble()), tensorType(c)));
  return success();
}

// Y = A B (batched): dA = dY Bᵀ, dB = Aᵀ dY, each summed over broadcast
// batch dimensions.
LogicalResult MatMulOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType a = tensorType(getA()), bt = tensorType(getB());
  if (a.getRank() < 2 || bt.getRank() < 2)
    return emitOpError("gradient of MatMul with a 1-D operand is not supported yet");
  auto swapLastTwo = [&](Value x) {
    int64_t rank = tensorType(x).getRank();
    SmallVector<int64_t> perm;
    for (int64_t i = 0; i < rank; ++i)
      perm.push_back(i);
    std::swap(perm[rank - 1], perm[rank - 2]);
    return make<TransposeOp>(b, loc, x, {b.getNamedAttr("perm", b.getDenseI64ArrayAttr(perm))});
  };
  Value dY = resultGrads[0];
  operandGrads.push_back(
      reduceToShape(b, loc, make<MatMulOp>(b, loc, {dY, swapLastTwo(getB())}), a));
  operandGrads.push_back(
      reduceToShape(b, loc, make<MatMulOp>(b, loc, {swapLastTwo(getA()), dY}), bt));
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

// d(A + B) = dY, dY
LogicalResult AddOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reduceToShape(b, getLoc(), resultGrads[0], tensorType(getA())));
  operandGrads.push_back(reduceToShape(b, getLoc(), resultGrads[0], tensorType(getB())));
  return success();
}

// d(A - B) = dY, -dY
LogicalResult SubOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  operandGrads.push_back(reduceToShape(b, loc, resultGrads[0], tensorType(getA())));
  operandGrads.push_back(
      reduceToShape(b, loc, scaled(b, loc, resultGrads[0], -1.0), tensorType(getB())));
  return success();
}

// d(A B) = dY B, dY A
LogicalResult MulOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0];
  operandGrads.push_back(
      reduceToShape(b, loc, make<MulOp>(b, loc, {dY, getB()}), tensorType(getA())));
  operandGrads.push_back(
      reduceToShape(b, loc, make<MulOp>(b, loc, {dY, getA()}), tensorType(getB())));
  return success();
}

// d(A / B) = dY / B, -dY Y / B
LogicalResult DivOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0];
  operandGrads.push_back(
      reduceToShape(b, loc, make<DivOp>(b, loc, {dY, getB()}), tensorType(getA())));
  Value dYY = make<MulOp>(b, loc, {dY, getResult()});
  operandGrads.push_back(reduceToShape(
      b, loc, scaled(b, loc, make<DivOp>(b, loc, {dYY, getB()}), -1.0),
      tensorType(getB())));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations: each has a gradient helper op
//===----------------------------------------------------------------------===//

#define DLC_GRAD_OF_INPUT(OP, GRADOP, ...)                                      \
  LogicalResult OP::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,        \
                             SmallVectorImpl<Value> &operandGrads) {           \
    operandGrads.push_back(GRADOP::create(b, getLoc(), resultGrads[0],         \
                                          __VA_ARGS__));                      \
    return success();                                                          \
  }
DLC_GRAD_OF_INPUT(ReluOp, ReluGradOp, getX())
DLC_GRAD_OF_INPUT(LeakyReluOp, LeakyReluGradOp, getX(), getAlphaAttr())
DLC_GRAD_OF_INPUT(EluOp, EluGradOp, getX(), getAlphaAttr())
DLC_GRAD_OF_INPUT(SigmoidOp, SigmoidGradOp, getY())
DLC_GRAD_OF_INPUT(TanhOp, TanhGradOp, getY())
DLC_GRAD_OF_INPUT(GeluOp, GeluGradOp, getX(), getApproximateAttr())
DLC_GRAD_OF_INPUT(SoftmaxOp, SoftmaxGradOp, getOutput(), getAxisAttr())
DLC_GRAD_OF_INPUT(LogSoftmaxOp, LogSoftmaxGradOp, getOutput(), getAxisAttr())
#undef DLC_GRAD_OF_INPUT

//===----------------------------------------------------------------------===//
// Shape ops: the inverse rearrangement of dY
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeTo(b, getLoc(), resultGrads[0], getInput().getType()));
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeTo(b, getLoc(), resultGrads[0], getData().getType()));
  return success();
}

// Transpose by perm is undone by the inverse permutation.
LogicalResult TransposeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  SmallVector<int64_t> perm = getPermutation(), inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  operandGrads.push_back(make<TransposeOp>(
      b, getLoc(), resultGrads[0],
      {b.getNamedAttr("perm", b.getDenseI64ArrayAttr(inverse))}));
  return success();
}

LogicalResult IdentityOp::buildVJP(OpBuilder &, ArrayRef<Value> resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(resultGrads[0]);
  return success();
}

//===----------------------------------------------------------------------===//
// Training ops
//===----------------------------------------------------------------------===//

// Each input element received dY at its reduced position: broadcast dY back
// (as keepdims) over the input's shape.
LogicalResult ReduceSumOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType in = getData().getType();
  SmallVector<int64_t> kept(in.getShape());
  for (int64_t axis : getNormalizedAxes())
    kept[axis] = 1;
  Value dY = reshapeTo(b, loc, resultGrads[0],
                       RankedTensorType::get(kept, in.getElementType()));
  auto zerosType = RankedTensorType::get(in.getShape(), in.getElementType());
  Value zeros = ConstantOp::create(
      b, loc, zerosType,
      DenseElementsAttr::get(zerosType, b.getFloatAttr(in.getElementType(), 0.0)));
  operandGrads.push_back(make<AddOp>(b, loc, {zeros, dY}));
  return success();
}

LogicalResult SoftmaxCrossEntropyLossOp::buildVJP(
    OpBuilder &b, ArrayRef<Value> resultGrads, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(SoftmaxCrossEntropyLossGradOp::create(
      b, getLoc(), getScores().getType(), resultGrads[0], getScores(), getLabels(),
      getReductionAttr(), getIgnoreIndexAttr(), getLabelSmoothingAttr()));
  operandGrads.push_back(Value()); // integer labels have no gradient
  return success();
}

// loss = reduce((P - T)^2): dP = 2 (P - T) dL (/ numel for mean), dT = -dP
LogicalResult MeanSquaredErrorOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                           SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType p = getPrediction().getType();
  double factor = 2.0;
  if (getReduction() == "mean")
    factor /= static_cast<double>(p.getNumElements());
  Value diff = make<SubOp>(b, loc, {getPrediction(), getTarget()});
  Value dP = make<MulOp>(b, loc, {scaled(b, loc, diff, factor), resultGrads[0]});
  operandGrads.push_back(dP);
  operandGrads.push_back(scaled(b, loc, dP, -1.0));
  return success();
}

// torch's binary_cross_entropy backward: dP = dL k (P - T) / max(P (1 - P),
// 1e-12) and dT = dL k (log(1 - P) - log P), both BinaryCrossEntropyGrad.
LogicalResult BinaryCrossEntropyOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                             SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Type type = getPrediction().getType();
  for (bool wrtTarget : {false, true})
    operandGrads.push_back(BinaryCrossEntropyGradOp::create(
        b, loc, type, resultGrads[0], getPrediction(), getTarget(),
        getReductionAttr(), b.getBoolAttr(wrtTarget)));
  return success();
}

// loss = reduce(max(X, 0) - X T + log(1 + exp(-|X|))):
//   dX = dL k (sigmoid(X) - T), dT = -dL k X   (k = 1/numel for mean)
LogicalResult BinaryCrossEntropyWithLogitsOp::buildVJP(
    OpBuilder &b, ArrayRef<Value> resultGrads, SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType x = getLogits().getType();
  double k = 1.0;
  if (getReduction() == "mean")
    k /= static_cast<double>(x.getNumElements());
  Value dL = scaled(b, loc, resultGrads[0], k);
  Value sig = make<SigmoidOp>(b, loc, getLogits());
  Value diff = make<SubOp>(b, loc, {sig, getTarget()});
  operandGrads.push_back(make<MulOp>(b, loc, {diff, dL}));
  operandGrads.push_back(
      scaled(b, loc, make<MulOp>(b, loc, {getLogits(), dL}), -1.0));
  return success();
}

LogicalResult FocalLossOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(FocalLossGradOp::create(
      b, getLoc(), getScores().getType(), resultGrads[0], getScores(), getLabels(),
      getGammaAttr(), getAlphaAttr(), getReductionAttr()));
  operandGrads.push_back(Value()); // integer labels have no gradient
  return success();
}
