//===- DlcNormOps.cpp - shape rules of the DlcNormOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dlc;

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
