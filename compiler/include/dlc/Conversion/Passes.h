//===- Passes.h - dlc conversion passes -------------------------*- C++ -*-===//

#ifndef DLC_CONVERSION_PASSES_H
#define DLC_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
namespace dlc {

#define GEN_PASS_DECL
#include "dlc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dlc/Conversion/Passes.h.inc"

/// Per-family lowering patterns; ConvertDlcToLinalg collects them all.
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns);
void populateMatmulToLinalgPatterns(RewritePatternSet &patterns);
void populateSoftmaxToLinalgPatterns(RewritePatternSet &patterns);
void populateShapeToLinalgPatterns(RewritePatternSet &patterns);
void populateReductionToLinalgPatterns(RewritePatternSet &patterns);
void populateGradientToLinalgPatterns(RewritePatternSet &patterns);
void populateLossToLinalgPatterns(RewritePatternSet &patterns);
void populateOptimizerToLinalgPatterns(RewritePatternSet &patterns);
void populateMathToLinalgPatterns(RewritePatternSet &patterns);

void populateTensorOpsToLinalgPatterns(RewritePatternSet &patterns);

void populateConvToLinalgPatterns(RewritePatternSet &patterns);

/// MovingAverage and DropoutMask (what BatchNormalization and Dropout leave).
void populateNormToLinalgPatterns(RewritePatternSet &patterns);

} // namespace dlc
} // namespace mlir

#endif // DLC_CONVERSION_PASSES_H
