//===- Parallelize.cpp - large parallel loops on the runtime's thread pool -===//
//
// See Passes.td (dlc-parallelize). The runtime owns the threads
// (cli-and-abi.md: "parallel loops in generated code run on the runtime's
// thread pool"), so generated code only hands it a function and a range:
// each outermost scf.parallel worth the dispatch becomes
//
//   @<parent>_par<N>(ctx: !llvm.ptr, begin: i64, end: i64)
//
// which runs the iterations [begin, end) of the loop's leading dimensions,
// linearized, and a call dlc_parallel_for(@<parent>_par<N>, ctx, total)
// where the loop was. ctx points to a stack struct holding what the body
// uses from outside: memrefs as their aligned pointer (plus any dynamic
// offset, sizes and strides), rebuilt inside as descriptors that
// finalize-memref-to-llvm takes over through an unrealized cast; scalars
// as they are (index as i64). Constants are cloned rather than passed, so
// the outlined loops keep their static bounds.
//
// Determinism: the pass changes which thread runs an iteration, never what
// an iteration computes or in which order. An scf.parallel from
// convert-linalg-to-parallel-loops iterates only over parallel dimensions;
// its reductions are scf.for loops inside the body, so each output element
// is still produced by one thread, in the single-threaded order.
//
//===----------------------------------------------------------------------===//

#include "AllocaScopes.h"
#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_PARALLELIZE
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "dlc_parallel_for";
/// A loop whose trip count is not a constant is assumed to run this often
/// when estimating work (static shapes make it rare).
constexpr double kUnknownTripCount = 16;
/// The leading dimensions of a loop are linearized until they give at least
/// this many units to share out, so that T threads get shares within about
/// T/256 of each other; the dimensions after them stay whole loops inside
/// each unit (innermost loops keep their full, vectorizable extent).
constexpr int64_t kMinUnits = 256;

std::optional<int64_t> constantTripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u <= *l ? 0 : llvm::divideCeil(*u - *l, *s);
}

double tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> n = constantTripCount(lb, ub, step);
  return n ? static_cast<double>(*n) : kUnknownTripCount;
}

double blockWork(Block &block);

/// A rough count of scalar operations: one per op, a vector op one per
/// element, loops their body times their trip count.
double opWork(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return 0;
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return 1 + tripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()) *
                   blockWork(*loop.getBody());
  if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
    double trips = 1;
    for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(), loop.getUpperBound(),
                                         loop.getStep()))
      trips *= tripCount(lb, ub, step);
    return 1 + trips * blockWork(*loop.getBody());
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op)) {
    auto type = cast<MemRefType>(copy.getSource().getType());
    return type.hasStaticShape() ? static_cast<double>(type.getNumElements())
                                 : kUnknownTripCount;
  }
  double work = 1;
  for (Type type : op->getResultTypes())
    if (auto vector = dyn_cast<VectorType>(type))
      work = std::max(work, static_cast<double>(vector.getNumElements()));
  // Other ops with regions (scf.if, memref.alloca_scope): all their regions.
  for (Region &region : op->getRegions())
    for (Block &block : region)
      work += blockWork(block);
  return work;
}

double blockWork(Block &block) {
  double work = 0;
  for (Operation &op : block)
    work += opWork(&op);
  return work;
}

/// The default memory space, with a layout the descriptor can express.
bool isPassableMemRef(MemRefType type) {
  if (!type.isStrided())
    return false;
  Attribute space = type.getMemorySpace();
  if (!space)
    return true;
  auto integer = dyn_cast<IntegerAttr>(space);
  return integer && integer.getInt() == 0;
}

/// How one captured value travels through the context struct: its fields,
/// in order, and how to rebuild it from them.
struct Capture {
  Value value;
  unsigned firstField = 0;
  // For a memref: which of offset, sizes, strides are dynamic (and so
  // fields, after the aligned pointer).
  bool dynamicOffset = false;
  SmallVector<unsigned> dynamicSizes, dynamicStrides;
};

/// Values defined above the loop that can be rematerialized in the outlined
/// function instead of being passed: constants and other operand-free,
/// effect-free ops (memref.get_global).
bool isClonable(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         isMemoryEffectFree(def);
}

class Outliner {
public:
  Outliner(SymbolTable &symbols, func::FuncOp parallelFor)
      : symbols(symbols), parallelFor(parallelFor), ctx(parallelFor.getContext()),
        ptrType(LLVM::LLVMPointerType::get(ctx)),
        i64(IntegerType::get(ctx, 64)), indexType(IndexType::get(ctx)) {}

  /// Outlines `loop` (an outermost scf.parallel of `parent`); false (and
  /// nothing changed) if a captured value cannot be passed.
  bool outline(scf::ParallelOp loop, func::FuncOp parent);

private:
  Value toI64(OpBuilder &b, Location loc, Value index) {
    return b.createOrFold<arith::IndexCastOp>(loc, i64, index);
  }
  Value toIndex(OpBuilder &b, Location loc, Value v) {
    return b.createOrFold<arith::IndexCastOp>(loc, indexType, v);
  }
  Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  /// max(0, ceil((ub - lb) / step)), as scf.parallel defines it.
  Value tripCountValue(OpBuilder &b, Location loc, Value lb, Value ub, Value step) {
    Value diff = b.createOrFold<arith::SubIOp>(loc, ub, lb);
    Value trips = b.createOrFold<arith::CeilDivSIOp>(loc, diff, step);
    return b.createOrFold<arith::MaxSIOp>(loc, trips, indexConstant(b, loc, 0));
  }

  SymbolTable &symbols;
  func::FuncOp parallelFor;
  MLIRContext *ctx;
  Type ptrType, i64, indexType;
  DenseMap<Operation *, unsigned> outlinedPerParent;
};

bool Outliner::outline(scf::ParallelOp loop, func::FuncOp parent) {
  Location loc = loop.getLoc();
  unsigned rank = loop.getNumLoops();

  // What the body (and the bounds) take from outside the loop.
  SetVector<Value> used;
  getUsedValuesDefinedAbove(loop.getRegion(), used);
  for (Value v : loop.getOperands())
    used.insert(v);
  SmallVector<Value> clonable;
  SmallVector<Capture> captures;
  SmallVector<Type> fields;
  for (Value v : used) {
    if (isClonable(v)) {
      clonable.push_back(v);
      continue;
    }
    Capture c;
    c.value = v;
    c.firstField = fields.size();
    Type type = v.getType();
    if (auto memref = dyn_cast<MemRefType>(type)) {
      if (!isPassableMemRef(memref))
        return false;
      auto [strides, offset] = memref.getStridesAndOffset();
      fields.push_back(ptrType);
      if ((c.dynamicOffset = ShapedType::isDynamic(offset)))
        fields.push_back(i64);
      for (unsigned d = 0; d < memref.getRank(); ++d) {
        if (memref.isDynamicDim(d)) {
          c.dynamicSizes.push_back(d);
          fields.push_back(i64);
        }
      }
      for (unsigned d = 0; d < memref.getRank(); ++d) {
        if (ShapedType::isDynamic(strides[d])) {
          c.dynamicStrides.push_back(d);
          fields.push_back(i64);
        }
      }
    } else if (isa<IndexType>(type)) {
      fields.push_back(i64);
    } else if (LLVM::isCompatibleType(type)) {
      fields.push_back(type);
    } else {
      return false;
    }
    captures.push_back(c);
  }
  auto structType = LLVM::LLVMStructType::getLiteral(ctx, fields);

  // How many leading dimensions to linearize.
  unsigned linear = 0;
  int64_t units = 1;
  while (linear < rank && units < kMinUnits) {
    std::optional<int64_t> n = constantTripCount(
        loop.getLowerBound()[linear], loop.getUpperBound()[linear], loop.getStep()[linear]);
    ++linear;
    if (!n)
      break; // unknown: assume enough
    units *= *n;
  }

  // The outlined function.
  OpBuilder b(ctx);
  b.setInsertionPointAfter(parent);
  std::string name;
  do {
    name = (parent.getSymName() + "_par" + Twine(outlinedPerParent[parent]++)).str();
  } while (symbols.lookup(name));
  auto bodyType = FunctionType::get(ctx, {ptrType, i64, i64}, {});
  auto fn = func::FuncOp::create(b, loc, name, bodyType);
  fn.setPrivate();
  // Internal linkage: the object still defines only the entry points.
  fn->setAttr("llvm.linkage", LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  symbols.insert(fn);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value ctxArg = entry->getArgument(0);
  Value begin = toIndex(b, loc, entry->getArgument(1));
  Value end = toIndex(b, loc, entry->getArgument(2));

  IRMapping map;
  for (Value v : clonable)
    b.clone(*v.getDefiningOp(), map);
  auto loadField = [&](unsigned i) -> Value {
    Value addr = LLVM::GEPOp::create(b, loc, ptrType, structType, ctxArg,
                                     ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    return LLVM::LoadOp::create(b, loc, fields[i], addr);
  };
  for (const Capture &c : captures) {
    Type type = c.value.getType();
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref) {
      Value v = loadField(c.firstField);
      map.map(c.value, isa<IndexType>(type) ? toIndex(b, loc, v) : v);
      continue;
    }
    // The descriptor finalize-memref-to-llvm expects: {allocated, aligned,
    // offset, sizes[rank], strides[rank]}. Only the aligned pointer is ever
    // read inside a loop body, so it stands for the allocated one too.
    unsigned field = c.firstField;
    Value pointer = loadField(field++);
    auto [strides, offset] = memref.getStridesAndOffset();
    int64_t r = memref.getRank();
    SmallVector<Type> descFields{ptrType, ptrType, i64};
    if (r > 0) {
      descFields.push_back(LLVM::LLVMArrayType::get(i64, r));
      descFields.push_back(LLVM::LLVMArrayType::get(i64, r));
    }
    auto descType = LLVM::LLVMStructType::getLiteral(ctx, descFields);
    auto i64Constant = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };
    Value desc = LLVM::PoisonOp::create(b, loc, descType);
    desc = LLVM::InsertValueOp::create(b, loc, desc, pointer, ArrayRef<int64_t>{0});
    desc = LLVM::InsertValueOp::create(b, loc, desc, pointer, ArrayRef<int64_t>{1});
    Value offsetValue = c.dynamicOffset ? loadField(field++) : i64Constant(offset);
    desc = LLVM::InsertValueOp::create(b, loc, desc, offsetValue, ArrayRef<int64_t>{2});
    for (int64_t d = 0; d < r; ++d) {
      Value size = memref.isDynamicDim(d) ? loadField(field++) : i64Constant(memref.getDimSize(d));
      desc = LLVM::InsertValueOp::create(b, loc, desc, size, ArrayRef<int64_t>{3, d});
    }
    for (int64_t d = 0; d < r; ++d) {
      Value stride = ShapedType::isDynamic(strides[d]) ? loadField(field++) : i64Constant(strides[d]);
      desc = LLVM::InsertValueOp::create(b, loc, desc, stride, ArrayRef<int64_t>{4, d});
    }
    map.map(c.value, UnrealizedConversionCastOp::create(b, loc, TypeRange{memref},
                                                        ValueRange{desc})
                         .getResult(0));
  }

  SmallVector<Value> lbs, ubs, steps, counts;
  for (unsigned d = 0; d < rank; ++d) {
    lbs.push_back(map.lookupOrDefault(loop.getLowerBound()[d]));
    ubs.push_back(map.lookupOrDefault(loop.getUpperBound()[d]));
    steps.push_back(map.lookupOrDefault(loop.getStep()[d]));
    counts.push_back(tripCountValue(b, loc, lbs[d], ubs[d], steps[d]));
  }
  auto ivOf = [&](OpBuilder &b, unsigned d, Value index) -> Value {
    Value scaled = b.createOrFold<arith::MulIOp>(loc, index, steps[d]);
    return b.createOrFold<arith::AddIOp>(loc, lbs[d], scaled);
  };
  Value one = indexConstant(b, loc, 1);
  SmallVector<Value> ivs(rank);

  // The linear index u in [begin, end) numbers the units of the leading
  // `linear` dimensions in row-major order. With more than one such
  // dimension, u is split into a row (all but the last of them, delinearized
  // once per row) and a column range, clipped to [begin, end) at the first
  // and last row only, so the innermost of them is still a plain loop.
  Value lastCount = counts[linear - 1];
  Value columnBegin = begin, columnEnd = end;
  if (linear > 1) {
    Value rowBegin = b.createOrFold<arith::DivUIOp>(loc, begin, lastCount);
    Value rowEnd = b.createOrFold<arith::CeilDivUIOp>(loc, end, lastCount);
    auto rows = scf::ForOp::create(b, loc, rowBegin, rowEnd, one);
    b.setInsertionPointToStart(rows.getBody());
    Value row = rows.getInductionVar();
    Value rowStart = b.createOrFold<arith::MulIOp>(loc, row, lastCount);
    Value zero = indexConstant(b, loc, 0);
    columnBegin = b.createOrFold<arith::MaxSIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, begin, rowStart), zero);
    columnEnd = b.createOrFold<arith::MinSIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, end, rowStart), lastCount);
    Value rest = row;
    for (int d = static_cast<int>(linear) - 2; d >= 0; --d) {
      Value index = d == 0 ? rest : b.createOrFold<arith::RemUIOp>(loc, rest, counts[d]);
      if (d > 0)
        rest = b.createOrFold<arith::DivUIOp>(loc, rest, counts[d]);
      ivs[d] = ivOf(b, d, index);
    }
  }
  auto columns = scf::ForOp::create(b, loc, columnBegin, columnEnd, one);
  b.setInsertionPointToStart(columns.getBody());
  ivs[linear - 1] = ivOf(b, linear - 1, columns.getInductionVar());

  // The remaining dimensions stay one scf.parallel (lowered serially).
  Block *loopBody = loop.getBody();
  if (linear < rank) {
    auto inner = scf::ParallelOp::create(
        b, loc, ArrayRef<Value>(lbs).drop_front(linear), ArrayRef<Value>(ubs).drop_front(linear),
        ArrayRef<Value>(steps).drop_front(linear));
    for (unsigned d = linear; d < rank; ++d)
      ivs[d] = inner.getInductionVars()[d - linear];
    b.setInsertionPoint(inner.getBody()->getTerminator());
  } else if (dlc::hasOwnAllocas(loop)) {
    // scf.parallel is an allocation scope: an alloca in its body lives for
    // one iteration. An scf.for is not, so give each iteration a scope.
    auto scope = memref::AllocaScopeOp::create(b, loc, TypeRange{});
    Block *scopeBody = b.createBlock(&scope.getBodyRegion());
    b.setInsertionPointToStart(scopeBody);
    memref::AllocaScopeReturnOp::create(b, loc, ValueRange{});
    b.setInsertionPointToStart(scopeBody);
  }
  for (unsigned d = 0; d < rank; ++d)
    map.map(loop.getInductionVars()[d], ivs[d]);
  for (Operation &op : loopBody->without_terminator())
    b.clone(op, map);
  b.setInsertionPointToEnd(entry);
  func::ReturnOp::create(b, loc);

  // The call site: the total, the context struct, the call.
  b.setInsertionPoint(loop);
  Value total = indexConstant(b, loc, 1);
  for (unsigned d = 0; d < linear; ++d)
    total = b.createOrFold<arith::MulIOp>(
        loc, total,
        tripCountValue(b, loc, loop.getLowerBound()[d], loop.getUpperBound()[d],
                       loop.getStep()[d]));
  Value context;
  if (fields.empty()) {
    context = LLVM::ZeroOp::create(b, loc, ptrType);
  } else {
    // One slot per loop, in the entry block, so a loop inside another
    // (sequential) loop does not grow the stack.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&parent.getBody().front());
    Value oneI64 = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(1));
    context = LLVM::AllocaOp::create(b, loc, ptrType, structType, oneI64);
  }
  auto storeField = [&](unsigned i, Value v) {
    Value addr = LLVM::GEPOp::create(b, loc, ptrType, structType, context,
                                     ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    LLVM::StoreOp::create(b, loc, v, addr);
  };
  for (const Capture &c : captures) {
    Value v = c.value;
    if (!isa<MemRefType>(v.getType())) {
      storeField(c.firstField, isa<IndexType>(v.getType()) ? toI64(b, loc, v) : v);
      continue;
    }
    unsigned field = c.firstField;
    Value aligned = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, v);
    storeField(field++, LLVM::IntToPtrOp::create(b, loc, ptrType, toI64(b, loc, aligned)));
    if (c.dynamicOffset || !c.dynamicSizes.empty() || !c.dynamicStrides.empty()) {
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
      if (c.dynamicOffset)
        storeField(field++, toI64(b, loc, meta.getOffset()));
      for (unsigned d : c.dynamicSizes)
        storeField(field++, toI64(b, loc, meta.getSizes()[d]));
      for (unsigned d : c.dynamicStrides)
        storeField(field++, toI64(b, loc, meta.getStrides()[d]));
    }
  }
  Value fnAddress = func::ConstantOp::create(b, loc, bodyType, SymbolRefAttr::get(fn));
  func::CallOp::create(b, loc, parallelFor,
                       ValueRange{fnAddress, context, toI64(b, loc, total)});
  loop.erase();
  return true;
}

struct ParallelizePass : dlc::impl::ParallelizeBase<ParallelizePass> {
  using ParallelizeBase::ParallelizeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // Candidates first: outlining adds functions and moves loops.
    SmallVector<std::pair<scf::ParallelOp, func::FuncOp>> candidates;
    for (auto parent : module.getOps<func::FuncOp>()) {
      parent.walk([&](scf::ParallelOp loop) {
        if (loop->getParentOfType<scf::ParallelOp>() || loop.getNumReductions() != 0)
          return;
        if (opWork(loop) >= static_cast<double>(minWork))
          candidates.push_back({loop, parent});
      });
    }
    if (candidates.empty())
      return;

    SymbolTable symbols(module);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto bodyType = FunctionType::get(ctx, {ptrType, i64, i64}, {});
    auto declType = FunctionType::get(ctx, {bodyType, ptrType, i64}, {});
    auto parallelFor = symbols.lookup<func::FuncOp>(kParallelFor);
    if (!parallelFor) {
      if (symbols.lookup(kParallelFor)) {
        module.emitError() << "'" << kParallelFor << "' is already defined and is not a func.func";
        return signalPassFailure();
      }
      OpBuilder b(ctx);
      b.setInsertionPointToStart(module.getBody());
      parallelFor = func::FuncOp::create(b, module.getLoc(), kParallelFor, declType);
      parallelFor.setPrivate();
      symbols.insert(parallelFor);
    } else if (parallelFor.getFunctionType() != declType) {
      parallelFor.emitOpError("has type ")
          << parallelFor.getFunctionType() << ", expected " << declType;
      return signalPassFailure();
    }

    Outliner outliner(symbols, parallelFor);
    for (auto [loop, parent] : candidates)
      (void)outliner.outline(loop, parent);
  }
};

} // namespace
