//===- InsertOptimizer.cpp - the update step (dlc-insert-optimizer) -------===//
//
// See Passes.td. Turns the gradients that dlc-autodiff returns into in-place
// updates of the parameters and of the optimizer state, all in the same
// function as the forward and backward graph (architecture invariant 4).
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_INSERTOPTIMIZER
#include "dlc/Transforms/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

double getF64(DictionaryAttr d, StringRef name, double dflt) {
  if (Attribute a = d.get(name)) {
    if (auto f = dyn_cast<FloatAttr>(a))
      return f.getValueAsDouble();
    if (auto i = dyn_cast<IntegerAttr>(a))
      return static_cast<double>(i.getInt());
  }
  return dflt;
}

bool getBool(DictionaryAttr d, StringRef name) {
  auto a = d.getAs<BoolAttr>(name);
  return a && a.getValue();
}

LogicalResult insertOptimizer(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  auto opt = func->getAttrOfType<DictionaryAttr>(kOptimizerAttr);
  auto trainableAttr = func->getAttrOfType<ArrayAttr>(kTrainableAttr);
  auto numParamsAttr = func->getAttrOfType<IntegerAttr>(kNumParamsAttr);
  auto paramNames = func->getAttrOfType<ArrayAttr>("dlc.param_names");
  if (!opt || !trainableAttr || !numParamsAttr || !paramNames)
    return func.emitOpError("needs the attributes ")
           << kOptimizerAttr << ", " << kTrainableAttr << ", " << kNumParamsAttr
           << " and dlc.param_names";
  StringRef kind = opt.getAs<StringAttr>("kind") ? opt.getAs<StringAttr>("kind").getValue() : "";
  if (kind != "sgd" && kind != "adam" && kind != "adamw" && kind != "rmsprop")
    return func.emitOpError("optimizer kind '") << kind << "' is not supported yet";

  unsigned numParams = numParamsAttr.getInt();
  SmallVector<unsigned> trainable;
  for (unsigned i = 0; i < numParams; ++i)
    if (cast<BoolAttr>(trainableAttr[i]).getValue())
      trainable.push_back(i);

  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  unsigned numGrads = trainable.size();
  unsigned numOutputs = ret.getNumOperands() - numGrads; // loss, metrics, state updates
  SmallVector<Value> grads(ret.getOperands().drop_front(numOutputs));

  // New values of non-trainable parameters (BatchNormalization's running
  // statistics), the last of the outputs: `dlc.state_updates` names the
  // parameter each one replaces.
  SmallVector<int64_t> updatedParamIndices;
  if (auto list = func->getAttrOfType<DenseI64ArrayAttr>(kStateUpdatesAttr))
    updatedParamIndices.assign(list.asArrayRef().begin(), list.asArrayRef().end());
  if (updatedParamIndices.size() + 1 > numOutputs)
    return func.emitOpError("returns ")
           << numOutputs << " values before the gradients, too few for the loss and "
           << updatedParamIndices.size() << " state updates";
  unsigned numLossAndMetrics = numOutputs - updatedParamIndices.size();
  SmallVector<Value> outputs(ret.getOperands().take_front(numLossAndMetrics));
  SmallVector<Value> paramUpdates(
      ret.getOperands().slice(numLossAndMetrics, updatedParamIndices.size()));
  for (auto [index, value] : llvm::zip(updatedParamIndices, paramUpdates)) {
    if (index < 0 || index >= static_cast<int64_t>(numParams) ||
        cast<BoolAttr>(trainableAttr[index]).getValue() ||
        value.getType() != body.getArgument(index).getType())
      return func.emitOpError("state update of argument ")
             << index << " must be a non-trainable parameter of type "
             << value.getType();
  }

  // State arguments, inserted after the parameters.
  double momentum = getF64(opt, "momentum", 0.0);
  bool amsgrad = getBool(opt, "amsgrad");
  bool centered = getBool(opt, "centered");
  SmallVector<std::string> suffixes;
  if (kind == "sgd" && momentum != 0.0)
    suffixes = {"momentum_buffer"};
  else if (kind == "rmsprop") {
    // torch.optim.RMSprop's state order.
    suffixes = {"square_avg"};
    if (momentum > 0.0)
      suffixes.push_back("momentum_buffer");
    if (centered)
      suffixes.push_back("grad_avg");
  } else if (kind != "sgd")
    suffixes = amsgrad ? SmallVector<std::string>{"adam_m", "adam_v", "adam_vmax"}
                       : SmallVector<std::string>{"adam_m", "adam_v"};
  OpBuilder b(ctx);
  auto writable = b.getNamedAttr("bufferization.writable", b.getBoolAttr(true));
  SmallVector<Attribute> stateNames;
  SmallVector<SmallVector<Value>> states(numGrads);
  unsigned insertAt = numParams;
  for (unsigned k = 0; k < numGrads; ++k) {
    BlockArgument param = body.getArgument(trainable[k]);
    for (const std::string &suffix : suffixes) {
      if (failed(func.insertArgument(insertAt, param.getType(),
                                     b.getDictionaryAttr(writable), param.getLoc())))
        return failure();
      states[k].push_back(body.getArgument(insertAt++));
      stateNames.push_back(b.getStringAttr(
          cast<StringAttr>(paramNames[trainable[k]]).getValue() + "." + suffix));
    }
  }
  auto stepType = RankedTensorType::get({}, b.getI64Type());
  if (failed(func.insertArgument(insertAt, stepType, b.getDictionaryAttr(writable),
                                 func.getLoc())))
    return failure();
  Value step = body.getArgument(insertAt);
  stateNames.push_back(b.getStringAttr("optimizer.step"));
  // The importer's placeholders for the counter (dropout masks) read it.
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator()))
    if (auto placeholder = dyn_cast<TrainingStepOp>(op)) {
      placeholder.getResult().replaceAllUsesWith(step);
      placeholder.erase();
    }

  // The updates, after the whole backward graph.
  b.setInsertionPoint(ret);
  Location loc = func.getLoc();
  SmallVector<NamedAttribute> lrAttrs{
      b.getNamedAttr("learning_rate", b.getF64FloatAttr(getF64(opt, "learning_rate", 0.0)))};
  if (auto schedule = opt.getAs<DictionaryAttr>("schedule"))
    for (NamedAttribute a : schedule)
      lrAttrs.push_back(a.getName() == "kind" ? b.getNamedAttr("schedule", a.getValue()) : a);
  auto lrType = RankedTensorType::get({}, b.getF32Type());
  Value lr = LearningRateOp::create(b, loc, lrType, step, lrAttrs);

  // clip_grad_norm: every gradient scaled by min(1, max_norm / (norm + 1e-6))
  // before any update, as torch.nn.utils.clip_grad_norm_.
  if (Attribute clipAttr = opt.get("clip_grad_norm")) {
    double maxNorm = getF64(opt, "clip_grad_norm", 0.0);
    if (!(maxNorm > 0.0))
      return func.emitOpError("clip_grad_norm must be a positive number, got ")
             << clipAttr;
    if (numGrads > 0) {
      Type element = cast<RankedTensorType>(grads[0].getType()).getElementType();
      for (Value g : grads)
        if (cast<RankedTensorType>(g.getType()).getElementType() != element)
          return func.emitOpError(
              "clip_grad_norm needs the trainable parameters to share one element type");
      Value coef = GlobalNormScaleOp::create(
          b, loc, RankedTensorType::get({}, element), grads,
          b.getF64FloatAttr(maxNorm));
      for (Value &g : grads)
        g = MulOp::create(b, loc, g.getType(), g, coef);
    }
  }

  SmallVector<Value> updatedParams, updatedStates;
  for (unsigned k = 0; k < numGrads; ++k) {
    Value param = body.getArgument(trainable[k]);
    Type t = param.getType();
    Operation *update;
    if (kind == "sgd") {
      SmallVector<Value> operands{param, grads[k]};
      operands.append(states[k].begin(), states[k].end());
      operands.append({lr, step});
      SmallVector<Type> types(1 + states[k].size(), t);
      update = SGDUpdateOp::create(
          b, param.getLoc(), types, operands,
          {b.getNamedAttr("momentum", b.getF64FloatAttr(momentum)),
           b.getNamedAttr("dampening", b.getF64FloatAttr(getF64(opt, "dampening", 0.0))),
           b.getNamedAttr("nesterov", b.getBoolAttr(getBool(opt, "nesterov"))),
           b.getNamedAttr("weight_decay",
                          b.getF64FloatAttr(getF64(opt, "weight_decay", 0.0)))});
    } else if (kind == "rmsprop") {
      Value buf = momentum > 0.0 ? states[k][1] : Value();
      Value gradAvg = centered ? states[k].back() : Value();
      SmallVector<Type> types(1 + states[k].size(), t);
      update = RMSPropUpdateOp::create(
          b, param.getLoc(), types, param, grads[k], states[k][0], buf, gradAvg, lr,
          step, b.getF64FloatAttr(getF64(opt, "alpha", 0.99)),
          b.getF64FloatAttr(getF64(opt, "eps", 1e-8)),
          b.getF64FloatAttr(getF64(opt, "weight_decay", 0.0)),
          b.getF64FloatAttr(momentum), b.getBoolAttr(centered));
    } else {
      bool decoupled = kind == "adamw";
      SmallVector<Value> operands{param, grads[k]};
      operands.append(states[k].begin(), states[k].end());
      operands.append({lr, step});
      SmallVector<Type> types(1 + states[k].size(), t);
      update = AdamUpdateOp::create(
          b, param.getLoc(), types, operands,
          {b.getNamedAttr("beta1", b.getF64FloatAttr(getF64(opt, "beta1", 0.9))),
           b.getNamedAttr("beta2", b.getF64FloatAttr(getF64(opt, "beta2", 0.999))),
           b.getNamedAttr("eps", b.getF64FloatAttr(getF64(opt, "eps", 1e-8))),
           b.getNamedAttr("weight_decay",
                          b.getF64FloatAttr(getF64(opt, "weight_decay",
                                                   decoupled ? 0.01 : 0.0))),
           b.getNamedAttr("decoupled", b.getBoolAttr(decoupled))});
    }
    updatedParams.push_back(update->getResult(0));
    for (Value r : update->getResults().drop_front())
      updatedStates.push_back(r);
  }
  updatedStates.push_back(StepIncrementOp::create(b, loc, step));

  SmallVector<Value> results(updatedParams);
  results.append(updatedStates);
  results.append(paramUpdates);
  results.append(outputs);
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  func.setType(FunctionType::get(ctx, func.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  func->setAttr(kStateNamesAttr, b.getArrayAttr(stateNames));
  // The leading results bufferization must write in place (parameters and
  // state); dlc-drop-in-place-results drops exactly these.
  func->setAttr("dlc.num_in_place_results",
                b.getI64IntegerAttr(updatedParams.size() + updatedStates.size() +
                                    paramUpdates.size()));
  return success();
}

struct InsertOptimizerPass
    : dlc::impl::InsertOptimizerBase<InsertOptimizerPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kTrainStepAttr) && failed(insertOptimizer(func)))
        return signalPassFailure();
  }
};

} // namespace
