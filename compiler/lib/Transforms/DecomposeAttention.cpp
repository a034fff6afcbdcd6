//===- DecomposeAttention.cpp - Attention into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcAttentionOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateDecomposeAttentionPatterns(RewritePatternSet &patterns) {
  (void)patterns;
}
