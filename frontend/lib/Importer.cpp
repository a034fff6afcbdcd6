//===- Importer.cpp - model description -> dlc dialect --------------------===//
//
// See Importer.h. The op table below is the frontend's whole knowledge of an
// op: its ONNX name, arity, and how each ONNX attribute maps onto the dialect
// op's attribute. Types of results come from the op's inferReturnTypes, so a
// shape error is reported by the dialect with the node's location.
//
//===----------------------------------------------------------------------===//

#include "dlc/Frontend/Importer.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/STLExtras.h"

#include <functional>

using namespace mlir;

namespace dlc {
namespace {

/// How an ONNX attribute's JSON value becomes an MLIR attribute.
enum class AttrKind {
  Float,   // number -> F64Attr
  Int,     // integer -> SI64 IntegerAttr
  Bool01,  // integer 0 or 1 -> BoolAttr
  Ints,    // array of integers -> DenseI64ArrayAttr
  Floats,  // array of numbers -> DenseF64ArrayAttr
  Strings, // array of strings -> ArrayAttr of StringAttr
  String,  // string -> StringAttr
  ZeroOnly // integer that must be 0 (an ONNX feature dlc does not support yet)
};

struct AttrRule {
  const char *name;
  AttrKind kind;
  bool required = false;
  /// For String attributes: the accepted values (empty: any).
  std::vector<const char *> choices = {};
};

/// Element types an op's tensor inputs may have.
enum class Operands {
  Float,
  Any,
  ScoresLabels, // float, then integer
  DataIndices,  // any, then integer
  Recurrent     // float, except input 4 (sequence_lens): integer
};

/// How an op's train-step form differs from its inference form.
enum class Training {
  None,
  /// BatchNormalization: `training = true`, two more results (the updated
  /// running statistics, inputs 3 and 4), returned as state updates.
  RunningStats,
  /// Dropout: the update counter as operand `step`, the training seed and a
  /// per-node salt as attributes.
  Mask
};

struct OpRule {
  const char *onnxName;
  const char *dialectName;
  unsigned minInputs, maxInputs;
  std::vector<AttrRule> attrs;
  Operands operands = Operands::Float;
  /// More than 1: a variadic-result op, one result per node output; when the
  /// node sets no `num_outputs`, the importer sets it to the output count.
  unsigned maxOutputs = 1;
  Training training = Training::None;
  /// Ops whose optional inputs may be omitted anywhere (RNN, GRU, LSTM): each
  /// input slot is an optional operand group (AttrSizedOperandSegments), and
  /// the op always has maxOutputs results, of which the node names the first
  /// few; an output named "" is unused.
  bool optionalSlots = false;
};

/// The attributes RNN, GRU and LSTM share, then `extra`.
std::vector<AttrRule> recurrentAttrs(std::vector<AttrRule> extra) {
  std::vector<AttrRule> attrs{
      {"hidden_size", AttrKind::Int, /*required=*/true},
      {"direction", AttrKind::String, false, {"forward", "reverse", "bidirectional"}},
      {"layout", AttrKind::Int},
      {"activations", AttrKind::Strings},
      {"clip", AttrKind::Float}};
  attrs.insert(attrs.end(), extra.begin(), extra.end());
  return attrs;
}

const std::vector<OpRule> &opTable() {
  static const std::vector<OpRule> table = {
      {"Gemm", "dlc.Gemm", 2, 3,
       {{"alpha", AttrKind::Float},
        {"beta", AttrKind::Float},
        {"transA", AttrKind::Bool01},
        {"transB", AttrKind::Bool01}}},
      {"MatMul", "dlc.MatMul", 2, 2, {}},
      {"Add", "dlc.Add", 2, 2, {}},
      {"Sub", "dlc.Sub", 2, 2, {}},
      {"Mul", "dlc.Mul", 2, 2, {}},
      {"Div", "dlc.Div", 2, 2, {}},
      {"Relu", "dlc.Relu", 1, 1, {}},
      {"LeakyRelu", "dlc.LeakyRelu", 1, 1, {{"alpha", AttrKind::Float}}},
      {"Elu", "dlc.Elu", 1, 1, {{"alpha", AttrKind::Float}}},
      {"Sigmoid", "dlc.Sigmoid", 1, 1, {}},
      {"Tanh", "dlc.Tanh", 1, 1, {}},
      {"Gelu", "dlc.Gelu", 1, 1,
       {{"approximate", AttrKind::String, false, {"none", "tanh"}}}},
      {"Softmax", "dlc.Softmax", 1, 1, {{"axis", AttrKind::Int}}},
      {"LogSoftmax", "dlc.LogSoftmax", 1, 1, {{"axis", AttrKind::Int}}},
      {"Flatten", "dlc.Flatten", 1, 1, {{"axis", AttrKind::Int}}, Operands::Any},
      // dlc takes Reshape's target shape as an attribute (static models).
      {"Reshape", "dlc.Reshape", 1, 1,
       {{"shape", AttrKind::Ints, /*required=*/true},
        {"allowzero", AttrKind::ZeroOnly}},
       Operands::Any},
      {"Transpose", "dlc.Transpose", 1, 1, {{"perm", AttrKind::Ints}},
       Operands::Any},
      {"Identity", "dlc.Identity", 1, 1, {}, Operands::Any},

      // Elementwise math, comparison and activations of the seed networks.
      {"Neg", "dlc.Neg", 1, 1, {}},
      {"Abs", "dlc.Abs", 1, 1, {}},
      {"Exp", "dlc.Exp", 1, 1, {}},
      {"Log", "dlc.Log", 1, 1, {}},
      {"Sqrt", "dlc.Sqrt", 1, 1, {}},
      {"Reciprocal", "dlc.Reciprocal", 1, 1, {}},
      {"Selu", "dlc.Selu", 1, 1,
       {{"alpha", AttrKind::Float}, {"gamma", AttrKind::Float}}},
      {"HardSigmoid", "dlc.HardSigmoid", 1, 1,
       {{"alpha", AttrKind::Float}, {"beta", AttrKind::Float}}},
      {"Softplus", "dlc.Softplus", 1, 1, {}},
      {"Pow", "dlc.Pow", 2, 2, {}},
      // ONNX Max and Min are variadic; dlc takes exactly 2 inputs.
      {"Max", "dlc.Max", 2, 2, {}},
      {"Min", "dlc.Min", 2, 2, {}},
      {"Equal", "dlc.Equal", 2, 2, {}, Operands::Any},
      {"Less", "dlc.Less", 2, 2, {}, Operands::Any},
      {"Greater", "dlc.Greater", 2, 2, {}, Operands::Any},
      // The condition's bool element type is checked by dlc.Where's verifier.
      {"Where", "dlc.Where", 3, 3, {}, Operands::Any},
      {"Cast", "dlc.Cast", 1, 1, {{"to", AttrKind::Int, /*required=*/true}},
       Operands::Any},
      // ONNX gives Clip's bounds as optional inputs; dlc takes them as the
      // optional attributes min and max (static models).
      {"Clip", "dlc.Clip", 1, 1,
       {{"min", AttrKind::Float}, {"max", AttrKind::Float}}},

      // Shape, reduction and embedding ops.
      {"Concat", "dlc.Concat", 1, 1024, {{"axis", AttrKind::Int, /*required=*/true}},
       Operands::Any},
      {"Split", "dlc.Split", 1, 1,
       {{"axis", AttrKind::Int}, {"split", AttrKind::Ints}, {"num_outputs", AttrKind::Int}},
       Operands::Any, /*maxOutputs=*/1024},
      {"Slice", "dlc.Slice", 1, 1,
       {{"starts", AttrKind::Ints, /*required=*/true},
        {"ends", AttrKind::Ints, /*required=*/true},
        {"axes", AttrKind::Ints},
        {"steps", AttrKind::Ints}},
       Operands::Any},
      {"Squeeze", "dlc.Squeeze", 1, 1, {{"axes", AttrKind::Ints}}, Operands::Any},
      {"Unsqueeze", "dlc.Unsqueeze", 1, 1, {{"axes", AttrKind::Ints, /*required=*/true}},
       Operands::Any},
      {"ReduceSum", "dlc.ReduceSum", 1, 1,
       {{"axes", AttrKind::Ints}, {"keepdims", AttrKind::Int},
        {"noop_with_empty_axes", AttrKind::ZeroOnly}}},
      {"ReduceMean", "dlc.ReduceMean", 1, 1,
       {{"axes", AttrKind::Ints}, {"keepdims", AttrKind::Int},
        {"noop_with_empty_axes", AttrKind::ZeroOnly}}},
      {"ReduceMax", "dlc.ReduceMax", 1, 1,
       {{"axes", AttrKind::Ints}, {"keepdims", AttrKind::Int},
        {"noop_with_empty_axes", AttrKind::ZeroOnly}}},
      {"ArgMax", "dlc.ArgMax", 1, 1,
       {{"axis", AttrKind::Int}, {"keepdims", AttrKind::Int},
        {"select_last_index", AttrKind::ZeroOnly}}},
      {"Gather", "dlc.Gather", 2, 2, {{"axis", AttrKind::Int}}, Operands::DataIndices},

      // Convolution and pooling.
      {"Conv", "dlc.Conv", 2, 3,
       {{"kernel_shape", AttrKind::Ints},
        {"strides", AttrKind::Ints},
        {"pads", AttrKind::Ints},
        {"dilations", AttrKind::Ints},
        {"group", AttrKind::Int},
        {"auto_pad", AttrKind::String}}},
      {"ConvTranspose", "dlc.ConvTranspose", 2, 3,
       {{"kernel_shape", AttrKind::Ints},
        {"strides", AttrKind::Ints},
        {"pads", AttrKind::Ints},
        {"dilations", AttrKind::Ints},
        {"output_padding", AttrKind::Ints},
        {"output_shape", AttrKind::Ints},
        {"group", AttrKind::Int},
        {"auto_pad", AttrKind::String}}},
      {"MaxPool", "dlc.MaxPool", 1, 1,
       {{"kernel_shape", AttrKind::Ints, /*required=*/true},
        {"strides", AttrKind::Ints},
        {"pads", AttrKind::Ints},
        {"dilations", AttrKind::Ints},
        {"ceil_mode", AttrKind::Int},
        {"storage_order", AttrKind::Int},
        {"auto_pad", AttrKind::String}}},
      {"AveragePool", "dlc.AveragePool", 1, 1,
       {{"kernel_shape", AttrKind::Ints, /*required=*/true},
        {"strides", AttrKind::Ints},
        {"pads", AttrKind::Ints},
        {"dilations", AttrKind::Ints},
        {"ceil_mode", AttrKind::Int},
        {"count_include_pad", AttrKind::Int},
        {"auto_pad", AttrKind::String}}},
      {"GlobalAveragePool", "dlc.GlobalAveragePool", 1, 1, {}},
      {"GlobalMaxPool", "dlc.GlobalMaxPool", 1, 1, {}},

      // Normalization and dropout (BatchNormalization, Dropout). They take
      // their training form in the train step (OpRule::training); ONNX's
      // training-mode outputs and Dropout's ratio/training_mode inputs are
      // rejected in importNode with their own messages.
      {"BatchNormalization", "dlc.BatchNormalization", 5, 5,
       {{"epsilon", AttrKind::Float},
        {"momentum", AttrKind::Float},
        {"training_mode", AttrKind::ZeroOnly}},
       Operands::Float, /*maxOutputs=*/1, Training::RunningStats},
      {"Dropout", "dlc.Dropout", 1, 1, {{"ratio", AttrKind::Float}}, Operands::Float,
       /*maxOutputs=*/1, Training::Mask},

      // LayerNormalization.
      // ONNX's optional outputs Mean and InvStdDev are not provided (Y only).
      {"LayerNormalization", "dlc.LayerNormalization", 2, 3,
       {{"axis", AttrKind::Int},
        {"epsilon", AttrKind::Float},
        {"stash_type", AttrKind::Int}}},

      // Recurrent (RNN, GRU, LSTM).
      {"RNN", "dlc.RNN", 3, 6, recurrentAttrs({}), Operands::Recurrent,
       /*maxOutputs=*/2, Training::None, /*optionalSlots=*/true},
      {"GRU", "dlc.GRU", 3, 6, recurrentAttrs({{"linear_before_reset", AttrKind::Int}}),
       Operands::Recurrent, /*maxOutputs=*/2, Training::None, /*optionalSlots=*/true},
      {"LSTM", "dlc.LSTM", 3, 8, recurrentAttrs({{"input_forget", AttrKind::ZeroOnly}}),
       Operands::Recurrent, /*maxOutputs=*/3, Training::None, /*optionalSlots=*/true},

      // Attention.
      // Q, K, V and an optional additive mask (model-format.md, attention).
      {"Attention", "dlc.Attention", 3, 4,
       {{"is_causal", AttrKind::Bool01}, {"scale", AttrKind::Float}}},


      // Losses (model-format.md, Losses).
      {"SoftmaxCrossEntropyLoss", "dlc.SoftmaxCrossEntropyLoss", 2, 2,
       {{"reduction", AttrKind::String, false, {"mean", "sum", "none"}},
        {"ignore_index", AttrKind::Int},
        {"label_smoothing", AttrKind::Float}},
       Operands::ScoresLabels},
      {"MeanSquaredError", "dlc.MeanSquaredError", 2, 2,
       {{"reduction", AttrKind::String, false, {"mean", "sum", "none"}}}},
      {"BinaryCrossEntropy", "dlc.BinaryCrossEntropy", 2, 2,
       {{"reduction", AttrKind::String, false, {"mean", "sum", "none"}}}},
      {"BinaryCrossEntropyWithLogits", "dlc.BinaryCrossEntropyWithLogits", 2, 2,
       {{"reduction", AttrKind::String, false, {"mean", "sum", "none"}}}},
      {"FocalLoss", "dlc.FocalLoss", 2, 2,
       {{"reduction", AttrKind::String, false, {"mean", "sum", "none"}},
        {"gamma", AttrKind::Float},
        {"alpha", AttrKind::Floats}},
       Operands::ScoresLabels},
  };
  return table;
}

const OpRule *findOp(const std::string &name) {
  for (const OpRule &r : opTable())
    if (name == r.onnxName)
      return &r;
  return nullptr;
}

class Importer {
public:
  Importer(const ModelSpec &spec, MLIRContext &ctx)
      : spec(spec), ctx(ctx), builder(&ctx) {}

  OwningOpRef<ModuleOp> run(bool train);

private:
  struct MetricConfig {
    std::string name, scores, labels;
    SourcePos pos;
  };
  struct TrainingConfig {
    std::string loss;
    SourcePos lossPos;
    DictionaryAttr optimizer; // what dlc-insert-optimizer reads
    std::vector<MetricConfig> metrics;
    uint64_t seed = 0; // of the dropout masks
  };
  LogicalResult parseTraining(const JValue &training, TrainingConfig &out);
  FailureOr<func::FuncOp>
  buildEntry(ModuleOp module, StringRef name, bool paramsWritable,
             function_ref<LogicalResult(SmallVectorImpl<Value> &)> pickResults);

  Location locAt(SourcePos pos) {
    return FileLineColLoc::get(&ctx, spec.file, pos.line, pos.col);
  }
  Location nodeLoc(const NodeDecl &node, SourcePos pos) {
    return NameLoc::get(StringAttr::get(&ctx, node.label()), locAt(pos));
  }
  RankedTensorType tensorType(const TensorDecl &t) {
    return RankedTensorType::get(t.shape, toMlirType(t.dtype, ctx));
  }

  LogicalResult convertAttrs(const NodeDecl &node, const OpRule &rule,
                             NamedAttrList &out);
  LogicalResult importNode(const NodeDecl &node);

  const ModelSpec &spec;
  MLIRContext &ctx;
  OpBuilder builder;
  llvm::StringMap<Value> values;
  /// True while the training step is built: ops whose training behaviour
  /// differs (BatchNormalization, Dropout) import in training mode.
  bool trainingStep = false;

  // BatchNormalization and Dropout in the train step (reset per entry).
  /// A new value of a non-trainable parameter (a running statistic), which
  /// the train step returns after the loss and metrics (dlc.state_updates).
  struct StateUpdate {
    unsigned param;
    Value value;
    Operation *op;    // the BatchNormalization that reads and updates it
    unsigned operand; // where op reads it
  };
  SmallVector<StateUpdate> stateUpdates;
  /// The dlc.TrainingStep placeholder of this entry, made on first use.
  Value trainingStepValue;
  /// `"seed"` of the training section.
  uint64_t dropoutSeed = 0;
  LogicalResult addTrainingForm(const NodeDecl &node, const OpRule &rule,
                                SmallVectorImpl<Value> &operands, NamedAttrList &attrs,
                                unsigned &extraResults);
  LogicalResult recordStateUpdates(const NodeDecl &node, const OpRule &rule,
                                   Operation *op);
};

/// FNV-1a (64-bit) of a node's name: Dropout's per-node salt, so a node's
/// masks do not change when other nodes are added or reordered.
static uint64_t nodeSalt(StringRef name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

LogicalResult Importer::addTrainingForm(const NodeDecl &node, const OpRule &rule,
                                        SmallVectorImpl<Value> &operands,
                                        NamedAttrList &attrs, unsigned &extraResults) {
  if (!trainingStep)
    return success();
  if (rule.training == Training::RunningStats) {
    attrs.set("training", builder.getBoolAttr(true));
    extraResults = 2;
  } else if (rule.training == Training::Mask) {
    if (!trainingStepValue)
      trainingStepValue = mlir::dlc::TrainingStepOp::create(
          builder, locAt(spec.pos), RankedTensorType::get({}, builder.getI64Type()));
    operands.push_back(trainingStepValue);
    attrs.set("seed", builder.getI64IntegerAttr(static_cast<int64_t>(dropoutSeed)));
    attrs.set("salt", builder.getI64IntegerAttr(static_cast<int64_t>(nodeSalt(node.name))));
  }
  return success();
}

LogicalResult Importer::recordStateUpdates(const NodeDecl &node, const OpRule &rule,
                                           Operation *op) {
  if (!trainingStep || rule.training != Training::RunningStats)
    return success();
  // The running statistics, inputs 3 and 4, become results 1 and 2. The
  // train step writes them into the parameters' buffers, which only works
  // for a parameter that nothing else updates.
  for (unsigned i = 3; i < 5; ++i) {
    auto arg = dyn_cast<BlockArgument>(op->getOperand(i));
    unsigned index = arg ? arg.getArgNumber() : 0;
    if (!arg || index >= spec.params.size())
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "running statistic '" << node.inputs[i]
             << "' must be a parameter (with \"trainable\": false): training updates it";
    if (spec.params[index].trainable)
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "running statistic '" << node.inputs[i]
             << "' must be a parameter with \"trainable\": false, not a trainable one";
    if (llvm::any_of(stateUpdates, [&](const StateUpdate &u) { return u.param == index; }))
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "running statistic '" << node.inputs[i]
             << "' is updated twice; each BatchNormalization needs its own mean "
                "and var parameters";
    stateUpdates.push_back({index, op->getResult(i - 2), op, i});
  }
  return success();
}

LogicalResult Importer::convertAttrs(const NodeDecl &node, const OpRule &rule,
                                     NamedAttrList &out) {
  for (const AttrRule &a : rule.attrs)
    if (a.required && !(node.attrs && node.attrs->find(a.name)))
      return emitError(nodeLoc(node, node.attrs ? node.attrs->pos() : node.pos))
             << "missing required attribute '" << a.name << "'";
  if (!node.attrs)
    return success();
  for (const JMember &m : node.attrs->members()) {
    if (m.key.rfind("x-", 0) == 0)
      continue;
    const AttrRule *attrRule = nullptr;
    for (const AttrRule &a : rule.attrs)
      if (m.key == a.name)
        attrRule = &a;
    if (!attrRule) {
      std::string known;
      for (const AttrRule &a : rule.attrs)
        known += (known.empty() ? "" : ", ") + std::string(a.name);
      return emitError(nodeLoc(node, m.keyPos))
             << "unsupported attribute '" << m.key << "'"
             << (known.empty() ? std::string("; this op takes no attributes")
                               : "; supported: " + known);
    }
    const JValue &v = m.value;
    Location loc = nodeLoc(node, v.pos());
    auto typeError = [&](const char *expected) {
      return emitError(loc) << "attribute '" << m.key << "' must be "
                            << expected << ", not " << v.kindName();
    };
    switch (attrRule->kind) {
    case AttrKind::Float: {
      std::optional<double> d = v.getDouble();
      if (!v.isNumber() || !d)
        return typeError("a number");
      out.append(m.key, builder.getF64FloatAttr(*d));
      break;
    }
    case AttrKind::Int: {
      std::optional<int64_t> i = v.getInt64();
      if (!v.isInteger() || !i)
        return typeError("an integer");
      out.append(m.key, builder.getIntegerAttr(
                            builder.getIntegerType(64, /*isSigned=*/true), *i));
      break;
    }
    case AttrKind::Bool01: {
      std::optional<int64_t> i = v.getInt64();
      if (!v.isInteger() || !i)
        return typeError("0 or 1");
      if (*i != 0 && *i != 1)
        return emitError(loc) << "attribute '" << m.key << "' must be 0 or 1, not "
                              << *i;
      out.append(m.key, builder.getBoolAttr(*i == 1));
      break;
    }
    case AttrKind::ZeroOnly: {
      std::optional<int64_t> i = v.getInt64();
      if (!v.isInteger() || !i)
        return typeError("an integer");
      if (*i != 0)
        return emitError(loc) << "attribute '" << m.key << "' = " << *i
                              << " is not supported yet (only 0)";
      break;
    }
    case AttrKind::Ints: {
      if (!v.isArray())
        return typeError("a list of integers");
      SmallVector<int64_t> ints;
      for (const JValue &e : v.elements()) {
        std::optional<int64_t> i = e.getInt64();
        if (!e.isInteger() || !i)
          return emitError(nodeLoc(node, e.pos()))
                 << "attribute '" << m.key << "' must be a list of integers, "
                 << "not contain " << e.kindName();
        ints.push_back(*i);
      }
      out.append(m.key, builder.getDenseI64ArrayAttr(ints));
      break;
    }
    case AttrKind::Floats: {
      if (!v.isArray())
        return typeError("a list of numbers");
      SmallVector<double> floats;
      for (const JValue &e : v.elements()) {
        std::optional<double> d = e.getDouble();
        if (!e.isNumber() || !d)
          return emitError(nodeLoc(node, e.pos()))
                 << "attribute '" << m.key << "' must be a list of numbers, "
                 << "not contain " << e.kindName();
        floats.push_back(*d);
      }
      out.append(m.key, builder.getDenseF64ArrayAttr(floats));
      break;
    }
    case AttrKind::Strings: {
      if (!v.isArray())
        return typeError("a list of strings");
      SmallVector<Attribute> strings;
      for (const JValue &e : v.elements()) {
        if (!e.isString())
          return emitError(nodeLoc(node, e.pos()))
                 << "attribute '" << m.key << "' must be a list of strings, "
                 << "not contain " << e.kindName();
        strings.push_back(builder.getStringAttr(e.getString()));
      }
      out.append(m.key, builder.getArrayAttr(strings));
      break;
    }
    case AttrKind::String:
      if (!v.isString())
        return typeError("a string");
      if (!attrRule->choices.empty() &&
          llvm::none_of(attrRule->choices,
                        [&](const char *c) { return v.getString() == c; })) {
        std::string list;
        for (const char *c : attrRule->choices)
          list += (list.empty() ? "\"" : ", \"") + std::string(c) + "\"";
        return emitError(loc) << "attribute '" << m.key << "' must be one of "
                              << list << ", not \"" << v.getString() << "\"";
      }
      out.append(m.key, builder.getStringAttr(v.getString()));
      break;
    }
  }
  return success();
}

LogicalResult Importer::importNode(const NodeDecl &node) {
  const OpRule *rule = findOp(node.op);
  if (!rule) {
    // Suggest the closest known op for a likely typo.
    std::string best;
    size_t bestDistance = 3;
    for (const OpRule &r : opTable()) {
      size_t d = editDistance(node.op, r.onnxName);
      if (d < bestDistance) {
        bestDistance = d;
        best = r.onnxName;
      }
    }
    InFlightDiagnostic diag = emitError(nodeLoc(node, node.opPos))
                              << "unknown op '" << node.op << "'";
    if (!best.empty())
      diag << " (did you mean '" << best << "'?)";
    return diag;
  }
  size_t numInputs = node.inputs.size();
  while (numInputs > 0 && node.inputs[numInputs - 1].empty())
    --numInputs; // trailing omitted optional inputs
  if (rule->training == Training::Mask && numInputs > 1)
    return emitError(nodeLoc(node, node.inputPos[1]))
           << "Dropout takes its ratio as the attribute 'ratio'; the inputs ratio and "
              "training_mode are not supported (dropout applies in the train step only)";
  if (numInputs < rule->minInputs || numInputs > rule->maxInputs)
    return emitError(nodeLoc(node, node.pos))
           << "takes " << rule->minInputs
           << (rule->minInputs == rule->maxInputs
                   ? std::string()
                   : " to " + std::to_string(rule->maxInputs))
           << (rule->maxInputs == 1 ? " input" : " inputs") << ", got "
           << numInputs;
  if (rule->training != Training::None && node.outputs.size() > 1)
    return emitError(nodeLoc(node, node.outputPos[1]))
           << (rule->training == Training::Mask
                   ? "the mask output of Dropout is not supported"
                   : "the running-statistics outputs of BatchNormalization are not "
                     "supported (the train step updates the running-statistic "
                     "parameters itself)");
  if (rule->maxOutputs == 1 && node.outputs.size() != 1)
    return emitError(nodeLoc(node, node.pos))
           << "has 1 output, got " << node.outputs.size()
           << (node.outputs.size() > 1
                   ? " (dlc does not provide the optional outputs of " + node.op +
                         " beyond the first)"
                   : std::string());
  if (rule->maxOutputs > 1 &&
      (node.outputs.empty() || node.outputs.size() > rule->maxOutputs))
    return emitError(nodeLoc(node, node.pos))
           << "has 1 to " << rule->maxOutputs << " outputs, got " << node.outputs.size();
  for (const std::string &name : node.outputs)
    if (name.empty() && !rule->optionalSlots)
      return emitError(nodeLoc(node, node.pos)) << "outputs cannot be omitted";

  SmallVector<Value> operands;
  SmallVector<int32_t> segmentSizes; // optionalSlots: one entry per input slot
  for (size_t i = 0; i < numInputs; ++i) {
    if (node.inputs[i].empty()) {
      if (rule->optionalSlots && i >= rule->minInputs) {
        segmentSizes.push_back(0);
        continue;
      }
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "input " << i << " cannot be omitted";
    }
    segmentSizes.push_back(1);
    Value operand = values.lookup(node.inputs[i]);
    Type element = cast<ShapedType>(operand.getType()).getElementType();
    bool wantsInteger = ((rule->operands == Operands::ScoresLabels ||
                          rule->operands == Operands::DataIndices) &&
                         i == 1) ||
                        (rule->operands == Operands::Recurrent && i == 4);
    bool wantsFloat = rule->operands == Operands::Float ||
                      (rule->operands == Operands::ScoresLabels && i == 0) ||
                      (rule->operands == Operands::Recurrent && i != 4);
    if (wantsFloat && !element.isF32() && !element.isF64())
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "input '" << node.inputs[i] << "' has element type " << element
             << "; " << node.op << " takes f32 or f64 tensors";
    if (wantsInteger && !element.isInteger(64) && !element.isInteger(32))
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "input '" << node.inputs[i] << "' has element type " << element
             << "; " << node.op << " takes i64 or i32 "
             << (rule->operands == Operands::DataIndices ? "indices"
                 : rule->operands == Operands::Recurrent ? "sequence_lens"
                                                         : "labels");
    operands.push_back(operand);
  }

  NamedAttrList attrs;
  if (failed(convertAttrs(node, *rule, attrs)))
    return failure();
  unsigned extraResults = 0;
  if (failed(addTrainingForm(node, *rule, operands, attrs, extraResults)))
    return failure();

  Location loc = nodeLoc(node, node.pos);
  OperationState state(loc, rule->dialectName);
  state.addOperands(operands);
  if (rule->optionalSlots) {
    segmentSizes.resize(rule->maxInputs, 0);
    attrs.set("operandSegmentSizes", builder.getDenseI32ArrayAttr(segmentSizes));
  } else if (rule->maxOutputs > 1 && !attrs.get("num_outputs"))
    attrs.set("num_outputs",
              builder.getIntegerAttr(builder.getIntegerType(64, /*isSigned=*/true),
                                     static_cast<int64_t>(node.outputs.size())));
  state.addAttributes(attrs);
  // Placeholder result types; the op's shape rule supplies the real ones.
  size_t numResults =
      (rule->optionalSlots ? rule->maxOutputs : node.outputs.size()) + extraResults;
  for (size_t i = 0; i < numResults; ++i)
    state.addTypes(UnrankedTensorType::get(builder.getF32Type()));
  Operation *op = builder.create(state);

  auto infer = cast<InferTypeOpInterface>(op);
  SmallVector<Type> resultTypes;
  if (failed(infer.inferReturnTypes(&ctx, loc, op->getOperands(),
                                    op->getRawDictionaryAttrs(),
                                    op->getPropertiesStorage(), op->getRegions(),
                                    resultTypes)))
    return failure();
  if (resultTypes.size() != numResults)
    return emitError(loc) << "has " << resultTypes.size() << " results but "
                          << numResults << " outputs";
  for (auto [result, type] : llvm::zip(op->getResults(), resultTypes))
    result.setType(type);
  if (failed(verify(op, /*verifyRecursively=*/false)))
    return failure();
  if (failed(recordStateUpdates(node, *rule, op)))
    return failure();
  for (auto [name, result] : llvm::zip(node.outputs, op->getResults()))
    if (!name.empty())
      values[name] = result;
  return success();
}

//===----------------------------------------------------------------------===//
// The training section (model-format.md, Training)
//===----------------------------------------------------------------------===//

/// Checks that `obj` is an object whose keys are all in `allowed` (x- keys
/// are ignored); `what` names it in messages.
static LogicalResult checkObject(const JValue &obj, ArrayRef<StringRef> allowed,
                                 StringRef what,
                                 function_ref<Location(SourcePos)> locAt) {
  if (!obj.isObject())
    return emitError(locAt(obj.pos()))
           << what << " must be an object, not " << obj.kindName();
  for (const JMember &m : obj.members()) {
    if (m.key.rfind("x-", 0) == 0 || llvm::is_contained(allowed, m.key))
      continue;
    std::string list;
    for (StringRef a : allowed)
      list += (list.empty() ? "" : ", ") + a.str();
    return emitError(locAt(m.keyPos))
           << "unknown key '" << m.key << "' in " << what << " (expected " << list
           << ")";
  }
  return success();
}

LogicalResult Importer::parseTraining(const JValue &t, TrainingConfig &out) {
  auto at = [&](SourcePos p) { return locAt(p); };
  if (failed(checkObject(t, {"loss", "optimizer", "schedule", "metrics",
                             "clip_grad_norm", "seed"},
                         "\"training\"", at)))
    return failure();
  // The loss.
  const JMember *loss = t.findMember("loss");
  if (!loss)
    return emitError(locAt(t.pos())) << "\"training\" needs \"loss\"";
  if (!loss->value.isString())
    return emitError(locAt(loss->value.pos())) << "\"loss\" must be a value name";
  out.loss = loss->value.getString();
  out.lossPos = loss->value.pos();
  if (!spec.values.count(out.loss))
    return emitError(locAt(out.lossPos)) << "loss '" << out.loss << "' is not defined";
  std::optional<double> clipGradNorm;
  if (const JMember *clip = t.findMember("clip_grad_norm")) {
    std::optional<double> d = clip->value.getDouble();
    if (!clip->value.isNumber() || !d || !(*d > 0))
      return emitError(locAt(clip->value.pos()))
             << "\"clip_grad_norm\" must be a positive number";
    clipGradNorm = *d;
  }
  if (const JMember *seed = t.findMember("seed")) {
    if (!seed->value.isInteger() || !seed->value.getUInt64())
      return emitError(locAt(seed->value.pos()))
             << "\"seed\" must be a non-negative integer";
    out.seed = *seed->value.getUInt64();
  }

  // The optimizer, with torch.optim's names and defaults.
  const JMember *optMember = t.findMember("optimizer");
  if (!optMember)
    return emitError(locAt(t.pos())) << "\"training\" needs \"optimizer\"";
  const JValue &opt = optMember->value;
  if (!opt.isObject())
    return emitError(locAt(opt.pos())) << "\"optimizer\" must be an object";
  const JValue *kindValue = opt.find("kind");
  if (!kindValue || !kindValue->isString())
    return emitError(locAt(opt.pos())) << "\"optimizer\" needs a \"kind\" string";
  std::string kind = kindValue->getString();
  SmallVector<StringRef> allowed{"kind", "learning_rate", "weight_decay"};
  if (kind == "sgd")
    allowed.append({"momentum", "dampening", "nesterov"});
  else if (kind == "adam" || kind == "adamw")
    allowed.append({"betas", "eps", "amsgrad"});
  else if (kind == "rmsprop")
    allowed.append({"alpha", "eps", "momentum", "centered"});
  else
    return emitError(locAt(kindValue->pos()))
           << "unknown optimizer '" << kind << "' (expected sgd, rmsprop, adam, adamw)";
  if (failed(checkObject(opt, allowed, "\"optimizer\" (" + kind + ")", at)))
    return failure();
  SmallVector<NamedAttribute> attrs{builder.getNamedAttr("kind", builder.getStringAttr(kind))};
  auto number = [&](StringRef key, bool required, bool positive) -> LogicalResult {
    const JMember *m = opt.findMember(key);
    if (!m) {
      if (required)
        return emitError(locAt(opt.pos())) << "\"optimizer\" needs \"" << key << "\"";
      return success();
    }
    std::optional<double> d = m->value.getDouble();
    if (!m->value.isNumber() || !d || *d < 0 || (positive && *d == 0))
      return emitError(locAt(m->value.pos()))
             << "\"" << key << "\" must be a " << (positive ? "positive" : "non-negative")
             << " number";
    attrs.push_back(builder.getNamedAttr(key, builder.getF64FloatAttr(*d)));
    return success();
  };
  auto flag = [&](StringRef key) -> LogicalResult {
    const JMember *m = opt.findMember(key);
    if (!m)
      return success();
    if (!m->value.isBool())
      return emitError(locAt(m->value.pos())) << "\"" << key << "\" must be true or false";
    attrs.push_back(builder.getNamedAttr(key, builder.getBoolAttr(m->value.getBool())));
    return success();
  };
  if (failed(number("learning_rate", true, true)) ||
      failed(number("weight_decay", false, false)) ||
      failed(number("momentum", false, false)) ||
      failed(number("dampening", false, false)) || failed(number("eps", false, true)) ||
      failed(flag("nesterov")) || failed(flag("amsgrad")) || failed(flag("centered")))
    return failure();
  if (const JMember *alpha = opt.findMember("alpha")) {
    std::optional<double> d = alpha->value.getDouble();
    if (!alpha->value.isNumber() || !d || !(*d >= 0 && *d < 1))
      return emitError(locAt(alpha->value.pos())) << "\"alpha\" must be a number in [0, 1)";
    attrs.push_back(builder.getNamedAttr("alpha", builder.getF64FloatAttr(*d)));
  }
  if (clipGradNorm)
    attrs.push_back(
        builder.getNamedAttr("clip_grad_norm", builder.getF64FloatAttr(*clipGradNorm)));
  if (const JMember *betas = opt.findMember("betas")) {
    const JValue &v = betas->value;
    if (!v.isArray() || v.elements().size() != 2 ||
        !llvm::all_of(v.elements(), [](const JValue &e) {
          std::optional<double> d = e.getDouble();
          return e.isNumber() && d && *d >= 0 && *d < 1;
        }))
      return emitError(locAt(v.pos())) << "\"betas\" must be two numbers in [0, 1)";
    attrs.push_back(builder.getNamedAttr("beta1", builder.getF64FloatAttr(*v.elements()[0].getDouble())));
    attrs.push_back(builder.getNamedAttr("beta2", builder.getF64FloatAttr(*v.elements()[1].getDouble())));
  }

  // The schedule.
  if (const JMember *sched = t.findMember("schedule")) {
    const JValue &sv = sched->value;
    const JValue *sk = sv.isObject() ? sv.find("kind") : nullptr;
    if (!sk || !sk->isString())
      return emitError(locAt(sv.pos())) << "\"schedule\" needs a \"kind\" string";
    std::string skind = sk->getString();
    SmallVector<StringRef> sallowed{"kind"};
    SmallVector<std::pair<StringRef, bool>> fields; // (name, required)
    if (skind == "step")
      fields = {{"step_size", true}, {"gamma", false}};
    else if (skind == "exponential")
      fields = {{"gamma", true}};
    else if (skind == "cosine")
      fields = {{"total_steps", true}, {"warmup_steps", false}, {"min_learning_rate", false}};
    else if (skind != "constant")
      return emitError(locAt(sk->pos()))
             << "unknown schedule '" << skind << "' (expected constant, step, exponential, cosine)";
    for (auto &f : fields)
      sallowed.push_back(f.first);
    if (failed(checkObject(sv, sallowed, "\"schedule\" (" + skind + ")", at)))
      return failure();
    SmallVector<NamedAttribute> sattrs{builder.getNamedAttr("kind", builder.getStringAttr(skind))};
    for (auto [field, required] : fields) {
      const JMember *m = sv.findMember(field);
      if (!m) {
        if (required)
          return emitError(locAt(sv.pos())) << "schedule '" << skind << "' needs \"" << field << "\"";
        continue;
      }
      bool integral = field == "step_size" || field == "total_steps" || field == "warmup_steps";
      std::optional<double> d = m->value.getDouble();
      if (!m->value.isNumber() || !d || *d < 0 || (integral && !m->value.isInteger()))
        return emitError(locAt(m->value.pos()))
               << "\"" << field << "\" must be a non-negative " << (integral ? "integer" : "number");
      sattrs.push_back(builder.getNamedAttr(
          field, integral ? Attribute(builder.getI64IntegerAttr(static_cast<int64_t>(*d)))
                          : Attribute(builder.getF64FloatAttr(*d))));
    }
    attrs.push_back(builder.getNamedAttr("schedule", builder.getDictionaryAttr(sattrs)));
  }
  out.optimizer = builder.getDictionaryAttr(attrs);

  // Metrics: {"accuracy": [scores, labels]}.
  if (const JMember *metrics = t.findMember("metrics")) {
    if (failed(checkObject(metrics->value, {"accuracy"}, "\"metrics\"", at)))
      return failure();
    for (const JMember &m : metrics->value.members()) {
      if (m.key.rfind("x-", 0) == 0)
        continue;
      const JValue &v = m.value;
      if (!v.isArray() || v.elements().size() != 2 ||
          !v.elements()[0].isString() || !v.elements()[1].isString())
        return emitError(locAt(v.pos()))
               << "metric '" << m.key << "' takes [scores, labels] value names";
      for (const JValue &e : v.elements())
        if (!spec.values.count(e.getString()))
          return emitError(locAt(e.pos())) << "value '" << e.getString() << "' is not defined";
      out.metrics.push_back({m.key, v.elements()[0].getString(),
                             v.elements()[1].getString(), v.pos()});
    }
  }
  return success();
}

/// Builds `name(params..., inputs...) -> results` from every node; `results`
/// picks the returned values (and may add ops after the nodes). Inputs that
/// nothing reads are dropped; dead nodes are erased.
FailureOr<func::FuncOp> Importer::buildEntry(
    ModuleOp module, StringRef name, bool paramsWritable,
    function_ref<LogicalResult(SmallVectorImpl<Value> &)> pickResults) {
  Location modelLoc = locAt(spec.pos);
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  for (const ParamDecl &p : spec.params) {
    argTypes.push_back(tensorType(p.t));
    argLocs.push_back(locAt(p.t.pos));
  }
  for (const TensorDecl &in : spec.inputs) {
    argTypes.push_back(tensorType(in));
    argLocs.push_back(locAt(in.pos));
  }

  builder.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(builder, modelLoc, name,
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [arg, loc] : llvm::zip(body->getArguments(), argLocs))
    arg.setLoc(loc);
  values.clear();
  stateUpdates.clear();
  trainingStepValue = Value();
  size_t numParams = spec.params.size();
  for (size_t i = 0; i < numParams; ++i)
    values[spec.params[i].t.name] = body->getArgument(i);
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    values[spec.inputs[i].name] = body->getArgument(numParams + i);

  builder.setInsertionPointToEnd(body);
  for (const NodeDecl &node : spec.nodes)
    if (failed(importNode(node)))
      return failure();
  SmallVector<Value> results;
  if (failed(pickResults(results)))
    return failure();
  func::ReturnOp::create(builder, modelLoc, results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));

  // An entry takes only what its results depend on: drop dead nodes (all
  // dlc ops are pure), then inputs nothing reads.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (!op.hasTrait<OpTrait::IsTerminator>() && op.use_empty())
      op.erase();
  llvm::BitVector unused(body->getNumArguments());
  SmallVector<Attribute> inputNames;
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    if (body->getArgument(numParams + i).use_empty())
      unused.set(numParams + i);
    else
      inputNames.push_back(builder.getStringAttr(spec.inputs[i].name));
  }
  if (failed(func.eraseArguments(unused)))
    return failure();

  SmallVector<Attribute> paramNames;
  for (const ParamDecl &p : spec.params)
    paramNames.push_back(builder.getStringAttr(p.t.name));
  func->setAttr(kParamNamesAttr, builder.getArrayAttr(paramNames));
  func->setAttr(kInputNamesAttr, builder.getArrayAttr(inputNames));
  func->setAttr("dlc.entry", builder.getUnitAttr());
  // Inputs are read-only to generated code: bufferization must never reuse
  // them for a result. Parameters too, except in the training step, which
  // updates them (and its optimizer state) in place.
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.setArgAttr(i, "bufferization.writable",
                    builder.getBoolAttr(paramsWritable && i < numParams));
  return func;
}

OwningOpRef<ModuleOp> Importer::run(bool train) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(locAt(spec.pos));
  module->setName(spec.name);

  SmallVector<Attribute> outputNames;
  FailureOr<func::FuncOp> infer = buildEntry(
      *module, inferEntryName(spec), /*paramsWritable=*/false,
      [&](SmallVectorImpl<Value> &results) {
        for (const std::string &name : spec.outputs) {
          results.push_back(values.lookup(name));
          outputNames.push_back(builder.getStringAttr(name));
        }
        return success();
      });
  if (failed(infer))
    return nullptr;
  (*infer)->setAttr(kOutputNamesAttr, builder.getArrayAttr(outputNames));
  if (!train)
    return module;

  if (!spec.training) {
    emitError(locAt(spec.pos)) << "--train needs a \"training\" section in the model";
    return nullptr;
  }
  TrainingConfig config;
  if (failed(parseTraining(*spec.training, config)))
    return nullptr;
  dropoutSeed = config.seed;
  SmallVector<Attribute> metricNames;
  auto lossAndMetrics = [&](SmallVectorImpl<Value> &results) -> LogicalResult {
        Value loss = values.lookup(config.loss);
        auto type = cast<RankedTensorType>(loss.getType());
        if (type.getRank() != 0 || !type.getElementType().isFloat())
          return emitError(locAt(config.lossPos))
                 << "the loss '" << config.loss << "' must be a float scalar, but it is "
                 << type;
        results.push_back(loss);
        for (const MetricConfig &m : config.metrics) {
          Location loc = locAt(m.pos);
          Value scores = values.lookup(m.scores), labels = values.lookup(m.labels);
          SmallVector<Type> types;
          if (failed(mlir::dlc::AccuracyOp::inferReturnTypes(
                  &ctx, loc, ValueRange{scores, labels}, DictionaryAttr(),
                  OpaqueProperties(nullptr), RegionRange(), types)))
            return failure();
          results.push_back(mlir::dlc::AccuracyOp::create(builder, loc, types[0],
                                                          scores, labels));
          metricNames.push_back(builder.getStringAttr(m.name));
        }
        // The new running statistics (train step only), after the metrics.
        for (const StateUpdate &u : stateUpdates)
          results.push_back(u.value);
        return success();
      };
  // The evaluation step: the same graph, loss and metrics, no update.
  FailureOr<func::FuncOp> eval = buildEntry(*module, evalStepEntryName(spec),
                                            /*paramsWritable=*/false, lossAndMetrics);
  if (failed(eval))
    return nullptr;
  (*eval)->setAttr("dlc.metric_names", builder.getArrayAttr(metricNames));
  metricNames.clear();
  trainingStep = true;
  FailureOr<func::FuncOp> step = buildEntry(
      *module, trainStepEntryName(spec), /*paramsWritable=*/true, lossAndMetrics);
  if (failed(step))
    return nullptr;
  func::FuncOp fn = *step;
  trainingStep = false;
  // The train step overwrites a running statistic where its BatchNormalization
  // reads it; another reader would see the buffer change under it.
  for (const StateUpdate &u : stateUpdates)
    for (OpOperand &use : fn.getArgument(u.param).getUses())
      if (use.getOwner() != u.op || use.getOperandNumber() != u.operand) {
        emitError(use.getOwner()->getLoc())
            << "reads '" << spec.params[u.param].t.name
            << "', a running statistic that the train step updates in place; only its "
               "BatchNormalization may read it, as its mean or var";
        return nullptr;
      }
  SmallVector<Attribute> trainable;
  for (const ParamDecl &p : spec.params)
    trainable.push_back(builder.getBoolAttr(p.trainable));
  for (unsigned i = spec.params.size(); i < fn.getNumArguments(); ++i)
    trainable.push_back(builder.getBoolAttr(false));
  fn->setAttr("dlc.train_step", builder.getUnitAttr());
  fn->setAttr("dlc.trainable", builder.getArrayAttr(trainable));
  fn->setAttr("dlc.num_params", builder.getI64IntegerAttr(spec.params.size()));
  fn->setAttr("dlc.metric_names", builder.getArrayAttr(metricNames));
  fn->setAttr("dlc.optimizer", config.optimizer);
  // Which parameters the results after the loss and metrics update
  // (dlc-insert-optimizer makes them in-place results); absent without any.
  if (!stateUpdates.empty()) {
    SmallVector<int64_t> indices;
    for (const StateUpdate &u : stateUpdates)
      indices.push_back(u.param);
    fn->setAttr("dlc.state_updates", builder.getDenseI64ArrayAttr(indices));
  }
  return module;
}

} // namespace

std::string inferEntryName(const ModelSpec &spec) { return spec.name + "_infer"; }

Type toMlirType(DType dtype, MLIRContext &ctx) {
  switch (dtype) {
  case DType::F32: return Float32Type::get(&ctx);
  case DType::F16: return Float16Type::get(&ctx);
  case DType::BF16: return BFloat16Type::get(&ctx);
  case DType::F64: return Float64Type::get(&ctx);
  case DType::I64: return IntegerType::get(&ctx, 64);
  case DType::I32: return IntegerType::get(&ctx, 32);
  case DType::I8: return IntegerType::get(&ctx, 8);
  case DType::U8: return IntegerType::get(&ctx, 8, IntegerType::Unsigned);
  case DType::Bool: return IntegerType::get(&ctx, 1);
  }
  llvm_unreachable("all dtypes handled");
}

std::vector<std::string> supportedOps() {
  std::vector<std::string> names;
  for (const OpRule &r : opTable())
    names.push_back(r.onnxName);
  return names;
}

std::string trainStepEntryName(const ModelSpec &spec) {
  return spec.name + "_train_step";
}

std::string evalStepEntryName(const ModelSpec &spec) {
  return spec.name + "_eval_step";
}

OwningOpRef<ModuleOp> importModel(const ModelSpec &spec, MLIRContext &ctx,
                                  bool train) {
  ctx.loadDialect<mlir::dlc::DlcDialect, func::FuncDialect>();
  return Importer(spec, ctx).run(train);
}

} // namespace dlc
