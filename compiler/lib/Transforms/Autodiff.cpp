//===- Autodiff.cpp - reverse-mode differentiation (dlc-autodiff) ---------===//
//
// See Passes.td. The pass is generic: activity analysis (which values depend
// on a trainable parameter and which ones the loss depends on), then one
// backward sweep that asks each active op for its VJP and sums the
// gradients of values with several uses. Gradients of ops that need none
// (integer labels, constants, values the loss ignores) are never built.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_AUTODIFF
#include "dlc/Transforms/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

Value zerosLike(OpBuilder &b, Location loc, Type type) {
  auto t = cast<RankedTensorType>(type);
  return ConstantOp::create(
      b, loc, t, DenseElementsAttr::get(t, b.getFloatAttr(t.getElementType(), 0.0)));
}

LogicalResult differentiate(func::FuncOp func) {
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  auto trainableAttr = func->getAttrOfType<ArrayAttr>(kTrainableAttr);
  if (!trainableAttr || trainableAttr.size() != func.getNumArguments())
    return func.emitOpError("needs '")
           << kTrainableAttr << "': one bool per argument";
  if (ret.getNumOperands() == 0)
    return func.emitOpError("a training step must return the loss first");
  Value loss = ret.getOperand(0);
  auto lossType = dyn_cast<RankedTensorType>(loss.getType());
  if (!lossType || lossType.getRank() != 0 || !lossType.getElementType().isFloat())
    return func.emitOpError("the loss must be a floating-point scalar, got ")
           << loss.getType();

  // Activity: forward from the trainable parameters...
  llvm::DenseSet<Value> active;
  SmallVector<BlockArgument> trainable;
  for (auto [arg, flag] : llvm::zip(body.getArguments(), trainableAttr))
    if (cast<BoolAttr>(flag).getValue()) {
      active.insert(arg);
      trainable.push_back(arg);
    }
  for (Operation &op : body.without_terminator())
    if (llvm::any_of(op.getOperands(), [&](Value v) { return active.contains(v); }))
      active.insert(op.getResults().begin(), op.getResults().end());
  // ...and backward from the loss.
  llvm::DenseSet<Value> needed{loss};
  for (Operation &op : llvm::reverse(body.without_terminator()))
    if (llvm::any_of(op.getResults(), [&](Value v) { return needed.contains(v); }))
      needed.insert(op.getOperands().begin(), op.getOperands().end());

  OpBuilder b(ret);
  llvm::DenseMap<Value, Value> grads;
  grads[loss] = ConstantOp::create(
      b, loss.getLoc(), lossType,
      DenseElementsAttr::get(lossType, b.getFloatAttr(lossType.getElementType(), 1.0)));

  // The backward sweep. Ops are visited in reverse program order, so every
  // use of a value has contributed to its gradient before the value's
  // producer asks for it.
  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator())
    forward.push_back(&op);
  for (Operation *op : llvm::reverse(forward)) {
    bool hasGrad = llvm::any_of(op->getResults(),
                                [&](Value v) { return grads.count(v) != 0; });
    bool isActive = llvm::any_of(op->getResults(),
                                 [&](Value v) { return active.contains(v); });
    if (!hasGrad || !isActive)
      continue;
    auto vjp = dyn_cast<VJPOpInterface>(op);
    if (!vjp)
      return op->emitOpError("has no gradient rule, but the loss depends on it "
                             "through a trainable parameter");
    SmallVector<Value> resultGrads;
    for (Value r : op->getResults()) {
      Value g = grads.lookup(r);
      resultGrads.push_back(g ? g : zerosLike(b, op->getLoc(), r.getType()));
    }
    SmallVector<Value> operandGrads;
    if (failed(vjp.buildVJP(b, resultGrads, operandGrads)))
      return failure();
    if (operandGrads.size() != op->getNumOperands())
      return op->emitOpError("VJP rule returned ")
             << operandGrads.size() << " gradients for " << op->getNumOperands()
             << " operands (a dlc bug)";
    for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads)) {
      if (!g || !active.contains(operand) || !needed.contains(operand))
        continue;
      Value &slot = grads[operand];
      // A value used several times receives the sum of its uses' gradients.
      slot = slot ? AddOp::create(b, op->getLoc(), ValueRange{slot, g},
                                  ArrayRef<NamedAttribute>{})
                        ->getResult(0)
                  : g;
    }
  }

  SmallVector<Value> results(ret.getOperands());
  auto paramNames = func->getAttrOfType<ArrayAttr>("dlc.param_names");
  for (BlockArgument arg : trainable) {
    Value g = grads.lookup(arg);
    if (!g) {
      InFlightDiagnostic w = mlir::emitWarning(arg.getLoc());
      w << "trainable parameter ";
      if (paramNames && arg.getArgNumber() < paramNames.size())
        w << "'" << cast<StringAttr>(paramNames[arg.getArgNumber()]).getValue() << "' ";
      w << "does not affect the loss; its gradient is zero";
      g = zerosLike(b, arg.getLoc(), arg.getType());
    }
    results.push_back(g);
  }
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  // VJP rules build every operand's gradient; drop those nobody needs (for
  // example the gradient of an input), so no backward work is wasted.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  return success();
}

struct AutodiffPass : dlc::impl::AutodiffBase<AutodiffPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kTrainStepAttr) && failed(differentiate(func)))
        return signalPassFailure();
  }
};

} // namespace
