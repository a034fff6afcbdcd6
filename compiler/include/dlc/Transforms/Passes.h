//===- Passes.h - dlc graph transformations ---------------------*- C++ -*-===//

#ifndef DLC_TRANSFORMS_PASSES_H
#define DLC_TRANSFORMS_PASSES_H

#include "dlc/Dialect/Dlc/IR/DlcDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dlc {

/// Function attributes of a training step (set by the importer).
inline constexpr llvm::StringLiteral kTrainStepAttr = "dlc.train_step";
inline constexpr llvm::StringLiteral kTrainableAttr = "dlc.trainable";
inline constexpr llvm::StringLiteral kOptimizerAttr = "dlc.optimizer";
inline constexpr llvm::StringLiteral kStateNamesAttr = "dlc.state_names";
inline constexpr llvm::StringLiteral kNumParamsAttr = "dlc.num_params";
/// Parameter indices of the new values a training step returns after its
/// loss and metrics (BatchNormalization's running statistics).
inline constexpr llvm::StringLiteral kStateUpdatesAttr = "dlc.state_updates";

#define GEN_PASS_DECL
#include "dlc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dlc/Transforms/Passes.h.inc"

} // namespace mlir::dlc

#endif
