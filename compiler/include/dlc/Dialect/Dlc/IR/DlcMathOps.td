//===- DlcMathOps.td - elementwise math, comparison and activation ops of the seed networks ---*- tablegen -*-===//
//
// The elementwise math, comparison and activation ops of the seed networks (Pow, Neg, Abs, Exp, Log, Sqrt, Reciprocal, Max, Min, Where, Equal, Less, Greater, Cast, Clip, Selu, HardSigmoid, Softplus). Included by DlcOps.td (one dialect); shape rules and VJP
// rules in compiler/lib/Dialect/Dlc/IR/DlcMathOps.cpp, lowering in
// compiler/lib/Conversion/DlcToLinalg/Math.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_MATH_OPS_TD
#define DLC_MATH_OPS_TD

#endif // DLC_MATH_OPS_TD
