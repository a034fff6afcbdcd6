//===- DlcTrainingOps.td - ops of the training step --------------*- tablegen -*-===//
//
// Ops that training adds to a model: constants and reductions the VJP rules
// are built from, the gradient helpers of ops whose VJP is not a composition
// of other dlc ops, the losses, the learning-rate schedule, the optimizer
// updates and the metrics. Included by DlcOps.td (one dialect).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TRAINING_OPS_TD
#define DLC_TRAINING_OPS_TD

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

def Dlc_ConstantOp : Dlc_Op<"Constant", [Pure, ConstantLike,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor";
  let description = [{
    ONNX Constant with a dense `value`.

    ```mlir
    %c = dlc.Constant dense<2.0> : tensor<f32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Dlc_ReduceSumOp : Dlc_Op<"ReduceSum", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Sum over the given axes";
  let description = [{
    ONNX ReduceSum with the axes as an attribute: sums `data` over `axes`
    (all axes when empty), keeping them as size 1 when `keepdims` is 1.

    ```mlir
    %s = dlc.ReduceSum %x {axes = array<i64: 0>, keepdims = 0 : si64}
        : (tensor<64x10xf32>) -> tensor<10xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$data,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<SI64Attr, "1">:$keepdims);
  let results = (outs Dlc_FloatTensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// The reduced axes in [0, rank), sorted; all axes when `axes` is empty.
    SmallVector<int64_t> getNormalizedAxes();
  }];
}

//===----------------------------------------------------------------------===//
// Gradient helpers: d(loss)/d(input) of one activation, given dY
//===----------------------------------------------------------------------===//

class Dlc_GradOp<string mnemonic, string formula, string second, dag attrs = (ins)>
    : Dlc_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of " # !substr(mnemonic, 0, !sub(!size(mnemonic), 4))
                # ": " # formula;
  let description = [{
    Emitted by the Autodiff pass from the VJP rule of the forward op; not an
    ONNX op. Computes `}] # formula # [{` elementwise.

    ```mlir
    %dx = dlc.}] # mnemonic # [{ %dy, %}] # second # [{ : tensor<64x256xf32>
    ```
  }];
  let arguments = !con((ins Dlc_FloatTensor:$dY, Dlc_FloatTensor:$saved), attrs);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY `,` $saved attr-dict `:` type($dX)";
}

def Dlc_ReluGradOp : Dlc_GradOp<"ReluGrad", "x > 0 ? dy : 0", "x">;
def Dlc_LeakyReluGradOp : Dlc_GradOp<"LeakyReluGrad", "x >= 0 ? dy : alpha dy",
    "x", (ins DefaultValuedAttr<F64Attr, "0.01">:$alpha)>;
def Dlc_EluGradOp : Dlc_GradOp<"EluGrad", "x > 0 ? dy : alpha exp(x) dy", "x",
    (ins DefaultValuedAttr<F64Attr, "1.0">:$alpha)>;
def Dlc_SigmoidGradOp : Dlc_GradOp<"SigmoidGrad", "dy y (1 - y), y = sigmoid(x)", "y">;
def Dlc_TanhGradOp : Dlc_GradOp<"TanhGrad", "dy (1 - y^2), y = tanh(x)", "y">;
def Dlc_GeluGradOp : Dlc_GradOp<"GeluGrad", "dy gelu'(x)", "x",
    (ins DefaultValuedStrAttr<StrAttr, "none">:$approximate)>;
def Dlc_SoftmaxGradOp : Dlc_GradOp<"SoftmaxGrad",
    "y (dy - sum(dy y, axis)), y = softmax(x)", "y",
    (ins DefaultValuedAttr<SI64Attr, "-1">:$axis)>;
def Dlc_LogSoftmaxGradOp : Dlc_GradOp<"LogSoftmaxGrad",
    "dy - exp(y) sum(dy, axis), y = log_softmax(x)", "y",
    (ins DefaultValuedAttr<SI64Attr, "-1">:$axis)>;

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//


def Dlc_SoftmaxCrossEntropyLossOp
    : Dlc_Op<"SoftmaxCrossEntropyLoss", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Cross entropy of softmax(scores) against integer labels";
  let description = [{
    `loss_n = -sum_c q_nc log softmax(scores_n)_c` with `q` the one-hot label
    smoothed as `(1 - eps) onehot + eps / C`. Samples whose label equals
    `ignore_index` contribute 0 and are not counted by `mean`. Reductions:
    `mean` (over counted samples), `sum`, `none` (a [N] result). Matches
    torch.nn.functional.cross_entropy. Scores are `[N, C]`.

    ```mlir
    %l = dlc.SoftmaxCrossEntropyLoss %scores, %labels
        : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$scores,
                       StaticShapeTensorOf<[I64, I32]>:$labels,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction,
                       OptionalAttr<SI64Attr>:$ignore_index,
                       DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing);
  let results = (outs Dlc_FloatTensor:$loss);
  let assemblyFormat = [{
    $scores `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_SoftmaxCrossEntropyLossGradOp
    : Dlc_Op<"SoftmaxCrossEntropyLossGrad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradient of SoftmaxCrossEntropyLoss with respect to scores";
  let description = [{
    `dscores_n = dloss_n (softmax(scores_n) - q_n) / count` (for `mean`;
    `count` the number of samples not ignored), zero for ignored samples.
    `dloss` is a scalar, or `[N]` for reduction `none`.

    ```mlir
    %ds = dlc.SoftmaxCrossEntropyLossGrad %dl, %scores, %labels
        : (tensor<f32>, tensor<64x10xf32>, tensor<64xi64>) -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dloss, Dlc_FloatTensor:$scores,
                       StaticShapeTensorOf<[I64, I32]>:$labels,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction,
                       OptionalAttr<SI64Attr>:$ignore_index,
                       DefaultValuedAttr<F64Attr, "0.0">:$label_smoothing);
  let results = (outs Dlc_FloatTensor:$dscores);
  let assemblyFormat = [{
    $dloss `,` $scores `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_MeanSquaredErrorOp : Dlc_Op<"MeanSquaredError", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Squared error of a prediction against a target";
  let description = [{
    `(p - t)^2`, reduced by `mean` (over all elements), `sum`, or `none`
    (same shape as `p`). Matches torch.nn.functional.mse_loss.

    ```mlir
    %l = dlc.MeanSquaredError %p, %t : (tensor<64x784xf32>, tensor<64x784xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$prediction, Dlc_FloatTensor:$target,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs Dlc_FloatTensor:$loss);
  let assemblyFormat = [{
    $prediction `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_BinaryCrossEntropyOp : Dlc_Op<"BinaryCrossEntropy", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Binary cross entropy of probabilities against targets in [0, 1]";
  let description = [{
    `-(t max(log p, -100) + (1 - t) max(log(1 - p), -100))` elementwise
    (log(1 - p) computed as log1p(-p)), reduced by `mean` (over all
    elements), `sum`, or `none` (same shape as `p`). Matches
    torch.nn.functional.binary_cross_entropy without `weight`, including the
    clamp of each log at -100, so p = 0 or p = 1 gives a finite loss. Unlike
    torch, p outside [0, 1] is not checked at run time (it yields NaN).
    The gradients are BinaryCrossEntropyGrad's.

    ```mlir
    %l = dlc.BinaryCrossEntropy %p, %t : (tensor<64x5xf32>, tensor<64x5xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$prediction, Dlc_FloatTensor:$target,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs Dlc_FloatTensor:$loss);
  let assemblyFormat = [{
    $prediction `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_BinaryCrossEntropyGradOp
    : Dlc_Op<"BinaryCrossEntropyGrad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradient of BinaryCrossEntropy with respect to p (or t)";
  let description = [{
    torch's backward of binary_cross_entropy, elementwise with `k` = 1/numel
    for `mean` and 1 otherwise:
    - with respect to the prediction (torch's binary_cross_entropy_backward):
      `dp = dloss k (p - t) / max(p (1 - p), 1e-12)`; the forward's clamp of
      the logs at -100 is not differentiated (torch ignores it too), the
      eps keeps p = 0 and p = 1 finite;
    - with `wrt_target` (torch's binary_cross_entropy_target_backward):
      `dt = dloss k (log(1 - p) - log p)` = `-dloss k logit(p)`, unclamped
      as in torch (infinite at p = 0 or 1).
    `dloss` is a scalar, or of `p`'s shape for reduction `none`.

    ```mlir
    %dp = dlc.BinaryCrossEntropyGrad %dl, %p, %t
        : (tensor<f32>, tensor<64x5xf32>, tensor<64x5xf32>) -> tensor<64x5xf32>
    %dt = dlc.BinaryCrossEntropyGrad %dl, %p, %t {wrt_target = true}
        : (tensor<f32>, tensor<64x5xf32>, tensor<64x5xf32>) -> tensor<64x5xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dloss, Dlc_FloatTensor:$prediction,
                       Dlc_FloatTensor:$target,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction,
                       DefaultValuedAttr<BoolAttr, "false">:$wrt_target);
  let results = (outs Dlc_FloatTensor:$grad);
  let assemblyFormat = [{
    $dloss `,` $prediction `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_BinaryCrossEntropyWithLogitsOp : Dlc_Op<"BinaryCrossEntropyWithLogits", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Binary cross entropy of sigmoid(logits) against targets, computed stably";
  let description = [{
    `max(x, 0) - x t + log1p(exp(-|x|))` elementwise, which equals
    `-(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))` without overflow or
    cancellation for large |x|. Reductions `mean` (over all elements), `sum`,
    `none` (same shape as `x`). Matches
    torch.nn.functional.binary_cross_entropy_with_logits without `weight`
    and `pos_weight`. Its VJP is a composition of dlc ops:
    `dx = dloss k (sigmoid(x) - t)`, `dt = -dloss k x` (k = 1/numel for
    `mean`, else 1), torch's backward formulas.

    ```mlir
    %l = dlc.BinaryCrossEntropyWithLogits %x, %t {reduction = "sum"}
        : (tensor<64x5xf32>, tensor<64x5xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$logits, Dlc_FloatTensor:$target,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs Dlc_FloatTensor:$loss);
  let assemblyFormat = [{
    $logits `,` $target attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_FocalLossOp : Dlc_Op<"FocalLoss", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Multi-class focal loss of softmax(scores) against integer labels";
  let description = [{
    Lin et al. (2017) on softmax probabilities: with `p = softmax(scores_n)`
    and `p_t = p[label_n]`,
    `loss_n = -alpha[label_n] (1 - p_t)^gamma log p_t`
    (alpha absent: 1 for every class; `log p_t` is computed as a
    log-softmax and `1 - p_t` as `-expm1(log p_t)`, so neither loses
    precision for confident predictions). `gamma` = 0 with no alpha is
    SoftmaxCrossEntropyLoss. `alpha`, when given, has one weight per class.
    Reductions: `mean` (the plain mean over the N samples, not divided by the
    sum of the weights), `sum`, `none` (a [N] result). Scores are `[N, C]`.

    ```mlir
    %l = dlc.FocalLoss %scores, %labels {gamma = 2.0, alpha = array<f64: 0.25, 0.75>}
        : (tensor<64x2xf32>, tensor<64xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$scores,
                       StaticShapeTensorOf<[I64, I32]>:$labels,
                       DefaultValuedAttr<F64Attr, "2.0">:$gamma,
                       OptionalAttr<DenseF64ArrayAttr>:$alpha,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs Dlc_FloatTensor:$loss);
  let assemblyFormat = [{
    $scores `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_FocalLossGradOp : Dlc_Op<"FocalLossGrad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gradient of FocalLoss with respect to scores";
  let description = [{
    With `p = softmax(scores_n)`, `p_t = p[label_n]`, `a = alpha[label_n]`:
    `dscores_nc = dloss_n k a F_n (p_c - [c == label_n])` where
    `F_n = (1 - p_t)^gamma - gamma p_t (1 - p_t)^(gamma - 1) log p_t`
    (the second term taken as 0 where 1 - p_t = 0, its limit for gamma > 0)
    and k = 1/N for `mean`, else 1. `dloss` is a scalar, or `[N]` for
    reduction `none`.

    ```mlir
    %ds = dlc.FocalLossGrad %dl, %scores, %labels {gamma = 2.0}
        : (tensor<f32>, tensor<64x10xf32>, tensor<64xi64>) -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dloss, Dlc_FloatTensor:$scores,
                       StaticShapeTensorOf<[I64, I32]>:$labels,
                       DefaultValuedAttr<F64Attr, "2.0">:$gamma,
                       OptionalAttr<DenseF64ArrayAttr>:$alpha,
                       DefaultValuedStrAttr<StrAttr, "mean">:$reduction);
  let results = (outs Dlc_FloatTensor:$dscores);
  let assemblyFormat = [{
    $dloss `,` $scores `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Metrics
//===----------------------------------------------------------------------===//

def Dlc_AccuracyOp : Dlc_Op<"Accuracy", [Pure, InferTypeOpAdaptor]> {
  let summary = "Fraction of samples whose arg-max score is the label";
  let description = [{
    Scores `[N, C]`, integer labels `[N]`; the first maximal class wins ties.
    Returns an f32 scalar in [0, 1].

    ```mlir
    %a = dlc.Accuracy %scores, %labels : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$scores, StaticShapeTensorOf<[I64, I32]>:$labels);
  let results = (outs StaticShapeTensorOf<[F32]>:$accuracy);
  let assemblyFormat = [{
    $scores `,` $labels attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

def Dlc_LearningRateOp : Dlc_Op<"LearningRate", [Pure]> {
  let summary = "The learning rate at an update step, per the schedule";
  let description = [{
    `step` is the number of updates done before this one (an i64 scalar).
    Schedules (steps count optimizer updates):
    - `constant`: lr;
    - `step`: lr * gamma^floor(step / step_size);
    - `exponential`: lr * gamma^step;
    - `cosine`: linear warm-up from 0 over `warmup_steps`, then
      min_lr + (lr - min_lr) (1 + cos(pi t / T)) / 2 with
      t = step - warmup_steps, T = total_steps - warmup_steps (clamped).

    ```mlir
    %lr = dlc.LearningRate %step {schedule = "constant", learning_rate = 1.0e-03}
        : (tensor<i64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I64]>:$step,
                       F64Attr:$learning_rate,
                       DefaultValuedStrAttr<StrAttr, "constant">:$schedule,
                       DefaultValuedAttr<F64Attr, "0.1">:$gamma,
                       DefaultValuedAttr<I64Attr, "1">:$step_size,
                       DefaultValuedAttr<I64Attr, "1">:$total_steps,
                       DefaultValuedAttr<I64Attr, "0">:$warmup_steps,
                       DefaultValuedAttr<F64Attr, "0.0">:$min_learning_rate);
  let results = (outs StaticShapeTensorOf<[F32]>:$lr);
  let assemblyFormat = "$step attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dlc_StepIncrementOp : Dlc_Op<"StepIncrement", [Pure, AllTypesMatch<["step", "next"]>]> {
  let summary = "step + 1 for the i64 update counter";
  let description = [{
    ```mlir
    %next = dlc.StepIncrement %step : tensor<i64>
    ```
  }];
  let arguments = (ins StaticShapeTensorOf<[I64]>:$step);
  let results = (outs StaticShapeTensorOf<[I64]>:$next);
  let assemblyFormat = "$step attr-dict `:` type($step)";
}

def Dlc_SGDUpdateOp : Dlc_Op<"SGDUpdate", [Pure]> {
  let summary = "One torch.optim.SGD update of a parameter";
  let description = [{
    With `step` the number of updates done before this one and `lr` a scalar:
    g = grad + weight_decay * param;
    if momentum != 0: buf = step == 0 ? g : momentum * buf + (1 - dampening) * g,
    g = nesterov ? g + momentum * buf : buf;
    param -= lr * g. Results: the new parameter and (with momentum) the new
    buffer, which bufferization writes in place.

    ```mlir
    %w2 = dlc.SGDUpdate %w, %g, %lr, %step {momentum = 0.0}
        : (tensor<10x64xf32>, tensor<10x64xf32>, tensor<f32>, tensor<i64>) -> tensor<10x64xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$param, Dlc_FloatTensor:$grad,
                       Optional<Dlc_FloatTensor>:$momentum_buffer,
                       StaticShapeTensorOf<[F32]>:$lr,
                       StaticShapeTensorOf<[I64]>:$step,
                       DefaultValuedAttr<F64Attr, "0.0">:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$dampening,
                       DefaultValuedAttr<BoolAttr, "false">:$nesterov,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs Variadic<Dlc_FloatTensor>:$updated);
  let assemblyFormat = [{
    $param `,` $grad (`momentum_buffer` $momentum_buffer^)? `,` $lr `,` $step
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dlc_AdamUpdateOp : Dlc_Op<"AdamUpdate", [Pure]> {
  let summary = "One torch.optim.Adam or AdamW update of a parameter";
  let description = [{
    t = step + 1; g = grad (+ weight_decay * param unless decoupled);
    decoupled (AdamW): param *= 1 - lr * weight_decay;
    m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
    amsgrad: vmax = max(vmax, v), and vmax replaces v below;
    param -= lr / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t)) + eps).
    Results: param, m, v (and vmax with amsgrad).

    ```mlir
    %w2, %m2, %v2 = dlc.AdamUpdate %w, %g, %m, %v, %lr, %step {}
        : (...) -> (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>)
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$param, Dlc_FloatTensor:$grad,
                       Dlc_FloatTensor:$m, Dlc_FloatTensor:$v,
                       Optional<Dlc_FloatTensor>:$vmax,
                       StaticShapeTensorOf<[F32]>:$lr,
                       StaticShapeTensorOf<[I64]>:$step,
                       DefaultValuedAttr<F64Attr, "0.9">:$beta1,
                       DefaultValuedAttr<F64Attr, "0.999">:$beta2,
                       DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       DefaultValuedAttr<BoolAttr, "false">:$decoupled);
  let results = (outs Variadic<Dlc_FloatTensor>:$updated);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v (`vmax` $vmax^)? `,` $lr `,` $step
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dlc_RMSPropUpdateOp : Dlc_Op<"RMSPropUpdate", [Pure, AttrSizedOperandSegments]> {
  let summary = "One torch.optim.RMSprop update of a parameter";
  let description = [{
    With `lr` a scalar (`step`, the number of updates done before this one,
    is taken for uniformity with the other updates; RMSprop does not use it):
    g = grad + weight_decay * param;
    square_avg = alpha * square_avg + (1 - alpha) * g^2;
    centered: grad_avg = alpha * grad_avg + (1 - alpha) * g,
              avg = sqrt(square_avg - grad_avg^2) + eps;
    else:     avg = sqrt(square_avg) + eps;
    momentum > 0: buf = momentum * buf + g / avg, param -= lr * buf;
    else:         param -= lr * g / avg.
    `momentum_buffer` is present exactly when momentum > 0 and `grad_avg`
    exactly when centered. Results, in torch's state order: param,
    square_avg, (momentum_buffer), (grad_avg); bufferization writes them in
    place.

    ```mlir
    %w2, %sq2, %buf2 = dlc.RMSPropUpdate %w, %g, %sq momentum_buffer %buf, %lr, %step
        {momentum = 0.9}
        : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<f32>, tensor<i64>)
        -> (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>)
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$param, Dlc_FloatTensor:$grad,
                       Dlc_FloatTensor:$square_avg,
                       Optional<Dlc_FloatTensor>:$momentum_buffer,
                       Optional<Dlc_FloatTensor>:$grad_avg,
                       StaticShapeTensorOf<[F32]>:$lr,
                       StaticShapeTensorOf<[I64]>:$step,
                       DefaultValuedAttr<F64Attr, "0.99">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       DefaultValuedAttr<F64Attr, "0.0">:$momentum,
                       DefaultValuedAttr<BoolAttr, "false">:$centered);
  let results = (outs Variadic<Dlc_FloatTensor>:$updated);
  let assemblyFormat = [{
    $param `,` $grad `,` $square_avg (`momentum_buffer` $momentum_buffer^)?
    (`grad_avg` $grad_avg^)? `,` $lr `,` $step
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Dlc_GlobalNormScaleOp : Dlc_Op<"GlobalNormScale", [Pure]> {
  let summary = "The clipping coefficient of torch.nn.utils.clip_grad_norm_";
  let description = [{
    total = sqrt(sum over every element g of every operand of g^2);
    coef = min(1, max_norm / (total + 1e-6)), a scalar of the gradients'
    element type (the sum is accumulated in f64). Clipping multiplies each
    gradient by coef (dlc.Mul, broadcasting the scalar), which is what
    clip_grad_norm_(params, max_norm) does (it multiplies by the clamped
    coefficient even when it is 1).

    ```mlir
    %coef = dlc.GlobalNormScale %g1, %g2 {max_norm = 1.0}
        : (tensor<10x64xf32>, tensor<10xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Variadic<Dlc_FloatTensor>:$grads, F64Attr:$max_norm);
  let results = (outs StaticShapeTensorOf<[F32, F64]>:$coef);
  let assemblyFormat = "$grads attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_TRAINING_OPS_TD
