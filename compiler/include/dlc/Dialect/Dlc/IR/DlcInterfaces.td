//===- DlcInterfaces.td - dlc op interfaces ----------------------*- tablegen -*-===//
//
// The vector-Jacobian product interface: how a differentiable op contributes
// to the gradients of its operands. The Autodiff pass knows no individual op;
// it walks the graph backwards and asks each op for its VJP.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_INTERFACES_TD
#define DLC_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Dlc_VJPOpInterface : OpInterface<"VJPOpInterface"> {
  let cppNamespace = "::mlir::dlc";
  let description = [{
    An op that can be differentiated in reverse mode. Given the gradients of
    the loss with respect to the op's results (`resultGrads[i]`, null when
    the loss does not depend on result i), `buildVJP` builds, with dlc ops at
    the builder's insertion point, the gradient with respect to each operand
    and appends it to `operandGrads` (null for an operand that gets none,
    e.g. integer labels). Each gradient has its operand's type: broadcasting
    ops reduce back to the operand's shape.
  }];
  let methods = [
    InterfaceMethod<
      "Builds the operands' gradients from the results' gradients.",
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // DLC_INTERFACES_TD
