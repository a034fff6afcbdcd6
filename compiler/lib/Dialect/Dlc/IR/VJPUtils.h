//===- VJPUtils.h - helpers shared by the VJP rules -----------*- C++ -*-===//
//
// Small builders used by the VJP rules of every op family (DlcVJP.cpp and
// the per-family DlcXxxOps.cpp): dlc ops with inferred result types, scalar
// constants, and the reduction of a broadcast gradient to an operand's shape.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_LIB_DIALECT_DLC_IR_VJPUTILS_H
#define DLC_LIB_DIALECT_DLC_IR_VJPUTILS_H

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

namespace mlir::dlc::vjp {

inline RankedTensorType tensorType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Builds a dlc op whose result type its shape rule infers.
template <typename OpTy>
Value make(OpBuilder &b, Location loc, ValueRange operands,
           ArrayRef<NamedAttribute> attrs = {}) {
  return OpTy::create(b, loc, operands, attrs)->getResult(0);
}

/// A scalar constant of `elementType`.
inline Value scalar(OpBuilder &b, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(b, loc, type,
                            DenseElementsAttr::get(type, b.getFloatAttr(elementType, value)));
}

inline Value scaled(OpBuilder &b, Location loc, Value x, double factor) {
  if (factor == 1.0)
    return x;
  return make<MulOp>(b, loc, {x, scalar(b, loc, tensorType(x).getElementType(), factor)});
}

inline Value reshapeTo(OpBuilder &b, Location loc, Value x, RankedTensorType target) {
  if (x.getType() == target)
    return x;
  return make<ReshapeOp>(b, loc, x,
                         {b.getNamedAttr("shape", b.getDenseI64ArrayAttr(target.getShape()))});
}

/// Sums a gradient of the broadcast result's shape back to an operand's shape
/// (numpy broadcasting in reverse): leading extra axes and axes where the
/// operand has size 1.
inline Value reduceToShape(OpBuilder &b, Location loc, Value grad, RankedTensorType target) {
  RankedTensorType g = tensorType(grad);
  if (g == target)
    return grad;
  int64_t offset = g.getRank() - target.getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < g.getRank(); ++i)
    if (i < offset || (target.getDimSize(i - offset) == 1 && g.getDimSize(i) != 1))
      axes.push_back(i);
  Value summed = grad;
  if (!axes.empty())
    summed = make<ReduceSumOp>(
        b, loc, grad,
        {b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
         b.getNamedAttr("keepdims", b.getIntegerAttr(b.getIntegerType(64, true), 1))});
  return reshapeTo(b, loc, summed, target);
}

} // namespace mlir::dlc::vjp

#endif // DLC_LIB_DIALECT_DLC_IR_VJPUTILS_H
