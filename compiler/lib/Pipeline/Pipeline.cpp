//===- Pipeline.cpp - the named pass pipelines ----------------------------===//
//
// The lowering of a dlc module, stage by stage (architecture.md):
//   dlc --(buildLowerToLinalgPipeline)--> linalg/tensor/arith/math
//       --(buildLowerToLLVMPipeline)--> LLVM dialect with dlc entry points
//       --(translateAndOptimize)--> LLVM IR --(emitMachineCode)--> asm/object
//
//===----------------------------------------------------------------------===//

#include "dlc/Pipeline/Pipeline.h"

#include "dlc/Codegen/Passes.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Transforms/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::dlc;

std::optional<EmitStage> mlir::dlc::parseEmitStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<EmitStage>>(name)
      .Case("dlc", EmitStage::Dlc)
      .Case("autodiff", EmitStage::Autodiff)
      .Case("linalg", EmitStage::Linalg)
      .Case("llvm", EmitStage::LLVMDialect)
      .Case("llvm-ir", EmitStage::LLVMIR)
      .Case("asm", EmitStage::Assembly)
      .Case("obj", EmitStage::Object)
      .Default(std::nullopt);
}

void mlir::dlc::registerDialects(DialectRegistry &registry) {
  registry.insert<DlcDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}

void mlir::dlc::buildTrainingPipeline(OpPassManager &pm) {
  pm.addPass(createDecompose());
  pm.addPass(createAutodiff());
  pm.addPass(createInsertOptimizer());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::dlc::buildLowerToLinalgPipeline(OpPassManager &pm) {
  pm.addPass(createDecompose());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertDlcToLinalg());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

// The upstream part is written as a textual pipeline: it is the exact string
// one would give mlir-opt to reproduce a stage by hand.
static constexpr const char *kBufferize =
    "eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map "
    "unknown-type-conversion=identity-layout-map},"
    "dlc-drop-in-place-results,"
    "dlc-copy-repeated-results,"
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "canonicalize,cse";
// Parallel dimensions become scf.parallel, reductions scf.for inside them;
// dlc-parallelize hands the large outermost scf.parallel loops to the
// runtime's thread pool, and convert-scf-to-cf runs the rest sequentially
// (after the alloca scopes, which cannot hold the CFG of a loop, are gone).
static constexpr const char *kLoops =
    "convert-linalg-to-parallel-loops,func.func(dlc-approximate-math),"
    "lower-affine,dlc-parallelize,dlc-lower-alloca-scopes,convert-scf-to-cf,"
    "canonicalize,cse";
static constexpr const char *kToLLVM =
    "convert-math-to-llvm,convert-math-to-libm,convert-vector-to-llvm,"
    "expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-arith-to-llvm,"
    "convert-cf-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-ub-to-llvm,reconcile-unrealized-casts,canonicalize";

void mlir::dlc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                         const TargetOptions &target) {
  // Textual pipelines of registered passes cannot fail to parse unless a pass
  // was renamed upstream: a compiler bug, so it is fatal.
  auto add = [&](const char *pipeline) {
    if (failed(parsePassPipeline(pipeline, pm)))
      llvm::report_fatal_error(llvm::Twine("dlc: bad internal pipeline: ") +
                               pipeline);
  };
  pm.addNestedPass<func::FuncOp>(createFuseElementwise());
  add(kBufferize);
  // Before workspace assignment: a kernel that writes its epilogue's output
  // makes that buffer live from the kernel on, which the liveness must see.
  LowerContractionsOptions contractions;
  contractions.vectorBits = targetVectorBits(target);
  pm.addNestedPass<func::FuncOp>(createLowerContractions(contractions));
  VectorizeElementwiseOptions elementwise;
  elementwise.vectorBits = contractions.vectorBits;
  pm.addNestedPass<func::FuncOp>(createVectorizeElementwise(elementwise));
  // The GEMM kernels allocate their packing buffers at the top of their
  // scf.parallel task body: one per thread once dlc-parallelize outlines the
  // loop, released per task by dlc-lower-alloca-scopes if it stays serial.
  pm.addPass(createAssignWorkspace());
  add(kLoops);
  add(kToLLVM);
  pm.addPass(createEmitPackedEntry());
}

void mlir::dlc::registerPassesAndPipelines() {
  registerDlcConversionPasses();
  registerDlcCodegenPasses();
  registerDlcTransformsPasses();
  PassPipelineRegistration<>(
      "dlc-training", "Autodiff and optimizer insertion of a training step",
      [](OpPassManager &pm) { buildTrainingPipeline(pm); });
  PassPipelineRegistration<>(
      "dlc-lower-to-linalg", "Lower the dlc dialect to linalg on tensors",
      [](OpPassManager &pm) { buildLowerToLinalgPipeline(pm); });
  PassPipelineRegistration<>(
      "dlc-lower-to-llvm",
      "Lower linalg on tensors to the LLVM dialect with dlc entry points",
      [](OpPassManager &pm) { buildLowerToLLVMPipeline(pm); });
}

//===----------------------------------------------------------------------===//
// LLVM IR and machine code
//===----------------------------------------------------------------------===//

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetOptions &options, std::string &error) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
      f.AddFeature(name, enabled);
    features = f.getString();
  }
  llvm::CodeGenOptLevel level = options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                                : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                        : llvm::CodeGenOptLevel::Aggressive;
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      level));
  if (!tm)
    error = "cannot create a target machine for " + triple.str() + " / " + cpu;
  return tm;
}

unsigned mlir::dlc::targetVectorBits(const TargetOptions &target) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(target, error);
  if (!tm)
    return 128;
  const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  if (sti->checkFeatures("+avx512f"))
    return 512;
  if (sti->checkFeatures("+avx"))
    return 256;
  return 128;
}

LogicalResult mlir::dlc::checkTarget(const TargetOptions &target,
                                     std::string &error) {
  // Ask a generic subtarget, so that LLVM does not first warn about the
  // unknown CPU name while building a target machine for it.
  TargetOptions generic = target;
  generic.cpu = "native";
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(generic, error);
  if (!tm)
    return failure();
  if (target.cpu != "native" &&
      !tm->getMCSubtargetInfo()->isCPUStringValid(target.cpu)) {
    error = "unknown --mcpu '" + target.cpu + "' for target " +
            tm->getTargetTriple().str();
    return failure();
  }
  return success();
}

std::unique_ptr<llvm::Module>
mlir::dlc::translateAndOptimize(ModuleOp module, llvm::LLVMContext &ctx,
                                const TargetOptions &target) {
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(module, ctx);
  if (!llvmModule) {
    module.emitError("translation to LLVM IR failed");
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(target, error);
  if (!tm) {
    module.emitError(error);
    return nullptr;
  }
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  auto optimize = makeOptimizingTransformer(target.optLevel, /*sizeLevel=*/0,
                                            tm.get());
  if (llvm::Error err = optimize(llvmModule.get())) {
    module.emitError("LLVM optimization failed: ") << llvm::toString(std::move(err));
    return nullptr;
  }
  return llvmModule;
}

LogicalResult mlir::dlc::emitMachineCode(llvm::Module &module,
                                         const TargetOptions &target,
                                         bool assembly,
                                         llvm::raw_pwrite_stream &os,
                                         std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(target, error);
  if (!tm)
    return failure();
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              assembly ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  pm.run(module);
  return success();
}
