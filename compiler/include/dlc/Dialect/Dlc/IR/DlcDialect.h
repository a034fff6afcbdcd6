//===- DlcDialect.h - the dlc dialect ---------------------------*- C++ -*-===//
//
// Declares the dlc dialect and its operators. Include this to use dlc ops.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DLC_IR_DLCDIALECT_H
#define DLC_DIALECT_DLC_IR_DLCDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dlc/Dialect/Dlc/IR/DlcOpsDialect.h.inc"
#include "dlc/Dialect/Dlc/IR/DlcInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dlc/Dialect/Dlc/IR/DlcOps.h.inc"

namespace mlir::dlc {

/// numpy broadcasting of two static shapes; failure if incompatible.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);

/// The permutation of Transpose(Transpose(x)) as one Transpose of x.
/// `p` and `q` may be null (reversal, the ONNX default).
DenseI64ArrayAttr composePermutations(Value x, DenseI64ArrayAttr p,
                                      DenseI64ArrayAttr q);

/// Distinct axes of a rank-`rank` tensor made non-negative and sorted (all
/// axes when `axes` is empty); failure, with a message at `loc`, otherwise.
FailureOr<SmallVector<int64_t>> normalizeAxes(std::optional<Location> loc,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank);

/// The result type of reducing `type` over `axes` (ONNX: all axes when
/// empty), keeping reduced axes as 1 with `keepDims`. With `rejectEmptyAxis`
/// (reductions without an identity, e.g. mean and max) reducing an axis of
/// size 0 is an error. Failure, with a message at `loc`, otherwise.
FailureOr<RankedTensorType> reducedType(std::optional<Location> loc,
                                        RankedTensorType type,
                                        ArrayRef<int64_t> axes, bool keepDims,
                                        bool rejectEmptyAxis);

/// "[64, 256]": how diagnostics show a shape.
std::string formatShape(ArrayRef<int64_t> shape);
} // namespace mlir::dlc

#endif // DLC_DIALECT_DLC_IR_DLCDIALECT_H
