//===- DlcNormOps.cpp - shape rules of the DlcNormOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcNormOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
