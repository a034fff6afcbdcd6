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
