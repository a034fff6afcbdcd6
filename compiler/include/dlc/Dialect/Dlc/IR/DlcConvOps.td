//===- DlcConvOps.td - convolution and pooling ops ---*- tablegen -*-===//
//
// The convolution and pooling ops (Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcConvOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Conv.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_CONV_OPS_TD
#define DLC_CONV_OPS_TD

#endif // DLC_CONV_OPS_TD
