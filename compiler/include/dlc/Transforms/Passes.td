//===- Passes.td - dlc graph transformations ---------------------*- tablegen -*-===//

#ifndef DLC_TRANSFORMS_PASSES_TD
#define DLC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Decompose : Pass<"dlc-decompose", "ModuleOp"> {
  let summary = "Rewrite composite ops (normalization, recurrent, attention) into core dlc ops";
  let description = [{
    BatchNormalization, LayerNormalization, Dropout, RNN, GRU, LSTM and
    Attention are verified, shape-inferred dlc ops, so models, diagnostics
    and `--emit=dlc` speak of them as written. They have no lowering and no
    VJP rule of their own: this pass replaces each by the core ops that
    compute it (reductions, elementwise math, MatMul, Softmax, slices), so
    dlc-autodiff derives their gradients from the core ops' VJP rules and
    the lowering to linalg never sees them. It runs first in both the
    training pipeline and the lowering pipeline (a no-op the second time).
  }];
  let dependentDialects = ["::mlir::dlc::DlcDialect"];
}

def Autodiff : Pass<"dlc-autodiff", "ModuleOp"> {
  let summary = "Reverse-mode differentiation of a training-step function";
  let description = [{
    For each function marked `dlc.train_step`, whose first result is the
    scalar loss (later results, the metrics and state updates, are passed
    through undifferentiated), appends the backward graph and returns, after
    the original results, d(loss)/d(p) for every trainable parameter p (the arguments
    listed by `dlc.trainable`, in order). The pass knows no op: it walks the
    ops backwards and asks each one for its VJP (VJPOpInterface), summing
    the contributions of a value used several times. Only ops on a path from
    a trainable parameter to the loss get a VJP; a trainable parameter the
    loss does not depend on gets a zero gradient and one warning. The
    backward graph recomputes nothing: VJP rules read the forward values
    (inputs or results of the forward op) directly, so every forward value a
    rule needs stays live until its backward use.

    Before (`dlc.trainable = [true]`):
    ```mlir
    func.func @step(%w: tensor<3x4xf32>, %x: tensor<2x4xf32>) -> tensor<f32>
        attributes {dlc.train_step, dlc.trainable = [true, false]} {
      %y = dlc.MatMul %x, %wt ...
      return %loss : tensor<f32>
    }
    ```
    After: `-> (tensor<f32>, tensor<3x4xf32>)`, the second result the
    gradient of the loss with respect to %w.
  }];
  let dependentDialects = ["::mlir::dlc::DlcDialect"];
}

def InsertOptimizer : Pass<"dlc-insert-optimizer", "ModuleOp"> {
  let summary = "Append the optimizer update to a differentiated training step";
  let description = [{
    For each function marked `dlc.train_step` (after dlc-autodiff), reads the
    `dlc.optimizer` dictionary (kind, learning rate, hyperparameters,
    schedule) and:
    - adds the optimizer state as arguments after the parameters, per
      trainable parameter in order (`NAME.momentum_buffer` for SGD with
      momentum; `NAME.adam_m`, `NAME.adam_v` (`NAME.adam_vmax`) for Adam and
      AdamW; `NAME.square_avg` (`NAME.momentum_buffer` with momentum > 0)
      (`NAME.grad_avg` when centered) for RMSprop, torch's state order), then
      the update counter `optimizer.step` (i64 scalar);
    - computes the learning rate of this step (dlc.LearningRate);
    - with `clip_grad_norm` (a positive number) in the dictionary, clips the
      gradients before any update as torch.nn.utils.clip_grad_norm_: one
      dlc.GlobalNormScale over all trainable gradients gives
      coef = min(1, clip_grad_norm / (sqrt(sum g^2) + 1e-6)) and every
      gradient is multiplied by it (dlc.Mul with the scalar);
    - updates each trainable parameter and its state (dlc.SGDUpdate,
      dlc.AdamUpdate, dlc.RMSPropUpdate) and increments the step;
    - replaces every `dlc.TrainingStep` placeholder (the importer's, for the
      dropout masks) by the `optimizer.step` argument;
    - returns the updated parameters and state first, then the new values of
      non-trainable parameters that the step returned after its loss and
      metrics (`dlc.state_updates`: their parameter indices, e.g.
      BatchNormalization's running statistics), then the loss and the
      metrics; the gradients are no longer returned.
    Bufferization then writes every update in place into the argument's
    buffer (the function's arguments for parameters and state are marked
    writable), so the step updates the caller's storage.
    The state names are recorded in `dlc.state_names`.
  }];
  let dependentDialects = ["::mlir::dlc::DlcDialect"];
}

#endif // DLC_TRANSFORMS_PASSES_TD
