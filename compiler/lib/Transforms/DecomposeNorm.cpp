//===- DecomposeNorm.cpp - BatchNormalization, LayerNormalization, Dropout into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateDecomposeNormPatterns(RewritePatternSet &patterns) {
  (void)patterns;
}
