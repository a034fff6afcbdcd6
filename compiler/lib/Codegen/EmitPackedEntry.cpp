//===- EmitPackedEntry.cpp - one calling convention for the runtime -------===//
//
// See Passes.td (dlc-emit-packed-entry). Typed C prototypes in the generated
// header serve C programs; the runtime and `dlc run` call any model through
// `void NAME_packed(void **args)` instead, without knowing its arity.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_EMITPACKEDENTRY
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {
struct EmitPackedEntryPass
    : dlc::impl::EmitPackedEntryBase<EmitPackedEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    SmallVector<LLVM::LLVMFuncOp> entries;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn->hasAttr(dlc::kEntryAttr) && !fn.isExternal())
        entries.push_back(fn);

    for (LLVM::LLVMFuncOp fn : entries) {
      LLVM::LLVMFunctionType type = fn.getFunctionType();
      if (!llvm::all_of(type.getParams(),
                        [](Type t) { return isa<LLVM::LLVMPointerType>(t); }) ||
          !isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        fn.emitOpError("dlc entry must take only pointers and return void, got ")
            << type;
        return signalPassFailure();
      }
      OpBuilder b(ctx);
      b.setInsertionPointAfter(fn);
      Location loc = fn.getLoc();
      auto packedType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                                    {ptrType});
      auto packed = LLVM::LLVMFuncOp::create(b, loc, (fn.getName() + "_packed").str(),
                                             packedType);
      Block *body = packed.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      Value args = body->getArgument(0);
      SmallVector<Value> operands;
      for (unsigned i = 0, e = type.getNumParams(); i < e; ++i) {
        Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, args,
                                         ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        operands.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
      }
      LLVM::CallOp::create(b, loc, fn, operands);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }
  }
};
} // namespace
