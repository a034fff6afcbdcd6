//===- Tensor.cpp - dlc tensor ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcTensorOps.td.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateTensorOpsToLinalgPatterns(RewritePatternSet &patterns) {}
