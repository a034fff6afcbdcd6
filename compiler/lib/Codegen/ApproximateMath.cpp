//===- ApproximateMath.cpp - f32 math as polynomials ----------------------===//
//
// See Passes.td (dlc-approximate-math): MLIR's polynomial approximations for
// f32, so exp/tanh/erf/log vectorize instead of calling libm per element.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {
struct ApproximateMathPass
    : dlc::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
