//===- DlcAttentionOps.td - attention (Attention) ---*- tablegen -*-===//
//
// attention (Attention). Included by DlcOps.td (one dialect); shape rules and verifiers in
// compiler/lib/Dialect/Dlc/IR/DlcAttentionOps.cpp. These are composite ops: dlc-decompose
// (compiler/lib/Transforms/DecomposeAttention.cpp) rewrites them into core dlc ops before
// dlc-autodiff and before the lowering to linalg, so their gradients are
// assembled from the core ops' VJP rules.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_ATTENTION_OPS_TD
#define DLC_ATTENTION_OPS_TD

def Dlc_AttentionOp : Dlc_Op<"Attention", [Pure, InferTypeOpAdaptor]> {
  let summary = "Scaled dot-product attention: softmax(Q Kᵀ scale + mask) V";
  let description = [{
    Attention of model-format.md (ONNX Attention with 4-D inputs): `Q` is
    `[B, H, Sq, D]`, `K` is `[B, H, Sk, D]`, `V` is `[B, H, Sk, Dv]`, the
    result is `[B, H, Sq, Dv]`:

    ```
    S = Q Kᵀ scale (+ mask)        [B, H, Sq, Sk]
    S[..., i, j] = lowest          where is_causal and j > i
    Y = Softmax(S, axis = -1) V
    ```

    `scale` defaults to `1 / sqrt(D)`. The optional `mask` is additive and
    broadcasts to `[B, H, Sq, Sk]` by numpy rules (e.g. `[Sq, Sk]` or
    `[B, 1, 1, Sk]`). With `is_causal`, query `i` sees keys `j <= i`: the
    triangle is aligned at the top left, as `torch.nn.functional.
    scaled_dot_product_attention(is_causal=True)` does, also when
    `Sq != Sk` (with `Sq > Sk` the queries from `Sk - 1` on see every key).
    A causally masked score is replaced by the lowest finite value of the
    element type (not -inf, and not added), so its softmax weight is exactly
    0 and no inf - inf or 0 * inf can make a NaN in the forward or backward
    pass; every query keeps at least key 0. dlc-decompose rewrites the op
    into Transpose, MatMul, Mul, Add, Where and Softmax
    (DecomposeAttention.cpp), whose VJP rules give the gradients with
    respect to Q, K, V and the mask.

    ```mlir
    %y = dlc.Attention %q, %k, %v {is_causal = true}
        : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
    %z = dlc.Attention %q, %k, %v, %mask {scale = 0.5 : f64}
        : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<8x8xf32>)
        -> tensor<2x4x8x16xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$Q, Dlc_FloatTensor:$K, Dlc_FloatTensor:$V,
                       Optional<Dlc_FloatTensor>:$mask,
                       DefaultValuedAttr<BoolAttr, "false">:$is_causal,
                       OptionalAttr<F64Attr>:$scale);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = [{
    $Q `,` $K `,` $V (`,` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// `scale`, or its default 1 / sqrt(D).
    double getScaleOrDefault();
  }];
}


#endif // DLC_ATTENTION_OPS_TD
