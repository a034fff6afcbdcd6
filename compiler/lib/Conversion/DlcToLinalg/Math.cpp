//===- Math.cpp - dlc math ops to linalg ----------------------------===//
//
// Lowering of the ops in DlcMathOps.td: each becomes one all-parallel
// linalg.generic (broadcasting through its indexing maps) whose body is the
// op's scalar formula in arith and math ops. Unsigned (ui8) elements are not
// lowered: arith works on signless integers.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

#define DLC_FORMULA(NAME, ...)                                                 \
  struct NAME {                                                                \
    Value operator()(Operation *op, OpBuilder &b, Location loc, ValueRange x) { \
      (void)op;                                                                \
      __VA_ARGS__                                                              \
    }                                                                          \
  };

DLC_FORMULA(NegFormula, return arith::NegFOp::create(b, loc, x[0]);)
DLC_FORMULA(AbsFormula, return math::AbsFOp::create(b, loc, x[0]);)
DLC_FORMULA(ExpFormula, return math::ExpOp::create(b, loc, x[0]);)
DLC_FORMULA(LogFormula, return math::LogOp::create(b, loc, x[0]);)
DLC_FORMULA(SqrtFormula, return math::SqrtOp::create(b, loc, x[0]);)
DLC_FORMULA(ReciprocalFormula,
            return arith::DivFOp::create(b, loc, constLike(b, loc, x[0], 1.0), x[0]);)
DLC_FORMULA(PowFormula, return math::PowFOp::create(b, loc, x[0], x[1]);)
// NaN-propagating, as numpy.maximum / numpy.minimum.
DLC_FORMULA(MaxFormula, return arith::MaximumFOp::create(b, loc, x[0], x[1]);)
DLC_FORMULA(MinFormula, return arith::MinimumFOp::create(b, loc, x[0], x[1]);)
DLC_FORMULA(WhereFormula, return arith::SelectOp::create(b, loc, x[0], x[1], x[2]);)

// selu(x) = gamma (x > 0 ? x : alpha expm1(x))
DLC_FORMULA(SeluFormula, {
  auto selu = cast<SeluOp>(op);
  Value v = x[0], zero = constLike(b, loc, v, 0.0);
  Value neg = arith::MulFOp::create(
      b, loc, math::ExpM1Op::create(b, loc, v),
      constLike(b, loc, v, selu.getAlpha().convertToDouble()));
  Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, zero);
  Value inner = arith::SelectOp::create(b, loc, pos, v, neg);
  return arith::MulFOp::create(
      b, loc, inner, constLike(b, loc, v, selu.getGamma().convertToDouble()));
})

// hard_sigmoid(x) = max(0, min(1, alpha x + beta))
DLC_FORMULA(HardSigmoidFormula, {
  auto hs = cast<HardSigmoidOp>(op);
  Value v = x[0];
  Value t = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, v,
                            constLike(b, loc, v, hs.getAlpha().convertToDouble())),
      constLike(b, loc, v, hs.getBeta().convertToDouble()));
  Value lo = arith::MinimumFOp::create(b, loc, t, constLike(b, loc, v, 1.0));
  return arith::MaximumFOp::create(b, loc, lo, constLike(b, loc, v, 0.0));
})

// softplus(x) = max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
DLC_FORMULA(SoftplusFormula, {
  Value v = x[0];
  Value relu = arith::MaximumFOp::create(b, loc, v, constLike(b, loc, v, 0.0));
  Value e = math::ExpOp::create(
      b, loc, arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, v)));
  return arith::AddFOp::create(b, loc, relu, math::Log1pOp::create(b, loc, e));
})

// clip(x) = min(max(x, lo), hi), each bound only when given.
DLC_FORMULA(ClipFormula, {
  auto clip = cast<ClipOp>(op);
  Value v = x[0];
  if (std::optional<APFloat> lo = clip.getMin())
    v = arith::MaximumFOp::create(b, loc, v, constLike(b, loc, v, lo->convertToDouble()));
  if (std::optional<APFloat> hi = clip.getMax())
    v = arith::MinimumFOp::create(b, loc, v, constLike(b, loc, v, hi->convertToDouble()));
  return v;
})
#undef DLC_FORMULA

/// Comparison with float predicate `F`, signed integer `S`, and for i1
/// (bool) the unsigned `U`.
template <arith::CmpFPredicate F, arith::CmpIPredicate S, arith::CmpIPredicate U>
struct CompareFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    Type t = x[0].getType();
    if (isa<FloatType>(t))
      return arith::CmpFOp::create(b, loc, F, x[0], x[1]);
    return arith::CmpIOp::create(b, loc, t.isInteger(1) ? U : S, x[0], x[1]);
  }
};
using EqualFormula = CompareFormula<arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                                    arith::CmpIPredicate::eq>;
using LessFormula = CompareFormula<arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                                   arith::CmpIPredicate::ult>;
using GreaterFormula = CompareFormula<arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
                                      arith::CmpIPredicate::ugt>;

// Cast between float widths (extf/truncf), float and integer (fptosi/sitofp,
// bool from/to as unsigned), integer widths (extsi/trunci, bool zero-extends);
// anything to bool is x != 0.
struct CastFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, ValueRange x) {
    Value v = x[0];
    Type from = v.getType();
    Type to = getElementTypeOrSelf(op->getResult(0).getType());
    if (from == to)
      return v;
    auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
    if (to.isInteger(1)) {
      if (fromF)
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                     floatConstant(b, loc, from, 0.0));
      Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0));
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
    }
    if (fromF && toF) {
      if (fromF.getWidth() < toF.getWidth())
        return arith::ExtFOp::create(b, loc, to, v);
      return arith::TruncFOp::create(b, loc, to, v);
    }
    if (fromF)
      return arith::FPToSIOp::create(b, loc, to, v);
    if (toF) {
      if (from.isInteger(1))
        return arith::UIToFPOp::create(b, loc, to, v);
      return arith::SIToFPOp::create(b, loc, to, v);
    }
    unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
    if (fw > tw)
      return arith::TruncIOp::create(b, loc, to, v);
    if (from.isInteger(1))
      return arith::ExtUIOp::create(b, loc, to, v);
    return arith::ExtSIOp::create(b, loc, to, v);
  }
};

} // namespace

void mlir::dlc::populateMathToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering<NegOp, NegFormula>, ElementwiseLowering<AbsOp, AbsFormula>,
               ElementwiseLowering<ExpOp, ExpFormula>, ElementwiseLowering<LogOp, LogFormula>,
               ElementwiseLowering<SqrtOp, SqrtFormula>,
               ElementwiseLowering<ReciprocalOp, ReciprocalFormula>,
               ElementwiseLowering<SeluOp, SeluFormula>,
               ElementwiseLowering<HardSigmoidOp, HardSigmoidFormula>,
               ElementwiseLowering<SoftplusOp, SoftplusFormula>,
               ElementwiseLowering<PowOp, PowFormula>, ElementwiseLowering<MaxOp, MaxFormula>,
               ElementwiseLowering<MinOp, MinFormula>,
               ElementwiseLowering<EqualOp, EqualFormula>,
               ElementwiseLowering<LessOp, LessFormula>,
               ElementwiseLowering<GreaterOp, GreaterFormula>,
               ElementwiseLowering<WhereOp, WhereFormula>,
               ElementwiseLowering<CastOp, CastFormula>,
               ElementwiseLowering<ClipOp, ClipFormula>>(ctx);
}
