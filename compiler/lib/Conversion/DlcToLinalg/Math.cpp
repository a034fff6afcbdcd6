//===- Math.cpp - dlc math ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcMathOps.td.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

void mlir::dlc::populateMathToLinalgPatterns(RewritePatternSet &patterns) {}
