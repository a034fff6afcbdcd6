//===- DlcRecurrentOps.cpp - shape rules of the DlcRecurrentOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcRecurrentOps.td.
// The three ops share one rule, parameterized by the gate count G and the
// activations per direction; the InferTypeOpInterface trait then checks that
// the declared result types are the inferred ones.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// The operands and attributes of any of RNN, GRU, LSTM, read from its adaptor.
struct RecurrentOperands {
  Value x, w, r, b, seqLens, initialH, initialC, p;
  IntegerAttr hiddenSize, layout, linearBeforeReset;
  StringAttr direction;
  ArrayAttr activations;
  FloatAttr clip;
};

LogicalResult inferRecurrent(std::optional<Location> loc,
                             int64_t gates, int64_t activationsPerDirection,
                             const RecurrentOperands &o,
                             SmallVectorImpl<Type> &results) {
  auto x = cast<RankedTensorType>(o.x.getType());
  Type elem = x.getElementType();
  if (x.getRank() != 3)
    return emitOptionalError(loc, "input X must have rank 3 ([seq, batch, input] or "
                             "[batch, seq, input]), got ", formatShape(x.getShape()));
  if (!o.hiddenSize)
    return emitOptionalError(loc, "needs the attribute hidden_size");
  int64_t h = o.hiddenSize.getInt();
  if (h < 1)
    return emitOptionalError(loc, "hidden_size must be positive, got ", h);
  StringRef direction = o.direction ? o.direction.getValue() : "forward";
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return emitOptionalError(loc, "direction must be \"forward\", \"reverse\" or "
                             "\"bidirectional\", got \"", direction, "\"");
  int64_t numDir = direction == "bidirectional" ? 2 : 1;
  int64_t layout = o.layout ? o.layout.getInt() : 0;
  if (layout != 0 && layout != 1)
    return emitOptionalError(loc, "layout must be 0 ([seq, batch, ...]) or 1 "
                             "([batch, seq, ...]), got ", layout);
  if (o.linearBeforeReset && o.linearBeforeReset.getInt() != 0 &&
      o.linearBeforeReset.getInt() != 1)
    return emitOptionalError(loc, "linear_before_reset must be 0 or 1, got ",
                             o.linearBeforeReset.getInt());
  if (o.seqLens)
    return emitOptionalError(loc, "sequence_lens is not supported yet: every "
                             "sequence has the full length; omit it");
  int64_t seq = x.getDimSize(layout == 0 ? 0 : 1);
  int64_t batch = x.getDimSize(layout == 0 ? 1 : 0);
  int64_t input = x.getDimSize(2);

  // Every other float operand: same element type, the expected shape.
  auto check = [&](Value v, StringRef name, ArrayRef<int64_t> expected) -> LogicalResult {
    if (!v)
      return success();
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != elem)
      return emitOptionalError(loc, name, " has element type ",
                               t.getElementType(), ", X has ", elem);
    if (t.getShape() != expected)
      return emitOptionalError(loc, name, " has shape ", formatShape(t.getShape()),
                               ", expected ", formatShape(expected), " (direction \"",
                               direction, "\", hidden_size ", h, ", layout ", layout,
                               ", X ", formatShape(x.getShape()), ")");
    return success();
  };
  SmallVector<int64_t> state =
      layout == 0 ? SmallVector<int64_t>{numDir, batch, h} : SmallVector<int64_t>{batch, numDir, h};
  if (failed(check(o.w, "W", {numDir, gates * h, input})) ||
      failed(check(o.r, "R", {numDir, gates * h, h})) ||
      failed(check(o.b, "B", {numDir, 2 * gates * h})) ||
      failed(check(o.initialH, "initial_h", state)) ||
      failed(check(o.initialC, "initial_c", state)) ||
      failed(check(o.p, "P", {numDir, 3 * h})))
    return failure();

  if (o.activations) {
    int64_t expected = activationsPerDirection * numDir;
    if (static_cast<int64_t>(o.activations.size()) != expected)
      return emitOptionalError(loc, "activations has ", o.activations.size(),
                               " entries, expected ", expected, " (",
                               activationsPerDirection, " per direction)");
    for (Attribute a : o.activations) {
      StringRef name = cast<StringAttr>(a).getValue();
      if (name != "Tanh" && name != "Sigmoid" && name != "Relu")
        return emitOptionalError(loc, "activation \"", name,
                                 "\" is not supported (Tanh, Sigmoid, Relu)");
    }
  }
  if (o.clip && !(o.clip.getValueAsDouble() > 0))
    return emitOptionalError(loc, "clip must be positive, got ",
                             o.clip.getValueAsDouble());

  SmallVector<int64_t> y = layout == 0 ? SmallVector<int64_t>{seq, numDir, batch, h}
                                       : SmallVector<int64_t>{batch, seq, numDir, h};
  results.push_back(RankedTensorType::get(y, elem));
  results.push_back(RankedTensorType::get(state, elem));
  if (gates == 4)
    results.push_back(RankedTensorType::get(state, elem));
  return success();
}

template <typename Adaptor>
RecurrentOperands commonOperands(Adaptor &a) {
  RecurrentOperands o;
  o.x = a.getX();
  o.w = a.getW();
  o.r = a.getR();
  o.b = a.getB();
  o.seqLens = a.getSequenceLens();
  o.initialH = a.getInitialH();
  o.hiddenSize = a.getHiddenSizeAttr();
  o.layout = a.getLayoutAttr();
  o.direction = a.getDirectionAttr();
  o.activations = a.getActivationsAttr();
  o.clip = a.getClipAttr();
  return o;
}

} // namespace

LogicalResult RNNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return inferRecurrent(loc, 1, 1, commonOperands(adaptor), results);
}

LogicalResult GRUOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RecurrentOperands o = commonOperands(adaptor);
  o.linearBeforeReset = adaptor.getLinearBeforeResetAttr();
  return inferRecurrent(loc, 3, 2, o, results);
}

LogicalResult LSTMOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &results) {
  RecurrentOperands o = commonOperands(adaptor);
  o.initialC = adaptor.getInitialC();
  o.p = adaptor.getP();
  return inferRecurrent(loc, 4, 3, o, results);
}
