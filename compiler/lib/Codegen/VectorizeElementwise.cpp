//===- VectorizeElementwise.cpp - elementwise generics as vector loops ----===//
//
// See Passes.td (dlc-vectorize-elementwise). LLVM's loop vectorizer rarely
// fires on dlc's loops (every buffer is a view of one workspace pointer, so
// it cannot prove that outputs do not alias inputs); here the vector code is
// written directly, and the loops over rows become one scf.parallel.
//
//===----------------------------------------------------------------------===//

#include "VectorCodegen.h"
#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// A memref.copy between views that are not both contiguous (a Concat
/// writing an input into its slot, bufferized from tensor.insert_slice)
/// becomes a copy generic, which this pass then vectorizes. Left as it is,
/// it would lower to a call of `memrefCopy`, a library function that
/// generated code does not link with.
void expandStridedCopy(memref::CopyOp op) {
  auto source = cast<MemRefType>(op.getSource().getType());
  auto target = cast<MemRefType>(op.getTarget().getType());
  if (source.getLayout().isIdentity() && target.getLayout().isIdentity())
    return; // lowered to llvm.memcpy
  OpBuilder b(op);
  AffineMap id = AffineMap::getMultiDimIdentityMap(source.getRank(), b.getContext());
  linalg::GenericOp::create(
      b, op.getLoc(), ValueRange{op.getSource()}, ValueRange{op.getTarget()},
      ArrayRef<AffineMap>{id, id},
      SmallVector<utils::IteratorType>(source.getRank(), utils::IteratorType::parallel),
      [](OpBuilder &nb, Location l, ValueRange args) { linalg::YieldOp::create(nb, l, args[0]); });
  op.erase();
}

struct Plan {
  linalg::GenericOp op;
  SmallVector<FlatOperand> operands; // inputs then outputs
  SmallVector<int64_t> sizes;
  unsigned inner = 0;                // the contiguous loop d
  SmallVector<unsigned> outer;       // the other parallel loops
  SmallVector<unsigned> reductions;  // in loop order
  int64_t lanes = 0;
};

bool dividesByVector(Operation &op) {
  return isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
             arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op);
}

std::optional<Plan> plan(linalg::GenericOp op, unsigned vectorBits) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 || op.getNumDpsInits() == 0)
    return std::nullopt;
  Block &body = op.getRegion().front();
  for (Operation &inner : body.without_terminator())
    if (!isVectorizable(inner) || dividesByVector(inner))
      return std::nullopt;
  Plan p;
  p.op = op;
  p.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(p.sizes, ShapedType::isDynamic))
    return std::nullopt;
  unsigned numLoops = op.getNumLoops();
  unsigned widest = 0;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isIntOrFloat())
      return std::nullopt;
    widest = std::max(widest, type.getElementTypeBitWidth());
    FailureOr<FlatOperand> flat =
        flatten(operand.get(), op.getMatchingIndexingMap(&operand), numLoops);
    if (failed(flat))
      return std::nullopt;
    p.operands.push_back(*flat);
  }
  // d: the parallel loop along which the first output is contiguous.
  auto iterators = op.getIteratorTypesArray();
  const FlatOperand &out0 = p.operands[op.getNumDpsInputs()];
  std::optional<unsigned> inner;
  for (unsigned d = 0; d < numLoops; ++d)
    if (iterators[d] == utils::IteratorType::parallel && out0.coef[d] == 1)
      inner = d;
  if (!inner || p.sizes[*inner] < 2)
    return std::nullopt;
  p.inner = *inner;
  for (auto [n, flat] : llvm::enumerate(p.operands)) {
    bool isOutput = int64_t(n) >= op.getNumDpsInputs();
    if (flat.coef[p.inner] > 1 || (isOutput && flat.coef[p.inner] != 1))
      return std::nullopt;
  }
  for (unsigned d = 0; d < numLoops; ++d) {
    if (d == p.inner)
      continue;
    (iterators[d] == utils::IteratorType::parallel ? p.outer : p.reductions).push_back(d);
  }
  p.lanes = std::max<int64_t>(1, vectorBits / std::max(widest, 8u));
  return p;
}

class Emitter {
public:
  Emitter(OpBuilder &b, Location loc, const Plan &p) : b(b), loc(loc), p(p) {}

  void emit() {
    for (const FlatOperand &operand : p.operands)
      views.push_back(flatView(b, loc, operand));
    int64_t rows = 1;
    for (unsigned d : p.outer)
      rows *= p.sizes[d];
    scf::ParallelOp::create(b, loc, ValueRange{idx(0)}, ValueRange{idx(rows)},
                            ValueRange{idx(1)}, [&](OpBuilder &nb, Location, ValueRange ivs) {
                              OpBuilder::InsertionGuard g(b);
                              b.setInsertionPoint(nb.getInsertionBlock(),
                                                  nb.getInsertionPoint());
                              emitRow(ivs[0]);
                            });
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return y == 0 ? idx(0) : y == 1 ? x : Value(arith::MulIOp::create(b, loc, x, idx(y)));
  }
  VectorType vectorOf(Value view) {
    return VectorType::get({p.lanes}, cast<MemRefType>(view.getType()).getElementType());
  }

  Value load(unsigned n, Value at, Value mask) {
    return loadLanes(b, loc, vectorOf(views[n]), views[n], at, p.operands[n].coef[p.inner],
                     mask);
  }

  /// One row: the outer loops' indices decoded from `row`, then d in vector
  /// steps and one masked tail.
  void emitRow(Value row) {
    Value rest = row;
    bases.assign(p.operands.size(), idx(0));
    for (unsigned d : llvm::reverse(p.outer)) {
      Value iv = arith::RemUIOp::create(b, loc, rest, idx(p.sizes[d]));
      rest = arith::DivUIOp::create(b, loc, rest, idx(p.sizes[d]));
      for (auto [n, operand] : llvm::enumerate(p.operands))
        bases[n] = add(bases[n], mul(iv, operand.coef[d]));
    }
    int64_t size = p.sizes[p.inner], full = size - size % p.lanes;
    if (full > 0)
      scf::ForOp::create(b, loc, idx(0), idx(full), idx(p.lanes), ValueRange{},
                         [&](OpBuilder &nb, Location, Value x, ValueRange) {
                           OpBuilder::InsertionGuard g(b);
                           b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
                           emitChunk(x, Value());
                           scf::YieldOp::create(b, loc);
                         });
    if (full != size) {
      auto maskType = VectorType::get({p.lanes}, b.getI1Type());
      Value mask = vector::ConstantMaskOp::create(b, loc, maskType,
                                                  ArrayRef<int64_t>{size - full});
      emitChunk(idx(full), mask);
    }
  }

  /// Lanes [x, x + L) of d: outputs loaded, reduced over the reduction
  /// loops in order (if any), stored.
  void emitChunk(Value x, Value mask) {
    unsigned numInputs = linalg::GenericOp(p.op).getNumDpsInputs();
    Block &body = linalg::GenericOp(p.op).getRegion().front();
    auto at = [&](unsigned n, Value extra) {
      return add(add(bases[n], mul(x, p.operands[n].coef[p.inner])), extra);
    };
    SmallVector<Value> outs;
    for (unsigned n = numInputs; n < p.operands.size(); ++n)
      outs.push_back(body.getArgument(n).use_empty() && p.reductions.empty()
                         ? Value()
                         : load(n, at(n, idx(0)), mask));
    // The body at reduction indices whose offsets (per operand) are `offs`.
    auto apply = [&](ArrayRef<Value> offs, ArrayRef<Value> acc) {
      IRMapping map;
      for (unsigned n = 0; n < numInputs; ++n)
        map.map(body.getArgument(n), load(n, at(n, offs[n]), mask));
      for (unsigned n = numInputs; n < p.operands.size(); ++n)
        if (acc[n - numInputs])
          map.map(body.getArgument(n), acc[n - numInputs]);
      return vectorizeBody(b, loc, body, map, p.lanes);
    };
    SmallVector<Value> results;
    if (p.reductions.empty()) {
      results = apply(SmallVector<Value>(p.operands.size(), idx(0)), outs);
    } else {
      // Nested scf.for over the reduction loops, carrying the outputs.
      std::function<SmallVector<Value>(unsigned, SmallVector<Value>, SmallVector<Value>)> nest =
          [&](unsigned level, SmallVector<Value> offs, SmallVector<Value> acc) {
            if (level == p.reductions.size())
              return apply(offs, acc);
            unsigned d = p.reductions[level];
            auto loop = scf::ForOp::create(
                b, loc, idx(0), idx(p.sizes[d]), idx(1), acc,
                [&](OpBuilder &nb, Location, Value iv, ValueRange carried) {
                  OpBuilder::InsertionGuard g(b);
                  b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
                  SmallVector<Value> inner = offs;
                  for (auto [n, operand] : llvm::enumerate(p.operands))
                    inner[n] = add(inner[n], mul(iv, operand.coef[d]));
                  scf::YieldOp::create(
                      b, loc, nest(level + 1, inner, SmallVector<Value>(carried)));
                });
            return SmallVector<Value>(loop.getResults());
          };
      results = nest(0, SmallVector<Value>(p.operands.size(), idx(0)), outs);
    }
    for (unsigned n = numInputs; n < p.operands.size(); ++n) {
      storeVector(b, loc, results[n - numInputs], views[n], at(n, idx(0)), mask);
    }
  }

  OpBuilder &b;
  Location loc;
  const Plan &p;
  SmallVector<Value> views, bases;
};

struct VectorizeElementwisePass
    : mlir::dlc::impl::VectorizeElementwiseBase<VectorizeElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp op) { expandStridedCopy(op); });
    std::vector<Plan> plans;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Plan> p = plan(op, vectorBits))
        plans.push_back(*p);
    });
    for (Plan &p : plans) {
      OpBuilder b(p.op);
      Emitter(b, p.op.getLoc(), p).emit();
      p.op.erase();
    }
  }
};

} // namespace
