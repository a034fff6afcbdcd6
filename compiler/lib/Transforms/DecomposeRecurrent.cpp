//===- DecomposeRecurrent.cpp - RNN, GRU, LSTM into core dlc ops ===//
//
// The dlc-decompose patterns of the ops in DlcRecurrentOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Transforms/Decompose.h"

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateDecomposeRecurrentPatterns(RewritePatternSet &patterns) {
  (void)patterns;
}
