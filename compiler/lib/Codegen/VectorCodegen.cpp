//===- VectorCodegen.cpp - helpers of the passes that emit vector code ----===//

#include "VectorCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

FailureOr<dlc::FlatOperand> dlc::flatten(Value value, AffineMap map, unsigned numLoops) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !type.hasStaticShape())
    return failure();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || llvm::any_of(strides, ShapedType::isDynamic))
    return failure();
  FlatOperand flat{value, offset, 1, SmallVector<int64_t>(numLoops, 0)};
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    flat.span += (type.getDimSize(i) - 1) * strides[i];
    if (auto dim = dyn_cast<AffineDimExpr>(expr))
      flat.coef[dim.getPosition()] += strides[i];
    else if (auto cst = dyn_cast<AffineConstantExpr>(expr); !cst || cst.getValue() != 0)
      return failure();
  }
  return flat;
}

Value dlc::flatView(OpBuilder &b, Location loc, const FlatOperand &op) {
  auto source = cast<MemRefType>(op.memref.getType());
  auto type = MemRefType::get(
      {op.span}, source.getElementType(),
      op.offset == 0 ? MemRefLayoutAttrInterface()
                     : StridedLayoutAttr::get(b.getContext(), op.offset, {1}));
  return memref::ReinterpretCastOp::create(b, loc, type, op.memref, op.offset,
                                           ArrayRef<int64_t>{op.span}, ArrayRef<int64_t>{1});
}

Value dlc::loadVector(OpBuilder &b, Location loc, VectorType type, Value view, Value at,
                      Value mask) {
  if (!mask)
    return vector::LoadOp::create(b, loc, type, view, ValueRange{at});
  Value zero = arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
  return vector::MaskedLoadOp::create(b, loc, type, view, ValueRange{at}, mask, zero);
}

void dlc::storeVector(OpBuilder &b, Location loc, Value value, Value view, Value at,
                      Value mask) {
  if (mask)
    vector::MaskedStoreOp::create(b, loc, view, ValueRange{at}, mask, value);
  else
    vector::StoreOp::create(b, loc, value, view, ValueRange{at});
}

Value dlc::loadLanes(OpBuilder &b, Location loc, VectorType type, Value view, Value at,
                     int64_t stride, Value mask) {
  if (stride == 0)
    return vector::BroadcastOp::create(b, loc, type,
                                       memref::LoadOp::create(b, loc, view, ValueRange{at}));
  return loadVector(b, loc, type, view, at, mask);
}

bool dlc::isVectorizable(Operation &op) {
  auto scalar = [](Type t) { return t.isIntOrFloat(); };
  if (!llvm::all_of(op.getResultTypes(), scalar) ||
      !llvm::all_of(op.getOperandTypes(), scalar) || op.getNumRegions() != 0)
    return false;
  return isa<arith::ConstantOp>(op) ||
         (op.hasTrait<OpTrait::Elementwise>() && isMemoryEffectFree(&op));
}

SmallVector<Value> dlc::vectorizeBody(OpBuilder &b, Location loc, Block &body,
                                      IRMapping &map, int64_t width) {
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  for (Operation &op : body.without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
      auto type = vectorOf(cst.getType());
      map.map(cst.getResult(),
              arith::ConstantOp::create(b, loc, type,
                                        DenseElementsAttr::get(type, cst.getValue())));
      continue;
    }
    SmallVector<Value> operands;
    for (Value v : op.getOperands())
      operands.push_back(map.contains(v)
                             ? map.lookup(v)
                             : Value(vector::BroadcastOp::create(b, loc, vectorOf(v.getType()), v)));
    OperationState state(loc, op.getName());
    state.addOperands(operands);
    state.addAttributes(op.getAttrs());
    for (Type t : op.getResultTypes())
      state.addTypes(vectorOf(t));
    Operation *vectorized = b.create(state);
    map.map(op.getResults(), vectorized->getResults());
  }
  SmallVector<Value> results;
  for (Value v : body.getTerminator()->getOperands())
    results.push_back(map.contains(v) ? map.lookup(v)
                                      : Value(vector::BroadcastOp::create(
                                            b, loc, vectorOf(v.getType()), v)));
  return results;
}
