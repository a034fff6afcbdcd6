//===- LoweringUtils.cpp - shared helpers of the DlcToLinalg patterns -----===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::dlc;

Value mlir::dlc::createEmpty(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value mlir::dlc::floatConstant(OpBuilder &b, Location loc, Type type,
                               double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value mlir::dlc::createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                              double value) {
  Value init = createEmpty(b, loc, type);
  Value scalar = floatConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

AffineMap mlir::dlc::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> resultShape) {
  size_t offset = resultShape.size() - shape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 1 && resultShape[i + offset] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i + offset, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value mlir::dlc::buildElementwise(OpBuilder &b, Location loc,
                                  RankedTensorType resultType,
                                  ValueRange inputs, ScalarFn fn) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(
        broadcastMap(ctx, cast<RankedTensorType>(in.getType()).getShape(), shape));
  maps.push_back(AffineMap::getMultiDimIdentityMap(shape.size(), ctx));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{createEmpty(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = fn(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value mlir::dlc::buildContraction(OpBuilder &b, Location loc,
                                  RankedTensorType resultType, Value lhs,
                                  Value rhs, AffineMap lhsMap, AffineMap rhsMap,
                                  AffineMap outMap, unsigned numLoops,
                                  bool rowInnermost) {
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  if (rowInnermost && numLoops >= 2) {
    SmallVector<unsigned> swapLast;
    for (unsigned i = 0; i < numLoops; ++i)
      swapLast.push_back(i);
    std::swap(swapLast[numLoops - 2], swapLast[numLoops - 1]);
    AffineMap perm = AffineMap::getPermutationMap(swapLast, b.getContext());
    lhsMap = lhsMap.compose(perm);
    rhsMap = rhsMap.compose(perm);
    outMap = outMap.compose(perm);
    std::swap(iterators[numLoops - 2], iterators[numLoops - 1]);
  }
  Value acc = createFilled(b, loc, resultType, 0.0);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{acc},
      ArrayRef<AffineMap>{lhsMap, rhsMap, outMap}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        // An inner dot product (k innermost) may be summed in any order, so
        // LLVM can vectorize it with several partial sums.
        auto flags = rowInnermost ? arith::FastMathFlags::none
                                  : arith::FastMathFlags::reassoc;
        linalg::YieldOp::create(
            nb, nloc, Value(arith::AddFOp::create(nb, nloc, args[2], prod, flags)));
      });
  return generic.getResult(0);
}

AxisReduction::AxisReduction(MLIRContext *ctx, RankedTensorType type, int64_t axis)
    : identity(AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)),
      reduceIters(type.getRank(), utils::IteratorType::parallel),
      parallelIters(type.getRank(), utils::IteratorType::parallel) {
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  reducedType = RankedTensorType::get(shape, type.getElementType());
  reduced = identity.dropResult(axis);
  reduceIters[axis] = utils::IteratorType::reduction;
}

bool mlir::dlc::hasUnsignedElements(Operation *op) {
  auto isUnsigned = [](Type t) {
    auto i = dyn_cast<IntegerType>(getElementTypeOrSelf(t));
    return i && !i.isSignless();
  };
  return llvm::any_of(op->getOperandTypes(), isUnsigned) ||
         llvm::any_of(op->getResultTypes(), isUnsigned);
}
