//===- DlcConvOps.cpp - shape rules and VJPs of the conv ops -------===//
//
// Shape rules (inferReturnTypes, verifiers) and VJP rules of the ops in
// DlcConvOps.td.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::dlc;
