//===- Driver.cpp - model file -> object file and header ------------------===//
//
// The stages of `dlc compile`, in order: read and check the model
// (frontend), import to the dlc dialect, lower to linalg, to the LLVM
// dialect, to LLVM IR, to machine code. --emit stops after any of them.
// A user error is reported with its location and exit status 1; a failure
// after the model was accepted is a compiler bug (exit 70).
//
//===----------------------------------------------------------------------===//

#include "Driver.h"

#include "dlc/Codegen/Passes.h"
#include "dlc/Frontend/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <unistd.h>

using namespace mlir;

namespace dlc {

void reportError(const std::string &message) {
  llvm::errs() << "dlc: error: " << message << "\n";
}

bool failedStatus(dlc_status status) {
  if (!status)
    return false;
  reportError(dlc_status_message(status));
  dlc_status_free(status);
  return true;
}

/// "file:line:col" and the node label ("Gemm 'fc2'") of a location.
static void describeLocation(Location loc, std::string &where,
                             std::string &label) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (label.empty())
      label = name.getName().str();
    describeLocation(name.getChildLoc(), where, label);
  } else if (auto flc = dyn_cast<FileLineColLoc>(loc)) {
    if (where.empty())
      where = (flc.getFilename().str() + ":" + std::to_string(flc.getLine()) +
               ":" + std::to_string(flc.getColumn()));
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      describeLocation(inner, where, label);
  } else if (auto callsite = dyn_cast<CallSiteLoc>(loc)) {
    describeLocation(callsite.getCallee(), where, label);
  }
}

static void printDiagnostic(Diagnostic &diag) {
  std::string where, label;
  describeLocation(diag.getLocation(), where, label);
  const char *severity = "error";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error: severity = "error"; break;
  case DiagnosticSeverity::Warning: severity = "warning"; break;
  case DiagnosticSeverity::Note: severity = "note"; break;
  case DiagnosticSeverity::Remark: severity = "remark"; break;
  }
  llvm::errs() << (where.empty() ? std::string("dlc") : where) << ": "
               << severity << ": ";
  if (!label.empty())
    llvm::errs() << label << ": ";
  llvm::errs() << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

std::unique_ptr<MLIRContext> createContext() {
  // The pipelines are partly textual, so their passes must be registered.
  static bool registered = [] {
    mlir::registerAllPasses();
    mlir::dlc::registerPassesAndPipelines();
    return true;
  }();
  (void)registered;
  DialectRegistry registry;
  mlir::dlc::registerDialects(registry);
  auto ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  // A verifier's error is about the user's node; the generic form of the op
  // that MLIR would attach as a note means nothing to a user.
  ctx->printOpOnDiagnostic(false);
  ctx->getDiagEngine().registerHandler([](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });
  return ctx;
}

bool writeFileAtomically(const std::string &path, const std::string &contents) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(tmp, ec);
    if (!ec) {
      os << contents;
      os.close();
      ec = os.error();
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(tmp, path);
  if (ec) {
    llvm::sys::fs::remove(tmp);
    reportError("cannot write '" + path + "': " + ec.message());
    return false;
  }
  return true;
}

static std::optional<DType> dtypeOf(Type type) {
  if (type.isF32()) return DType::F32;
  if (type.isF64()) return DType::F64;
  if (type.isF16()) return DType::F16;
  if (type.isBF16()) return DType::BF16;
  if (type.isInteger(64)) return DType::I64;
  if (type.isInteger(32)) return DType::I32;
  if (type.isUnsignedInteger(8)) return DType::U8;
  if (type.isInteger(8)) return DType::I8;
  if (type.isInteger(1)) return DType::Bool;
  return std::nullopt;
}

static std::string printOp(Operation *op, bool locations) {
  std::string s;
  llvm::raw_string_ostream os(s);
  OpPrintingFlags flags;
  if (locations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  op->print(os, flags);
  os << "\n";
  return s;
}

/// Runs a pipeline that must not fail on a verified module: failure is a bug.
static int runPipeline(ModuleOp module,
                       llvm::function_ref<void(OpPassManager &)> build,
                       const char *stage) {
  PassManager pm(module.getContext());
  build(pm);
  if (failed(pm.run(module))) {
    reportError(std::string("internal compiler error while lowering ") + stage +
                "; this is a bug in dlc: please report it with the model file");
    return kExitInternalError;
  }
  return kExitOk;
}

namespace {
/// The training step's interface, read after dlc-insert-optimizer.
struct TrainInterface {
  std::vector<std::string> inputNames;
  std::vector<TableTensor> state;
  std::vector<std::string> metricNames;
};
} // namespace

static std::vector<std::string> stringList(Operation *op, StringRef name) {
  std::vector<std::string> out;
  if (auto list = op->getAttrOfType<ArrayAttr>(name))
    for (Attribute a : list)
      out.push_back(cast<StringAttr>(a).str());
  return out;
}

static LogicalResult readTrainInterface(ModuleOp module, const ModelSpec &spec,
                                        TrainInterface &out) {
  auto fn = module.lookupSymbol<func::FuncOp>(trainStepEntryName(spec));
  if (!fn)
    return failure();
  out.inputNames = stringList(fn, kInputNamesAttr);
  out.metricNames = stringList(fn, "dlc.metric_names");
  std::vector<std::string> stateNames = stringList(fn, "dlc.state_names");
  std::set<std::string> unused;
  for (auto [i, name] : llvm::enumerate(stateNames)) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[spec.params.size() + i]);
    std::optional<DType> dtype = dtypeOf(type.getElementType());
    if (!dtype)
      return failure();
    out.state.push_back(makeTableTensor(
        name, *dtype, std::vector<int64_t>(type.getShape().begin(), type.getShape().end()),
        unused));
  }
  return success();
}

int compileModel(MLIRContext &ctx, const CompileOptions &options,
                 CompileResult &result) {
  using mlir::dlc::EmitStage;
  Diag diag;
  std::optional<ModelSpec> spec = loadModel(options.modelPath, options.dims, diag);
  if (!spec) {
    llvm::errs() << diag.str() << "\n";
    return kExitUserError;
  }
  result.spec = std::move(*spec);

  OwningOpRef<ModuleOp> module = importModel(result.spec, ctx, options.train);
  if (!module)
    return kExitUserError;
  if (options.emit == EmitStage::Dlc) {
    result.text = printOp(*module, options.printLocations);
    return kExitOk;
  }

  // The training step: gradients and update, still in the dlc dialect. Its
  // errors (an op without a gradient rule) are about the user's model.
  TrainInterface train;
  if (options.train) {
    PassManager pm(&ctx);
    mlir::dlc::buildTrainingPipeline(pm);
    if (failed(pm.run(*module)))
      return kExitUserError;
    if (failed(readTrainInterface(*module, result.spec, train)))
      return kExitInternalError;
  }
  if (options.emit == EmitStage::Autodiff) {
    result.text = printOp(*module, options.printLocations);
    return kExitOk;
  }

  // The interface of the entry point, before lowering rewrites it.
  auto entry = module->lookupSymbol<func::FuncOp>(inferEntryName(result.spec));
  std::vector<std::string> inputNames;
  for (Attribute a : entry->getAttrOfType<ArrayAttr>(kInputNamesAttr))
    inputNames.push_back(cast<StringAttr>(a).str());
  std::vector<Type> resultTypes(entry.getResultTypes().begin(),
                                entry.getResultTypes().end());

  if (int rc = runPipeline(*module, mlir::dlc::buildLowerToLinalgPipeline,
                           "to linalg"))
    return rc;
  if (options.emit == EmitStage::Linalg) {
    result.text = printOp(*module, options.printLocations);
    return kExitOk;
  }
  if (int rc = runPipeline(
          *module,
          [&](OpPassManager &pm) {
            mlir::dlc::buildLowerToLLVMPipeline(pm, options.target);
          },
          "to the LLVM dialect"))
    return rc;

  uint64_t workspace = 0;
  if (auto fn = module->lookupSymbol<LLVM::LLVMFuncOp>(inferEntryName(result.spec)))
    if (auto attr = fn->getAttrOfType<IntegerAttr>(mlir::dlc::kWorkspaceSizeAttr))
      workspace = attr.getInt();
  result.table = buildModelTable(result.spec, inputNames, workspace);
  if (options.train) {
    auto fn = module->lookupSymbol<LLVM::LLVMFuncOp>(trainStepEntryName(result.spec));
    uint64_t trainWorkspace = 0;
    if (auto attr = fn->getAttrOfType<IntegerAttr>(mlir::dlc::kWorkspaceSizeAttr))
      trainWorkspace = attr.getInt();
    // params, state, inputs, loss, metrics, workspace: anything else means a
    // parameter update was not done in place.
    size_t expected = result.spec.params.size() + train.state.size() +
                      train.inputNames.size() + 1 + train.metricNames.size() + 1;
    if (fn.getNumArguments() != expected) {
      reportError("internal compiler error: the training step takes " +
                  std::to_string(fn.getNumArguments()) + " buffers instead of " +
                  std::to_string(expected) +
                  " (an update was not done in place); this is a bug in dlc");
      return kExitInternalError;
    }
    auto evalFn = module->lookupSymbol<LLVM::LLVMFuncOp>(evalStepEntryName(result.spec));
    uint64_t evalWorkspace = 0;
    if (auto attr = evalFn->getAttrOfType<IntegerAttr>(mlir::dlc::kWorkspaceSizeAttr))
      evalWorkspace = attr.getInt();
    addTrainStep(result.table, result.spec, train.inputNames, train.state,
                 train.metricNames, trainWorkspace, evalWorkspace);
  }
  for (auto [out, type] : llvm::zip(result.table.outputs, resultTypes)) {
    auto tensor = cast<RankedTensorType>(type);
    out.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    out.dtype = dtypeOf(tensor.getElementType()).value_or(DType::F32);
  }

  if (options.emit == EmitStage::LLVMDialect) {
    result.text = printOp(*module, options.printLocations);
    return kExitOk;
  }
  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::dlc::translateAndOptimize(*module, llvmCtx, options.target);
  if (!llvmModule)
    return kExitInternalError;
  if (options.emit == EmitStage::LLVMIR) {
    llvm::raw_string_ostream os(result.text);
    llvmModule->print(os, nullptr);
    return kExitOk;
  }
  std::string error;
  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream os(buffer);
  if (failed(mlir::dlc::emitMachineCode(*llvmModule, options.target,
                                        options.emit == EmitStage::Assembly, os,
                                        error))) {
    reportError(error);
    return kExitUserError; // e.g. an --mcpu the target does not know
  }
  if (options.emit == EmitStage::Assembly)
    result.text = std::string(buffer.str());
  else
    result.object = std::string(buffer.str());
  return kExitOk;
}

} // namespace dlc
