//===- DlcToLinalg.cpp - the dlc-convert-to-linalg pass -------------------===//
//
// Collects the per-family patterns and converts every dlc op; any dlc op left
// over is an error (a missing lowering), reported at the op's location.
//
//===----------------------------------------------------------------------===//

#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_CONVERTDLCTOLINALG
#include "dlc/Conversion/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {
struct ConvertDlcToLinalgPass
    : dlc::impl::ConvertDlcToLinalgBase<ConvertDlcToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<DlcDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(patterns);
    populateMatmulToLinalgPatterns(patterns);
    populateSoftmaxToLinalgPatterns(patterns);
    populateShapeToLinalgPatterns(patterns);
    populateReductionToLinalgPatterns(patterns);
    populateGradientToLinalgPatterns(patterns);
    populateLossToLinalgPatterns(patterns);
    populateOptimizerToLinalgPatterns(patterns);
    populateMathToLinalgPatterns(patterns);

    populateTensorOpsToLinalgPatterns(patterns);

    populateConvToLinalgPatterns(patterns);

    populateNormToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
