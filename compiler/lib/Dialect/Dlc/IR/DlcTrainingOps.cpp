//===- DlcTrainingOps.cpp - shape rules of the training ops ---------------===//
//
// Shape rules and verifiers of the ops in DlcTrainingOps.td (constants,
// reductions, losses, metrics, schedule, optimizer updates). Like DlcOps.cpp,
// the messages name the offending values.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::dlc;

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// ReduceSum
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
mlir::dlc::normalizeAxes(std::optional<Location> loc, ArrayRef<int64_t> axes,
                         int64_t rank) {
  SmallVector<int64_t> out;
  if (axes.empty()) {
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(i);
    return out;
  }
  SmallVector<bool> seen(rank, false);
  for (int64_t a : axes) {
    int64_t n = a < 0 ? a + rank : a;
    if (n < 0 || n >= rank || seen[n]) {
      (void)emitOptionalError(loc, "axes ", formatShape(axes),
                              " are not distinct axes of rank ", rank);
      return failure();
    }
    seen[n] = true;
    out.push_back(n);
  }
  llvm::sort(out);
  return out;
}

SmallVector<int64_t> ReduceSumOp::getNormalizedAxes() {
  return *normalizeAxes(std::nullopt, getAxes(), getData().getType().getRank());
}

LogicalResult ReduceSumOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  RankedTensorType t = rankedType(adaptor.getData());
  ArrayRef<int64_t> axesAttr =
      adaptor.getAxesAttr() ? adaptor.getAxes() : ArrayRef<int64_t>{};
  bool keep = adaptor.getKeepdimsAttr() ? adaptor.getKeepdims() != 0 : true;
  // A sum over an empty axis is 0, so ReduceSum accepts one.
  FailureOr<RankedTensorType> type =
      reducedType(loc, t, axesAttr, keep, /*rejectEmptyAxis=*/false);
  if (failed(type))
    return failure();
  results.push_back(*type);
  return success();
}

FailureOr<RankedTensorType> mlir::dlc::reducedType(std::optional<Location> loc,
                                                   RankedTensorType type,
                                                   ArrayRef<int64_t> axesAttr,
                                                   bool keepDims, bool rejectEmptyAxis) {
  FailureOr<SmallVector<int64_t>> axes = normalizeAxes(loc, axesAttr, type.getRank());
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(*axes, i)) {
      if (rejectEmptyAxis && type.getDimSize(i) == 0)
        return emitOptionalError(loc, "cannot reduce the empty axis ", i, " of shape ",
                                 formatShape(type.getShape()));
      if (keepDims)
        shape.push_back(1);
    } else {
      shape.push_back(type.getDimSize(i));
    }
  }
  return RankedTensorType::get(shape, type.getElementType());
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

static LogicalResult checkReduction(std::optional<Location> loc, StringRef r) {
  if (r != "mean" && r != "sum" && r != "none")
    return emitOptionalError(loc, "reduction must be \"mean\", \"sum\" or \"none\", got \"",
                             r, "\"");
  return success();
}

/// Scores [N, C] and labels [N].
static LogicalResult checkScoresAndLabels(std::optional<Location> loc,
                                          Value scores, Value labels) {
  RankedTensorType s = rankedType(scores), l = rankedType(labels);
  if (s.getRank() != 2 || l.getRank() != 1 || s.getDimSize(0) != l.getDimSize(0))
    return emitOptionalError(loc, "expects scores [N, C] and labels [N], got ",
                             formatShape(s.getShape()), " and ",
                             formatShape(l.getShape()));
  return success();
}

static StringRef reductionOr(StringAttr attr) {
  return attr ? attr.getValue() : StringRef("mean");
}

LogicalResult SoftmaxCrossEntropyLossOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  if (failed(checkReduction(loc, reduction)) ||
      failed(checkScoresAndLabels(loc, adaptor.getScores(), adaptor.getLabels())))
    return failure();
  RankedTensorType s = rankedType(adaptor.getScores());
  SmallVector<int64_t> shape;
  if (reduction == "none")
    shape.push_back(s.getDimSize(0));
  results.push_back(RankedTensorType::get(shape, s.getElementType()));
  return success();
}

LogicalResult SoftmaxCrossEntropyLossGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  if (failed(checkReduction(loc, reduction)) ||
      failed(checkScoresAndLabels(loc, adaptor.getScores(), adaptor.getLabels())))
    return failure();
  RankedTensorType s = rankedType(adaptor.getScores());
  RankedTensorType d = rankedType(adaptor.getDloss());
  int64_t expectedRank = reduction == "none" ? 1 : 0;
  if (d.getRank() != expectedRank ||
      (expectedRank == 1 && d.getDimSize(0) != s.getDimSize(0)))
    return emitOptionalError(loc, "dloss of shape ", formatShape(d.getShape()),
                             " does not match reduction \"", reduction, "\"");
  results.push_back(s);
  return success();
}

LogicalResult MeanSquaredErrorOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  if (failed(checkReduction(loc, reduction)))
    return failure();
  RankedTensorType p = rankedType(adaptor.getPrediction());
  RankedTensorType t = rankedType(adaptor.getTarget());
  if (p != t)
    return emitOptionalError(loc, "prediction and target differ: ",
                             formatShape(p.getShape()), " and ",
                             formatShape(t.getShape()));
  results.push_back(reduction == "none"
                        ? p
                        : RankedTensorType::get({}, p.getElementType()));
  return success();
}

/// Elementwise binary losses: input and target of one type; the result is
/// that type for `none`, else a scalar.
static LogicalResult inferElementwiseLoss(std::optional<Location> loc,
                                          StringRef reduction, Value input,
                                          Value target, StringRef inputName,
                                          SmallVectorImpl<Type> &results) {
  if (failed(checkReduction(loc, reduction)))
    return failure();
  RankedTensorType p = rankedType(input), t = rankedType(target);
  if (p != t)
    return emitOptionalError(loc, inputName, " and target differ: ", p, " and ", t);
  results.push_back(reduction == "none"
                        ? p
                        : RankedTensorType::get({}, p.getElementType()));
  return success();
}

/// dloss of a loss over `input`: a scalar, or `input`'s shape for `none`.
static LogicalResult checkDloss(std::optional<Location> loc, StringRef reduction,
                                Value dloss, ArrayRef<int64_t> noneShape) {
  RankedTensorType d = rankedType(dloss);
  bool ok = reduction == "none" ? d.getShape() == noneShape : d.getRank() == 0;
  if (!ok)
    return emitOptionalError(loc, "dloss of shape ", formatShape(d.getShape()),
                             " does not match reduction \"", reduction, "\"");
  return success();
}

LogicalResult BinaryCrossEntropyOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  return inferElementwiseLoss(loc, reductionOr(adaptor.getReductionAttr()),
                              adaptor.getPrediction(), adaptor.getTarget(),
                              "prediction", results);
}

LogicalResult BinaryCrossEntropyGradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  SmallVector<Type> lossType;
  if (failed(inferElementwiseLoss(loc, reduction, adaptor.getPrediction(),
                                  adaptor.getTarget(), "prediction", lossType)))
    return failure();
  RankedTensorType p = rankedType(adaptor.getPrediction());
  if (failed(checkDloss(loc, reduction, adaptor.getDloss(), p.getShape())))
    return failure();
  results.push_back(p);
  return success();
}

LogicalResult BinaryCrossEntropyWithLogitsOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  return inferElementwiseLoss(loc, reductionOr(adaptor.getReductionAttr()),
                              adaptor.getLogits(), adaptor.getTarget(), "logits",
                              results);
}

/// FocalLoss and its gradient: reduction, scores [N, C] and labels [N],
/// gamma >= 0, alpha (when given) with C weights.
static LogicalResult checkFocal(std::optional<Location> loc, StringRef reduction,
                                Value scores, Value labels, FloatAttr gamma,
                                DenseF64ArrayAttr alpha) {
  if (failed(checkReduction(loc, reduction)) ||
      failed(checkScoresAndLabels(loc, scores, labels)))
    return failure();
  double g = gamma ? gamma.getValueAsDouble() : 2.0;
  if (!(g >= 0.0))
    return emitOptionalError(loc, "gamma must be non-negative, got ", g);
  RankedTensorType s = rankedType(scores);
  if (alpha && static_cast<int64_t>(alpha.size()) != s.getDimSize(1))
    return emitOptionalError(loc, "alpha has ", alpha.size(),
                             " weights, but scores ", formatShape(s.getShape()),
                             " have ", s.getDimSize(1), " classes");
  return success();
}

LogicalResult FocalLossOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  if (failed(checkFocal(loc, reduction, adaptor.getScores(), adaptor.getLabels(),
                        adaptor.getGammaAttr(), adaptor.getAlphaAttr())))
    return failure();
  RankedTensorType s = rankedType(adaptor.getScores());
  SmallVector<int64_t> shape;
  if (reduction == "none")
    shape.push_back(s.getDimSize(0));
  results.push_back(RankedTensorType::get(shape, s.getElementType()));
  return success();
}

LogicalResult FocalLossGradOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  StringRef reduction = reductionOr(adaptor.getReductionAttr());
  if (failed(checkFocal(loc, reduction, adaptor.getScores(), adaptor.getLabels(),
                        adaptor.getGammaAttr(), adaptor.getAlphaAttr())))
    return failure();
  RankedTensorType s = rankedType(adaptor.getScores());
  if (failed(checkDloss(loc, reduction, adaptor.getDloss(), {s.getDimSize(0)})))
    return failure();
  results.push_back(s);
  return success();
}

LogicalResult AccuracyOp::inferReturnTypes(MLIRContext *ctx,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  if (failed(checkScoresAndLabels(loc, adaptor.getScores(), adaptor.getLabels())))
    return failure();
  results.push_back(RankedTensorType::get({}, Float32Type::get(ctx)));
  return success();
}

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

LogicalResult LearningRateOp::verify() {
  if (getStep().getType().getRank() != 0 || getLr().getType().getRank() != 0)
    return emitOpError("step and lr must be scalars");
  StringRef s = getSchedule();
  if (s != "constant" && s != "step" && s != "exponential" && s != "cosine")
    return emitOpError("unknown schedule \"") << s << "\"";
  if (s == "step" && getStepSize() <= 0)
    return emitOpError("step_size must be positive, got ") << getStepSize();
  if (s == "cosine" && getTotalSteps() <= getWarmupSteps())
    return emitOpError("total_steps (")
           << getTotalSteps() << ") must exceed warmup_steps ("
           << getWarmupSteps() << ")";
  return success();
}

/// Results must be the parameter's type, `count` of them.
static LogicalResult checkUpdateResults(Operation *op, Type paramType,
                                        unsigned count) {
  if (op->getNumResults() != count)
    return op->emitOpError("expects ")
           << count << " results, got " << op->getNumResults();
  for (Type t : op->getResultTypes())
    if (t != paramType)
      return op->emitOpError("results must have the parameter's type ")
             << paramType << ", got " << t;
  return success();
}

static LogicalResult checkSameType(Operation *op, Value param, ValueRange others) {
  for (Value v : others)
    if (v && v.getType() != param.getType())
      return op->emitOpError("operands must have the parameter's type ")
             << param.getType() << ", got " << v.getType();
  return success();
}

LogicalResult SGDUpdateOp::verify() {
  bool hasBuffer = static_cast<bool>(getMomentumBuffer());
  if (hasBuffer != (getMomentum().convertToDouble() != 0.0))
    return emitOpError("a momentum buffer is needed exactly when momentum != 0");
  if (failed(checkSameType(*this, getParam(), {getGrad(), getMomentumBuffer()})))
    return failure();
  return checkUpdateResults(*this, getParam().getType(), hasBuffer ? 2 : 1);
}

LogicalResult AdamUpdateOp::verify() {
  if (failed(checkSameType(*this, getParam(), {getGrad(), getM(), getV(), getVmax()})))
    return failure();
  return checkUpdateResults(*this, getParam().getType(), getVmax() ? 4 : 3);
}

LogicalResult RMSPropUpdateOp::verify() {
  double alpha = getAlpha().convertToDouble();
  double eps = getEps().convertToDouble();
  double momentum = getMomentum().convertToDouble();
  if (!(alpha >= 0.0 && alpha < 1.0))
    return emitOpError("alpha must be in [0, 1), got ") << alpha;
  if (!(eps > 0.0))
    return emitOpError("eps must be positive, got ") << eps;
  if (!(momentum >= 0.0))
    return emitOpError("momentum must be non-negative, got ") << momentum;
  bool hasBuffer = static_cast<bool>(getMomentumBuffer());
  if (hasBuffer != (momentum > 0.0))
    return emitOpError("a momentum buffer is needed exactly when momentum > 0");
  bool hasGradAvg = static_cast<bool>(getGradAvg());
  if (hasGradAvg != getCentered())
    return emitOpError("a grad_avg operand is needed exactly when centered");
  if (failed(checkSameType(*this, getParam(),
                           {getGrad(), getSquareAvg(), getMomentumBuffer(), getGradAvg()})))
    return failure();
  return checkUpdateResults(*this, getParam().getType(),
                            2 + (hasBuffer ? 1 : 0) + (hasGradAvg ? 1 : 0));
}

LogicalResult GlobalNormScaleOp::verify() {
  if (getGrads().empty())
    return emitOpError("expects at least one gradient");
  if (!(getMaxNorm().convertToDouble() > 0.0))
    return emitOpError("max_norm must be positive, got ")
           << getMaxNorm().convertToDouble();
  auto coefType = cast<RankedTensorType>(getCoef().getType());
  Type element = cast<RankedTensorType>(getGrads().front().getType()).getElementType();
  for (Value g : getGrads())
    if (cast<RankedTensorType>(g.getType()).getElementType() != element)
      return emitOpError("gradients must have one element type, got ")
             << element << " and "
             << cast<RankedTensorType>(g.getType()).getElementType();
  if (coefType.getRank() != 0 || coefType.getElementType() != element)
    return emitOpError("result must be a scalar tensor of the gradients' element type ")
           << element << ", got " << coefType;
  return success();
}
