//===- Passes.td - dlc conversion passes -------------------------*- tablegen -*-===//

#ifndef DLC_CONVERSION_PASSES_TD
#define DLC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertDlcToLinalg : Pass<"dlc-convert-to-linalg", "ModuleOp"> {
  let summary = "Lower dlc operators to linalg, tensor, arith and math on tensors";
  let description = [{
    Every dlc op becomes linalg structured ops (generic, fill, transpose) and
    tensor reshapes, still on tensors, so that fusion, tiling and
    vectorization see plain linalg. One file per op family in
    compiler/lib/Conversion/DlcToLinalg/. Broadcasting becomes indexing maps,
    never materialized copies.

    Before:
    ```mlir
    %y = dlc.Relu %x : tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {... iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) { ... arith.select ... }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // DLC_CONVERSION_PASSES_TD
