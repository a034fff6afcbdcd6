//===- DlcMathOps.td - elementwise math, comparison and activation ops of the seed networks ---*- tablegen -*-===//
//
// The elementwise math, comparison and activation ops of the seed networks (Pow, Neg, Abs, Exp, Log, Sqrt, Reciprocal, Max, Min, Where, Equal, Less, Greater, Cast, Clip, Selu, HardSigmoid, Softplus). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcMathOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Math.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_MATH_OPS_TD
#define DLC_MATH_OPS_TD

def Dlc_BoolTensor : StaticShapeTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Elementwise unary math: result type = operand type
//===----------------------------------------------------------------------===//

def Dlc_NegOp : Dlc_UnaryOp<"Neg", "-x">;
def Dlc_AbsOp : Dlc_UnaryOp<"Abs", "|x|">;
def Dlc_ExpOp : Dlc_UnaryOp<"Exp", "exp(x)">;
def Dlc_LogOp : Dlc_UnaryOp<"Log", "log(x)">;
def Dlc_SqrtOp : Dlc_UnaryOp<"Sqrt", "sqrt(x)">;
def Dlc_ReciprocalOp : Dlc_UnaryOp<"Reciprocal", "1 / x">;
def Dlc_SeluOp : Dlc_UnaryOp<"Selu",
    "gamma * (x > 0 ? x : alpha * (exp(x) - 1))",
    (ins DefaultValuedAttr<F64Attr, "1.67326319217681884765625">:$alpha,
         DefaultValuedAttr<F64Attr, "1.05070102214813232421875">:$gamma)>;
def Dlc_HardSigmoidOp : Dlc_UnaryOp<"HardSigmoid",
    "max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F64Attr, "0.2">:$alpha,
         DefaultValuedAttr<F64Attr, "0.5">:$beta)>;
def Dlc_SoftplusOp : Dlc_UnaryOp<"Softplus",
    "log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|))">;

//===----------------------------------------------------------------------===//
// Elementwise binary math with numpy broadcasting
//===----------------------------------------------------------------------===//

def Dlc_PowOp : Dlc_BroadcastBinaryOp<"Pow", "power A^B"> {
  let description = [{
    ONNX Pow: `C = A^B` elementwise. Shapes align from the right; each pair
    of dimensions must be equal or one of them 1. Both operands have the same
    float element type (ONNX allows a differently typed exponent; dlc does
    not). The gradient with respect to B is `log(A) A^B dC`, meaningful where
    A > 0.

    ```mlir
    %z = dlc.Pow %x, %y : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
    ```
  }];
}
def Dlc_MaxOp : Dlc_BroadcastBinaryOp<"Max", "maximum"> {
  let description = [{
    ONNX Max with exactly two inputs (ONNX's Max is variadic; the importer
    rejects other counts): `C = max(A, B)`, NaN-propagating, with numpy
    broadcasting. Gradient as torch.maximum: dC goes to the larger operand;
    on ties each operand receives half of it.

    ```mlir
    %z = dlc.Max %x, %y : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
}
def Dlc_MinOp : Dlc_BroadcastBinaryOp<"Min", "minimum"> {
  let description = [{
    ONNX Min with exactly two inputs (ONNX's Min is variadic; the importer
    rejects other counts): `C = min(A, B)`, NaN-propagating, with numpy
    broadcasting. Gradient as torch.minimum: dC goes to the smaller operand;
    on ties each operand receives half of it.

    ```mlir
    %z = dlc.Min %x, %y : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Comparisons: i1 result, not differentiable
//===----------------------------------------------------------------------===//

class Dlc_CompareOp<string mnemonic, string formula>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise comparison " # formula # " with numpy broadcasting";
  let description = [{
    ONNX }] # mnemonic # [{: `C = }] # formula # [{` elementwise, an i1 tensor.
    Both operands have the same element type (float, or integer: signed
    compare, unsigned for ui8); shapes broadcast as numpy. Not
    differentiable. Float comparisons are ordered (false with a NaN).

    ```mlir
    %c = dlc.}] # mnemonic # [{ %x, %y : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xi1>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$A, Dlc_AnyTensor:$B);
  let results = (outs Dlc_BoolTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def Dlc_EqualOp : Dlc_CompareOp<"Equal", "A == B">;
def Dlc_LessOp : Dlc_CompareOp<"Less", "A < B">;
def Dlc_GreaterOp : Dlc_CompareOp<"Greater", "A > B">;

//===----------------------------------------------------------------------===//
// Selection, conversion and clipping
//===----------------------------------------------------------------------===//

def Dlc_WhereOp : Dlc_Op<"Where", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Elementwise selection: condition ? X : Y";
  let description = [{
    ONNX Where: `output = condition ? X : Y` elementwise, the three shapes
    broadcast together (numpy). X and Y have the same element type.
    Gradient: dOutput goes to X where the condition holds and to Y elsewhere
    (each summed back to its shape); the condition has none.

    ```mlir
    %z = dlc.Where %c, %x, %y : (tensor<4x3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Dlc_BoolTensor:$condition, Dlc_AnyTensor:$X,
                       Dlc_AnyTensor:$Y);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = [{
    $condition `,` $X `,` $Y attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_CastOp : Dlc_Op<"Cast", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Converts the element type to the ONNX data type `to`";
  let description = [{
    ONNX Cast. `to` is an ONNX TensorProto data type number: 1 f32, 2 ui8,
    3 i8, 6 i32, 7 i64, 9 bool (i1), 10 f16, 11 f64, 16 bf16. Float to
    integer truncates toward zero; anything to bool is `x != 0`. Gradient:
    float to float casts dY back; from or to a non-float type there is none.

    ```mlir
    %y = dlc.Cast %x {to = 11 : si64} : (tensor<4xf32>) -> tensor<4xf64>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$input, SI64Attr:$to);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Dlc_ClipOp : Dlc_Op<"Clip", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Elementwise clamp to [min, max]";
  let description = [{
    ONNX Clip: `y = min(max(x, min), max)`, with the bounds as optional f64
    attributes `min` and `max` (ONNX gives them as optional inputs; the
    static model format takes them as attributes). A missing bound does not
    clip. Gradient: dY where min <= x <= max, 0 elsewhere (as torch.clamp).

    ```mlir
    %y = dlc.Clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<4xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$input,
                       OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Dlc_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // DLC_MATH_OPS_TD
