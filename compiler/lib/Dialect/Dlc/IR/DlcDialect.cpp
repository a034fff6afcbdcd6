//===- DlcDialect.cpp - dlc dialect registration --------------------------===//
//
// Registers the dlc operators. The ops themselves (shape rules, folds) are in
// DlcOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

using namespace mlir;
using namespace mlir::dlc;

#include "dlc/Dialect/Dlc/IR/DlcOpsDialect.cpp.inc"
#include "dlc/Dialect/Dlc/IR/DlcInterfaces.cpp.inc"

void DlcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dlc/Dialect/Dlc/IR/DlcOps.cpp.inc"
      >();
}
