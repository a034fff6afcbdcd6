//===- Run.cpp - `dlc run`: load the compiled object and infer once -------===//
//
// The object `dlc compile` would write is linked in memory by LLVM's ORC JIT
// (the same bytes, not a separate JIT compilation), its packed entry point is
// handed to the runtime through a dlc_model_info built from the same
// ModelTable the header is printed from, and the runtime does the rest:
// parameters, weights, .npy I/O.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cinttypes>
#include <memory>

namespace dlc {
namespace {

using ParamsPtr = RuntimePtr<dlc_params, dlc_params_free>;
using ArrayPtr = RuntimePtr<dlc_array, dlc_array_free>;

std::string shapeString(int32_t rank, const int64_t *shape) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Prints a tensor like "logits: f32 [2, 3]" then one row per line.
void printTensor(const dlc_tensor_info &info, const void *data) {
  llvm::outs() << info.name << ": " << dlc_dtype_name(info.dtype) << " "
               << shapeString(info.rank, info.shape) << "\n";
  int64_t row = info.rank > 0 ? info.shape[info.rank - 1] : 1;
  for (int64_t i = 0; i < info.num_elements; ++i) {
    char buf[64];
    switch (info.dtype) {
    case DLC_DTYPE_F32:
      snprintf(buf, sizeof buf, "%.9g", static_cast<const float *>(data)[i]);
      break;
    case DLC_DTYPE_F64:
      snprintf(buf, sizeof buf, "%.17g", static_cast<const double *>(data)[i]);
      break;
    case DLC_DTYPE_I64:
      snprintf(buf, sizeof buf, "%" PRId64, static_cast<const int64_t *>(data)[i]);
      break;
    case DLC_DTYPE_I32:
      snprintf(buf, sizeof buf, "%d", static_cast<const int32_t *>(data)[i]);
      break;
    default:
      snprintf(buf, sizeof buf, "%d", static_cast<const uint8_t *>(data)[i]);
      break;
    }
    llvm::outs() << (i % row == 0 ? "  " : " ") << buf
                 << ((i + 1) % row == 0 ? "\n" : "");
  }
  if (info.num_elements == 0)
    llvm::outs() << "\n";
}

} // namespace

std::unique_ptr<llvm::orc::LLJIT> linkInMemory(const CompileResult &compiled) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) {
    reportError("cannot start the JIT linker: " + llvm::toString(jit.takeError()));
    return nullptr;
  }
  // libm and libc symbols of the object resolve against this process.
  auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!generator) {
    reportError(llvm::toString(generator.takeError()));
    return nullptr;
  }
  (*jit)->getMainJITDylib().addGenerator(std::move(*generator));
  // libdlcrt is linked statically into dlc, so its functions are not in the
  // process's dynamic symbol table: the ones generated code calls (the
  // thread pool) are defined explicitly, as the runtime dlc itself uses.
  llvm::orc::MangleAndInterner mangle((*jit)->getExecutionSession(),
                                      (*jit)->getDataLayout());
  auto runtimeSymbol = [](auto *fn) {
    return llvm::orc::ExecutorSymbolDef(llvm::orc::ExecutorAddr::fromPtr(fn),
                                        llvm::JITSymbolFlags::Exported |
                                            llvm::JITSymbolFlags::Callable);
  };
  if (llvm::Error err = (*jit)->getMainJITDylib().define(llvm::orc::absoluteSymbols(
          {{mangle("dlc_parallel_for"), runtimeSymbol(&dlc_parallel_for)},
           {mangle("dlc_get_num_threads"), runtimeSymbol(&dlc_get_num_threads)},
           {mangle("dlc_set_num_threads"), runtimeSymbol(&dlc_set_num_threads)}}))) {
    reportError("cannot define the runtime's symbols: " + llvm::toString(std::move(err)));
    return nullptr;
  }
  if (llvm::Error err = (*jit)->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(
          compiled.object, compiled.table.modelName + ".o"))) {
    reportError("cannot load the compiled object: " + llvm::toString(std::move(err)));
    return nullptr;
  }
  return std::move(*jit);
}

dlc_packed_fn lookupEntry(llvm::orc::LLJIT &jit, const std::string &name) {
  auto symbol = jit.lookup(name);
  if (!symbol) {
    reportError(llvm::toString(symbol.takeError()));
    return nullptr;
  }
  return symbol->toPtr<dlc_packed_fn>();
}

int runModel(const CompileResult &compiled, const RunOptions &options) {
  const ModelTable &table = compiled.table;
  // Check the arguments before doing any work.
  for (const auto &[name, path] : options.inputs) {
    bool known = false;
    for (const TableTensor &in : table.inputs)
      known |= in.name == name;
    if (!known) {
      std::string list;
      for (const TableTensor &in : table.inputs)
        list += (list.empty() ? "" : ", ") + in.name;
      reportError("--input " + name + ": the model's inference takes no input '" +
                  name + "' (inputs: " + (list.empty() ? "none" : list) + ")");
      return kExitUserError;
    }
  }
  for (const TableTensor &in : table.inputs)
    if (!options.inputs.count(in.name)) {
      reportError("missing --input " + in.name + "=FILE.npy (" +
                  toString(in.dtype) + " " +
                  shapeString(in.shape.size(), in.shape.data()) + ")");
      return kExitUserError;
    }
  for (const auto &[name, path] : options.outputs) {
    bool known = false;
    for (const TableTensor &out : table.outputs)
      known |= out.name == name;
    if (!known) {
      reportError("--output " + name + ": the model has no output '" + name + "'");
      return kExitUserError;
    }
  }

  // Inputs.
  std::vector<ArrayPtr> inputArrays;
  std::vector<const void *> inputPtrs;
  for (const TableTensor &in : table.inputs) {
    const std::string &path = options.inputs.at(in.name);
    dlc_array *raw = nullptr;
    if (failedStatus(dlc_npy_read(path.c_str(), &raw)))
      return kExitUserError;
    ArrayPtr array(raw);
    bool sameShape = array->rank == static_cast<int32_t>(in.shape.size());
    for (int32_t i = 0; sameShape && i < array->rank; ++i)
      sameShape = array->shape[i] == in.shape[i];
    if (array->dtype != toRuntimeDType(in.dtype) || !sameShape) {
      reportError(path + ": input '" + in.name + "' must be " +
                  toString(in.dtype) + " " +
                  shapeString(in.shape.size(), in.shape.data()) +
                  ", the file holds " + dlc_dtype_name(array->dtype) + " " +
                  shapeString(array->rank, array->shape));
      return kExitUserError;
    }
    inputPtrs.push_back(array->data);
    inputArrays.push_back(std::move(array));
  }

  std::unique_ptr<llvm::orc::LLJIT> jit = linkInMemory(compiled);
  if (!jit)
    return kExitInternalError;
  dlc_packed_fn infer = lookupEntry(*jit, table.modelName + "_infer_packed");
  if (!infer)
    return kExitInternalError;

  RuntimeModelInfo info;
  buildRuntimeInfo(table, infer, nullptr, nullptr, info);
  dlc_params *rawParams = nullptr;
  if (failedStatus(dlc_params_create(&info.info, &rawParams)))
    return kExitUserError;
  ParamsPtr params(rawParams);
  if (!options.weights.empty() &&
      failedStatus(dlc_params_load(params.get(), options.weights.c_str(),
                                   /*require_all=*/0)))
    return kExitUserError;

  std::vector<ArrayPtr> outputArrays;
  std::vector<void *> outputPtrs;
  for (const dlc_tensor_info &out : info.outputs) {
    dlc_array *raw = nullptr;
    if (failedStatus(dlc_array_create(out.dtype, out.rank, out.shape, &raw)))
      return kExitInternalError;
    outputPtrs.push_back(raw->data);
    outputArrays.emplace_back(raw);
  }
  if (failedStatus(dlc_infer(params.get(), inputPtrs.data(), outputPtrs.data())))
    return kExitUserError;

  for (size_t i = 0; i < info.outputs.size(); ++i) {
    const dlc_tensor_info &out = info.outputs[i];
    auto it = options.outputs.find(out.name);
    if (it != options.outputs.end()) {
      if (failedStatus(dlc_npy_write(it->second.c_str(), out.dtype, out.rank,
                                     out.shape, outputPtrs[i])))
        return kExitUserError;
    } else {
      printTensor(out, outputPtrs[i]); // outputs not sent to a file are shown
    }
  }
  return kExitOk;
}

} // namespace dlc
