//===- Driver.h - the stages `dlc` runs, shared by its commands -*- C++ -*-===//

#ifndef DLC_TOOLS_DLC_DRIVER_H
#define DLC_TOOLS_DLC_DRIVER_H

#include "ModelTable.h"
#include "dlc/Pipeline/Pipeline.h"

#include "mlir/IR/MLIRContext.h"

#include <map>
#include <memory>

namespace llvm::orc {
class LLJIT;
}
#include <optional>
#include <string>

namespace dlc {

/// Exit statuses (cli-and-abi.md).
enum ExitCode { kExitOk = 0, kExitUserError = 1, kExitInternalError = 70 };

struct CompileOptions {
  std::string modelPath;
  std::map<std::string, int64_t> dims;
  mlir::dlc::EmitStage emit = mlir::dlc::EmitStage::Object;
  mlir::dlc::TargetOptions target;
  bool printLocations = false; // textual MLIR stages print op locations
  bool train = false;          // also emit NAME_train_step
};

/// What a compilation produced. `text` holds the textual stage output for
/// --emit stages before the object; `object` the object bytes.
struct CompileResult {
  ModelSpec spec;
  ModelTable table;
  std::string text;
  std::string object;
};

/// Runs the pipeline up to options.emit. Diagnostics are printed to stderr as
/// `file:line:col: error: ...`. Returns an exit code (kExitOk on success).
int compileModel(mlir::MLIRContext &ctx, const CompileOptions &options,
                 CompileResult &result);

/// A context with every dialect the pipeline needs and dlc's diagnostic
/// printer installed.
std::unique_ptr<mlir::MLIRContext> createContext();

/// Writes `contents` to `path` atomically (temporary file, then rename).
/// On failure prints an error and returns false.
bool writeFileAtomically(const std::string &path, const std::string &contents);

/// `dlc run`: JIT-loads the compiled object and runs inference once.
struct RunOptions {
  std::map<std::string, std::string> inputs;  // name -> .npy
  std::map<std::string, std::string> outputs; // name -> .npy
  std::string weights;
};
int runModel(const CompileResult &compiled, const RunOptions &options);

/// `dlc train` and `dlc eval` (Train.cpp).
struct TrainOptions {
  std::string dataDir;                      // IDX folder, or
  std::map<std::string, std::string> train; // NAME=FILE.npy per input
  std::map<std::string, std::string> test;
  int64_t epochs = 1;
  uint64_t seed = 0;
  std::string save, resume, checkpoint, weights;
};
int trainModel(const CompileResult &compiled, const TrainOptions &options);
int evalModel(const CompileResult &compiled, const TrainOptions &options);

/// Links the compiled object in this process (ORC); null after an error.
std::unique_ptr<llvm::orc::LLJIT> linkInMemory(const CompileResult &compiled);
/// The address of a packed entry point, or null after an error.
dlc_packed_fn lookupEntry(llvm::orc::LLJIT &jit, const std::string &name);

/// Prints "dlc: error: <message>" to stderr.
void reportError(const std::string &message);

/// Reports and frees a runtime status; true if it was an error.
bool failedStatus(dlc_status status);

/// Owns a runtime object (`p`, which runtime calls fill through `&x.p`) and
/// frees it with `Free`.
template <typename T, void (*Free)(T *)>
struct RuntimePtr {
  T *p = nullptr;
  RuntimePtr() = default;
  explicit RuntimePtr(T *owned) : p(owned) {}
  RuntimePtr(RuntimePtr &&other) : p(other.p) { other.p = nullptr; }
  RuntimePtr(const RuntimePtr &) = delete;
  RuntimePtr &operator=(const RuntimePtr &) = delete;
  ~RuntimePtr() {
    if (p)
      Free(p);
  }
  T *get() const { return p; }
  T *operator->() const { return p; }
};

} // namespace dlc

#endif
