//===- DlcRecurrentOps.cpp - shape rules of the DlcRecurrentOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcRecurrentOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
