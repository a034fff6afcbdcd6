//===- DlcRecurrentOps.td - recurrent ops (RNN, GRU, LSTM) ---*- tablegen -*-===//
//
// recurrent ops (RNN, GRU, LSTM). Included by DlcOps.td (one dialect); shape rules and verifiers in
// compiler/lib/Dialect/Dlc/IR/DlcRecurrentOps.cpp. These are composite ops: dlc-decompose
// (compiler/lib/Transforms/DecomposeRecurrent.cpp) rewrites them into core dlc ops before
// dlc-autodiff and before the lowering to linalg, so their gradients are
// assembled from the core ops' VJP rules.
//
// Shape letters: S sequence length, N batch, I input features, H hidden_size,
// D number of directions (2 for bidirectional, else 1), G gates (RNN 1,
// GRU 3, LSTM 4).
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RECURRENT_OPS_TD
#define DLC_RECURRENT_OPS_TD

// What the three ops share: ONNX's operands up to initial_h, the attributes,
// and Y and Y_h. Optional operands are written `name(%v)` so that any of them
// may be omitted independently, as in ONNX.
class Dlc_RecurrentOp<string mnemonic, dag extraOperands, dag extraAttrs,
                      dag extraResults>
    : Dlc_Op<mnemonic, [Pure, AttrSizedOperandSegments, InferTypeOpAdaptor]> {
  let arguments = !con(
      (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$W, Dlc_FloatTensor:$R,
           Optional<Dlc_FloatTensor>:$B,
           Optional<Dlc_IndexTensor>:$sequence_lens,
           Optional<Dlc_FloatTensor>:$initial_h),
      extraOperands,
      (ins SI64Attr:$hidden_size,
           DefaultValuedStrAttr<StrAttr, "forward">:$direction,
           DefaultValuedAttr<SI64Attr, "0">:$layout,
           OptionalAttr<StrArrayAttr>:$activations,
           OptionalAttr<F64Attr>:$clip),
      extraAttrs);
  let results = !con((outs Dlc_FloatTensor:$Y, Dlc_FloatTensor:$Y_h), extraResults);
  let extraClassDeclaration = [{
    /// 2 for "bidirectional", else 1.
    int64_t getNumDirections() { return getDirection() == "bidirectional" ? 2 : 1; }
  }];
}

def Dlc_RNNOp : Dlc_RecurrentOp<"RNN", (ins), (ins), (outs)> {
  let summary = "Simple (Elman) recurrent network, ONNX RNN";
  let description = [{
    ONNX RNN (opset 14): for each direction,
    `H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb)` with `f` Tanh unless
    `activations` says otherwise (one of Tanh, Sigmoid, Relu per direction).

    Operands: `X` is `[S, N, I]` (`layout = 1`: `[N, S, I]`), `W` is
    `[D, H, I]`, `R` is `[D, H, H]`, the optional `B` is `[D, 2H]` (Wb then
    Rb), `initial_h` is `[D, N, H]` (`layout = 1`: `[N, D, H]`), zeros when
    absent. `sequence_lens` is not supported (every sequence has the full
    length S). `direction` is `forward`, `reverse` (time runs from S - 1 down
    to 0) or `bidirectional` (both, D = 2). `clip`, when given, bounds the
    input of every activation to [-clip, clip].

    Results: `Y` (every step's hidden state) is `[S, D, N, H]`
    (`layout = 1`: `[N, S, D, H]`), `Y_h` (the last one of each direction)
    is `[D, N, H]` (`layout = 1`: `[N, D, H]`).

    ```mlir
    %y, %yh = dlc.RNN %x, %w, %r B(%b) {hidden_size = 16 : si64}
        : (tensor<28x8x10xf32>, tensor<1x16x10xf32>, tensor<1x16x16xf32>, tensor<1x32xf32>)
        -> (tensor<28x1x8x16xf32>, tensor<1x8x16xf32>)
    ```
  }];
  let assemblyFormat = [{
    $X `,` $W `,` $R (`B` `(` $B^ `)`)? (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_GRUOp : Dlc_RecurrentOp<"GRU", (ins),
    (ins DefaultValuedAttr<SI64Attr, "0">:$linear_before_reset), (outs)> {
  let summary = "Gated recurrent unit, ONNX GRU";
  let description = [{
    ONNX GRU (opset 14) with gates in the order z (update), r (reset),
    h (hidden): for each direction, with `f` Sigmoid and `g` Tanh unless
    `activations` (two per direction, each Tanh, Sigmoid or Relu) says
    otherwise,

        z_t = f(X_t Wz^T + H_{t-1} Rz^T + Wbz + Rbz)
        r_t = f(X_t Wr^T + H_{t-1} Rr^T + Wbr + Rbr)
        h_t = g(X_t Wh^T + (r_t . H_{t-1}) Rh^T + Rbh + Wbh)      linear_before_reset = 0
        h_t = g(X_t Wh^T + r_t . (H_{t-1} Rh^T + Rbh) + Wbh)      linear_before_reset = 1
        H_t = (1 - z_t) . h_t + z_t . H_{t-1}

    Operands and results as RNN's with G = 3: `W` is `[D, 3H, I]`, `R` is
    `[D, 3H, H]`, `B` is `[D, 6H]`.

    ```mlir
    %y, %yh = dlc.GRU %x, %w, %r initial_h(%h0) {hidden_size = 16 : si64, layout = 1 : si64,
        linear_before_reset = 1 : si64}
        : (tensor<8x28x10xf32>, tensor<1x48x10xf32>, tensor<1x48x16xf32>, tensor<8x1x16xf32>)
        -> (tensor<8x28x1x16xf32>, tensor<8x1x16xf32>)
    ```
  }];
  let assemblyFormat = [{
    $X `,` $W `,` $R (`B` `(` $B^ `)`)? (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_LSTMOp : Dlc_RecurrentOp<"LSTM",
    (ins Optional<Dlc_FloatTensor>:$initial_c, Optional<Dlc_FloatTensor>:$P),
    (ins), (outs Dlc_FloatTensor:$Y_c)> {
  let summary = "Long short-term memory, ONNX LSTM";
  let description = [{
    ONNX LSTM (opset 14) with gates in the order i (input), o (output),
    f (forget), c (cell), and optional peepholes `P` (`[D, 3H]`: Pi, Po, Pf):
    for each direction, with `f` Sigmoid, `g` and `h` Tanh unless
    `activations` (three per direction, each Tanh, Sigmoid or Relu) says
    otherwise,

        i_t = f(X_t Wi^T + H_{t-1} Ri^T + Pi . C_{t-1} + Wbi + Rbi)
        f_t = f(X_t Wf^T + H_{t-1} Rf^T + Pf . C_{t-1} + Wbf + Rbf)
        c_t = g(X_t Wc^T + H_{t-1} Rc^T + Wbc + Rbc)
        C_t = f_t . C_{t-1} + i_t . c_t
        o_t = f(X_t Wo^T + H_{t-1} Ro^T + Po . C_t + Wbo + Rbo)
        H_t = o_t . h(C_t)

    Operands and results as RNN's with G = 4 (`W` `[D, 4H, I]`, `R`
    `[D, 4H, H]`, `B` `[D, 8H]`), plus `initial_c` (shaped as `initial_h`)
    and the result `Y_c`, the last cell state (shaped as `Y_h`). `clip`
    bounds the inputs of `f` and `g`. ONNX's `input_forget = 1` is not
    supported (the importer rejects it).

    ```mlir
    %y, %yh, %yc = dlc.LSTM %x, %w, %r B(%b) {hidden_size = 64 : si64, layout = 1 : si64}
        : (tensor<64x28x28xf32>, tensor<1x256x28xf32>, tensor<1x256x64xf32>, tensor<1x512xf32>)
        -> (tensor<64x28x1x64xf32>, tensor<64x1x64xf32>, tensor<64x1x64xf32>)
    ```
  }];
  let assemblyFormat = [{
    $X `,` $W `,` $R (`B` `(` $B^ `)`)? (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)? (`initial_c` `(` $initial_c^ `)`)?
    (`P` `(` $P^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

#endif // DLC_RECURRENT_OPS_TD
