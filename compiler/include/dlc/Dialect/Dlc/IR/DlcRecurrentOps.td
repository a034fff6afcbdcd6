//===- DlcRecurrentOps.td - recurrent ops (RNN, GRU, LSTM) ---*- tablegen -*-===//
//
// recurrent ops (RNN, GRU, LSTM). Included by DlcOps.td (one dialect); shape rules and verifiers in
// compiler/lib/Dialect/Dlc/IR/DlcRecurrentOps.cpp. These are composite ops: dlc-decompose
// (compiler/lib/Transforms/DecomposeRecurrent.cpp) rewrites them into core dlc ops before
// dlc-autodiff and before the lowering to linalg, so their gradients are
// assembled from the core ops' VJP rules.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_RECURRENT_OPS_TD
#define DLC_RECURRENT_OPS_TD

#endif // DLC_RECURRENT_OPS_TD
