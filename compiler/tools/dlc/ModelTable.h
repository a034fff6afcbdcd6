//===- ModelTable.h - the model's description table ------------*- C++ -*-===//
//
// One description of a compiled model's interface (parameters, inputs,
// outputs, init specs, workspace), built from the ModelSpec and the compiled
// entry point. The header generator prints it as C; `dlc run` turns it into
// an in-memory dlc_model_info for the runtime. Both read the same struct, so
// the two cannot disagree.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLC_MODELTABLE_H
#define DLC_TOOLS_DLC_MODELTABLE_H

#include "dlc/Frontend/ModelSpec.h"
#include "dlc/runtime.h"

#include <set>
#include <string>
#include <vector>

namespace dlc {

struct TableTensor {
  std::string name;
  std::string cName; // a unique C identifier derived from name
  DType dtype;
  std::vector<int64_t> shape;
  int64_t numElements() const;
  int64_t sizeBytes() const;
};

struct TableParam {
  TableTensor tensor;
  bool trainable = true;
  dlc_init_spec init{}; // data is null here; see `data`
  std::vector<unsigned char> data; // DLC_INIT_DATA: the values in dtype
};

struct ModelTable {
  std::string modelName;
  std::string sourceFile;
  std::vector<TableParam> params;
  std::vector<TableTensor> inputs; // the inference entry's inputs, in order
  std::vector<TableTensor> outputs;
  uint64_t inferWorkspaceSize = 0;

  // With --train: the step's batch inputs, the optimizer state (in argument
  // order, "optimizer.step" last) and the metrics after the loss.
  bool hasTrainStep = false;
  std::vector<TableTensor> trainInputs;
  std::vector<TableTensor> state;
  std::vector<std::string> metricNames;
  uint64_t trainWorkspaceSize = 0;
  uint64_t evalWorkspaceSize = 0; // NAME_eval_step: same inputs, no update
};

/// Builds the table; inputNames are the inputs the entry takes, in order.
ModelTable buildModelTable(const ModelSpec &spec,
                           const std::vector<std::string> &inputNames,
                           uint64_t inferWorkspaceSize);

/// Adds the training step's interface to `table`: the inputs it takes (by
/// name, from the model's inputs), its state tensors and its metrics.
void addTrainStep(ModelTable &table, const ModelSpec &spec,
                  const std::vector<std::string> &trainInputNames,
                  const std::vector<TableTensor> &state,
                  const std::vector<std::string> &metricNames,
                  uint64_t trainWorkspaceSize, uint64_t evalWorkspaceSize);

/// The C header for the compiled object (see docs/abi.md).
std::string generateHeader(const ModelTable &table);

dlc_dtype toRuntimeDType(DType dtype);

/// Holds a dlc_model_info and the storage its pointers refer to.
struct RuntimeModelInfo {
  dlc_model_info info{};
  std::vector<dlc_param_info> params;
  std::vector<dlc_tensor_info> inputs, outputs, trainInputs, state;
  std::vector<const char *> metricNames;
};
/// `table` must outlive the result. `trainStep` and `evalStep` may be null.
void buildRuntimeInfo(const ModelTable &table, dlc_packed_fn infer,
                      dlc_packed_fn trainStep, dlc_packed_fn evalStep,
                      RuntimeModelInfo &out);

/// A table entry for a tensor of `shape` and `dtype`; `used` keeps the C
/// identifiers unique.
TableTensor makeTableTensor(const std::string &name, DType dtype,
                            std::vector<int64_t> shape,
                            std::set<std::string> &used);

} // namespace dlc

#endif
