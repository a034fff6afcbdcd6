//===- Importer.h - model description -> dlc dialect ------------*- C++ -*-===//
//
// Turns a validated ModelSpec into a module holding the inference entry point
//   func.func @NAME_infer(params..., inputs...) -> (outputs...)
// of dlc ops. Every op carries NameLoc("Op 'node'", file:line:col). Attribute
// checks (names, types, values) happen here; shapes come from the dialect's
// shape rules, never from this file. Errors go through the context's
// diagnostic engine; on any error the result is null.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_FRONTEND_IMPORTER_H
#define DLC_FRONTEND_IMPORTER_H

#include "dlc/Frontend/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace dlc {

/// Attribute names on the entry function.
inline constexpr const char *kInputNamesAttr = "dlc.input_names";
inline constexpr const char *kOutputNamesAttr = "dlc.output_names";
inline constexpr const char *kParamNamesAttr = "dlc.param_names";

/// The entry point's symbol: NAME_infer.
std::string inferEntryName(const ModelSpec &spec);

/// The training step's symbol: NAME_train_step.
std::string trainStepEntryName(const ModelSpec &spec);
/// The evaluation step's symbol (loss and metrics, no update): NAME_eval_step.
std::string evalStepEntryName(const ModelSpec &spec);

/// Builds the inference entry and, with `train`, the evaluation step and the
/// training step, both
///   func.func @NAME_..._step(params..., inputs...) -> (loss, metrics...)
/// the latter
/// marked for dlc-autodiff and dlc-insert-optimizer (its `training` section
/// checked here: loss, optimizer, schedule, metrics).
mlir::OwningOpRef<mlir::ModuleOp> importModel(const ModelSpec &spec,
                                              mlir::MLIRContext &ctx,
                                              bool train = false);

/// The MLIR element type of a model dtype.
mlir::Type toMlirType(DType dtype, mlir::MLIRContext &ctx);

/// Names of the ops the importer knows, in the op table's order.
std::vector<std::string> supportedOps();

} // namespace dlc

#endif
