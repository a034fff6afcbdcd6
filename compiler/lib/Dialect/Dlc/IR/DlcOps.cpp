//===- DlcOps.cpp - dlc operator semantics ---------------------------------===//
//
// Shape rules (inferReturnTypes), verifiers and folds of the dlc operators, in
// the order of DlcOps.td. inferReturnTypes is the single source of truth for
// an op's shapes: the frontend calls it to type what it builds, and the
// InferTypeOpInterface verifier calls it to check parsed IR. Its messages are
// user-facing (they reach `dlc compile` users prefixed by file:line:col and
// the node), so each names the offending values.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <numeric>

using namespace mlir;
using namespace mlir::dlc;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string mlir::dlc::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

FailureOr<SmallVector<int64_t>> mlir::dlc::broadcastShapes(ArrayRef<int64_t> a,
                                                          ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right; a missing dimension acts as 1.
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t{1},
                         std::multiplies<int64_t>());
}

/// Checks that all operands have the element type of the first.
static LogicalResult sameElementTypes(std::optional<Location> loc,
                                      ValueRange operands) {
  Type first = getElementTypeOrSelf(operands.front().getType());
  for (Value v : operands.drop_front())
    if (getElementTypeOrSelf(v.getType()) != first)
      return emitOptionalError(loc, "operands have different element types: ",
                               first, " and ",
                               getElementTypeOrSelf(v.getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  SmallVector<Value> operands{adaptor.getA(), adaptor.getB()};
  if (adaptor.getC())
    operands.push_back(adaptor.getC());
  if (failed(sameElementTypes(loc, operands)))
    return failure();
  RankedTensorType a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "A and B must be matrices, got ",
                             formatShape(a.getShape()), " and ",
                             formatShape(b.getShape()));
  // Defaults by hand: the adaptor does not fill in DefaultValuedAttr, and the
  // custom parser infers types before the op's properties get their defaults.
  bool ta = adaptor.getTransAAttr() && adaptor.getTransA();
  bool tb = adaptor.getTransBAttr() && adaptor.getTransB();
  int64_t m = a.getDimSize(ta ? 1 : 0), ka = a.getDimSize(ta ? 0 : 1);
  int64_t kb = b.getDimSize(tb ? 1 : 0), n = b.getDimSize(tb ? 0 : 1);
  if (ka != kb)
    // Shapes as multiplied, i.e. after transA/transB.
    return emitOptionalError(loc, "inner dimensions differ: ",
                             formatShape({m, ka}), " x ", formatShape({kb, n}));
  SmallVector<int64_t> y{m, n};
  if (Value c = adaptor.getC()) {
    ArrayRef<int64_t> cs = rankedType(c).getShape();
    // Unidirectional: C must broadcast to [M, N] without changing it.
    FailureOr<SmallVector<int64_t>> bc = broadcastShapes(y, cs);
    if (cs.size() > 2 || failed(bc) || *bc != y)
      return emitOptionalError(loc, "C of shape ", formatShape(cs),
                               " does not broadcast to the result ",
                               formatShape(y));
  }
  results.push_back(RankedTensorType::get(y, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  if (failed(sameElementTypes(loc, {adaptor.getA(), adaptor.getB()})))
    return failure();
  RankedTensorType a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (a.getRank() == 0 || b.getRank() == 0)
    return emitOptionalError(loc, "operands must have rank 1 or more, got ",
                             formatShape(a.getShape()), " and ",
                             formatShape(b.getShape()));
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool vecA = as.size() == 1, vecB = bs.size() == 1;
  if (vecA)
    as.insert(as.begin(), 1);
  if (vecB)
    bs.push_back(1);
  int64_t m = as[as.size() - 2], ka = as.back();
  int64_t kb = bs[bs.size() - 2], n = bs.back();
  if (ka != kb)
    return emitOptionalError(loc, "inner dimensions differ: ",
                             formatShape(a.getShape()), " x ",
                             formatShape(b.getShape()), " (", ka, " vs ", kb,
                             ")");
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(ArrayRef(as).drop_back(2), ArrayRef(bs).drop_back(2));
  if (failed(batch))
    return emitOptionalError(loc, "batch dimensions do not broadcast: ",
                             formatShape(a.getShape()), " x ",
                             formatShape(b.getShape()));
  SmallVector<int64_t> y = *batch;
  if (!vecA)
    y.push_back(m);
  if (!vecB)
    y.push_back(n);
  results.push_back(RankedTensorType::get(y, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcasting binary ops
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc, Value a,
                                    Value b, SmallVectorImpl<Type> &results) {
  if (failed(sameElementTypes(loc, {a, b})))
    return failure();
  RankedTensorType ta = rankedType(a), tb = rankedType(b);
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(ta.getShape(), tb.getShape());
  if (failed(shape))
    return emitOptionalError(loc, "shapes do not broadcast: ",
                             formatShape(ta.getShape()), " and ",
                             formatShape(tb.getShape()));
  results.push_back(RankedTensorType::get(*shape, ta.getElementType()));
  return success();
}

#define DLC_BROADCAST_INFER(OP)                                                \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                           \
                                     std::optional<Location> loc,             \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &results) {        \
    return inferBroadcast(loc, adaptor.getA(), adaptor.getB(), results);      \
  }
DLC_BROADCAST_INFER(AddOp)
DLC_BROADCAST_INFER(SubOp)
DLC_BROADCAST_INFER(MulOp)
DLC_BROADCAST_INFER(DivOp)
#undef DLC_BROADCAST_INFER

//===----------------------------------------------------------------------===//
// Unary ops: the result has the operand's type
//===----------------------------------------------------------------------===//

#define DLC_SAME_TYPE_INFER(OP, OPERAND)                                       \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,  \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &results) {        \
    results.push_back(adaptor.get##OPERAND().getType());                      \
    return success();                                                          \
  }
DLC_SAME_TYPE_INFER(ReluOp, X)
DLC_SAME_TYPE_INFER(LeakyReluOp, X)
DLC_SAME_TYPE_INFER(EluOp, X)
DLC_SAME_TYPE_INFER(SigmoidOp, X)
DLC_SAME_TYPE_INFER(TanhOp, X)
DLC_SAME_TYPE_INFER(GeluOp, X)
DLC_SAME_TYPE_INFER(IdentityOp, Input)
#undef DLC_SAME_TYPE_INFER

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

static LogicalResult inferSoftmaxLike(std::optional<Location> loc, Value input,
                                      int64_t axis,
                                      SmallVectorImpl<Type> &results) {
  int64_t rank = rankedType(input).getRank();
  if (rank == 0 || axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             rank, " (expected [", -rank, ", ", rank - 1, "])");
  results.push_back(input.getType());
  return success();
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  // The default by hand: the custom parser infers types before the op's
  // properties get their defaults, so the adaptor's attribute may be null.
  return inferSoftmaxLike(loc, adaptor.getInput(),
                          adaptor.getAxisAttr() ? adaptor.getAxis() : -1,
                          results);
}

LogicalResult LogSoftmaxOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &results) {
  // The default by hand: the custom parser infers types before the op's
  // properties get their defaults, so the adaptor's attribute may be null.
  return inferSoftmaxLike(loc, adaptor.getInput(),
                          adaptor.getAxisAttr() ? adaptor.getAxis() : -1,
                          results);
}

//===----------------------------------------------------------------------===//
// Flatten
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedType(adaptor.getInput());
  // The default (1) by hand, as for Softmax.
  int64_t rank = t.getRank(),
          axis = adaptor.getAxisAttr() ? adaptor.getAxis() : 1;
  if (axis < -rank || axis > rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             rank, " (expected [", -rank, ", ", rank, "])");
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> s = t.getShape();
  results.push_back(RankedTensorType::get(
      {product(s.take_front(axis)), product(s.drop_front(axis))},
      t.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedType(adaptor.getData());
  ArrayRef<int64_t> in = t.getShape();
  ArrayRef<int64_t> target = adaptor.getShape();
  SmallVector<int64_t> out;
  int64_t inferred = -1, known = 1;
  for (auto [i, entry] : llvm::enumerate(target)) {
    int64_t d = entry;
    if (d == 0) {
      // ONNX (allowzero = 0): copy the input's dimension at this index.
      if (i >= in.size())
        return emitOptionalError(loc, "shape ", formatShape(target),
                                 " copies dimension ", i, " (0) but the input ",
                                 formatShape(in), " has rank ", in.size());
      d = in[i];
    } else if (d == -1) {
      if (inferred >= 0)
        return emitOptionalError(loc, "shape ", formatShape(target),
                                 " has more than one -1");
      inferred = i;
    } else if (d < -1) {
      return emitOptionalError(loc, "shape ", formatShape(target),
                               " has a negative dimension ", d);
    }
    out.push_back(d);
    if (d != -1)
      known *= d;
  }
  int64_t count = product(in);
  if (inferred >= 0) {
    if (known == 0 || count % known != 0)
      return emitOptionalError(loc, "cannot reshape ", formatShape(in), " (",
                               count, " elements) to ", formatShape(target));
    out[inferred] = count / known;
  } else if (known != count) {
    return emitOptionalError(loc, "cannot reshape ", formatShape(in), " (",
                             count, " elements) to ", formatShape(target), " (",
                             known, " elements)");
  }
  results.push_back(RankedTensorType::get(out, t.getElementType()));
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  // Reshape(x) = x when the shape does not change.
  if (getData().getType() == getType())
    return getData();
  return {};
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> permutationOrDefault(std::optional<ArrayRef<int64_t>> perm,
                                                 int64_t rank) {
  if (perm)
    return SmallVector<int64_t>(*perm);
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  return reversed;
}

SmallVector<int64_t> TransposeOp::getPermutation() {
  return permutationOrDefault(getPerm(), getData().getType().getRank());
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedType(adaptor.getData());
  int64_t rank = t.getRank();
  SmallVector<int64_t> perm = permutationOrDefault(adaptor.getPerm(), rank);
  SmallVector<bool> seen(rank, false);
  bool valid = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= rank || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return emitOptionalError(loc, "perm ", formatShape(perm),
                             " is not a permutation of the ", rank,
                             " dimensions of ", formatShape(t.getShape()));
  SmallVector<int64_t> out;
  for (int64_t p : perm)
    out.push_back(t.getDimSize(p));
  results.push_back(RankedTensorType::get(out, t.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  // Transpose(x, identity) = x
  SmallVector<int64_t> perm = getPermutation();
  for (auto [i, p] : llvm::enumerate(perm))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getData();
}

DenseI64ArrayAttr mlir::dlc::composePermutations(Value x, DenseI64ArrayAttr p,
                                                 DenseI64ArrayAttr q) {
  int64_t rank = rankedType(x).getRank();
  auto asOptional = [](DenseI64ArrayAttr a) -> std::optional<ArrayRef<int64_t>> {
    if (!a)
      return std::nullopt;
    return a.asArrayRef();
  };
  SmallVector<int64_t> pp = permutationOrDefault(asOptional(p), rank);
  SmallVector<int64_t> qq = permutationOrDefault(asOptional(q), rank);
  SmallVector<int64_t> composed;
  for (int64_t i : qq)
    composed.push_back(pp[i]);
  return DenseI64ArrayAttr::get(x.getContext(), composed);
}

//===----------------------------------------------------------------------===//
// Identity
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

//===----------------------------------------------------------------------===//
// Canonicalization patterns (declared in DlcCanonicalize.td)
//===----------------------------------------------------------------------===//

namespace {
#include "dlc/Dialect/Dlc/IR/DlcCanonicalize.inc"
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ReshapeOfReshape>(context);
}

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<TransposeOfTranspose>(context);
}

#define GET_OP_CLASSES
#include "dlc/Dialect/Dlc/IR/DlcOps.cpp.inc"
