//===- DlcOps.td - dlc operators ----------------------------------*- tablegen -*-===//
//
// One entry per operator: summary, description with an IR example, operands,
// attributes with ONNX names and defaults, and its traits. Shape rules are in
// DlcOps.cpp (inferReturnTypes), which is also what verifies: the
// InferTypeOpInterface trait checks that a result type is the inferred one.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_OPS_TD
#define DLC_OPS_TD

include "dlc/Dialect/Dlc/IR/DlcDialect.td"
include "dlc/Dialect/Dlc/IR/DlcInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributes.td"

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Dlc_GemmOp : Dlc_Op<"Gemm", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "General matrix multiply: alpha * A' x B' + beta * C";
  let description = [{
    ONNX Gemm. `A'` is `A` transposed when `transA` is set, likewise `B'`.
    `A'` is `[M, K]`, `B'` is `[K, N]`; the optional `C` broadcasts
    unidirectionally to `[M, N]`.

    ```mlir
    %y = dlc.Gemm %x, %w, %b {transB = true}
        : (tensor<64x784xf32>, tensor<256x784xf32>, tensor<256xf32>) -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$A, Dlc_FloatTensor:$B,
                       Optional<Dlc_FloatTensor>:$C,
                       DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = [{
    $A `,` $B (`,` $C^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_MatMulOp : Dlc_Op<"MatMul", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Matrix product with numpy.matmul semantics";
  let description = [{
    ONNX MatMul: the last two dimensions multiply as matrices, leading
    dimensions broadcast; a 1-D operand gets a unit dimension prepended
    (`A`) or appended (`B`), which is removed from the result.

    ```mlir
    %y = dlc.MatMul %a, %b : (tensor<8x4x16x32xf32>, tensor<32x8xf32>) -> tensor<8x4x16x8xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$A, Dlc_FloatTensor:$B);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops with numpy broadcasting
//===----------------------------------------------------------------------===//

class Dlc_BroadcastBinaryOp<string mnemonic, string what>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Elementwise " # what # " with numpy broadcasting";
  let description = [{
    Shapes align from the right; each pair of dimensions must be equal or one
    of them 1. Both operands have the same element type.

    ```mlir
    %z = dlc.}] # mnemonic # [{ %x, %y : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$A, Dlc_FloatTensor:$B);
  let results = (outs Dlc_FloatTensor:$C);
  let assemblyFormat = "$A `,` $B attr-dict `:` functional-type(operands, results)";
}

def Dlc_AddOp : Dlc_BroadcastBinaryOp<"Add", "sum">;
def Dlc_SubOp : Dlc_BroadcastBinaryOp<"Sub", "difference">;
def Dlc_MulOp : Dlc_BroadcastBinaryOp<"Mul", "product">;
def Dlc_DivOp : Dlc_BroadcastBinaryOp<"Div", "quotient">;

//===----------------------------------------------------------------------===//
// Activations: elementwise unary, result type = operand type
//===----------------------------------------------------------------------===//

class Dlc_UnaryOp<string mnemonic, string formula, dag attrs = (ins)>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Elementwise " # mnemonic # ": " # formula;
  let description = [{
    ONNX }] # mnemonic # [{, applied to every element: `}] # formula # [{`.

    ```mlir
    %y = dlc.}] # mnemonic # [{ %x : tensor<64x256xf32>
    ```
  }];
  let arguments = !con((ins Dlc_FloatTensor:$X), attrs);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` type($X)";
}

def Dlc_ReluOp : Dlc_UnaryOp<"Relu", "max(x, 0)">;
def Dlc_LeakyReluOp : Dlc_UnaryOp<"LeakyRelu", "x >= 0 ? x : alpha * x",
    (ins DefaultValuedAttr<F64Attr, "0.01">:$alpha)>;
def Dlc_EluOp : Dlc_UnaryOp<"Elu", "x > 0 ? x : alpha * (exp(x) - 1)",
    (ins DefaultValuedAttr<F64Attr, "1.0">:$alpha)>;
def Dlc_SigmoidOp : Dlc_UnaryOp<"Sigmoid", "1 / (1 + exp(-x))">;
def Dlc_TanhOp : Dlc_UnaryOp<"Tanh", "tanh(x)">;
def Dlc_GeluOp : Dlc_UnaryOp<"Gelu",
    "0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation",
    (ins DefaultValuedStrAttr<StrAttr, "none">:$approximate)> {
  let hasVerifier = 1;
}

class Dlc_SoftmaxLikeOp<string mnemonic, string formula>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = mnemonic # " along one axis: " # formula;
  let description = [{
    ONNX }] # mnemonic # [{ (opset 13 and later): normalizes along `axis` alone
    (negative counts from the end), computed stably by subtracting the maximum.

    ```mlir
    %p = dlc.}] # mnemonic # [{ %logits {axis = -1 : si64} : tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$input,
                       DefaultValuedAttr<SI64Attr, "-1">:$axis);
  let results = (outs Dlc_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let extraClassDeclaration = [{
    /// `axis` in [0, rank).
    int64_t getNormalizedAxis() {
      int64_t r = getInput().getType().getRank();
      return getAxis() < 0 ? getAxis() + r : getAxis();
    }
  }];
}

def Dlc_SoftmaxOp : Dlc_SoftmaxLikeOp<"Softmax", "exp(x) / sum(exp(x))">;
def Dlc_LogSoftmaxOp : Dlc_SoftmaxLikeOp<"LogSoftmax", "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def Dlc_FlattenOp : Dlc_Op<"Flatten", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Collapses the dimensions before and from `axis` into a matrix";
  let description = [{
    ONNX Flatten: the result is `[d0 * ... * d(axis-1), d(axis) * ... * dn]`;
    `axis` is in [-rank, rank].

    ```mlir
    %y = dlc.Flatten %x {axis = 1 : si64} : (tensor<64x1x28x28xf32>) -> tensor<64x784xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$input,
                       DefaultValuedAttr<SI64Attr, "1">:$axis);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Dlc_ReshapeOp : Dlc_Op<"Reshape", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Reshapes to a target shape given as an attribute";
  let description = [{
    ONNX Reshape with the target shape as attribute `shape` (static models):
    an entry 0 copies the input's dimension at the same index, one entry may
    be -1 and is inferred from the element count.

    ```mlir
    %y = dlc.Reshape %x {shape = array<i64: 0, -1>} : (tensor<64x1x28x28xf32>) -> tensor<64x784xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data, DenseI64ArrayAttr:$shape);
  let results = (outs Dlc_AnyTensor:$reshaped);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Dlc_TransposeOp : Dlc_Op<"Transpose", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Permutes the dimensions";
  let description = [{
    ONNX Transpose: result dimension i is input dimension `perm[i]`; without
    `perm` the dimensions are reversed.

    ```mlir
    %y = dlc.Transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data,
                       OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs Dlc_AnyTensor:$transposed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// The permutation, with the default (reversed dimensions) filled in.
    SmallVector<int64_t> getPermutation();
  }];
}

def Dlc_IdentityOp : Dlc_Op<"Identity", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Returns its input";
  let description = [{
    ONNX Identity. Folds away.

    ```mlir
    %y = dlc.Identity %x : tensor<4xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$input);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

include "dlc/Dialect/Dlc/IR/DlcTrainingOps.td"

// The seed networks (one file per op family).
include "dlc/Dialect/Dlc/IR/DlcMathOps.td"

include "dlc/Dialect/Dlc/IR/DlcTensorOps.td"

include "dlc/Dialect/Dlc/IR/DlcConvOps.td"

include "dlc/Dialect/Dlc/IR/DlcNormOps.td"

include "dlc/Dialect/Dlc/IR/DlcRecurrentOps.td"

include "dlc/Dialect/Dlc/IR/DlcAttentionOps.td"

#endif // DLC_OPS_TD
