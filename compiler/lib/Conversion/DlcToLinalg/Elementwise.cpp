//===- Elementwise.cpp - dlc elementwise ops to linalg.generic ------------===//
//
// Add, Sub, Mul, Div (numpy broadcasting through indexing maps) and the
// activations Relu, LeakyRelu, Elu, Sigmoid, Tanh, Gelu. Each becomes one
// all-parallel linalg.generic whose body is the op's scalar formula, so later
// fusion merges chains of them into one loop nest.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dlc;

namespace {

struct AddFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    return arith::AddFOp::create(b, loc, x[0], x[1]);
  }
};
struct SubFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    return arith::SubFOp::create(b, loc, x[0], x[1]);
  }
};
struct MulFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    return arith::MulFOp::create(b, loc, x[0], x[1]);
  }
};
struct DivFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    return arith::DivFOp::create(b, loc, x[0], x[1]);
  }
};

// relu(x) = x > 0 ? x : 0 (NaN maps to 0, as a select on an ordered compare).
struct ReluFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    Value zero = constLike(b, loc, x[0], 0.0);
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x[0], zero);
    return arith::SelectOp::create(b, loc, pos, x[0], zero);
  }
};

// leaky_relu(x) = x >= 0 ? x : alpha x
struct LeakyReluFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, ValueRange x) {
    double alpha = cast<LeakyReluOp>(op).getAlpha().convertToDouble();
    Value zero = constLike(b, loc, x[0], 0.0);
    Value scaled = arith::MulFOp::create(b, loc, x[0], constLike(b, loc, x[0], alpha));
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x[0], zero);
    return arith::SelectOp::create(b, loc, pos, x[0], scaled);
  }
};

// elu(x) = x > 0 ? x : alpha (exp(x) - 1)
struct EluFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, ValueRange x) {
    double alpha = cast<EluOp>(op).getAlpha().convertToDouble();
    Value zero = constLike(b, loc, x[0], 0.0);
    Value em1 = math::ExpM1Op::create(b, loc, x[0]);
    Value neg = arith::MulFOp::create(b, loc, em1, constLike(b, loc, x[0], alpha));
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x[0], zero);
    return arith::SelectOp::create(b, loc, pos, x[0], neg);
  }
};

// sigmoid(x) = 1 / (1 + exp(-x)); exp(-x) overflows to inf for very negative
// x, which still gives the right limit 0.
struct SigmoidFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    Value one = constLike(b, loc, x[0], 1.0);
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x[0]));
    return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
  }
};

struct TanhFormula {
  Value operator()(Operation *, OpBuilder &b, Location loc, ValueRange x) {
    return math::TanhOp::create(b, loc, x[0]);
  }
};

// gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), or with approximate = "tanh":
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
struct GeluFormula {
  Value operator()(Operation *op, OpBuilder &b, Location loc, ValueRange x) {
    Value v = x[0];
    Value half = constLike(b, loc, v, 0.5), one = constLike(b, loc, v, 1.0);
    Value inner;
    if (cast<GeluOp>(op).getApproximate() == "tanh") {
      Value cube = arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, v, v), v);
      Value poly = arith::AddFOp::create(
          b, loc, v,
          arith::MulFOp::create(b, loc, cube, constLike(b, loc, v, 0.044715)));
      Value scaled = arith::MulFOp::create(
          b, loc, poly, constLike(b, loc, v, std::sqrt(2.0 / M_PI)));
      inner = math::TanhOp::create(b, loc, scaled);
    } else {
      Value scaled = arith::MulFOp::create(b, loc, v, constLike(b, loc, v, M_SQRT1_2));
      inner = math::ErfOp::create(b, loc, scaled);
    }
    Value halfX = arith::MulFOp::create(b, loc, half, v);
    return arith::MulFOp::create(b, loc, halfX, arith::AddFOp::create(b, loc, one, inner));
  }
};

} // namespace

void mlir::dlc::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering<AddOp, AddFormula>,
               ElementwiseLowering<SubOp, SubFormula>,
               ElementwiseLowering<MulOp, MulFormula>,
               ElementwiseLowering<DivOp, DivFormula>,
               ElementwiseLowering<ReluOp, ReluFormula>,
               ElementwiseLowering<LeakyReluOp, LeakyReluFormula>,
               ElementwiseLowering<EluOp, EluFormula>,
               ElementwiseLowering<SigmoidOp, SigmoidFormula>,
               ElementwiseLowering<TanhOp, TanhFormula>,
               ElementwiseLowering<GeluOp, GeluFormula>>(ctx);
}
