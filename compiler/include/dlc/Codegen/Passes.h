//===- Passes.h - dlc CPU codegen passes ------------------------*- C++ -*-===//

#ifndef DLC_CODEGEN_PASSES_H
#define DLC_CODEGEN_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dlc {

/// The function attribute that marks a generated entry point.
inline constexpr llvm::StringLiteral kEntryAttr = "dlc.entry";
/// The function attribute holding the workspace size in bytes.
inline constexpr llvm::StringLiteral kWorkspaceSizeAttr = "dlc.workspace_size";

#define GEN_PASS_DECL
#include "dlc/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dlc/Codegen/Passes.h.inc"

} // namespace mlir::dlc

#endif // DLC_CODEGEN_PASSES_H
