//===- dlc-opt.cpp - mlir-opt with the dlc dialect and passes --------------===//
//
// The driver lit tests use: every upstream dialect and pass, plus dlc's
// dialect, passes and named pipelines (the same ones `dlc` runs).
//
//===----------------------------------------------------------------------===//

#include "dlc/Pipeline/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::dlc::registerPassesAndPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::dlc::registerDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dlc optimizer driver\n", registry));
}
