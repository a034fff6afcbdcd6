//===- Norm.cpp - the helpers of BatchNormalization and Dropout to linalg -===//
//
// BatchNormalization and Dropout themselves are decomposed (dlc-decompose);
// what remains of them after that are two ops with no core-op equivalent:
//
// MovingAverage: one all-parallel linalg.generic, destination-passing into
// the `running` operand (the `outs` is the operand itself, its old value read
// from the out block argument), so one-shot bufferization writes the new
// running statistic into the parameter's buffer, as the optimizer updates do
// (Optimizer.cpp).
//
// DropoutMask: the counter-based generator of docs/training.md. A rank-0
// generic mixes the step into the stream key once,
//   s = mix(K ^ step),  K = mix(mix(seed) ^ salt)  (K folded at compile time)
// and an all-parallel generic over the mask computes, for the row-major
// linear index i of each element (linalg.index),
//   bits = mix(s + (i + 1) * 0x9E3779B97F4A7C15)       (SplitMix64's i-th output)
//   mask = (bits >> 11) * 2^-53 >= ratio ? 1 / (1 - ratio) : 0
// with mix SplitMix64's finalizer (Stafford's Mix13 constants). All integer
// arithmetic is i64, wrapping; the comparison is exact in f64.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "dlc/Conversion/Passes.h"
#include "dlc/Dialect/Dlc/IR/DlcDialect.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::dlc;

namespace {

using IT = utils::IteratorType;

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMix1 = 0xBF58476D1CE4E5B9ull;
constexpr uint64_t kMix2 = 0x94D049BB133111EBull;

/// SplitMix64's finalizer, at compile time.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  return z ^ (z >> 31);
}

Value i64Constant(OpBuilder &b, Location loc, uint64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(static_cast<int64_t>(v)));
}

/// SplitMix64's finalizer on an i64 value.
Value mix64(OpBuilder &b, Location loc, Value z) {
  auto xorShift = [&](Value v, uint64_t shift) {
    return arith::XOrIOp::create(
        b, loc, v, arith::ShRUIOp::create(b, loc, v, i64Constant(b, loc, shift)));
  };
  z = arith::MulIOp::create(b, loc, xorShift(z, 30), i64Constant(b, loc, kMix1));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27), i64Constant(b, loc, kMix2));
  return xorShift(z, 31);
}

struct MovingAverageLowering : OpConversionPattern<MovingAverageOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MovingAverageOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Type ft = type.getElementType();
    double m = op.getMomentum().convertToDouble();
    AffineMap id = AffineMap::getMultiDimIdentityMap(type.getRank(), getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, ValueRange{adaptor.getBatch()},
        ValueRange{adaptor.getRunning()}, ArrayRef<AffineMap>{id, id},
        SmallVector<IT>(type.getRank(), IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value batch = a[0], running = a[1];
          Value r = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, running, floatConstant(b, l, ft, m)),
              arith::MulFOp::create(b, l, batch, floatConstant(b, l, ft, 1.0 - m)));
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct DropoutMaskLowering : OpConversionPattern<DropoutMaskOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutMaskOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Type ft = type.getElementType();
    int64_t rank = type.getRank();
    double ratio = op.getRatio().convertToDouble();
    uint64_t key = mix64(mix64(static_cast<uint64_t>(op.getSeed())) ^
                         static_cast<uint64_t>(op.getSalt()));

    // s = mix(K ^ step), once.
    auto i64Scalar = RankedTensorType::get({}, rewriter.getI64Type());
    AffineMap scalar0 = AffineMap::get(0, 0, {}, ctx);
    Value stream =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{i64Scalar}, ValueRange{adaptor.getStep()},
            ValueRange{createEmpty(rewriter, loc, i64Scalar)},
            ArrayRef<AffineMap>{scalar0, scalar0}, ArrayRef<IT>{},
            [&](OpBuilder &b, Location l, ValueRange a) {
              Value s = mix64(b, l, arith::XOrIOp::create(b, l, a[0], i64Constant(b, l, key)));
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);

    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{stream},
        ValueRange{createEmpty(rewriter, loc, type)}, ArrayRef<AffineMap>{scalar, id},
        SmallVector<IT>(rank, IT::parallel), [&](OpBuilder &b, Location l, ValueRange a) {
          // The row-major linear index, plus one (SplitMix64 increments
          // its state before the first output).
          Value i = i64Constant(b, l, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value idx = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                   linalg::IndexOp::create(b, l, d));
            i = d == 0 ? idx
                       : arith::AddIOp::create(
                             b, l,
                             arith::MulIOp::create(b, l, i,
                                                   i64Constant(b, l, type.getDimSize(d))),
                             idx);
          }
          Value counter = arith::AddIOp::create(b, l, i, i64Constant(b, l, 1));
          Value state = arith::AddIOp::create(
              b, l, a[0], arith::MulIOp::create(b, l, counter, i64Constant(b, l, kGolden)));
          Value bits = mix64(b, l, state);
          Value top53 = arith::ShRUIOp::create(b, l, bits, i64Constant(b, l, 11));
          Type f64 = b.getF64Type();
          Value u = arith::MulFOp::create(b, l, arith::UIToFPOp::create(b, l, f64, top53),
                                          floatConstant(b, l, f64, 0x1p-53));
          Value keep = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, u,
                                             floatConstant(b, l, f64, ratio));
          Value r = arith::SelectOp::create(b, l, keep,
                                            floatConstant(b, l, ft, 1.0 / (1.0 - ratio)),
                                            floatConstant(b, l, ft, 0.0));
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void mlir::dlc::populateNormToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MovingAverageLowering, DropoutMaskLowering>(patterns.getContext());
}
