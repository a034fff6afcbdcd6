//===- DlcAttentionOps.cpp - shape rules of the DlcAttentionOps -------------------===//
//
// Shape rules (inferReturnTypes) and verifiers of the ops in DlcAttentionOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
