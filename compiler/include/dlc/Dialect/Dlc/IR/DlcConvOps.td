//===- DlcConvOps.td - convolution and pooling ops ---*- tablegen -*-===//
//
// The convolution and pooling ops (Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcConvOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Conv.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CONV_OPS_TD
#define DLC_CONV_OPS_TD

def Dlc_ConvOp : Dlc_Op<"Conv", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "2-D convolution (NCHW), with groups, strides, pads, dilations";
  let description = [{
    ONNX Conv over two spatial dimensions. `X` is `[N, C, H, W]`, `W` is
    `[M, C / group, kH, kW]`, the optional bias `B` is `[M]`. `pads` is
    `[top, left, bottom, right]` (zeros), `strides` and `dilations` default
    to 1; `kernel_shape`, when given, must match `W`. Only `auto_pad =
    "NOTSET"` is supported. The result is `[N, M, oH, oW]` with
    `oH = (H + top + bottom - dH (kH - 1) - 1) / sH + 1`.

    ```mlir
    %y = dlc.Conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>}
        : (tensor<8x3x28x28xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<8x16x28x28xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$W,
                       Optional<Dlc_FloatTensor>:$B,
                       OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<SI64Attr, "1">:$group,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Dlc_ConvBackwardDataOp : Dlc_Op<"ConvBackwardData", [Pure]> {
  let summary = "Gradient helper of Conv: dX, the transposed convolution of dY with W";
  let description = [{
    Built by Conv's VJP: `dX[n, c, h, w] = sum dY[n, m, oh, ow] W[m, c', kh, kw]`
    over the `(m, oh, ow, kh, kw)` of `m`'s group with
    `oh sH + kh dH = h + top` (likewise for `w`). The result type (X's) is
    given; `strides`, `pads` (`[top, left, bottom, right]`), `dilations`,
    `group` are Conv's, spelled out.

    ```mlir
    %dx = dlc.ConvBackwardData %dy, %w {strides = array<i64: 1, 1>,
        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : si64}
        : (tensor<2x4x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY, Dlc_FloatTensor:$W,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, SI64Attr:$group);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY `,` $W attr-dict `:` functional-type(operands, results)";
}

def Dlc_ConvBackwardFilterOp : Dlc_Op<"ConvBackwardFilter", [Pure]> {
  let summary = "Gradient helper of Conv: dW, the correlation of X with dY";
  let description = [{
    Built by Conv's VJP: `dW[m, c, kh, kw] = sum_{n, oh, ow} dY[n, m, oh, ow]
    Xpad[n, g Cg + c, oh sH + kh dH, ow sW + kw dW]` with `g` the group of
    `m`. The result type (W's) is given; the attributes are Conv's.

    ```mlir
    %dw = dlc.ConvBackwardFilter %x, %dy {strides = array<i64: 1, 1>,
        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : si64}
        : (tensor<2x3x8x8xf32>, tensor<2x4x6x6xf32>) -> tensor<4x3x3x3xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$dY,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, SI64Attr:$group);
  let results = (outs Dlc_FloatTensor:$dW);
  let assemblyFormat = "$X `,` $dY attr-dict `:` functional-type(operands, results)";
}

def Dlc_MaxPoolOp : Dlc_Op<"MaxPool", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "2-D max pooling (NCHW)";
  let description = [{
    ONNX MaxPool over two spatial dimensions with the required
    `kernel_shape`, `strides` (default 1) and `pads` (`[top, left, bottom,
    right]`, padded with -inf). Not supported yet: dilations other than 1,
    `ceil_mode` 1, `storage_order` 1, `auto_pad` other than NOTSET, the
    Indices output. `oH = (H + top + bottom - kH) / sH + 1`.

    ```mlir
    %y = dlc.MaxPool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<8x16x28x28xf32>) -> tensor<8x16x14x14xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X,
                       DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<SI64Attr, "0">:$ceil_mode,
                       DefaultValuedAttr<SI64Attr, "0">:$storage_order,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def Dlc_MaxPoolGradOp : Dlc_Op<"MaxPoolGrad", [Pure]> {
  let summary = "Gradient helper of MaxPool: dY routed to each window's argmax";
  let description = [{
    Built by MaxPool's VJP: each `dY[n, c, oh, ow]` goes to the position of
    the maximum of its window in `X` (the first in row-major window order
    when several are equal, as torch does); positions receiving from several
    windows sum. The result has X's type; the attributes are MaxPool's,
    spelled out.

    ```mlir
    %dx = dlc.MaxPoolGrad %dy, %x {kernel_shape = array<i64: 2, 2>,
        strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
        : (tensor<8x16x14x14xf32>, tensor<8x16x28x28xf32>) -> tensor<8x16x28x28xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY, Dlc_FloatTensor:$X,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY `,` $X attr-dict `:` functional-type(operands, results)";
}

class Dlc_GlobalPoolOp<string mnemonic, string what>
    : Dlc_Op<mnemonic, [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "The " # what # " over each channel's whole H x W (NCHW)";
  let description = [{
    ONNX }] # mnemonic # [{ for 2-D spatial inputs: `[N, C, H, W]` to
    `[N, C, 1, 1]`.

    ```mlir
    %y = dlc.}] # mnemonic # [{ %x : (tensor<8x16x7x7xf32>) -> tensor<8x16x1x1xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def Dlc_GlobalAveragePoolOp : Dlc_GlobalPoolOp<"GlobalAveragePool", "mean">;
def Dlc_GlobalMaxPoolOp : Dlc_GlobalPoolOp<"GlobalMaxPool", "maximum">;

def Dlc_AveragePoolOp : Dlc_Op<"AveragePool", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "2-D average pooling (NCHW)";
  let description = [{
    ONNX AveragePool with the required `kernel_shape`, `strides` (default 1)
    and `pads` (`[top, left, bottom, right]`, zeros). With
    `count_include_pad = 0` (the default) a window's sum is divided by the
    number of its elements inside X, with 1 by `kH kW`. Not supported yet:
    dilations other than 1, `ceil_mode` 1, `auto_pad` other than NOTSET.

    ```mlir
    %y = dlc.AveragePool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<8x16x28x28xf32>) -> tensor<8x16x14x14xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X,
                       DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<SI64Attr, "0">:$ceil_mode,
                       DefaultValuedAttr<SI64Attr, "0">:$count_include_pad,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = "$X attr-dict `:` functional-type(operands, results)";
}

def Dlc_AveragePoolGradOp : Dlc_Op<"AveragePoolGrad", [Pure]> {
  let summary = "Gradient helper of AveragePool: dY / count spread over each window";
  let description = [{
    Built by AveragePool's VJP: every element of X inside a window receives
    that window's `dY` divided by its divisor (see AveragePool). The result
    type (X's) is given; the attributes are AveragePool's, spelled out.

    ```mlir
    %dx = dlc.AveragePoolGrad %dy {kernel_shape = array<i64: 2, 2>,
        strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, count_include_pad = 0 : si64}
        : (tensor<8x16x14x14xf32>) -> tensor<8x16x28x28xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$dY,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, SI64Attr:$count_include_pad);
  let results = (outs Dlc_FloatTensor:$dX);
  let assemblyFormat = "$dY attr-dict `:` functional-type(operands, results)";
}

def Dlc_ConvTransposeOp : Dlc_Op<"ConvTranspose", [Pure, InferTypeOpAdaptor, DeclareOpInterfaceMethods<Dlc_VJPOpInterface>]> {
  let summary = "2-D transposed convolution (NCHW)";
  let description = [{
    ONNX ConvTranspose over two spatial dimensions: `X` is `[N, C, H, W]`,
    `W` is `[C, M / group, kH, kW]`, the optional bias `B` is `[M]`. The
    result is `[N, M, oH, oW]` with `oH = sH (H - 1) + output_padding +
    dH (kH - 1) + 1 - top - bottom`. Not supported yet: `output_shape`,
    `auto_pad` other than NOTSET.

    ```mlir
    %y = dlc.ConvTranspose %x, %w {strides = array<i64: 2, 2>}
        : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x11x11xf32>
    ```
  }];
  let arguments = (ins Dlc_FloatTensor:$X, Dlc_FloatTensor:$W,
                       Optional<Dlc_FloatTensor>:$B,
                       OptionalAttr<DenseI64ArrayAttr>:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                       OptionalAttr<DenseI64ArrayAttr>:$output_shape,
                       DefaultValuedAttr<SI64Attr, "1">:$group,
                       DefaultValuedStrAttr<StrAttr, "NOTSET">:$auto_pad);
  let results = (outs Dlc_FloatTensor:$Y);
  let assemblyFormat = [{
    $X `,` $W (`,` $B^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // DLC_CONV_OPS_TD
