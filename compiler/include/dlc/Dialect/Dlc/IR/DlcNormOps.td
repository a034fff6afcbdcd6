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



#endif // DLC_NORM_OPS_TD
