//===- DlcTensorOps.cpp - shape rules and VJPs of the tensor ops -------===//
//
// Shape rules (inferReturnTypes, verifiers) and VJP rules of the ops in
// DlcTensorOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"
#include "VJPUtils.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::dlc;

static RankedTensorType rankedOf(Value v) { return cast<RankedTensorType>(v.getType()); }

static IntegerAttr si64(OpBuilder &b, int64_t v) {
  return b.getIntegerAttr(b.getIntegerType(64, /*isSigned=*/true), v);
}

/// Axis in [-rank, rank) made non-negative; failure with a message otherwise.
static FailureOr<int64_t> normalizeAxis(std::optional<Location> loc, StringRef op,
                                        int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    (void)emitOptionalError(loc, op, ": axis ", axis, " is out of range for rank ", rank);
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}


//===----------------------------------------------------------------------===//
// Concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "Concat needs at least one input");
  RankedTensorType first = rankedOf(inputs[0]);
  int64_t rank = first.getRank();
  if (rank == 0)
    return emitOptionalError(loc, "Concat cannot join scalars");
  FailureOr<int64_t> axis = normalizeAxis(loc, "Concat", adaptor.getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value v : inputs.drop_front()) {
    RankedTensorType t = rankedOf(v);
    if (t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "Concat inputs have element types ",
                               first.getElementType(), " and ", t.getElementType());
    bool ok = t.getRank() == rank;
    for (int64_t i = 0; ok && i < rank; ++i)
      ok = i == *axis || t.getDimSize(i) == first.getDimSize(i);
    if (!ok)
      return emitOptionalError(loc, "Concat inputs of shapes ", formatShape(first.getShape()),
                               " and ", formatShape(t.getShape()),
                               " differ outside axis ", *axis);
    shape[*axis] += t.getDimSize(*axis);
  }
  results.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

// Each input's gradient is its slice of dY along the axis.
LogicalResult ConcatOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  int64_t axis = getNormalizedAxis(), offset = 0;
  for (Value in : getInputs()) {
    int64_t size = rankedOf(in).getDimSize(axis);
    operandGrads.push_back(SliceOp::create(
        b, getLoc(), resultGrads[0], b.getDenseI64ArrayAttr({offset}),
        b.getDenseI64ArrayAttr({offset + size}), b.getDenseI64ArrayAttr({axis}),
        DenseI64ArrayAttr()));
    offset += size;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Split
//===----------------------------------------------------------------------===//

static FailureOr<SmallVector<int64_t>> splitSizes(std::optional<Location> loc,
                                                  int64_t dim,
                                                  std::optional<ArrayRef<int64_t>> split,
                                                  std::optional<int64_t> numOutputs) {
  SmallVector<int64_t> sizes;
  if (split) {
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0)
        return (void)emitOptionalError(loc, "Split sizes ", formatShape(*split),
                                 " include a negative size"),
               failure();
      total += s;
    }
    if (total != dim)
      return (void)emitOptionalError(loc, "Split sizes ", formatShape(*split), " sum to ", total,
                               ", not the axis' size ", dim),
             failure();
    if (numOutputs && *numOutputs != static_cast<int64_t>(split->size()))
      return (void)emitOptionalError(loc, "Split has ", split->size(), " sizes but num_outputs ",
                               *numOutputs),
             failure();
    sizes.assign(split->begin(), split->end());
    return sizes;
  }
  if (!numOutputs || *numOutputs < 1)
    return (void)emitOptionalError(loc, "Split needs `split` sizes or num_outputs >= 1"), failure();
  int64_t n = *numOutputs;
  int64_t part = (dim + n - 1) / n;
  if (part * (n - 1) >= dim && n > 1)
    return (void)emitOptionalError(loc, "Split of size ", dim, " into ", n,
                             " parts leaves an empty part"),
           failure();
  for (int64_t i = 0; i < n; ++i)
    sizes.push_back(std::min(part, dim - part * i));
  return sizes;
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getInput());
  FailureOr<int64_t> axis = normalizeAxis(loc, "Split", adaptor.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  std::optional<ArrayRef<int64_t>> split;
  if (adaptor.getSplitAttr())
    split = adaptor.getSplitAttr().asArrayRef();
  std::optional<int64_t> n;
  if (adaptor.getNumOutputsAttr())
    n = adaptor.getNumOutputsAttr().getInt();
  FailureOr<SmallVector<int64_t>> sizes = splitSizes(loc, t.getDimSize(*axis), split, n);
  if (failed(sizes))
    return failure();
  for (int64_t s : *sizes) {
    SmallVector<int64_t> shape(t.getShape());
    shape[*axis] = s;
    results.push_back(RankedTensorType::get(shape, t.getElementType()));
  }
  return success();
}

// dX = Concat of the outputs' gradients (zeros for an unused output).
LogicalResult SplitOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  SmallVector<Value> parts;
  for (auto [r, g] : llvm::zip(getResults(), resultGrads)) {
    if (g) {
      parts.push_back(g);
      continue;
    }
    auto type = cast<RankedTensorType>(r.getType());
    parts.push_back(ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getFloatAttr(type.getElementType(), 0.0))));
  }
  operandGrads.push_back(
      ConcatOp::create(b, loc, parts, si64(b, getNormalizedAxis())).getResult());
  return success();
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::normalize(std::optional<Location> loc, ArrayRef<int64_t> shape,
                                 ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
                                 std::optional<ArrayRef<int64_t>> axes,
                                 std::optional<ArrayRef<int64_t>> steps,
                                 SmallVectorImpl<int64_t> &start, SmallVectorImpl<int64_t> &step,
                                 SmallVectorImpl<int64_t> &count) {
  int64_t rank = shape.size();
  size_t n = starts.size();
  if (ends.size() != n || (axes && axes->size() != n) || (steps && steps->size() != n))
    return emitOptionalError(loc, "Slice starts ", formatShape(starts), ", ends ",
                             formatShape(ends), ", axes and steps differ in length");
  start.assign(rank, 0);
  step.assign(rank, 1);
  count.assign(shape.begin(), shape.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < n; ++i) {
    int64_t a = axes ? (*axes)[i] : static_cast<int64_t>(i);
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank || seen[a])
      return emitOptionalError(loc, "Slice axes ",
                               formatShape(axes ? *axes : ArrayRef<int64_t>{}),
                               " are not distinct axes of rank ", rank);
    seen[a] = true;
    int64_t d = shape[a];
    int64_t s = starts[i], e = ends[i], k = steps ? (*steps)[i] : 1;
    if (k == 0)
      return emitOptionalError(loc, "Slice step on axis ", a, " is 0");
    if (s < 0)
      s += d;
    if (e < 0)
      e += d;
    int64_t c;
    if (k > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      c = e > s ? (e - s + k - 1) / k : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      c = s > e ? (s - e + (-k) - 1) / (-k) : 0;
    }
    start[a] = s;
    step[a] = k;
    count[a] = c;
  }
  return success();
}

template <typename AdaptorT>
static LogicalResult sliceParams(std::optional<Location> loc, ArrayRef<int64_t> shape,
                                 AdaptorT adaptor, SmallVectorImpl<int64_t> &start,
                                 SmallVectorImpl<int64_t> &step,
                                 SmallVectorImpl<int64_t> &count) {
  std::optional<ArrayRef<int64_t>> axes, steps;
  if (adaptor.getAxesAttr())
    axes = adaptor.getAxesAttr().asArrayRef();
  if (adaptor.getStepsAttr())
    steps = adaptor.getStepsAttr().asArrayRef();
  return SliceOp::normalize(loc, shape, adaptor.getStarts(), adaptor.getEnds(), axes, steps,
                            start, step, count);
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getData());
  SmallVector<int64_t> start, step, count;
  if (failed(sliceParams(loc, t.getShape(), adaptor, start, step, count)))
    return failure();
  results.push_back(RankedTensorType::get(count, t.getElementType()));
  return success();
}

LogicalResult SliceOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  auto type = cast<RankedTensorType>(getData().getType());
  operandGrads.push_back(SliceGradOp::create(b, getLoc(), type, resultGrads[0],
                                             getStartsAttr(), getEndsAttr(), getAxesAttr(),
                                             getStepsAttr()));
  return success();
}

LogicalResult SliceGradOp::verify() {
  RankedTensorType x = getDX().getType(), dy = getDY().getType();
  SmallVector<int64_t> start, step, count;
  if (failed(sliceParams(getLoc(), x.getShape(), *this, start, step, count)))
    return failure();
  if (ArrayRef<int64_t>(count) != dy.getShape() || x.getElementType() != dy.getElementType())
    return emitOpError("dY of shape ") << formatShape(dy.getShape()) << " is not the slice "
                                       << formatShape(count) << " of the result's shape "
                                       << formatShape(x.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getData());
  SmallVector<int64_t> axes;
  if (adaptor.getAxesAttr()) {
    FailureOr<SmallVector<int64_t>> n =
        normalizeAxes(loc, adaptor.getAxesAttr().asArrayRef(), t.getRank());
    if (failed(n))
      return failure();
    axes = *n;
    for (int64_t a : axes)
      if (t.getDimSize(a) != 1)
        return emitOptionalError(loc, "Squeeze axis ", a, " of shape ",
                                 formatShape(t.getShape()), " has size ", t.getDimSize(a),
                                 ", not 1");
  } else {
    for (int64_t i = 0; i < t.getRank(); ++i)
      if (t.getDimSize(i) == 1)
        axes.push_back(i);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (!llvm::is_contained(axes, i))
      shape.push_back(t.getDimSize(i));
  results.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getData());
  ArrayRef<int64_t> axesAttr = adaptor.getAxes();
  int64_t outRank = t.getRank() + axesAttr.size();
  if (axesAttr.empty())
    return emitOptionalError(loc, "Unsqueeze needs at least one axis");
  FailureOr<SmallVector<int64_t>> axes = normalizeAxes(loc, axesAttr, outRank);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : t.getDimSize(next++));
  results.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult SqueezeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(vjp::reshapeTo(b, getLoc(), resultGrads[0], getData().getType()));
  return success();
}

LogicalResult UnsqueezeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(vjp::reshapeTo(b, getLoc(), resultGrads[0], getData().getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceMean, ReduceMax
//===----------------------------------------------------------------------===//

template <typename AdaptorT>
static LogicalResult inferReduced(std::optional<Location> loc, AdaptorT adaptor,
                                  SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getData());
  ArrayRef<int64_t> axesAttr = adaptor.getAxesAttr() ? adaptor.getAxes() : ArrayRef<int64_t>{};
  bool keep = adaptor.getKeepdimsAttr() ? adaptor.getKeepdims() != 0 : true;
  FailureOr<RankedTensorType> type =
      reducedType(loc, t, axesAttr, keep, /*rejectEmptyAxis=*/true);
  if (failed(type))
    return failure();
  results.push_back(*type);
  return success();
}

LogicalResult ReduceMeanOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return inferReduced(loc, adaptor, results);
}

LogicalResult ReduceMaxOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return inferReduced(loc, adaptor, results);
}

SmallVector<int64_t> ReduceMeanOp::getNormalizedAxes() {
  return *normalizeAxes(std::nullopt, getAxes(), getData().getType().getRank());
}

SmallVector<int64_t> ReduceMaxOp::getNormalizedAxes() {
  return *normalizeAxes(std::nullopt, getAxes(), getData().getType().getRank());
}

// Like ReduceSum's VJP (dY broadcast back over the input), divided by the
// number of reduced elements.
LogicalResult ReduceMeanOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType in = getData().getType();
  Type et = in.getElementType();
  SmallVector<int64_t> kept(in.getShape());
  int64_t n = 1;
  for (int64_t axis : getNormalizedAxes()) {
    n *= kept[axis];
    kept[axis] = 1;
  }
  Value dY = vjp::reshapeTo(b, loc, resultGrads[0], RankedTensorType::get(kept, et));
  auto scalarType = RankedTensorType::get({}, et);
  Value scale = ConstantOp::create(
      b, loc, scalarType,
      DenseElementsAttr::get(scalarType, b.getFloatAttr(et, 1.0 / static_cast<double>(n))));
  auto zerosType = RankedTensorType::get(in.getShape(), et);
  Value zeros = ConstantOp::create(b, loc, zerosType,
                                   DenseElementsAttr::get(zerosType, b.getFloatAttr(et, 0.0)));
  Value scaled = MulOp::create(b, loc, ValueRange{dY, scale}).getResult();
  operandGrads.push_back(AddOp::create(b, loc, ValueRange{zeros, scaled}).getResult());
  return success();
}

// dY split evenly among the elements equal to the maximum (torch.amax).
LogicalResult ReduceMaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(ReduceMaxGradOp::create(b, getLoc(), getData().getType(),
                                                 resultGrads[0], getData(), getReduced(),
                                                 getAxesAttr(), getKeepdimsAttr()));
  return success();
}

//===----------------------------------------------------------------------===//
// ArgMax
//===----------------------------------------------------------------------===//

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedOf(adaptor.getData());
  FailureOr<int64_t> axis = normalizeAxis(loc, "ArgMax", adaptor.getAxis(), t.getRank());
  if (failed(axis))
    return failure();
  if (adaptor.getSelectLastIndex() != 0)
    return emitOptionalError(loc, "ArgMax supports select_last_index = 0 only, got ",
                             adaptor.getSelectLastIndex());
  if (t.getDimSize(*axis) == 0)
    return emitOptionalError(loc, "ArgMax over the empty axis ", *axis, " of shape ",
                             formatShape(t.getShape()));
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (i != *axis)
      shape.push_back(t.getDimSize(i));
    else if (adaptor.getKeepdims() != 0)
      shape.push_back(1);
  }
  results.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RankedTensorType data = rankedOf(adaptor.getData());
  RankedTensorType idx = rankedOf(adaptor.getIndices());
  if (data.getRank() == 0)
    return emitOptionalError(loc, "Gather of a scalar");
  FailureOr<int64_t> axis = normalizeAxis(loc, "Gather", adaptor.getAxis(), data.getRank());
  if (failed(axis))
    return failure();
  if (*axis != 0)
    return emitOptionalError(loc, "Gather supports axis 0 only, got ", adaptor.getAxis());
  SmallVector<int64_t> shape(idx.getShape());
  llvm::append_range(shape, data.getShape().drop_front());
  results.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(GatherGradOp::create(b, getLoc(), getData().getType(),
                                              resultGrads[0], getIndices()));
  operandGrads.push_back(Value()); // integer indices have no gradient
  return success();
}

LogicalResult GatherGradOp::verify() {
  RankedTensorType x = getDX().getType(), dy = getDY().getType(),
                   idx = getIndices().getType();
  SmallVector<int64_t> expected(idx.getShape());
  if (x.getRank() == 0)
    return emitOpError("result is a scalar");
  llvm::append_range(expected, x.getShape().drop_front());
  if (ArrayRef<int64_t>(expected) != dy.getShape() || x.getElementType() != dy.getElementType())
    return emitOpError("dY of shape ") << formatShape(dy.getShape())
                                       << " is not Gather's result shape "
                                       << formatShape(expected) << " for data "
                                       << formatShape(x.getShape()) << " and indices "
                                       << formatShape(idx.getShape());
  return success();
}
