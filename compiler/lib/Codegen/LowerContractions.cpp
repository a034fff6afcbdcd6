//===- LowerContractions.cpp - matrix products as vector GEMM kernels -----===//
//
// See Passes.td (dlc-lower-contractions). The shape of the generated code is
// the classic one for CPUs (Goto's blocking): tasks over output tiles, k cut
// into cache-sized blocks, b packed into contiguous panels, and a
// register-tiled micro-kernel of broadcasts and FMAs. Everything is emitted
// with the scf, memref and vector dialects, so LLVM only schedules and
// allocates registers; it has no loop to vectorize and no aliasing to prove.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"
#include "VectorCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_LOWERCONTRACTIONS
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

/// The elementwise linalg.generic right after a contraction that reads its
/// result: evaluated on the output tile while it is still in registers.
/// Operands are flattened over the contraction's loops.
struct Epilogue {
  linalg::GenericOp op;
  unsigned resultInput = 0;          // which input is the contraction's output
  SmallVector<FlatOperand> inputs;   // [resultInput] unused
  FlatOperand out;
  bool writeResult = true;           // the raw product is read elsewhere too
};

/// A linalg.generic recognized as out[batch, m, n] += a[.., m, k] * b[.., k, n].
struct Contraction {
  linalg::GenericOp op;
  FloatType elementType;
  unsigned elementBits = 0;
  FlatOperand a, b, c;
  unsigned m = 0, n = 0, k = 0;
  SmallVector<unsigned> batch;
  SmallVector<int64_t> loopSizes;
  linalg::FillOp zeroFill; // the output's zero fill, folded into the kernel
  std::optional<Epilogue> epilogue;
};

/// Whether the body is `yield out + in0 * in1` (in any operand order).
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(body.getOperations().front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body.begin()));
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!mul || !add || !yield || yield.getValues().size() != 1 ||
      yield.getValues()[0] != add.getResult())
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1), c = body.getArgument(2);
  bool mulOk = (mul.getLhs() == a && mul.getRhs() == b) ||
               (mul.getLhs() == b && mul.getRhs() == a);
  bool addOk = (add.getLhs() == c && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == c && add.getLhs() == mul.getResult());
  return mulOk && addOk;
}

FailureOr<Contraction> match(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !isMultiplyAccumulate(op))
    return failure();
  auto outType = dyn_cast<MemRefType>(op.getDpsInits()[0].getType());
  if (!outType)
    return failure();
  auto elementType = dyn_cast<FloatType>(outType.getElementType());
  if (!elementType || (elementType.getWidth() != 32 && elementType.getWidth() != 64))
    return failure();
  for (Value in : op.getDpsInputs())
    if (cast<ShapedType>(in.getType()).getElementType() != elementType)
      return failure();

  Contraction c;
  c.op = op;
  c.elementType = elementType;
  c.elementBits = elementType.getWidth();
  unsigned numLoops = op.getNumLoops();
  c.loopSizes = op.getStaticLoopRanges();
  if (llvm::any_of(c.loopSizes, ShapedType::isDynamic))
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  FailureOr<FlatOperand> a = flatten(op.getDpsInputs()[0], maps[0], numLoops);
  FailureOr<FlatOperand> b = flatten(op.getDpsInputs()[1], maps[1], numLoops);
  FailureOr<FlatOperand> out = flatten(op.getDpsInits()[0], maps[2], numLoops);
  if (failed(a) || failed(b) || failed(out))
    return failure();
  c.a = *a, c.b = *b, c.c = *out;

  // The output must name every parallel loop exactly once (a projected
  // permutation), or two iterations would write one element.
  if (!maps[2].isProjectedPermutation() || maps[2].getNumResults() + 1 != numLoops)
    return failure();
  // k is the reduction; m and n the loops of only a (resp. only b) with the
  // smallest stride in the output (n must have stride 1 there). Every other
  // parallel loop, including further a-only or b-only ones (a batch of a
  // broadcast against b, the spatial rows of a convolution), is a batch loop.
  int reductions = 0;
  std::optional<unsigned> m, n;
  SmallVector<unsigned> others;
  for (unsigned d = 0; d < numLoops; ++d) {
    bool inA = maps[0].isFunctionOfDim(d), inB = maps[1].isFunctionOfDim(d);
    if (op.getIteratorTypesArray()[d] == utils::IteratorType::reduction) {
      if (!inA || !inB)
        return failure();
      c.k = d;
      ++reductions;
      continue;
    }
    std::optional<unsigned> &slot = inA && !inB ? m : inB && !inA ? n : m;
    if (inA == inB) {
      others.push_back(d);
      continue;
    }
    if (slot && c.c.coef[*slot] <= c.c.coef[d]) {
      others.push_back(d);
      continue;
    }
    if (slot)
      others.push_back(*slot);
    slot = d;
  }
  if (reductions != 1 || !m || !n || c.c.coef[*n] != 1)
    return failure();
  c.m = *m, c.n = *n;
  c.batch = others;
  llvm::sort(c.batch);
  return c;
}

/// The zero fill of the contraction's output, when nothing between it and
/// the contraction touches memory.
linalg::FillOp findZeroFill(Contraction &c) {
  for (Operation *op = c.op->getPrevNode(); op; op = op->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      if (fill.getDpsInits()[0] != c.c.memref)
        return {};
      auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
      auto zero = cst ? dyn_cast<FloatAttr>(cst.getValue()) : FloatAttr();
      return zero && zero.getValue().isPosZero() ? fill : linalg::FillOp();
    }
    if (!isMemoryEffectFree(op))
      return {};
  }
  return {};
}

/// The elementwise op that consumes the contraction's result, if it can run
/// on the kernel's tiles: next in the block (but for allocations and pure
/// ops), all-parallel over the output's
/// index space (identity maps for the result and its own output), every
/// other input indexed so that a row of the tile is contiguous or constant,
/// and a body of lane-wise ops that does not read its output.
std::optional<Epilogue> findEpilogue(Contraction &c) {
  Operation *next = c.op->getNextNode();
  while (next && (isa<memref::AllocOp>(next) || isMemoryEffectFree(next)))
    next = next->getNextNode();
  auto op = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!op || !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return std::nullopt;
  Value result = c.c.memref;
  auto resultType = cast<MemRefType>(result.getType());
  if (op.getNumLoops() != resultType.getRank() ||
      op.getDpsInits()[0].getType() != resultType)
    return std::nullopt;
  Block &body = op.getRegion().front();
  if (!body.getArguments().back().use_empty() ||
      !llvm::all_of(body.without_terminator(), isVectorizable))
    return std::nullopt;

  // Maps over the epilogue's loops (the result's dims) composed with the
  // contraction's output map give maps over the contraction's loops.
  AffineMap toResult = c.op.getIndexingMapsArray()[2];
  unsigned numLoops = c.op.getNumLoops();
  Epilogue e;
  e.op = op;
  int resultUses = 0;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    if (in->get() == result) {
      if (!map.isIdentity())
        return std::nullopt;
      e.resultInput = in->getOperandNumber();
      ++resultUses;
      e.inputs.push_back({});
      continue;
    }
    auto type = dyn_cast<MemRefType>(in->get().getType());
    if (!type || type.getElementType() != c.elementType)
      return std::nullopt;
    FailureOr<FlatOperand> flat = flatten(in->get(), map.compose(toResult), numLoops);
    if (failed(flat) || flat->coef[c.n] > 1)
      return std::nullopt;
    e.inputs.push_back(*flat);
  }
  OpOperand *init = op.getDpsInitOperand(0);
  if (resultUses != 1 || !op.getMatchingIndexingMap(init).isIdentity())
    return std::nullopt;
  FailureOr<FlatOperand> out =
      flatten(init->get(), op.getMatchingIndexingMap(init).compose(toResult), numLoops);
  if (failed(out) || out->coef[c.n] != 1)
    return std::nullopt;
  e.out = *out;
  // The raw product is still needed if anything but the fill, the
  // contraction and the epilogue reads it (an activation's gradient).
  e.writeResult = e.out.memref != result &&
                  (!result.getDefiningOp<memref::AllocOp>() ||
                   llvm::any_of(result.getUsers(), [&](Operation *user) {
                     return user != c.op && user != op &&
                            user != c.zeroFill.getOperation();
                   }));
  return e;
}

/// The side of the register transposes that pack a transposed b: 16 lanes
/// (f32 on AVX-512), lowered by upstream's 16 x 16 shuffle sequence.
constexpr int64_t kTransposeBlock = 16;

/// The blocking of one contraction. All sizes are in elements.
struct Blocking {
  int64_t lanes;     // vector length L
  int64_t mr, nr;    // register tile; nr is a multiple of lanes
  int64_t kc;        // k block
  int64_t mc, nc;    // task tile (multiples of mr, nr)
  bool packB;        // copy b into kc x nr panels, or stream it in place
  bool dot;          // dot-product kernel: nr scalar columns, k in vectors
};

Blocking chooseBlocking(const Contraction &c, unsigned vectorBits) {
  Blocking blk;
  int64_t M = c.loopSizes[c.m], N = c.loopSizes[c.n], K = c.loopSizes[c.k];
  int64_t batch = 1;
  for (unsigned d : c.batch)
    batch *= c.loopSizes[d];
  blk.lanes = std::max<int64_t>(1, vectorBits / c.elementBits);
  // Accumulators take mr * nr / L registers of the 32 (AVX-512) or 16
  // (AVX2, SSE) the target has; one more holds the broadcast, nr/L more
  // hold b's row.
  int64_t registers = vectorBits >= 512 ? 32 : 16;
  int64_t vectorsPerRow = registers >= 32 ? 4 : 2;
  // Few columns: narrower tiles waste less on the right edge.
  vectorsPerRow = std::min<int64_t>(vectorsPerRow, llvm::divideCeil(N, blk.lanes));
  blk.nr = vectorsPerRow * blk.lanes;
  blk.mr = std::min<int64_t>((registers - vectorsPerRow - 2) / vectorsPerRow, 8);
  blk.mr = std::max<int64_t>(1, std::min(blk.mr, M));
  blk.kc = K <= 384 ? K : 256;

  // Tasks: whole columns blocks first (b is then packed once), split rows
  // when there are too few tasks to spread over the threads.
  int64_t ncMax = 512;
  blk.nc = std::min(llvm::alignTo(N, blk.nr), llvm::alignTo(ncMax, blk.nr));
  blk.mc = llvm::alignTo(M, blk.mr);
  auto tasks = [&] {
    return batch * llvm::divideCeil(N, blk.nc) * llvm::divideCeil(M, blk.mc);
  };
  // Halve the column blocks, then the row blocks, until there are enough
  // tasks or the blocks are down to a few register tiles (`minPanels`
  // panels of nr columns). Every row block of a column block packs that
  // block's b panels again; a transposed b is packed with scalar copies,
  // so there column blocks go down to two panels before rows are split
  // (the attention block's x·Wᵀ projections, 1024 x 256 x 256: inference
  // 4.11 -> 3.50 ms; with row-major b the same cut measured slower).
  bool rowMajorB = c.b.coef[c.n] == 1;
  int64_t minPanels = rowMajorB ? 4 : 2;
  auto spread = [&] {
    constexpr int64_t kMinTasks = 8;
    while (tasks() < kMinTasks && blk.nc >= minPanels * blk.nr)
      blk.nc = llvm::alignTo(blk.nc / 2, blk.nr);
    while (tasks() < kMinTasks && blk.mc >= 4 * blk.mr)
      blk.mc = llvm::alignTo(blk.mc / 2, blk.mr);
  };
  spread();

  // b in place when its rows are contiguous and it stays in cache anyway,
  // or when few rows of a reuse each packed panel.
  int64_t bBytes = K * N * c.elementBits / 8;
  blk.packB = !rowMajorB || (bBytes > (1 << 20) && blk.mc > 4 * blk.mr);
  blk.dot = false;

  // b transposed (k contiguous, as in x W^T) and few rows: packing b would
  // cost as much as the product itself (a scalar copy per element of b for
  // every 16-odd FMAs per element). Then both operands stream along k
  // instead: an mr x nr tile of dot products, each a vector of partial
  // sums over k, reduced at the end.
  if (!rowMajorB && c.b.coef[c.k] == 1 && c.a.coef[c.k] == 1 && M < 128) {
    blk.dot = true;
    blk.packB = false;
    blk.mr = std::min<int64_t>(registers >= 32 ? 4 : 2, M);
    blk.nr = 4;
    blk.kc = K;
    blk.nc = std::min<int64_t>(llvm::alignTo(N, blk.nr), 256);
    blk.mc = llvm::alignTo(M, blk.mr);
    minPanels = 4; // nothing is packed
    spread();
  }
  return blk;
}

/// Emits the blocked kernel for one contraction in place of its op.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const Contraction &c, const Blocking &blk)
      : b(b), loc(loc), c(c), blk(blk),
        vecType(VectorType::get({blk.lanes}, c.elementType)) {}

  void build();

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return y == 1 ? x : mul(x, idx(y)); }
  Value minIdx(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }

  Value flatView(const FlatOperand &op) { return mlir::dlc::flatView(b, loc, op); }

  /// A mask of the lanes of the vector of `width` starting at column `col`
  /// that lie before column N.
  Value edgeMask(Value col, int64_t width = 0) {
    width = width ? width : blk.lanes;
    Value left = arith::SubIOp::create(b, loc, idx(c.loopSizes[c.n]), col);
    left = arith::MaxSIOp::create(b, loc, left, idx(0));
    left = minIdx(left, idx(width));
    return vector::CreateMaskOp::create(b, loc, VectorType::get({width}, b.getI1Type()),
                                        ValueRange{left});
  }
  /// Runs `body(row)` for tile row r (at `row`) unless it lies past M; the
  /// first row of a tile never does.
  void guardRow(Value row, int64_t r, function_ref<void(Value)> body) {
    int64_t M = c.loopSizes[c.m];
    if (r == 0 || (M % blk.mr == 0 && blk.mc % blk.mr == 0))
      return body(row);
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row, idx(M));
    auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body(row);
  }
  Value zeros(VectorType type) {
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getFloatAttr(c.elementType, 0.0)));
  }

  void buildTask(Value task);
  void packB(Value packed, Value bView, Value bBase, Value j0, Value jEnd, Value k0,
             Value kc);
  void packTransposedBlock(Value packed, Value bView, Value bBase, Value j, int64_t x0,
                           Value k, Value dst);
  void microKernel(Value aView, Value aBase, Value bSource, Value bPanelBase,
                   int64_t bRowStride, Value cView, Value cBase, Value i, Value j,
                   Value k0, Value kc);

  /// Where the task's batch element starts in `op`.
  Value batchBase(const FlatOperand &op) {
    Value base = idx(0);
    for (auto [d, iv] : batchIvs)
      base = add(base, mul(iv, op.coef[d]));
    return base;
  }
  void dotKernel(Value aBase, Value bBase, Value cBase, Value i, Value j);
  void storeTiles(Value k0, Value kc, function_ref<void(bool, bool)> store);
  void storeRow(Value sum, Value row, Value col, Value cBase, Value mask, bool addOld,
                bool applyEpilogue);
  Value evalEpilogue(Value result, Value row, Value col, Value mask);

  OpBuilder &b;
  Location loc;
  const Contraction &c;
  SmallVector<std::pair<unsigned, Value>> batchIvs;
  SmallVector<Value> epilogueViews; // flat views of the epilogue's operands
  const Blocking &blk;
  VectorType vecType;
  Value aView, bView, cView;
};

void KernelBuilder::build() {
  aView = flatView(c.a);
  bView = flatView(c.b);
  cView = flatView(c.c);
  if (c.epilogue) {
    for (auto [n, in] : llvm::enumerate(c.epilogue->inputs))
      epilogueViews.push_back(n == c.epilogue->resultInput ? Value() : flatView(in));
    epilogueViews.push_back(flatView(c.epilogue->out));
  }
  int64_t M = c.loopSizes[c.m], N = c.loopSizes[c.n];
  int64_t tasks = llvm::divideCeil(M, blk.mc) * llvm::divideCeil(N, blk.nc);
  for (unsigned d : c.batch)
    tasks *= c.loopSizes[d];
  scf::ParallelOp::create(b, loc, ValueRange{idx(0)}, ValueRange{idx(tasks)},
                          ValueRange{idx(1)},
                          [&](OpBuilder &nb, Location, ValueRange ivs) {
                            OpBuilder::InsertionGuard guard(b);
                            b.setInsertionPoint(nb.getInsertionBlock(),
                                                nb.getInsertionPoint());
                            buildTask(ivs[0]);
                          });
}

void KernelBuilder::buildTask(Value task) {
  int64_t M = c.loopSizes[c.m], N = c.loopSizes[c.n], K = c.loopSizes[c.k];
  int64_t nBlocks = llvm::divideCeil(N, blk.nc), mBlocks = llvm::divideCeil(M, blk.mc);

  // task = ((batch...) * mBlocks + mb) * nBlocks + nb
  Value nb = arith::RemUIOp::create(b, loc, task, idx(nBlocks));
  Value rest = arith::DivUIOp::create(b, loc, task, idx(nBlocks));
  Value mb = arith::RemUIOp::create(b, loc, rest, idx(mBlocks));
  rest = arith::DivUIOp::create(b, loc, rest, idx(mBlocks));
  for (unsigned d : llvm::reverse(c.batch)) {
    Value iv = arith::RemUIOp::create(b, loc, rest, idx(c.loopSizes[d]));
    rest = arith::DivUIOp::create(b, loc, rest, idx(c.loopSizes[d]));
    batchIvs.push_back({d, iv});
  }
  Value aBase = batchBase(c.a), bBase = batchBase(c.b), cBase = batchBase(c.c);
  Value i0 = mul(mb, blk.mc), j0 = mul(nb, blk.nc);
  Value iEnd = minIdx(add(i0, idx(blk.mc)), idx(M));
  Value jEnd = minIdx(add(j0, idx(blk.nc)), idx(N));

  Value packed;
  if (blk.packB) {
    auto packedType = MemRefType::get({blk.kc * blk.nc}, c.elementType);
    packed = memref::AllocaOp::create(b, loc, packedType, ValueRange{},
                                      b.getI64IntegerAttr(64));
  }
  scf::ForOp::create(
      b, loc, idx(0), idx(K), idx(blk.kc), ValueRange{},
      [&](OpBuilder &nb1, Location, Value k0, ValueRange) {
        OpBuilder::InsertionGuard g1(b);
        b.setInsertionPoint(nb1.getInsertionBlock(), nb1.getInsertionPoint());
        Value kc = minIdx(idx(blk.kc), arith::SubIOp::create(b, loc, idx(K), k0));
        if (blk.packB)
          packB(packed, bView, bBase, j0, jEnd, k0, kc);
        scf::ForOp::create(
            b, loc, j0, jEnd, idx(blk.nr), ValueRange{},
            [&](OpBuilder &nb2, Location, Value j, ValueRange) {
              OpBuilder::InsertionGuard g2(b);
              b.setInsertionPoint(nb2.getInsertionBlock(), nb2.getInsertionPoint());
              // The b panel for columns [j, j + nr): in the packed buffer
              // (row stride nr) or in place (row stride = b's k stride).
              Value panelBase, source;
              int64_t rowStride;
              if (blk.packB) {
                Value panel = arith::DivUIOp::create(
                    b, loc, arith::SubIOp::create(b, loc, j, j0), idx(blk.nr));
                panelBase = mul(panel, blk.kc * blk.nr);
                source = packed;
                rowStride = blk.nr;
              } else {
                panelBase = add(add(bBase, j), mul(k0, c.b.coef[c.k]));
                source = bView;
                rowStride = c.b.coef[c.k];
              }
              scf::ForOp::create(
                  b, loc, i0, iEnd, idx(blk.mr), ValueRange{},
                  [&](OpBuilder &nb3, Location, Value i, ValueRange) {
                    OpBuilder::InsertionGuard g3(b);
                    b.setInsertionPoint(nb3.getInsertionBlock(),
                                        nb3.getInsertionPoint());
                    if (blk.dot)
                      dotKernel(aBase, bBase, cBase, i, j);
                    else
                      microKernel(aView, aBase, source, panelBase, rowStride, cView,
                                  cBase, i, j, k0, kc);
                    scf::YieldOp::create(b, loc);
                  });
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc);
      });
}

/// packed[(panel * kc_max + kk) * nr + x] = b[k0 + kk, min(j + x, N - 1)] for
/// the panels of columns [j0, jEnd): columns past N repeat the last one, so
/// the kernel computes (and then drops) finite values there.
void KernelBuilder::packB(Value packed, Value bView, Value bBase, Value j0, Value jEnd,
                          Value k0, Value kc) {
  int64_t N = c.loopSizes[c.n];
  int64_t nStride = c.b.coef[c.n], kStride = c.b.coef[c.k];
  scf::ForOp::create(
      b, loc, j0, jEnd, idx(blk.nr), ValueRange{},
      [&](OpBuilder &nb1, Location, Value j, ValueRange) {
        OpBuilder::InsertionGuard g1(b);
        b.setInsertionPoint(nb1.getInsertionBlock(), nb1.getInsertionPoint());
        Value panel = arith::DivUIOp::create(b, loc, arith::SubIOp::create(b, loc, j, j0),
                                             idx(blk.nr));
        Value panelBase = mul(panel, blk.kc * blk.nr);
        if (nStride == 1) {
          // Rows of b are contiguous: copy vectors, masked at the right edge.
          SmallVector<Value> masks;
          for (int64_t v = 0; v < blk.nr / blk.lanes; ++v)
            masks.push_back(edgeMask(add(j, idx(v * blk.lanes))));
          scf::ForOp::create(
              b, loc, idx(0), kc, idx(1), ValueRange{},
              [&](OpBuilder &nb2, Location, Value kk, ValueRange) {
                OpBuilder::InsertionGuard g2(b);
                b.setInsertionPoint(nb2.getInsertionBlock(), nb2.getInsertionPoint());
                Value src = add(add(bBase, j), mul(add(k0, kk), kStride));
                Value dst = add(panelBase, mul(kk, blk.nr));
                for (int64_t v = 0; v < blk.nr / blk.lanes; ++v) {
                  Value off = idx(v * blk.lanes);
                  Value row = loadVector(b, loc, vecType, bView, add(src, off),
                                         N % blk.nr == 0 ? Value() : masks[v]);
                  storeVector(b, loc, row, packed, add(dst, off));
                }
                scf::YieldOp::create(b, loc);
              });
        } else {
          // Transposed b. With k contiguous and 16 lanes: 16 x 16 blocks,
          // 16 vector loads down k (one per column), a register transpose
          // (vector.transpose, lowered to shuffles at the end of the pass),
          // 16 vector stores along the panel's rows.
          Value kVec = idx(0);
          if (kStride == 1 && blk.lanes == kTransposeBlock && blk.nr % kTransposeBlock == 0) {
            kVec = arith::SubIOp::create(
                b, loc, kc, arith::RemUIOp::create(b, loc, kc, idx(kTransposeBlock)));
            scf::ForOp::create(
                b, loc, idx(0), kVec, idx(kTransposeBlock), ValueRange{},
                [&](OpBuilder &nb2, Location, Value kk, ValueRange) {
                  OpBuilder::InsertionGuard g2(b);
                  b.setInsertionPoint(nb2.getInsertionBlock(), nb2.getInsertionPoint());
                  for (int64_t x0 = 0; x0 < blk.nr; x0 += kTransposeBlock)
                    packTransposedBlock(packed, bView, bBase, j, x0, add(k0, kk),
                                        add(panelBase, mul(kk, blk.nr)));
                  scf::YieldOp::create(b, loc);
                });
          }
          // The rest of k (all of it otherwise): walk each column down k and
          // scatter it into the panel.
          for (int64_t x = 0; x < blk.nr; ++x) {
            Value col = minIdx(add(j, idx(x)), idx(N - 1));
            Value colBase = add(add(bBase, mul(col, nStride)), mul(k0, kStride));
            scf::ForOp::create(
                b, loc, kVec, kc, idx(1), ValueRange{},
                [&](OpBuilder &nb2, Location, Value kk, ValueRange) {
                  OpBuilder::InsertionGuard g2(b);
                  b.setInsertionPoint(nb2.getInsertionBlock(), nb2.getInsertionPoint());
                  Value v = memref::LoadOp::create(b, loc, bView,
                                                   ValueRange{add(colBase, mul(kk, kStride))});
                  memref::StoreOp::create(
                      b, loc, v, packed,
                      ValueRange{add(add(panelBase, mul(kk, blk.nr)), idx(x))});
                  scf::YieldOp::create(b, loc);
                });
          }
        }
        scf::YieldOp::create(b, loc);
      });
}

/// packed[dst + r * nr + x0 + x] = b[k + r, min(j + x0 + x, N - 1)] for r, x
/// in [0, 16): one 16 x 16 block of a transposed b (k contiguous).
void KernelBuilder::packTransposedBlock(Value packed, Value bView, Value bBase, Value j,
                                        int64_t x0, Value k, Value dst) {
  int64_t N = c.loopSizes[c.n], nStride = c.b.coef[c.n];
  auto blockType = VectorType::get({kTransposeBlock, kTransposeBlock}, c.elementType);
  Value block = arith::ConstantOp::create(b, loc, blockType, b.getZeroAttr(blockType));
  for (int64_t x = 0; x < kTransposeBlock; ++x) {
    Value col = minIdx(add(j, idx(x0 + x)), idx(N - 1));
    Value column = loadVector(b, loc, vecType, bView, add(add(bBase, mul(col, nStride)), k));
    block = vector::InsertOp::create(b, loc, column, block, ArrayRef<int64_t>{x});
  }
  Value rows = vector::TransposeOp::create(b, loc, block, ArrayRef<int64_t>{1, 0});
  for (int64_t r = 0; r < kTransposeBlock; ++r)
    storeVector(b, loc, vector::ExtractOp::create(b, loc, rows, ArrayRef<int64_t>{r}), packed,
                add(dst, idx(r * blk.nr + x0)));
}

/// out[i .. i+mr, j .. j+nr] += a[i .. i+mr, k0 .. k0+kc] * bPanel, with the
/// tile in registers across the k loop.
void KernelBuilder::microKernel(Value aView, Value aBase, Value bSource,
                                Value bPanelBase, int64_t bRowStride, Value cView,
                                Value cBase, Value i, Value j, Value k0, Value kc) {
  int64_t M = c.loopSizes[c.m], N = c.loopSizes[c.n];
  int64_t vectors = blk.nr / blk.lanes;
  bool ragged = N % blk.nr != 0; // some column panel is partial
  // Each row's start in a; rows past M read row M-1 again.
  SmallVector<Value> aRows;
  for (int64_t r = 0; r < blk.mr; ++r) {
    Value row = blk.mr > 1 ? minIdx(add(i, idx(r)), idx(M - 1)) : i;
    aRows.push_back(add(add(aBase, mul(row, c.a.coef[c.m])), mul(k0, c.a.coef[c.k])));
  }
  SmallVector<Value> masks;
  if (ragged)
    for (int64_t v = 0; v < vectors; ++v)
      masks.push_back(edgeMask(add(j, idx(v * blk.lanes))));
  bool maskedB = ragged && !blk.packB;

  SmallVector<Value> init(blk.mr * vectors, zeros(vecType));
  auto loop = scf::ForOp::create(
      b, loc, idx(0), kc, idx(1), init,
      [&](OpBuilder &nb, Location, Value kk, ValueRange acc) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        Value bRow = add(bPanelBase, mul(kk, bRowStride));
        SmallVector<Value> bVecs;
        for (int64_t v = 0; v < vectors; ++v) {
          Value at = add(bRow, idx(v * blk.lanes));
          bVecs.push_back(loadVector(b, loc, vecType, bSource, at,
                                     maskedB ? masks[v] : Value()));
        }
        SmallVector<Value> next;
        Value aStep = mul(kk, c.a.coef[c.k]);
        for (int64_t r = 0; r < blk.mr; ++r) {
          Value a = memref::LoadOp::create(b, loc, aView, ValueRange{add(aRows[r], aStep)});
          Value splat = vector::BroadcastOp::create(b, loc, vecType, a);
          for (int64_t v = 0; v < vectors; ++v)
            next.push_back(
                vector::FMAOp::create(b, loc, splat, bVecs[v], acc[r * vectors + v]));
        }
        scf::YieldOp::create(b, loc, next);
      });

  storeTiles(k0, kc, [&](bool addOld, bool applyEpilogue) {
    for (int64_t r = 0; r < blk.mr; ++r)
      guardRow(add(i, idx(r)), r, [&](Value row) {
        for (int64_t v = 0; v < vectors; ++v)
          storeRow(loop.getResult(r * vectors + v), row, add(j, idx(v * blk.lanes)),
                   cBase, ragged ? masks[v] : Value(), addOld, applyEpilogue);
      });
  });
}

/// Emits `store(addOld, applyEpilogue)` for the k block [k0, k0 + kc): the
/// tile is added to the output unless the output's zero fill was folded and
/// this is the first block; the epilogue runs in the last block.
void KernelBuilder::storeTiles(Value k0, Value kc, function_ref<void(bool, bool)> store) {
  int64_t K = c.loopSizes[c.k];
  bool zeroInit = bool(c.zeroFill), epilogue = c.epilogue.has_value();
  auto branch = [&](Value cond, auto then, auto otherwise) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    then();
    b.setInsertionPointToStart(ifOp.elseBlock());
    otherwise();
  };
  auto eq = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
  };
  if (!zeroInit && !epilogue)
    store(true, false);
  else if (K <= blk.kc)
    store(!zeroInit, epilogue);
  else
    branch(
        eq(k0, idx(0)), [&] { store(!zeroInit, false); },
        [&] {
          if (!epilogue)
            return store(true, false);
          branch(
              eq(add(k0, kc), idx(K)), [&] { store(true, true); },
              [&] { store(true, false); });
        });
}

/// out[i .. i+mr, j .. j+nr] (+)= a[i .. i+mr, :] . b[j .. j+nr, :]^T with k
/// contiguous in both: per k step of L, mr + nr vector loads and mr * nr
/// FMAs into vectors of partial sums; k's tail in one masked step; each
/// partial sum reduced (a fixed tree) at the end.
void KernelBuilder::dotKernel(Value aBase, Value bBase, Value cBase, Value i, Value j) {
  int64_t M = c.loopSizes[c.m], N = c.loopSizes[c.n], K = c.loopSizes[c.k];
  int64_t L = blk.lanes, body = K - K % L;
  SmallVector<Value> aRows, bCols;
  for (int64_t r = 0; r < blk.mr; ++r)
    aRows.push_back(add(aBase, mul(minIdx(add(i, idx(r)), idx(M - 1)), c.a.coef[c.m])));
  for (int64_t x = 0; x < blk.nr; ++x)
    bCols.push_back(add(bBase, mul(minIdx(add(j, idx(x)), idx(N - 1)), c.b.coef[c.n])));
  auto step = [&](Value kk, ValueRange acc, Value mask) {
    auto load = [&](Value view, Value at) {
      return loadVector(b, loc, vecType, view, at, mask);
    };
    SmallVector<Value> as, next;
    for (Value row : aRows)
      as.push_back(load(aView, add(row, kk)));
    for (int64_t x = 0; x < blk.nr; ++x) {
      Value bv = load(bView, add(bCols[x], kk));
      for (int64_t r = 0; r < blk.mr; ++r)
        next.push_back(vector::FMAOp::create(b, loc, as[r], bv, acc[r * blk.nr + x]));
    }
    // Order: r major, like the accumulators.
    SmallVector<Value> ordered(next.size());
    for (int64_t x = 0; x < blk.nr; ++x)
      for (int64_t r = 0; r < blk.mr; ++r)
        ordered[r * blk.nr + x] = next[x * blk.mr + r];
    return ordered;
  };
  SmallVector<Value> init(blk.mr * blk.nr, zeros(vecType));
  auto loop = scf::ForOp::create(
      b, loc, idx(0), idx(body), idx(L), init,
      [&](OpBuilder &nb, Location, Value kk, ValueRange acc) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        scf::YieldOp::create(b, loc, step(kk, acc, Value()));
      });
  SmallVector<Value> acc(loop.getResults());
  if (body != K) {
    auto maskType = VectorType::get({L}, b.getI1Type());
    Value tail = vector::ConstantMaskOp::create(b, loc, maskType,
                                                ArrayRef<int64_t>{K - body});
    acc = step(idx(body), acc, tail);
  }
  auto rowType = VectorType::get({blk.nr}, c.elementType);
  bool ragged = N % blk.nr != 0;
  Value mask = ragged ? edgeMask(j, blk.nr) : Value();
  storeTiles(idx(0), idx(K), [&](bool addOld, bool applyEpilogue) {
    for (int64_t r = 0; r < blk.mr; ++r)
      guardRow(add(i, idx(r)), r, [&](Value row) {
        SmallVector<Value> sums;
        for (int64_t x = 0; x < blk.nr; ++x)
          sums.push_back(vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                                     acc[r * blk.nr + x], Value(),
                                                     arith::FastMathFlags::reassoc));
        Value sum = vector::FromElementsOp::create(b, loc, rowType, sums);
        storeRow(sum, row, j, cBase, mask, addOld, applyEpilogue);
      });
  });
}

/// The epilogue's body on one vector of the tile: `result` is the
/// contraction's value there; the other inputs are loaded (a vector along
/// the row, or one element broadcast when it does not vary along it).
Value KernelBuilder::evalEpilogue(Value result, Value row, Value col, Value mask) {
  const Epilogue &e = *c.epilogue;
  Block &body = linalg::GenericOp(e.op).getRegion().front();
  auto type = cast<VectorType>(result.getType());
  int64_t width = type.getDimSize(0);
  IRMapping map;
  for (auto [n, in] : llvm::enumerate(e.inputs)) {
    Value v = result;
    if (n != e.resultInput) {
      Value at = add(add(batchBase(in), mul(row, in.coef[c.m])), mul(col, in.coef[c.n]));
      v = loadLanes(b, loc, type, epilogueViews[n], at, in.coef[c.n], mask);
    }
    map.map(body.getArgument(n), v);
  }
  return vectorizeBody(b, loc, body, map, width).front();
}

/// Writes one vector `sum` of a tile row at (row, col): the output gets it,
/// plus its old value with `addOld`; with `applyEpilogue` the epilogue's
/// output gets the epilogue of it (and the output only if read elsewhere).
void KernelBuilder::storeRow(Value sum, Value row, Value col, Value cBase, Value mask,
                             bool addOld, bool applyEpilogue) {
  auto type = cast<VectorType>(sum.getType());
  auto storeAt = [&](Value v, Value view, Value at) {
    storeVector(b, loc, v, view, at, mask);
  };
  Value at = add(add(cBase, mul(row, c.c.coef[c.m])), col);
  if (addOld)
    sum = arith::AddFOp::create(b, loc, loadVector(b, loc, type, cView, at, mask), sum);
  if (!applyEpilogue || c.epilogue->writeResult)
    storeAt(sum, cView, at);
  if (!applyEpilogue)
    return;
  const FlatOperand &out = c.epilogue->out;
  Value outAt = add(add(batchBase(out), mul(row, out.coef[c.m])), col);
  storeAt(evalEpilogue(sum, row, col, mask), epilogueViews.back(), outAt);
}

struct LowerContractionsPass
    : mlir::dlc::impl::LowerContractionsBase<LowerContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    std::vector<Contraction> found;
    getOperation().walk([&](linalg::GenericOp op) {
      FailureOr<Contraction> c = match(op);
      if (failed(c))
        return;
      int64_t flops = 2;
      for (int64_t s : c->loopSizes)
        flops *= s;
      if (flops >= minFlops)
        found.push_back(*c);
    });
    for (Contraction &c : found) {
      c.zeroFill = findZeroFill(c);
      c.epilogue = findEpilogue(c);
      // The allocations and pure ops between the contraction and its
      // epilogue (its output buffer, constants its body uses) move up, so
      // that the kernel in the contraction's place sees them.
      if (c.epilogue)
        while (c.op->getNextNode() != c.epilogue->op.getOperation())
          c.op->getNextNode()->moveBefore(c.op);
      OpBuilder b(c.op);
      Blocking blk = chooseBlocking(c, vectorBits);
      KernelBuilder(b, c.op.getLoc(), c, blk).build();
      if (c.epilogue)
        c.epilogue->op.erase();
      if (c.zeroFill)
        c.zeroFill.erase();
      c.op.erase();
    }
    // The packing transposes, as AVX-512 shuffles (the default lowering
    // would move the 256 elements one by one).
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransposeLoweringPatterns(patterns,
                                                    vector::VectorTransposeLowering::Shuffle16x16);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
