//===- AssignWorkspace.cpp - temporaries as views of one workspace --------===//
//
// See Passes.td (dlc-assign-workspace). Generated code must not allocate in
// the steady state (cli-and-abi.md), so every bufferized temporary lives at a
// fixed offset of one caller-owned buffer whose size the header publishes.
// Buffers whose live ranges do not meet share memory.
//
//===----------------------------------------------------------------------===//

#include "dlc/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::dlc {
#define GEN_PASS_DEF_ASSIGNWORKSPACE
#include "dlc/Codegen/Passes.h.inc"
} // namespace mlir::dlc

using namespace mlir;
using namespace mlir::dlc;

namespace {

constexpr int64_t kAlignment = 64; // a cache line, and any vector width

int64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * llvm::divideCeil(bits, 8);
}

/// The interval of the function body's top-level ops during which a buffer
/// is live: from its alloc to the last op that touches it or any memref
/// derived from it (a view, a cast, a reshape). An op inside a loop counts
/// as the whole loop, so a buffer used in a loop lives through all of it.
struct LiveRange {
  int64_t first, last;
  bool overlaps(const LiveRange &o) const { return first <= o.last && o.first <= last; }
};

LiveRange liveRange(memref::AllocOp alloc, const DenseMap<Operation *, int64_t> &position,
                    Block &body) {
  auto at = [&](Operation *op) { return position.lookup(body.findAncestorOpInBlock(*op)); };
  LiveRange range{at(alloc), at(alloc)};
  SmallVector<Value> worklist{alloc.getResult()};
  DenseSet<Value> seen{alloc.getResult()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      range.last = std::max(range.last, at(user));
      // Any memref an op makes from this one may alias it (conservative: no
      // op list to keep up to date).
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()) && seen.insert(r).second)
          worklist.push_back(r);
    }
  }
  return range;
}

/// Offsets for `allocs` such that two buffers live at the same time never
/// overlap: the largest first, each at the lowest 64-byte aligned offset
/// clear of the buffers already placed whose live ranges meet its own.
/// `size` gets the workspace size.
SmallVector<int64_t> placeByLiveness(func::FuncOp func, ArrayRef<memref::AllocOp> allocs,
                                     int64_t &size) {
  Block &body = func.getBody().front();
  DenseMap<Operation *, int64_t> position;
  for (auto [i, op] : llvm::enumerate(body))
    position[&op] = static_cast<int64_t>(i);
  SmallVector<LiveRange> ranges;
  SmallVector<int64_t> bytes;
  for (memref::AllocOp alloc : allocs) {
    ranges.push_back(liveRange(alloc, position, body));
    bytes.push_back(llvm::alignTo(byteSize(alloc.getType()), kAlignment));
  }
  SmallVector<size_t> order(allocs.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::stable_sort(order, [&](size_t a, size_t b) { return bytes[a] > bytes[b]; });

  SmallVector<int64_t> offsets(allocs.size(), -1);
  SmallVector<size_t> placed;
  size = 0;
  for (size_t i : order) {
    // The busy [offset, end) blocks of the placed buffers live with this one.
    SmallVector<std::pair<int64_t, int64_t>> busy;
    for (size_t j : placed)
      if (ranges[i].overlaps(ranges[j]))
        busy.push_back({offsets[j], offsets[j] + bytes[j]});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + bytes[i] <= begin)
        break;
      offset = std::max(offset, end);
    }
    offsets[i] = offset;
    placed.push_back(i);
    size = std::max(size, offset + bytes[i]);
  }
  return offsets;
}

struct AssignWorkspacePass : dlc::impl::AssignWorkspaceBase<AssignWorkspacePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal() || func.isPrivate())
        continue;
      if (failed(assign(func)))
        return signalPassFailure();
    }
  }

  LogicalResult assign(func::FuncOp func) {
    SmallVector<memref::AllocOp> allocs;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
        alloc.emitOpError("needs a static shape and identity layout to be "
                          "placed in the workspace, got ")
            << type;
        return WalkResult::interrupt();
      }
      allocs.push_back(alloc);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    // Deallocations of workspace memory are meaningless; drop them first, so
    // they do not extend a buffer's lifetime.
    for (memref::AllocOp alloc : allocs)
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
    int64_t size = 0;
    SmallVector<int64_t> offsets = placeByLiveness(func, allocs, size);
    MLIRContext *ctx = func.getContext();
    auto wsType = MemRefType::get({size}, IntegerType::get(ctx, 8));
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, wsType,
                                   DictionaryAttr::get(ctx), func.getLoc())))
      return failure();
    Value ws = func.getArgument(index);
    func->setAttr(kWorkspaceSizeAttr, IntegerAttr::get(IntegerType::get(ctx, 64), size));

    for (auto [alloc, offset] : llvm::zip(allocs, offsets)) {
      OpBuilder b(alloc);
      Value off = arith::ConstantIndexOp::create(b, alloc.getLoc(), offset);
      Value view = memref::ViewOp::create(b, alloc.getLoc(), alloc.getType(), ws,
                                          off, ValueRange{});
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
    return success();
  }
};

} // namespace
