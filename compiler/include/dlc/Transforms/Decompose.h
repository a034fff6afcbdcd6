//===- Decompose.h - composite ops into core dlc ops ------------*- C++ -*-===//
//
// The rewrite patterns of dlc-decompose, one family per file in
// compiler/lib/Transforms/Decompose*.cpp. Each pattern replaces one composite
// op (normalization, recurrent, attention) by core dlc ops that have lowering
// and VJP rules, so a composite op needs neither.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TRANSFORMS_DECOMPOSE_H
#define DLC_TRANSFORMS_DECOMPOSE_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::dlc {

/// BatchNormalization, LayerNormalization, Dropout (DecomposeNorm.cpp).
void populateDecomposeNormPatterns(RewritePatternSet &patterns);
/// LayerNormalization alone (DecomposeNorm.cpp; part of the above).
void populateDecomposeLayerNormPatterns(RewritePatternSet &patterns);
/// RNN, GRU, LSTM (DecomposeRecurrent.cpp).
void populateDecomposeRecurrentPatterns(RewritePatternSet &patterns);
/// Attention (DecomposeAttention.cpp).
void populateDecomposeAttentionPatterns(RewritePatternSet &patterns);

} // namespace mlir::dlc

#endif
