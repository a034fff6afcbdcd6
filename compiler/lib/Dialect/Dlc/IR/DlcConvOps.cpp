//===- DlcConvOps.cpp - shape rules and VJPs of the conv ops -------===//
//
// Shape rules (inferReturnTypes, verifiers) and VJP rules of the ops in
// DlcConvOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// An optional 2-D attribute with its default (`n` copies of `dflt`).
SmallVector<int64_t> orDefault(DenseI64ArrayAttr attr, size_t n, int64_t dflt) {
  if (attr)
    return SmallVector<int64_t>(attr.asArrayRef());
  return SmallVector<int64_t>(n, dflt);
}

/// Builds a dlc op whose result type its shape rule infers.
template <typename OpTy>
Value make(OpBuilder &b, Location loc, ValueRange operands,
           ArrayRef<NamedAttribute> attrs = {}) {
  return OpTy::create(b, loc, operands, attrs)->getResult(0);
}

} // namespace

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  RankedTensorType x = rankedType(adaptor.getX()), w = rankedType(adaptor.getW());
  if (x.getElementType() != w.getElementType())
    return emitOptionalError(loc, "operands have different element types: ",
                             x.getElementType(), " and ", w.getElementType());
  if (auto autoPad = adaptor.getAutoPadAttr(); autoPad && autoPad.getValue() != "NOTSET")
    return emitOptionalError(loc, "auto_pad \"", autoPad.getValue(),
                             "\" is not supported yet (only NOTSET)");
  if (x.getRank() != 4 || w.getRank() != 4)
    return emitOptionalError(loc, "only 2-D convolution (NCHW) is supported: input ",
                             formatShape(x.getShape()), ", weight ",
                             formatShape(w.getShape()));
  int64_t group = adaptor.getGroupAttr() ? adaptor.getGroupAttr().getInt() : 1;
  int64_t c = x.getDimSize(1), m = w.getDimSize(0), cg = w.getDimSize(1);
  if (group < 1)
    return emitOptionalError(loc, "group must be positive, got ", group);
  if (c != cg * group)
    return emitOptionalError(loc, "input has ", c, " channels, weight expects ", cg,
                             " × group ", group);
  if (m % group != 0)
    return emitOptionalError(loc, "weight has ", m,
                             " output channels, not divisible by group ", group);
  SmallVector<int64_t> kernel{w.getDimSize(2), w.getDimSize(3)};
  if (auto ks = adaptor.getKernelShapeAttr(); ks && ks.asArrayRef() != ArrayRef(kernel))
    return emitOptionalError(loc, "kernel_shape ", formatShape(ks.asArrayRef()),
                             " does not match the weight's ", formatShape(kernel));
  SmallVector<int64_t> strides = orDefault(adaptor.getStridesAttr(), 2, 1);
  SmallVector<int64_t> pads = orDefault(adaptor.getPadsAttr(), 4, 0);
  SmallVector<int64_t> dil = orDefault(adaptor.getDilationsAttr(), 2, 1);
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "strides must be 2 positive values, got ",
                             formatShape(strides));
  if (dil.size() != 2 || llvm::any_of(dil, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "dilations must be 2 positive values, got ",
                             formatShape(dil));
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t s) { return s < 0; }))
    return emitOptionalError(loc,
                             "pads must be 4 non-negative values [top, left, bottom, right], got ",
                             formatShape(pads));
  if (Value bias = adaptor.getB()) {
    RankedTensorType bt = rankedType(bias);
    if (bt.getElementType() != x.getElementType() || bt.getShape() != ArrayRef<int64_t>{m})
      return emitOptionalError(loc, "bias of shape ", formatShape(bt.getShape()),
                               " does not match the ", m, " output channels");
  }
  SmallVector<int64_t> y{x.getDimSize(0), m};
  for (int i = 0; i < 2; ++i) {
    int64_t in = x.getDimSize(2 + i) + pads[i] + pads[i + 2];
    int64_t k = dil[i] * (kernel[i] - 1) + 1;
    if (in < k)
      return emitOptionalError(loc, "padded input ", formatShape(x.getShape()),
                               " with pads ", formatShape(pads),
                               " is smaller than the dilated kernel ",
                               formatShape(kernel), " along spatial axis ", i);
    y.push_back((in - k) / strides[i] + 1);
  }
  results.push_back(RankedTensorType::get(y, x.getElementType()));
  return success();
}

// Y = conv(X, W) + B:
//   dX = ConvBackwardData(dY, W)  (transposed convolution)
//   dW = ConvBackwardFilter(X, dY) (correlation of X with dY)
//   dB = sum of dY over N, H, W
LogicalResult ConvOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0];
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("strides", b.getDenseI64ArrayAttr(orDefault(getStridesAttr(), 2, 1))),
      b.getNamedAttr("pads", b.getDenseI64ArrayAttr(orDefault(getPadsAttr(), 4, 0))),
      b.getNamedAttr("dilations", b.getDenseI64ArrayAttr(orDefault(getDilationsAttr(), 2, 1))),
      b.getNamedAttr("group", b.getIntegerAttr(b.getIntegerType(64, true), getGroup()))};
  operandGrads.push_back(ConvBackwardDataOp::create(b, loc, getX().getType(),
                                                    ValueRange{dY, getW()}, attrs));
  operandGrads.push_back(ConvBackwardFilterOp::create(b, loc, getW().getType(),
                                                      ValueRange{getX(), dY}, attrs));
  if (getB())
    operandGrads.push_back(make<ReduceSumOp>(
        b, loc, dY,
        {b.getNamedAttr("axes", b.getDenseI64ArrayAttr({0, 2, 3})),
         b.getNamedAttr("keepdims", b.getIntegerAttr(b.getIntegerType(64, true), 0))}));
  return success();
}

//===----------------------------------------------------------------------===//
// MaxPool
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &results);

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  if (auto a = adaptor.getStorageOrderAttr(); a && a.getInt() != 0)
    return emitOptionalError(loc, "storage_order ", a.getInt(),
                             " is not supported yet (only 0)");
  return inferPool(loc, adaptor, results);
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &results) {
  if (auto a = adaptor.getCountIncludePadAttr(); a && a.getInt() != 0 && a.getInt() != 1)
    return emitOptionalError(loc, "count_include_pad must be 0 or 1, got ", a.getInt());
  return inferPool(loc, adaptor, results);
}

/// The shape rule shared by MaxPool and AveragePool.
template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &results) {
  RankedTensorType x = rankedType(adaptor.getX());
  if (auto autoPad = adaptor.getAutoPadAttr(); autoPad && autoPad.getValue() != "NOTSET")
    return emitOptionalError(loc, "auto_pad \"", autoPad.getValue(),
                             "\" is not supported yet (only NOTSET)");
  if (auto a = adaptor.getCeilModeAttr(); a && a.getInt() != 0)
    return emitOptionalError(loc, "ceil_mode ", a.getInt(), " is not supported yet (only 0)");
  if (x.getRank() != 4)
    return emitOptionalError(loc, "only 2-D pooling (NCHW) is supported: input ",
                             formatShape(x.getShape()));
  if (!adaptor.getKernelShapeAttr())
    return emitOptionalError(loc, "kernel_shape is required");
  ArrayRef<int64_t> kernel = adaptor.getKernelShapeAttr().asArrayRef();
  SmallVector<int64_t> strides = orDefault(adaptor.getStridesAttr(), 2, 1);
  SmallVector<int64_t> pads = orDefault(adaptor.getPadsAttr(), 4, 0);
  SmallVector<int64_t> dil = orDefault(adaptor.getDilationsAttr(), 2, 1);
  if (kernel.size() != 2 || llvm::any_of(kernel, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "kernel_shape must be 2 positive values, got ",
                             formatShape(kernel));
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "strides must be 2 positive values, got ",
                             formatShape(strides));
  if (llvm::any_of(dil, [](int64_t d) { return d != 1; }))
    return emitOptionalError(loc, "dilations ", formatShape(dil),
                             " are not supported yet (only 1)");
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t s) { return s < 0; }))
    return emitOptionalError(loc,
                             "pads must be 4 non-negative values [top, left, bottom, right], got ",
                             formatShape(pads));
  SmallVector<int64_t> y{x.getDimSize(0), x.getDimSize(1)};
  for (int i = 0; i < 2; ++i) {
    if (pads[i] >= kernel[i] || pads[i + 2] >= kernel[i])
      return emitOptionalError(loc, "pads ", formatShape(pads),
                               " must be smaller than kernel_shape ", formatShape(kernel));
    int64_t in = x.getDimSize(2 + i) + pads[i] + pads[i + 2];
    if (in < kernel[i])
      return emitOptionalError(loc, "padded input ", formatShape(x.getShape()),
                               " with pads ", formatShape(pads),
                               " is smaller than kernel_shape ", formatShape(kernel),
                               " along spatial axis ", i);
    y.push_back((in - kernel[i]) / strides[i] + 1);
  }
  results.push_back(RankedTensorType::get(y, x.getElementType()));
  return success();
}

// dX = MaxPoolGrad(dY, X): each dY element to its window's (first) argmax.
LogicalResult MaxPoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(MaxPoolGradOp::create(
      b, getLoc(), getX().getType(), ValueRange{resultGrads[0], getX()},
      {b.getNamedAttr("kernel_shape", getKernelShapeAttr()),
       b.getNamedAttr("strides", b.getDenseI64ArrayAttr(orDefault(getStridesAttr(), 2, 1))),
       b.getNamedAttr("pads", b.getDenseI64ArrayAttr(orDefault(getPadsAttr(), 4, 0)))}));
  return success();
}

//===----------------------------------------------------------------------===//
// GlobalAveragePool, GlobalMaxPool
//===----------------------------------------------------------------------===//

static LogicalResult inferGlobalPool(std::optional<Location> loc, Value xv,
                                     SmallVectorImpl<Type> &results) {
  RankedTensorType x = rankedType(xv);
  if (x.getRank() != 4)
    return emitOptionalError(loc, "only 2-D pooling (NCHW) is supported: input ",
                             formatShape(x.getShape()));
  results.push_back(
      RankedTensorType::get({x.getDimSize(0), x.getDimSize(1), 1, 1}, x.getElementType()));
  return success();
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(MLIRContext *,
                                                    std::optional<Location> loc,
                                                    Adaptor adaptor,
                                                    SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getX(), results);
}

LogicalResult GlobalMaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getX(), results);
}

// Y = sum(X over H, W) / (H W): dX = dY / (H W), broadcast over H, W.
LogicalResult GlobalAveragePoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                            SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType x = rankedType(getX());
  Type et = x.getElementType();
  auto scalarType = RankedTensorType::get({}, et);
  Value scale = ConstantOp::create(
      b, loc, scalarType,
      DenseElementsAttr::get(scalarType,
                             b.getFloatAttr(et, 1.0 / (x.getDimSize(2) * x.getDimSize(3)))));
  Value zeros = ConstantOp::create(
      b, loc, x, DenseElementsAttr::get(x, b.getFloatAttr(et, 0.0)));
  Value dY = make<MulOp>(b, loc, {resultGrads[0], scale});
  operandGrads.push_back(make<AddOp>(b, loc, {zeros, dY}));
  return success();
}

// GlobalMaxPool is MaxPool with the whole H x W as its window.
LogicalResult GlobalMaxPoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  RankedTensorType x = rankedType(getX());
  operandGrads.push_back(MaxPoolGradOp::create(
      b, getLoc(), x, ValueRange{resultGrads[0], getX()},
      {b.getNamedAttr("kernel_shape",
                      b.getDenseI64ArrayAttr({x.getDimSize(2), x.getDimSize(3)})),
       b.getNamedAttr("strides", b.getDenseI64ArrayAttr({1, 1})),
       b.getNamedAttr("pads", b.getDenseI64ArrayAttr({0, 0, 0, 0}))}));
  return success();
}

// dX = AveragePoolGrad(dY): each window's dY / divisor spread over it.
LogicalResult AveragePoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(AveragePoolGradOp::create(
      b, getLoc(), getX().getType(), ValueRange{resultGrads[0]},
      {b.getNamedAttr("kernel_shape", getKernelShapeAttr()),
       b.getNamedAttr("strides", b.getDenseI64ArrayAttr(orDefault(getStridesAttr(), 2, 1))),
       b.getNamedAttr("pads", b.getDenseI64ArrayAttr(orDefault(getPadsAttr(), 4, 0))),
       b.getNamedAttr("count_include_pad",
                      b.getIntegerAttr(b.getIntegerType(64, true), getCountIncludePad()))}));
  return success();
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  RankedTensorType x = rankedType(adaptor.getX()), w = rankedType(adaptor.getW());
  if (x.getElementType() != w.getElementType())
    return emitOptionalError(loc, "operands have different element types: ",
                             x.getElementType(), " and ", w.getElementType());
  if (auto autoPad = adaptor.getAutoPadAttr(); autoPad && autoPad.getValue() != "NOTSET")
    return emitOptionalError(loc, "auto_pad \"", autoPad.getValue(),
                             "\" is not supported yet (only NOTSET)");
  if (adaptor.getOutputShapeAttr())
    return emitOptionalError(loc, "output_shape is not supported yet (give pads and output_padding)");
  if (x.getRank() != 4 || w.getRank() != 4)
    return emitOptionalError(loc, "only 2-D transposed convolution (NCHW) is supported: input ",
                             formatShape(x.getShape()), ", weight ", formatShape(w.getShape()));
  int64_t group = adaptor.getGroupAttr() ? adaptor.getGroupAttr().getInt() : 1;
  if (group < 1)
    return emitOptionalError(loc, "group must be positive, got ", group);
  int64_t c = x.getDimSize(1);
  if (c != w.getDimSize(0) || c % group != 0)
    return emitOptionalError(loc, "input has ", c, " channels, weight expects ",
                             w.getDimSize(0), " (divisible by group ", group, ")");
  int64_t m = w.getDimSize(1) * group;
  SmallVector<int64_t> kernel{w.getDimSize(2), w.getDimSize(3)};
  if (auto ks = adaptor.getKernelShapeAttr(); ks && ks.asArrayRef() != ArrayRef(kernel))
    return emitOptionalError(loc, "kernel_shape ", formatShape(ks.asArrayRef()),
                             " does not match the weight's ", formatShape(kernel));
  SmallVector<int64_t> strides = orDefault(adaptor.getStridesAttr(), 2, 1);
  SmallVector<int64_t> pads = orDefault(adaptor.getPadsAttr(), 4, 0);
  SmallVector<int64_t> dil = orDefault(adaptor.getDilationsAttr(), 2, 1);
  SmallVector<int64_t> outPad = orDefault(adaptor.getOutputPaddingAttr(), 2, 0);
  if (strides.size() != 2 || llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "strides must be 2 positive values, got ",
                             formatShape(strides));
  if (dil.size() != 2 || llvm::any_of(dil, [](int64_t s) { return s < 1; }))
    return emitOptionalError(loc, "dilations must be 2 positive values, got ",
                             formatShape(dil));
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t s) { return s < 0; }))
    return emitOptionalError(loc,
                             "pads must be 4 non-negative values [top, left, bottom, right], got ",
                             formatShape(pads));
  if (outPad.size() != 2 || outPad[0] < 0 || outPad[1] < 0 || outPad[0] >= strides[0] ||
      outPad[1] >= strides[1])
    return emitOptionalError(loc, "output_padding ", formatShape(outPad),
                             " must be 2 non-negative values below strides ",
                             formatShape(strides));
  if (Value bias = adaptor.getB()) {
    RankedTensorType bt = rankedType(bias);
    if (bt.getElementType() != x.getElementType() || bt.getShape() != ArrayRef<int64_t>{m})
      return emitOptionalError(loc, "bias of shape ", formatShape(bt.getShape()),
                               " does not match the ", m, " output channels");
  }
  SmallVector<int64_t> y{x.getDimSize(0), m};
  for (int i = 0; i < 2; ++i) {
    int64_t o = strides[i] * (x.getDimSize(2 + i) - 1) + outPad[i] +
                dil[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + 2];
    if (o < 1)
      return emitOptionalError(loc, "pads ", formatShape(pads),
                               " leave no output along spatial axis ", i);
    y.push_back(o);
  }
  results.push_back(RankedTensorType::get(y, x.getElementType()));
  return success();
}

// Y = ConvBackwardData(X, W) (+ B), the adjoint of Conv in its input:
//   dX = Conv(dY, W), dW = ConvBackwardFilter(dY, X), dB = sum of dY over N, H, W
LogicalResult ConvTransposeOp::buildVJP(OpBuilder &b, ArrayRef<Value> resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value dY = resultGrads[0];
  auto si64 = b.getIntegerType(64, true);
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("strides", b.getDenseI64ArrayAttr(orDefault(getStridesAttr(), 2, 1))),
      b.getNamedAttr("pads", b.getDenseI64ArrayAttr(orDefault(getPadsAttr(), 4, 0))),
      b.getNamedAttr("dilations", b.getDenseI64ArrayAttr(orDefault(getDilationsAttr(), 2, 1))),
      b.getNamedAttr("group", b.getIntegerAttr(si64, getGroup()))};
  // Conv(dY, W) gives exactly X's shape except where output_padding left rows
  // no window reaches; those rows contribute nothing, so Conv's output is X's.
  operandGrads.push_back(ConvOp::create(b, loc, getX().getType(), ValueRange{dY, getW()},
                                        attrs));
  operandGrads.push_back(ConvBackwardFilterOp::create(b, loc, getW().getType(),
                                                      ValueRange{dY, getX()}, attrs));
  if (getB())
    operandGrads.push_back(make<ReduceSumOp>(
        b, loc, dY,
        {b.getNamedAttr("axes", b.getDenseI64ArrayAttr({0, 2, 3})),
         b.getNamedAttr("keepdims", b.getIntegerAttr(si64, 0))}));
  return success();
}
