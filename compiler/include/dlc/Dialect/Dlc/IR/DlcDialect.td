//===- DlcDialect.td - the dlc dialect ---------------------------*- tablegen -*-===//
//
// The dlc dialect: tensor-level operators with ONNX names and ONNX attribute
// semantics. Every op's shape rule lives here (InferTypeOpInterface), so the
// frontends map names and attributes and never re-derive shapes.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_TD
#define DLC_DIALECT_TD

include "mlir/IR/OpBase.td"

def Dlc_Dialect : Dialect {
  let name = "dlc";
  let cppNamespace = "::mlir::dlc";
  let summary = "Tensor-level deep-learning operators with ONNX semantics.";
  let description = [{
    The `dlc` dialect holds a model as a dataflow graph of operators named
    and specified as in ONNX (opset 17 and later): numpy broadcasting for
    elementwise ops, NCHW layouts, ONNX attribute names and defaults. All
    shapes are static. Lowered to linalg by `dlc-convert-to-linalg`.
  }];
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
  let hasConstantMaterializer = 0;
}

// Tensors whose elements the numeric ops accept today.
def Dlc_FloatTensor : StaticShapeTensorOf<[F32, F64]>;
def Dlc_AnyTensor : StaticShapeTensorOf<[F32, F64, F16, BF16, I64, I32, I8, UI8, I1]>;

class Dlc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dlc_Dialect, mnemonic, traits>;

#endif // DLC_DIALECT_TD
