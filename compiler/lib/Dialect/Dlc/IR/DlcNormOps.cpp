//===- DlcNormOps.cpp - shape rules of the DlcNormOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::dlc;

//===----------------------------------------------------------------------===//
// BatchNormalization and Dropout
//===----------------------------------------------------------------------===//

namespace {
/// "0.5", "1", "-0.001": how the messages show an attribute's value.
std::string showNumber(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// ONNX's ratio range, [0, 1): 1 would zero everything and scale by 1/0.
LogicalResult checkRatio(std::optional<Location> loc, double ratio) {
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitOptionalError(loc, "ratio must be in [0, 1), got ", showNumber(ratio));
  return success();
}
} // namespace

LogicalResult BatchNormalizationOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  if (x.getRank() < 2)
    return emitOptionalError(loc, "input must be [N, C] or [N, C, d...], got ",
                             formatShape(x.getShape()));
  int64_t c = x.getDimSize(1);
  const char *names[] = {"scale", "B", "input_mean", "input_var"};
  Value operands[] = {adaptor.getScale(), adaptor.getB(), adaptor.getInputMean(),
                      adaptor.getInputVar()};
  for (auto [name, v] : llvm::zip(names, operands)) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != x.getElementType())
      return emitOptionalError(loc, name, " has element type ", t.getElementType(),
                               ", the input ", x.getElementType());
    if (t.getShape() != ArrayRef<int64_t>{c})
      return emitOptionalError(loc, name, " must be [", c, "] (the ", c,
                               " channels of input ", formatShape(x.getShape()),
                               "), got ", formatShape(t.getShape()));
  }
  double eps = adaptor.getEpsilonAttr() ? adaptor.getEpsilonAttr().getValueAsDouble() : 1e-5;
  if (!(eps >= 0.0))
    return emitOptionalError(loc, "epsilon must be non-negative, got ", showNumber(eps));
  double momentum =
      adaptor.getMomentumAttr() ? adaptor.getMomentumAttr().getValueAsDouble() : 0.9;
  if (!(momentum >= 0.0 && momentum <= 1.0))
    return emitOptionalError(loc, "momentum must be in [0, 1], got ", showNumber(momentum));
  results.push_back(x);
  if (adaptor.getTrainingAttr() && adaptor.getTrainingAttr().getValue()) {
    auto stat = RankedTensorType::get({c}, x.getElementType());
    results.append({stat, stat});
  }
  return success();
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  double ratio = adaptor.getRatioAttr() ? adaptor.getRatioAttr().getValueAsDouble() : 0.5;
  if (failed(checkRatio(loc, ratio)))
    return failure();
  results.push_back(adaptor.getData().getType());
  return success();
}

LogicalResult MovingAverageOp::verify() {
  double m = getMomentum().convertToDouble();
  if (!(m >= 0.0 && m <= 1.0))
    return emitOpError("momentum must be in [0, 1], got ") << showNumber(m);
  return success();
}

LogicalResult DropoutMaskOp::verify() {
  double ratio = getRatio().convertToDouble();
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitOpError("ratio must be in [0, 1), got ") << showNumber(ratio);
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

/// True when `from` broadcasts to `to` without changing it (numpy rules in
/// one direction: `from` has no more dimensions, each is 1 or equal).
static bool fitsNormalizedShape(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  FailureOr<SmallVector<int64_t>> b = broadcastShapes(from, to);
  return from.size() <= to.size() && succeeded(b) && ArrayRef<int64_t>(*b) == to;
}

LogicalResult LayerNormalizationOp::inferReturnTypes(MLIRContext *,
                                                     std::optional<Location> loc,
                                                     Adaptor adaptor,
                                                     SmallVectorImpl<Type> &results) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  auto scale = cast<RankedTensorType>(adaptor.getScale().getType());
  Type element = x.getElementType();
  // Defaults by hand: the custom parser infers types before the op's
  // properties get their defaults, so an adaptor's attribute may be null.
  int64_t rank = x.getRank();
  int64_t axis = adaptor.getAxisAttr() ? adaptor.getAxis() : -1;
  double epsilon = adaptor.getEpsilonAttr() ? adaptor.getEpsilonAttr().getValueAsDouble() : 1e-5;
  int64_t stash = adaptor.getStashTypeAttr() ? adaptor.getStashType() : 1;
  if (rank == 0)
    return emitOptionalError(loc, "X must have rank 1 or more, got a scalar");
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for X of shape ",
                             formatShape(x.getShape()), " (expected [", -rank, ", ",
                             rank - 1, "])");
  if (!(epsilon >= 0.0) || std::isinf(epsilon))
    return emitOptionalError(loc, "epsilon must be a finite non-negative number, got ",
                             epsilon);
  if (stash != 1)
    return emitOptionalError(loc, "stash_type ", stash,
                             " is not supported (only 1: statistics in f32 or wider)");
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = x.getShape().drop_front(axis);
  auto checkParam = [&](StringRef what, RankedTensorType t) -> LogicalResult {
    if (t.getElementType() != element)
      return emitOptionalError(loc, what, " has element type ", t.getElementType(),
                               ", X has ", element);
    if (!fitsNormalizedShape(t.getShape(), normalized))
      return emitOptionalError(loc, what, " of shape ", formatShape(t.getShape()),
                               " does not broadcast to the normalized shape ",
                               formatShape(normalized), " (X ", formatShape(x.getShape()),
                               ", axis ", axis, ")");
    return success();
  };
  if (failed(checkParam("Scale", scale)))
    return failure();
  if (Value b = adaptor.getB())
    if (failed(checkParam("B", cast<RankedTensorType>(b.getType()))))
      return failure();
  results.push_back(x);
  return success();
}
