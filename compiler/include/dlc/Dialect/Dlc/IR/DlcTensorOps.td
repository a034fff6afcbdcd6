//===- DlcTensorOps.td - shape, reduction and embedding ops of the seed networks ---*- tablegen -*-===//
//
// The shape, reduction and embedding ops of the seed networks (Concat, Split, Slice, Squeeze, Unsqueeze, ReduceMean, ReduceMax, ArgMax, Gather). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcTensorOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Tensor.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TENSOR_OPS_TD
#define DLC_TENSOR_OPS_TD

def Dlc_IndexTensor : StaticShapeTensorOf<[I64, I32]>;

def Dlc_ConcatOp : Dlc_Op<"Concat", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Joins tensors along one axis";
  let description = [{
    ONNX Concat: all inputs have the same rank, element type and dimensions
    except along `axis` (negative counts from the end).

    ```mlir
    %y = dlc.Concat %a, %b {axis = 1 : si64}
        : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Dlc_AnyTensor>:$inputs, SI64Attr:$axis);
  let results = (outs Dlc_AnyTensor:$concat_result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    int64_t getNormalizedAxis() {
      int64_t r = cast<RankedTensorType>(getType()).getRank();
      return getAxis() < 0 ? getAxis() + r : getAxis();
    }
  }];
}

def Dlc_SplitOp : Dlc_Op<"Split", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Splits a tensor into parts along one axis";
  let description = [{
    ONNX Split: `split` gives the part sizes (summing to the axis' size);
    without it the axis is split into `num_outputs` parts of equal size
    (ceil(d / n), the last part smaller when d is not divisible). The importer
    sets `num_outputs` to the node's number of outputs.

    ```mlir
    %a, %b = dlc.Split %x {axis = 1 : si64, split = array<i64: 2, 6>}
        : (tensor<4x8xf32>) -> (tensor<4x2xf32>, tensor<4x6xf32>)
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$input,
                       DefaultValuedAttr<SI64Attr, "0">:$axis,
                       OptionalAttr<DenseI64ArrayAttr>:$split,
                       OptionalAttr<SI64Attr>:$num_outputs);
  let results = (outs Variadic<Dlc_AnyTensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    int64_t getNormalizedAxis() {
      int64_t r = getInput().getType().getRank();
      return getAxis() < 0 ? getAxis() + r : getAxis();
    }
  }];
}

def Dlc_SliceOp : Dlc_Op<"Slice", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Strided slice with ONNX clamping rules";
  let description = [{
    ONNX Slice with `starts`, `ends`, `axes` (default: 0..n-1) and `steps`
    (default: 1) as attributes. Negative starts/ends count from the end and
    are clamped (to [0, d] for positive steps, [-1, d-1] for negative ones);
    a step is nonzero and may be negative.

    ```mlir
    %y = dlc.Slice %x {starts = array<i64: 1>, ends = array<i64: -1>, axes = array<i64: 1>}
        : (tensor<4x8xf32>) -> tensor<4x6xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data,
                       DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$ends,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// Per dimension of `shape`: the first index, the step and the number of
    /// elements taken (ONNX clamping applied). Also used by SliceGrad.
    static ::llvm::LogicalResult normalize(
        std::optional<Location> loc, ArrayRef<int64_t> shape,
        ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
        std::optional<ArrayRef<int64_t>> axes,
        std::optional<ArrayRef<int64_t>> steps, SmallVectorImpl<int64_t> &start,
        SmallVectorImpl<int64_t> &step, SmallVectorImpl<int64_t> &count);
  }];
}

def Dlc_SliceGradOp : Dlc_Op<"SliceGrad", [Pure]> {
  let summary = "Gradient of Slice: dY placed into zeros of the input's shape";
  let description = [{
    Emitted by the Autodiff pass from Slice's VJP rule; not an ONNX op. The
    result type is the sliced input's; the attributes are Slice's.

    ```mlir
    %dx = dlc.SliceGrad %dy {starts = array<i64: 1>, ends = array<i64: -1>, axes = array<i64: 1>}
        : (tensor<4x6xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY,
                       DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$ends,
                       OptionalAttr<DenseI64ArrayAttr>:$axes,
                       OptionalAttr<DenseI64ArrayAttr>:$steps);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Dlc_SqueezeOp : Dlc_Op<"Squeeze", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Removes size-1 dimensions";
  let description = [{
    ONNX Squeeze with `axes` as an attribute: removes the listed dimensions
    (each of size 1), or every size-1 dimension when `axes` is absent.

    ```mlir
    %y = dlc.Squeeze %x {axes = array<i64: 1>} : (tensor<4x1x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data, OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs Dlc_AnyTensor:$squeezed);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

def Dlc_UnsqueezeOp : Dlc_Op<"Unsqueeze", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Inserts size-1 dimensions";
  let description = [{
    ONNX Unsqueeze with `axes` as an attribute: the axes index the result
    (rank + len(axes)), negative counts from its end.

    ```mlir
    %y = dlc.Unsqueeze %x {axes = array<i64: 0, 3>} : (tensor<4x8xf32>) -> tensor<1x4x8x1xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data, DenseI64ArrayAttr:$axes);
  let results = (outs Dlc_AnyTensor:$expanded);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
}

class Dlc_ReduceOp<string mnemonic, string what>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = what # " over the given axes";
  let description = [{
    ONNX }] # mnemonic # [{ with the axes as an attribute (all axes when
    empty; noop_with_empty_axes = 0), keeping them as size 1 when `keepdims`
    is 1.

    ```mlir
    %s = dlc.}] # mnemonic # [{ %x {axes = array<i64: 1>, keepdims = 0 : si64}
        : (tensor<64x10xf32>) -> tensor<64xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$data,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<SI64Attr, "1">:$keepdims);
  let results = (outs Dlc_FloatTensor:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// The reduced axes in [0, rank), sorted; all axes when `axes` is empty.
    SmallVector<int64_t> getNormalizedAxes();
  }];
}

def Dlc_ReduceMeanOp : Dlc_ReduceOp<"ReduceMean", "Mean">;
def Dlc_ReduceMaxOp : Dlc_ReduceOp<"ReduceMax", "Maximum">;

def Dlc_ReduceMaxGradOp : Dlc_Op<"ReduceMaxGrad", [Pure]> {
  let summary = "Gradient of ReduceMax: dY split evenly among the maxima";
  let description = [{
    Emitted by the Autodiff pass from ReduceMax's VJP rule; not an ONNX op.
    Each input element equal to its reduced maximum gets dY / (number of
    elements equal to that maximum), as torch.amax; the others get 0.

    ```mlir
    %dx = dlc.ReduceMaxGrad %dy, %x, %y {axes = array<i64: 1>, keepdims = 0 : si64}
        : (tensor<4xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY, Dlc_FloatTensor:$data,
                       Dlc_FloatTensor:$reduced,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                       DefaultValuedAttr<SI64Attr, "1">:$keepdims);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = [{
    $dY `,` $data `,` $reduced attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_ArgMaxOp : Dlc_Op<"ArgMax", [Pure, InferTypeOpAdaptor]> {
  let summary = "Index of the maximum along one axis";
  let description = [{
    ONNX ArgMax: the first index of the maximum along `axis`
    (select_last_index = 0 only), as i64; `keepdims` keeps the axis as size 1.
    Not differentiable.

    ```mlir
    %i = dlc.ArgMax %x {axis = 1 : si64, keepdims = 0 : si64}
        : (tensor<64x10xf32>) -> tensor<64xi64>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$data,
                       DefaultValuedAttr<SI64Attr, "0">:$axis,
                       DefaultValuedAttr<SI64Attr, "1">:$keepdims,
                       DefaultValuedAttr<SI64Attr, "0">:$select_last_index);
  let results = (outs StaticShapeTensorOf<[I64]>:$reduced);
  let assemblyFormat = "$data attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    int64_t getNormalizedAxis() {
      int64_t r = getData().getType().getRank();
      return getAxis() < 0 ? getAxis() + r : getAxis();
    }
  }];
}

def Dlc_GatherOp : Dlc_Op<"Gather", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "Gathers slices of data along axis 0 (embedding lookup)";
  let description = [{
    ONNX Gather with axis 0: the result is `indices.shape + data.shape[1:]`,
    row `indices[i...]` of `data` (negative indices count from the end).

    ```mlir
    %e = dlc.Gather %table, %ids : (tensor<1000x64xf32>, tensor<8x16xi64>) -> tensor<8x16x64xf32>
    ```
  }];
  let arguments = (ins Dlc_AnyTensor:$data, Dlc_IndexTensor:$indices,
                       DefaultValuedAttr<SI64Attr, "0">:$axis);
  let results = (outs Dlc_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

def Dlc_GatherGradOp : Dlc_Op<"GatherGrad", [Pure]> {
  let summary = "Gradient of Gather: dY scatter-added into zeros";
  let description = [{
    Emitted by the Autodiff pass from Gather's VJP rule; not an ONNX op. The
    result has the gathered data's type; row k is the sum of the dY slices
    whose index is k.

    ```mlir
    %dt = dlc.GatherGrad %dy, %ids : (tensor<8x16x64xf32>, tensor<8x16xi64>) -> tensor<1000x64xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY, Dlc_IndexTensor:$indices);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // DLC_TENSOR_OPS_TD
