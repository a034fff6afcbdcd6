//===- DlcNormOps.td - normalization and dropout ops (BatchNormalization, LayerNormalization, Dropout) ---*- tablegen -*-===//
//
// normalization and dropout ops (BatchNormalization, LayerNormalization, Dropout). Included by DlcOps.td (one dialect); shape rules and verifiers in
// compiler/lib/Dialect/Dlc/IR/DlcNormOps.cpp. These are composite ops: dlc-decompose
// (compiler/lib/Transforms/DecomposeNorm.cpp) rewrites them into core dlc ops before
// dlc-autodiff and before the lowering to linalg, so their gradients are
// assembled from the core ops' VJP rules.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_NORM_OPS_TD
#define DLC_NORM_OPS_TD

//===----------------------------------------------------------------------===//
// BatchNormalization and Dropout (training and inference behaviour differ)
//===----------------------------------------------------------------------===//

// The composite ops are what the importer builds; the helpers after them
// (MovingAverage, DropoutMask, TrainingStep) are what dlc-decompose and the
// importer leave for the lowering and for dlc-insert-optimizer.

def Dlc_BatchNormalizationOp : Dlc_Op<"BatchNormalization", [Pure, InferTypeOpAdaptor]> {
  let summary = "Batch normalization over every axis but the channel axis 1";
  let description = [{
    ONNX BatchNormalization. `X` is `[N, C]` or `[N, C, d1, ...]` (NCHW for
    images); `scale`, `B`, `input_mean` and `input_var` are `[C]`.

    Inference mode (`training` false, the default; the infer and eval
    entries): `Y = (X - input_mean) / sqrt(input_var + epsilon) * scale + B`
    with the running statistics. One result.

    Training mode (`training` true; the importer sets it in the train step):
    the statistics of the batch over all axes but 1, `mean` and the
    population variance `var` (divided by N·d1·…, as ONNX's reference
    implementation), give `Y = (X - mean) / sqrt(var + epsilon) * scale + B`;
    two more results are the updated running statistics, ONNX's
    `running = momentum * input + (1 - momentum) * batch` for the mean and
    the variance (PyTorch's momentum is 1 - ONNX's, and PyTorch updates the
    running variance with the unbiased batch variance).

    dlc-decompose rewrites the op into core dlc ops (and dlc.MovingAverage
    for the running statistics), so it has no lowering and no VJP rule.

    ```mlir
    %y = dlc.BatchNormalization %x, %scale, %b, %mean, %var {epsilon = 1.0e-05 : f64}
        : (tensor<8x16x14x14xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
           tensor<16xf32>) -> tensor<8x16x14x14xf32>
    %y2, %m2, %v2 = dlc.BatchNormalization %x, %scale, %b, %mean, %var {training = true}
        : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
        -> (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>)
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$scale,
                       Dlc_FloatTensor:$B, Dlc_FloatTensor:$input_mean,
                       Dlc_FloatTensor:$input_var,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon,
                       DefaultValuedAttr<F64Attr, "0.9">:$momentum,
                       DefaultValuedAttr<BoolAttr, "false">:$training);
  let results = (outs Variadic<Dlc_FloatTensor>:$outputs);
  let assemblyFormat = [{
    $X `,` $scale `,` $B `,` $input_mean `,` $input_var attr-dict `:`
    functional-type(operands, results)
  }];
}

def Dlc_DropoutOp : Dlc_Op<"Dropout", [Pure, InferTypeOpAdaptor]> {
  let summary = "Dropout: identity in inference, a scaled random mask in training";
  let description = [{
    ONNX Dropout with `ratio` (default 0.5, in [0, 1)) as an attribute.
    Without `step` (inference: the infer and eval entries) the op returns
    `data`. With `step`, the i64 scalar update counter of the train step,
    it returns `data * dlc.DropoutMask(step)`: each element is zeroed with
    probability `ratio` and the others are scaled by `1 / (1 - ratio)`. The
    mask is a counter-based function of (`seed`, `step`, `salt`, element
    index), documented in docs/training.md; the importer sets `seed` from
    the training section and `salt` from the node's name.

    dlc-decompose rewrites the op, so it has no lowering and no VJP rule.

    ```mlir
    %y = dlc.Dropout %x {ratio = 5.000000e-01 : f64} : (tensor<64x128xf32>) -> tensor<64x128xf32>
    %y2 = dlc.Dropout %x step %step {ratio = 2.500000e-01 : f64, seed = 0 : i64, salt = 7 : i64}
        : (tensor<64x128xf32>, tensor<i64>) -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$data,
                       Optional<0DTensorOf<[I64]>>:$step,
                       DefaultValuedAttr<F64Attr, "0.5">:$ratio,
                       DefaultValuedAttr<I64Attr, "0">:$seed,
                       DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Dlc_FloatTensor:$output);
  let assemblyFormat = [{
    $data (`step` $step^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_MovingAverageOp : Dlc_Op<"MovingAverage", [Pure, SameOperandsAndResultType]> {
  let summary = "momentum * running + (1 - momentum) * batch, written into running";
  let description = [{
    The update of a BatchNormalization running statistic (ONNX's formula).
    Not differentiable (the running statistics are not trainable). Its
    lowering is destination-passing into `running`, so in a train step,
    where `running` is a writable parameter argument that nothing else
    reads, bufferization writes the new value into the parameter's buffer
    (see dlc-insert-optimizer).

    ```mlir
    %m2 = dlc.MovingAverage %running, %batch {momentum = 9.000000e-01 : f64} : tensor<16xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$running, Dlc_FloatTensor:$batch,
                       DefaultValuedAttr<F64Attr, "0.9">:$momentum);
  let results = (outs Dlc_FloatTensor:$updated);
  let assemblyFormat = "$running `,` $batch attr-dict `:` type($updated)";
  let hasVerifier = 1;
}

def Dlc_DropoutMaskOp : Dlc_Op<"DropoutMask", [Pure]> {
  let summary = "The scaled dropout mask of one train step: 0 or 1 / (1 - ratio)";
  let description = [{
    Element `i` (row-major index) of the result is 0 with probability
    `ratio` and `1 / (1 - ratio)` otherwise, decided by a counter-based
    generator: with `mix` SplitMix64's finalizer,
    `s = mix(mix(mix(seed) ^ salt) ^ step)`,
    `bits = mix(s + (i + 1) * 0x9E3779B97F4A7C15)` (mod 2^64), and the
    element is kept when `(bits >> 11) * 2^-53 >= ratio`. A pure function of
    its operand and attributes (docs/training.md has the numpy version). The
    result type is given.

    ```mlir
    %mask = dlc.DropoutMask %step {ratio = 5.000000e-01 : f64, seed = 0 : i64, salt = 3 : i64}
        : (tensor<i64>) -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins 0DTensorOf<[I64]>:$step,
                       DefaultValuedAttr<F64Attr, "0.5">:$ratio,
                       DefaultValuedAttr<I64Attr, "0">:$seed,
                       DefaultValuedAttr<I64Attr, "0">:$salt);
  let results = (outs Dlc_FloatTensor:$mask);
  let assemblyFormat = "$step attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dlc_TrainingStepOp : Dlc_Op<"TrainingStep", [Pure]> {
  let summary = "Placeholder for the update counter of the train step";
  let description = [{
    The number of updates done before this one (the `optimizer.step`
    argument), which dlc-insert-optimizer creates only after dlc-autodiff.
    The importer uses this op where the train step needs the counter (the
    dropout masks); dlc-insert-optimizer replaces it by the argument. It has
    no lowering.

    ```mlir
    %step = dlc.TrainingStep : tensor<i64>
    ```
  }];
  let results = (outs 0DTensorOf<[I64]>:$step);
  let assemblyFormat = "attr-dict `:` type($step)";
}



//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

def Dlc_LayerNormalizationOp : Dlc_Op<"LayerNormalization", [Pure, InferTypeOpAdaptor]> {
  let summary = "Layer normalization over the trailing axes [axis, rank)";
  let description = [{
    ONNX LayerNormalization (opset 17), output `Y` only. With `axes` =
    `[axis, rank)` (`axis` negative counts from the end):

    ```
    mean = ReduceMean(X, axes)            (keepdims)
    D    = X - mean
    var  = ReduceMean(D * D, axes)        (biased, as ONNX and torch)
    Y    = D / sqrt(var + epsilon) * Scale + B
    ```

    `Scale` and the optional `B` broadcast unidirectionally to the
    normalized shape `X.shape[axis:]` (usually they have exactly that
    shape). `stash_type` must be 1: the statistics are computed in X's own
    element type, f32 or f64, which is at least f32 as ONNX asks. The Mean
    and InvStdDev outputs of ONNX are not provided. dlc-decompose rewrites
    the op into the core ops above (DecomposeNorm.cpp), so its gradients
    with respect to X, Scale and B come from their VJP rules.

    ```mlir
    %y = dlc.LayerNormalization %x, %scale, %b {axis = -1 : si64, epsilon = 1.0e-05 : f64}
        : (tensor<64x28x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<64x28x64xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$Scale,
                       Optional<Dlc_FloatTensor>:$B,
                       DefaultValuedAttr<SI64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon,
                       DefaultValuedAttr<SI64Attr, "1">:$stash_type);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = [{
    $X `,` $Scale (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The first normalized axis, in [0, rank).
    int64_t getNormalizedAxis() {
      int64_t r = getX().getType().getRank();
      return getAxis() < 0 ? getAxis() + r : getAxis();
    }
  }];
}



#endif // DLC_NORM_OPS_TD
