//===- Pipeline.h - the named pass pipelines shared by dlc and dlc-opt -*- C++ -*-===//
//
// One definition of how a model is lowered, used by both tools, so what a lit
// test checks with dlc-opt is what `dlc compile` does.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_PIPELINE_PIPELINE_H
#define DLC_PIPELINE_PIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class raw_pwrite_stream;
} // namespace llvm

namespace mlir {
class DialectRegistry;
namespace dlc {

/// Where `--emit=` stops, ordered by pipeline depth so that "stop after
/// stage X" is one comparison.
enum class EmitStage { Dlc, Autodiff, Linalg, LLVMDialect, LLVMIR, Assembly, Object };

/// Parses an `--emit=` value: dlc, autodiff, linalg, llvm, llvm-ir, asm, obj.
std::optional<EmitStage> parseEmitStage(llvm::StringRef name);

/// The dialects and interfaces the pipelines need.
void registerDialects(DialectRegistry &registry);
/// dlc passes and the named pipelines `dlc-lower-to-linalg` and
/// `dlc-lower-to-llvm` (for dlc-opt).
void registerPassesAndPipelines();

struct TargetOptions {
  std::string cpu = "native"; // "native": the host CPU and its features
  unsigned optLevel = 3;
};

/// The width of the target's vector registers in bits: 512 with AVX-512,
/// 256 with AVX/AVX2, otherwise 128 (SSE, NEON). Kernels are tiled for it.
unsigned targetVectorBits(const TargetOptions &target);

/// The training step: dlc-autodiff, dlc-insert-optimizer, simplification.
void buildTrainingPipeline(OpPassManager &pm);
/// dlc dialect -> linalg on tensors.
void buildLowerToLinalgPipeline(OpPassManager &pm);
/// linalg on tensors -> LLVM dialect: bufferization, workspace assignment,
/// contraction kernels for `target`, loops, LLVM lowering, packed entry points.
void buildLowerToLLVMPipeline(OpPassManager &pm, const TargetOptions &target = {});

/// Checks that the target (e.g. an --mcpu name) is known to LLVM.
LogicalResult checkTarget(const TargetOptions &target, std::string &error);

/// Translates an LLVM-dialect module to LLVM IR, optimized for the target.
/// Errors go to the context's diagnostic engine.
std::unique_ptr<llvm::Module> translateAndOptimize(ModuleOp module,
                                                   llvm::LLVMContext &ctx,
                                                   const TargetOptions &target);

/// Writes assembly or an object file for `module`.
LogicalResult emitMachineCode(llvm::Module &module, const TargetOptions &target,
                              bool assembly, llvm::raw_pwrite_stream &os,
                              std::string &error);

} // namespace dlc
} // namespace mlir

#endif
