//===- DlcTensorOps.td - shape, reduction and embedding ops of the seed networks ---*- tablegen -*-===//
//
// The shape, reduction and embedding ops of the seed networks (Concat, Split, Slice, Squeeze, Unsqueeze, ReduceMean, ReduceMax, ArgMax, Gather). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcTensorOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Tensor.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TENSOR_OPS_TD
#define DLC_TENSOR_OPS_TD

#endif // DLC_TENSOR_OPS_TD
