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

#endif // DLC_ATTENTION_OPS_TD
