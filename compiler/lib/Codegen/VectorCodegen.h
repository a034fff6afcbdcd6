//===- VectorCodegen.h - helpers of the passes that emit vector code -*- C++ -*-===//
//
// dlc-lower-contractions and dlc-vectorize-elementwise write loops over flat
// views of static memrefs and apply linalg bodies lane by lane; these are
// the pieces they share.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_LIB_CODEGEN_VECTORCODEGEN_H
#define DLC_LIB_CODEGEN_VECTORCODEGEN_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dlc {

/// One operand of a loop nest seen as a flat array: the element at loop
/// indices `loop` is at `offset + sum(coef[d] * loop[d])` of the buffer.
struct FlatOperand {
  Value memref;
  int64_t offset = 0;
  int64_t span = 0; // elements the flat view covers
  SmallVector<int64_t> coef;
};

/// The flat form of `value` indexed by `map` over `numLoops` loops, or
/// failure for a dynamic shape or layout, or a map result that is neither a
/// loop nor the constant 0 (a broadcast).
FailureOr<FlatOperand> flatten(Value value, AffineMap map, unsigned numLoops);

/// A rank-1 view of the operand's buffer over its whole span.
Value flatView(OpBuilder &b, Location loc, const FlatOperand &op);

/// A vector of `type` read from the rank-1 `view` at `at`: only the lanes of
/// `mask` (others 0) when a mask is given.
Value loadVector(OpBuilder &b, Location loc, VectorType type, Value view, Value at,
                 Value mask = {});
/// Writes `value` at `at` of the rank-1 `view`, only the lanes of `mask` when
/// one is given.
void storeVector(OpBuilder &b, Location loc, Value value, Value view, Value at,
                 Value mask = {});
/// The lanes of an operand along a loop it advances by `stride` (0 or 1) per
/// step: one element broadcast (stride 0) or a (masked) vector.
Value loadLanes(OpBuilder &b, Location loc, VectorType type, Value view, Value at,
                int64_t stride, Value mask = {});

/// Whether a scalar op of a linalg body can be applied lane by lane to
/// vectors: a constant, or a side-effect-free elementwise op on scalars.
bool isVectorizable(Operation &op);

/// Clones `body`'s ops (all isVectorizable) on vectors of `width` lanes;
/// `map` must map the block arguments to vectors. Values from outside the
/// body are broadcast. Returns the vectors the terminator yields.
SmallVector<Value> vectorizeBody(OpBuilder &b, Location loc, Block &body, IRMapping &map,
                                 int64_t width);

} // namespace mlir::dlc

#endif // DLC_LIB_CODEGEN_VECTORCODEGEN_H
