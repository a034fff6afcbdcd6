//===- DlcTensorOps.cpp - shape rules and VJPs of the tensor ops -------===//
//
// Shape rules (inferReturnTypes, verifiers) and VJP rules of the ops in
// DlcTensorOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
