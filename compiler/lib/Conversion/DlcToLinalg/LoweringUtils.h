//===- LoweringUtils.h - shared helpers of the DlcToLinalg patterns -*- C++ -*-===//
//
// Building blocks every op family uses: empty and filled result tensors,
// broadcasting indexing maps, elementwise linalg.generic construction, and
// the contraction (Matmul, Gemm, Conv).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CONVERSION_DLCTOLINALG_LOWERINGUTILS_H
#define DLC_CONVERSION_DLCTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dlc {

/// Computes one output element from the scalar inputs of an elementwise op.
using ScalarFn =
    function_ref<Value(OpBuilder &, Location, ValueRange /*scalars*/)>;

/// tensor.empty of `type`.
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type);

/// A tensor of `type` filled with `value` (linalg.fill).
Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   double value);

/// A float constant of `type`.
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);

/// The indexing map reading an operand of `shape` inside a loop nest over
/// `resultShape` (numpy broadcasting: dimensions align from the right; an
/// operand dimension of 1 under a larger loop reads index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> resultShape);

/// The pieces of a reduction of `type` along one axis: the reduced type,
/// the identity map (for full-shape operands and results), the map that
/// drops the axis (for reduced operands), and the iterator types of the
/// reducing and of the all-parallel generic over `type`.
struct AxisReduction {
  AxisReduction(MLIRContext *ctx, RankedTensorType type, int64_t axis);
  RankedTensorType reducedType;
  AffineMap identity, reduced;
  SmallVector<utils::IteratorType> reduceIters, parallelIters;
};

/// An all-parallel linalg.generic over `resultType` whose inputs broadcast to
/// it; `fn` computes an element.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, ScalarFn fn);

/// acc[out] += a[aMap] * b[bMap] into a zero-filled accumulator of
/// `resultType`, over `numLoops` loops, the last of which is the reduction
/// in the maps given (one reduction loop; the maps are projected
/// permutations, with batch loops that A or B may broadcast). With
/// `rowInnermost` (B's rows run along n, the last parallel loop), the nest
/// runs (..., k, n) instead: the inner loop then streams a row of B and of
/// the result with unit stride and independent iterations, which LLVM
/// vectorizes, where (..., n, k) would be a serial dot product over a
/// strided column of B. Without it the sum is marked `reassoc` (an inner
/// dot product may be summed in any order). The GEMM codegen recognizes
/// exactly this form.
Value buildContraction(OpBuilder &b, Location loc, RankedTensorType resultType,
                       Value lhs, Value rhs, AffineMap lhsMap, AffineMap rhsMap,
                       AffineMap outMap, unsigned numLoops, bool rowInnermost);

/// A float constant of `like`'s type (the formulas' shorthand).
inline Value constLike(OpBuilder &b, Location loc, Value like, double v) {
  return floatConstant(b, loc, like.getType(), v);
}

/// True when an operand or result has unsigned integer elements, which arith
/// (signless integers) cannot lower.
bool hasUnsignedElements(Operation *op);

/// Lowers an op whose every result element is `Formula()(op, b, loc, x)` of
/// the corresponding (broadcast) operand elements `x`: one all-parallel
/// linalg.generic. Ops with unsigned elements are left unmatched.
template <typename OpTy, typename Formula>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (hasUnsignedElements(op))
      return rewriter.notifyMatchFailure(op, "unsigned elements are not lowered");
    auto type = cast<RankedTensorType>(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange x) { return Formula()(op, b, loc, x); });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace mlir::dlc

#endif
