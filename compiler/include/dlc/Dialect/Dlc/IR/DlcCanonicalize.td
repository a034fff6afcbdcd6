//===- DlcCanonicalize.td - declarative peephole rewrites --------*- tablegen -*-===//
//
// Canonicalization patterns of the dlc dialect, each under its algebra.
// Folds that need no new op (Identity, identity Transpose, no-op Reshape) are
// the ops' fold hooks in DlcOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CANONICALIZE_TD
#define DLC_CANONICALIZE_TD

include "mlir/IR/PatternBase.td"
include "dlc/Dialect/Dlc/IR/DlcOps.td"

// The static shape of a value, as a Reshape target.
def ShapeOf : NativeCodeCall<
    "$_builder.getDenseI64ArrayAttr(::llvm::cast<::mlir::ShapedType>($0.getType()).getShape())">;

// Reshape(Reshape(x, s1), s2) = Reshape(x, shape of the result)
// (s2 may hold 0 entries that refer to the inner result, so the fused op takes
// the outer result's explicit shape.)
def ReshapeOfReshape : Pat<(Dlc_ReshapeOp:$outer (Dlc_ReshapeOp $x, $s1), $s2),
                           (Dlc_ReshapeOp $x, (ShapeOf $outer))>;

// The composed permutation q∘p: result dimension i is x's dimension p[q[i]].
def ComposedPerm : NativeCodeCall<"::mlir::dlc::composePermutations($0, $1, $2)">;

// Transpose(Transpose(x, p), q) = Transpose(x, p∘q)
def TransposeOfTranspose
    : Pat<(Dlc_TransposeOp (Dlc_TransposeOp $x, $p), $q),
          (Dlc_TransposeOp $x, (ComposedPerm $x, $p, $q))>;

#endif // DLC_CANONICALIZE_TD
