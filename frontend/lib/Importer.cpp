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
enum class Operands { Float, Any };

struct OpRule {
  const char *onnxName;
  const char *dialectName;
  unsigned minInputs, maxInputs;
  std::vector<AttrRule> attrs;
  Operands operands = Operands::Float;
};

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

  OwningOpRef<ModuleOp> run();

private:
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
};

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
  if (numInputs < rule->minInputs || numInputs > rule->maxInputs)
    return emitError(nodeLoc(node, node.pos))
           << "takes " << rule->minInputs
           << (rule->minInputs == rule->maxInputs
                   ? std::string()
                   : " to " + std::to_string(rule->maxInputs))
           << (rule->maxInputs == 1 ? " input" : " inputs") << ", got "
           << numInputs;
  if (node.outputs.size() != 1)
    return emitError(nodeLoc(node, node.pos))
           << "has 1 output, got " << node.outputs.size();

  SmallVector<Value> operands;
  for (size_t i = 0; i < numInputs; ++i) {
    if (node.inputs[i].empty())
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "input " << i << " cannot be omitted";
    Value operand = values.lookup(node.inputs[i]);
    Type element = cast<ShapedType>(operand.getType()).getElementType();
    if (rule->operands == Operands::Float && !element.isF32() && !element.isF64())
      return emitError(nodeLoc(node, node.inputPos[i]))
             << "input '" << node.inputs[i] << "' has element type " << element
             << "; " << node.op << " takes f32 or f64 tensors";
    operands.push_back(operand);
  }

  NamedAttrList attrs;
  if (failed(convertAttrs(node, *rule, attrs)))
    return failure();

  Location loc = nodeLoc(node, node.pos);
  OperationState state(loc, rule->dialectName);
  state.addOperands(operands);
  state.addAttributes(attrs);
  // A placeholder result type; the op's shape rule supplies the real one.
  state.addTypes(UnrankedTensorType::get(builder.getF32Type()));
  Operation *op = builder.create(state);

  auto infer = cast<InferTypeOpInterface>(op);
  SmallVector<Type> resultTypes;
  if (failed(infer.inferReturnTypes(&ctx, loc, op->getOperands(),
                                    op->getRawDictionaryAttrs(),
                                    op->getPropertiesStorage(), op->getRegions(),
                                    resultTypes)))
    return failure();
  op->getResult(0).setType(resultTypes.front());
  if (failed(verify(op, /*verifyRecursively=*/false)))
    return failure();
  values[node.outputs[0]] = op->getResult(0);
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  Location modelLoc = locAt(spec.pos);
  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc);
  module->setName(spec.name);

  // Signature: every parameter, then every input; unused inputs are dropped
  // once the graph is built.
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

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, modelLoc, inferEntryName(spec),
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [arg, loc] : llvm::zip(body->getArguments(), argLocs))
    arg.setLoc(loc);
  size_t numParams = spec.params.size();
  for (size_t i = 0; i < numParams; ++i)
    values[spec.params[i].t.name] = body->getArgument(i);
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    values[spec.inputs[i].name] = body->getArgument(numParams + i);

  builder.setInsertionPointToEnd(body);
  for (const NodeDecl &node : spec.nodes)
    if (failed(importNode(node)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  for (const std::string &name : spec.outputs) {
    results.push_back(values.lookup(name));
    outputNames.push_back(builder.getStringAttr(name));
  }
  func::ReturnOp::create(builder, modelLoc, results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));

  // Inference takes only what the outputs depend on: drop dead nodes (all dlc
  // ops are pure), then inputs nothing reads.
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
    return nullptr;

  SmallVector<Attribute> paramNames;
  for (const ParamDecl &p : spec.params)
    paramNames.push_back(builder.getStringAttr(p.t.name));
  func->setAttr(kParamNamesAttr, builder.getArrayAttr(paramNames));
  func->setAttr(kInputNamesAttr, builder.getArrayAttr(inputNames));
  func->setAttr(kOutputNamesAttr, builder.getArrayAttr(outputNames));
  func->setAttr("dlc.entry", builder.getUnitAttr());
  // The caller's buffers are read-only to generated code: bufferization must
  // never reuse a parameter or input buffer for a result.
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.setArgAttr(i, "bufferization.writable", builder.getBoolAttr(false));
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

OwningOpRef<ModuleOp> importModel(const ModelSpec &spec, MLIRContext &ctx) {
  ctx.loadDialect<mlir::dlc::DlcDialect, func::FuncDialect>();
  return Importer(spec, ctx).run();
}

} // namespace dlc
