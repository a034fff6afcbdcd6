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

#include <limits>

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
  /// A row reduction: d is the one reduction loop, along which the inputs
  /// are contiguous (or constant) and the outputs do not move; each output
  /// is `combiners[i](out, value)`, kept in L partial results per row.
  bool rowReduction = false;
  SmallVector<vector::CombiningKind> combiners;
};

/// The kind of `yielded` when it combines the output block argument `out`
/// (used by nothing else) with another value: a sum, product, max or min.
std::optional<vector::CombiningKind> combinerOf(Value yielded, BlockArgument out) {
  Operation *op = yielded.getDefiningOp();
  if (!op || op->getNumOperands() != 2 || !out.hasOneUse() ||
      (op->getOperand(0) != out && op->getOperand(1) != out) ||
      op->getOperand(0) == op->getOperand(1))
    return std::nullopt;
  if (isa<arith::AddFOp>(op))
    return vector::CombiningKind::ADD;
  if (isa<arith::MulFOp>(op))
    return vector::CombiningKind::MUL;
  if (isa<arith::MaximumFOp>(op))
    return vector::CombiningKind::MAXIMUMF;
  if (isa<arith::MinimumFOp>(op))
    return vector::CombiningKind::MINIMUMF;
  if (isa<arith::MaxNumFOp>(op))
    return vector::CombiningKind::MAXNUMF;
  if (isa<arith::MinNumFOp>(op))
    return vector::CombiningKind::MINNUMF;
  return std::nullopt;
}

/// The value of `kind` that leaves any other unchanged.
double identityOf(vector::CombiningKind kind) {
  switch (kind) {
  case vector::CombiningKind::ADD:
    return 0.0;
  case vector::CombiningKind::MUL:
    return 1.0;
  case vector::CombiningKind::MAXIMUMF:
  case vector::CombiningKind::MAXNUMF:
    return -std::numeric_limits<double>::infinity();
  default:
    return std::numeric_limits<double>::infinity();
  }
}

/// The row-reduction form of `p` (operands flattened, sizes set), if the
/// generic has one reduction loop along which every input is contiguous or
/// constant and no output moves, and every output is combined as
/// combinerOf recognizes (a softmax's max and sum, a LayerNorm's mean).
bool planRowReduction(Plan &p) {
  auto iterators = p.op.getIteratorTypesArray();
  std::optional<unsigned> r;
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (iterators[d] == utils::IteratorType::reduction) {
      if (r)
        return false;
      r = d;
    }
  if (!r || p.sizes[*r] < 2)
    return false;
  unsigned numInputs = p.op.getNumDpsInputs();
  bool contiguous = false;
  for (auto [n, flat] : llvm::enumerate(p.operands)) {
    int64_t coef = flat.coef[*r];
    if (n >= numInputs ? coef != 0 : coef > 1)
      return false;
    contiguous |= coef == 1;
  }
  Block &body = p.op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  for (unsigned i = 0; i < p.op.getNumDpsInits(); ++i) {
    if (!isa<FloatType>(body.getArgument(numInputs + i).getType()))
      return false;
    std::optional<vector::CombiningKind> kind =
        combinerOf(yield.getOperand(i), body.getArgument(numInputs + i));
    if (!kind)
      return false;
    p.combiners.push_back(*kind);
  }
  if (!contiguous)
    return false;
  p.rowReduction = true;
  p.inner = *r;
  p.outer.clear();
  p.reductions.clear();
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (d != *r)
      p.outer.push_back(d);
  return true;
}

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
  auto elementwiseAlong = [&](unsigned d) {
    for (auto [n, flat] : llvm::enumerate(p.operands)) {
      bool isOutput = int64_t(n) >= op.getNumDpsInputs();
      if (flat.coef[d] > 1 || (isOutput && flat.coef[d] != 1))
        return false;
    }
    return true;
  };
  if (!inner || p.sizes[*inner] < 2 || !elementwiseAlong(*inner)) {
    if (!planRowReduction(p))
      return std::nullopt;
    p.lanes = std::max<int64_t>(1, vectorBits / std::max(widest, 8u));
    return p;
  }
  p.inner = *inner;
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
    if (p.rowReduction)
      return emitRowReduction();
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

  /// A row reduction: L partial results per output, each lane combining
  /// the elements of d congruent to it mod L in order (the tail's lanes
  /// masked off keep theirs), then the lanes combined by a fixed tree and
  /// that with the output's old value. The order depends only on the
  /// shapes, never on the thread count.
  void emitRowReduction() {
    linalg::GenericOp op = p.op;
    unsigned numInputs = op.getNumDpsInputs(), numOutputs = op.getNumDpsInits();
    Block &body = op.getRegion().front();
    auto at = [&](unsigned n, Value x) {
      return add(bases[n], mul(x, p.operands[n].coef[p.inner]));
    };
    SmallVector<Value> acc;
    for (unsigned i = 0; i < numOutputs; ++i) {
      VectorType type = vectorOf(views[numInputs + i]);
      acc.push_back(arith::ConstantOp::create(
          b, loc, type,
          DenseElementsAttr::get(
              type, b.getFloatAttr(type.getElementType(), identityOf(p.combiners[i])))));
    }
    auto step = [&](Value x, ValueRange carried, Value mask) {
      IRMapping map;
      for (unsigned n = 0; n < numInputs; ++n)
        map.map(body.getArgument(n), load(n, at(n, x), mask));
      for (unsigned i = 0; i < numOutputs; ++i)
        map.map(body.getArgument(numInputs + i), carried[i]);
      SmallVector<Value> next = vectorizeBody(b, loc, body, map, p.lanes);
      if (mask)
        for (unsigned i = 0; i < numOutputs; ++i)
          next[i] = arith::SelectOp::create(b, loc, mask, next[i], carried[i]);
      return next;
    };
    int64_t size = p.sizes[p.inner], full = size - size % p.lanes;
    if (full > 0) {
      auto loop = scf::ForOp::create(
          b, loc, idx(0), idx(full), idx(p.lanes), acc,
          [&](OpBuilder &nb, Location, Value x, ValueRange carried) {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
            scf::YieldOp::create(b, loc, step(x, carried, Value()));
          });
      acc = SmallVector<Value>(loop.getResults());
    }
    if (full != size) {
      auto maskType = VectorType::get({p.lanes}, b.getI1Type());
      Value mask = vector::ConstantMaskOp::create(b, loc, maskType,
                                                  ArrayRef<int64_t>{size - full});
      acc = step(idx(full), acc, mask);
    }
    for (unsigned i = 0; i < numOutputs; ++i) {
      unsigned n = numInputs + i;
      Value old = memref::LoadOp::create(b, loc, views[n], ValueRange{bases[n]});
      Value total = vector::ReductionOp::create(b, loc, p.combiners[i], acc[i], old);
      memref::StoreOp::create(b, loc, total, views[n], ValueRange{bases[n]});
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
