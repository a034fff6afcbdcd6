//===- Passes.td - dlc CPU codegen passes -------------------------*- tablegen -*-===//

#ifndef DLC_CODEGEN_PASSES_TD
#define DLC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def AssignWorkspace : Pass<"dlc-assign-workspace", "ModuleOp"> {
  let summary = "Carve every temporary buffer out of one caller-provided workspace";
  let description = [{
    After bufferization, each `memref.alloc` of a public function becomes a
    `memref.view` into a new trailing argument `memref<N x i8>`, the
    workspace, at a 64-byte aligned offset; `N` is recorded on the function as
    `dlc.workspace_size`. Generated code then never calls malloc: the caller
    (or the runtime) allocates the workspace once. Buffers share memory when
    their live ranges do not meet: a buffer lives from its alloc to the last
    top-level op that uses it or any memref made from it (views, reshapes,
    casts; an op inside a loop counts as the whole loop). The largest buffer
    is placed first, each at the lowest 64-byte aligned offset clear of the
    placed buffers it meets. A dynamically shaped allocation is an error.

    Before:
    ```mlir
    func.func @f(%a: memref<4xf32>) {
      %t = memref.alloc() : memref<4xf32>
      ...
    ```
    After:
    ```mlir
    func.func @f(%a: memref<4xf32>, %ws: memref<64xi8>) attributes {dlc.workspace_size = 64 : i64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %ws[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def CopyRepeatedResults : Pass<"dlc-copy-repeated-results", "ModuleOp"> {
  let summary = "Give each result of a function its own buffer";
  let description = [{
    After bufferization, a function may return one buffer several times: a
    graph whose outputs repeat a value, or a differentiated training step in
    which two parameters get the very same gradient (`d(a + b)/da` and
    `d(a + b)/db` are both `dY`). buffer-results-to-out-params turns each
    result's allocation into its out-parameter and crashes when two results
    share one. Each repeat of an earlier result (looking through
    `memref.cast`) is replaced by a fresh `memref.alloc` and a
    `memref.copy`, so every out-parameter is written.

    Before:
    ```mlir
    return %g, %g : memref<4xf32>, memref<4xf32>
    ```
    After:
    ```mlir
    %c = memref.alloc() : memref<4xf32>
    memref.copy %g, %c : memref<4xf32> to memref<4xf32>
    return %g, %c : memref<4xf32>, memref<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def DropInPlaceResults : Pass<"dlc-drop-in-place-results", "ModuleOp"> {
  let summary = "Drop the results of an entry point that are its own arguments";
  let description = [{
    After bufferization, a training step returns each updated parameter and
    state buffer, which one-shot bufferization wrote in place: the returned
    memref is the argument itself. Those results carry no information, so
    each entry function (`dlc.entry`) stops returning them; what remains
    (loss, metrics) becomes out-parameters. Only the leading
    `dlc.num_in_place_results` results (set by dlc-insert-optimizer: the
    updated parameters and state) are candidates: an inference output that
    is an input (Identity), or a loss that is one, is a copy the caller
    expects. Upstream's
    drop-equivalent-buffer-results leaves public functions alone, which
    entry points are.

    Before:
    ```mlir
    func.func @step(%w: memref<4xf32>) -> (memref<4xf32>, memref<f32>)
        attributes {dlc.entry, dlc.num_in_place_results = 1} {
      ...
      return %w, %loss : memref<4xf32>, memref<f32>
    }
    ```
    After: `-> memref<f32>`, returning only `%loss`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ApproximateMath : Pass<"dlc-approximate-math"> {
  let summary = "Replace f32 transcendental functions by vectorizable polynomials";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, `math.log` and friends on f32 become
    arithmetic (MLIR's polynomial approximations), so no element costs a libm
    call and the loops vectorize. f64 ops are left for libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerAllocaScopes : Pass<"dlc-lower-alloca-scopes"> {
  let summary = "Replace allocation scopes by stack save/restore pairs";
  let description = [{
    A `memref.alloca_scope` must hold a single block, so once
    convert-scf-to-cf turns a loop inside it into several blocks the IR no
    longer verifies (upstream lowers scopes only in finalize-memref-to-llvm,
    later). Kernels that pack into stack buffers have exactly that shape, so
    before convert-scf-to-cf each scope becomes what finalize-memref-to-llvm
    would make of it: its body, inlined, between `llvm.intr.stacksave` and
    `llvm.intr.stackrestore`. Allocas of the body are freed at the restore,
    as at the end of the scope. `scf.parallel` is an allocation scope as
    well, which convert-scf-to-cf forgets; the body of one that allocates
    gets the same pair.

    Before:
    ```mlir
    scf.for %i = %c0 to %c64 step %c1 {
      memref.alloca_scope {
        %buf = memref.alloca() : memref<4096xf32>
        scf.for ... { ... %buf ... }
      }
    }
    ```
    After:
    ```mlir
    scf.for %i = %c0 to %c64 step %c1 {
      %sp = llvm.intr.stacksave : !llvm.ptr
      %buf = memref.alloca() : memref<4096xf32>
      scf.for ... { ... %buf ... }
      llvm.intr.stackrestore %sp : !llvm.ptr
    }
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def Parallelize : Pass<"dlc-parallelize", "ModuleOp"> {
  let summary = "Run large scf.parallel loops on the runtime's thread pool";
  let description = [{
    Each outermost `scf.parallel` of a `func.func` (as
    convert-linalg-to-parallel-loops makes them: parallel dimensions only,
    reductions as `scf.for` inside) whose estimated work reaches `min-work`
    is outlined into a private function
    `@<parent>_par<N>(ctx: !llvm.ptr, begin: i64, end: i64)` and replaced by
    a call `dlc_parallel_for(@<parent>_par<N>, ctx, total)` (libdlcrt).

    Work is a rough count of scalar operations: one per op of the body (a
    vector op one per element, a memref.copy one per element), times the
    static trip count of every enclosing loop inside the body and of the
    loop itself (a trip count that is not a constant counts as 16). Loops
    under the threshold stay `scf.parallel`, which convert-scf-to-cf lowers
    to sequential loops: a dispatch costs about a microsecond, a kernel of
    32768 scalar operations some ten.

    The leading dimensions of the loop are linearized into [0, total) until
    they give at least 256 units (a 64x10 loop gives 640), so the runtime's
    static chunks are balanced; the last linearized dimension stays a plain
    loop inside each row, and the dimensions after it stay an inner
    `scf.parallel` (both keep their full, vectorizable extent).

    Values the body uses from outside go through `ctx`, a stack struct:
    memrefs as their aligned pointer plus their dynamic offset, sizes and
    strides, rebuilt inside as a memref descriptor behind an
    `unrealized_conversion_cast` that finalize-memref-to-llvm resolves;
    index values as i64; other scalars and vectors as they are. Constants
    (and other operand-free pure ops) are cloned into the outlined function.
    A loop that captures anything else stays sequential. An alloca whose
    scope is the loop gets a `memref.alloca_scope` per iteration, as
    `scf.parallel` gives it.

    Each iteration is computed by exactly one thread, in the single-threaded
    order, so results do not depend on the number of threads.

    Before:
    ```mlir
    func.func @f(%a: memref<64x512xf32>, %b: memref<64x512xf32>) {
      scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c512) step (%c1, %c1) {
        %x = memref.load %a[%i, %j] : memref<64x512xf32>
        ...
        memref.store %y, %b[%i, %j] : memref<64x512xf32>
      }
      return
    }
    ```
    After (constants and index arithmetic abridged):
    ```mlir
    func.func private @dlc_parallel_for((!llvm.ptr, i64, i64) -> (), !llvm.ptr, i64)
    func.func @f(%a: memref<64x512xf32>, %b: memref<64x512xf32>) {
      %ctx = llvm.alloca %c1_i64 x !llvm.struct<(ptr, ptr)> : (i64) -> !llvm.ptr
      ... llvm.store of the aligned pointers of %a and %b into %ctx ...
      %fn = constant @f_par0 : (!llvm.ptr, i64, i64) -> ()
      call @dlc_parallel_for(%fn, %ctx, %c32768_i64) : (...) -> ()
      return
    }
    func.func private @f_par0(%ctx: !llvm.ptr, %begin: i64, %end: i64)
        attributes {llvm.linkage = #llvm.linkage<internal>} {
      ... %a and %b rebuilt from %ctx ...
      scf.for %r = %row_begin to %row_end step %c1 {      // rows of [64]
        scf.for %j = %col_begin to %col_end step %c1 {    // columns of [512]
          %x = memref.load %a[%r, %j] : memref<64x512xf32>
          ...
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "Outline a loop only if its estimated work (scalar operations) is at least this">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def EmitPackedEntry : Pass<"dlc-emit-packed-entry", "ModuleOp"> {
  let summary = "Add NAME_packed(void **args) beside every dlc entry point";
  let description = [{
    For each `llvm.func` marked `dlc.entry` whose arguments are all pointers
    (the bare-pointer calling convention), emits `@<name>_packed(%args:
    !llvm.ptr)` that loads argument i from `args[i]` and calls the entry. The
    runtime calls entries through this one signature.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}


def LowerContractions : Pass<"dlc-lower-contractions", "func::FuncOp"> {
  let summary = "Matrix-product linalg.generics as register-tiled vector kernels";
  let description = [{
    After bufferization, each linalg.generic that is a matrix product in
    disguise (`out += a * b` with one reduction loop k, exactly one loop m
    that indexes `a` and `out`, one loop n that indexes `b` and `out` with
    unit stride in `out`, any number of batch loops; static strided memrefs;
    floating point) becomes a blocked GEMM written with the vector dialect:

    - the output is cut into tasks (batch × row block × column block): the
      outermost loop is one `scf.parallel` over them, and each task runs
      alone on its tile, so results never depend on how tasks are spread
      over threads;
    - the k loop is cut into blocks of `kc`; within a task and a k block,
      b's columns are packed into a stack buffer of `kc × nr` panels
      (contiguous, 64-byte aligned), unless b is row-major and either small
      enough to stay in cache (1 MiB) or reused by at most four register
      tiles of rows, in which case the kernel streams it in place; a
      transposed b (k contiguous) is packed with 16 x 16 register
      transposes when vectors have 16 lanes (lowered to shuffles at the end
      of the pass), else and for k's remainder by scalar copies; with b
      transposed and fewer than 128 rows, a dot-product kernel streams both
      operands along k instead;
    - the micro-kernel keeps an `mr × nr` tile of the output in `mr·nr/L`
      vector registers (L lanes from `vector-bits`) across the k block: per
      k, `nr/L` vector loads of b, `mr` broadcasts of a, `mr·nr/L` FMAs;
      then it adds the tile to the output (masked at the right edge, guarded
      at the bottom edge). Rows past the end read the last row again, so
      no load is out of bounds and no select is needed.

    The sum over k runs in a fixed order (k blocks in order, k in order
    within a block), the same for every task split, so the result is
    bitwise identical at any thread count. Contractions that do not match
    (matrix-vector products, dynamic shapes, non-float types) are left for
    the loop lowering.

    Before:
    ```mlir
    linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, ...],
                    iterator_types = ["parallel", "reduction", "parallel"]}
        ins(%a, %b : memref<64x784xf32>, memref<784x256xf32>)
        outs(%c : memref<64x256xf32>) { ... mulf ... addf ... }
    ```
    After (sketch):
    ```mlir
    scf.parallel (%t) = (%c0) to (%tasks) step (%c1) {
      memref.alloca_scope {
        scf.for %k0 = ... {            // k blocks
          scf.for %j = ... {           // column panels of nr
            scf.for %i = ... {         // row panels of mr
              %acc:24 = scf.for %k = ... iter_args(...) {
                vector.load / vector.broadcast / vector.fma
              }
              vector.maskedload / arith.addf / vector.maskedstore
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Width of the target's vector registers in bits (512 AVX-512, "
           "256 AVX2, 128 SSE/NEON)">,
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"4096",
           "Smaller contractions keep the plain loop lowering">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}


def FuseElementwise : Pass<"dlc-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse elementwise producers into their consumers, without recomputation";
  let description = [{
    On linalg on tensors, before bufferization: an all-parallel
    linalg.generic (an elementwise op, a broadcast) is fused into a
    linalg.generic that reads its result, when the consumer reads it through
    a permutation of all of the consumer's loops, so each element the
    producer computed is computed once in the fused op and never stored.
    That covers elementwise chains (bias, activation, the scaling of a
    gradient), a reduction with its elementwise producer (a sum of squares,
    a softmax's exponentials feeding its sum) and the per-parameter
    optimizer update. A producer whose result has other readers (an
    activation kept for its gradient) is left alone. Contractions are never
    consumers here: a matrix product reads each element of an operand many
    times, so fusing its producer would recompute it in the innermost
    loop; its producers and its epilogue fuse in
    dlc-lower-contractions instead.

    Reshapes: a convolution's product is `[N, M, P]`, its bias is added
    there and the sum is reshaped to `[N, M, oH, oW]`. An all-parallel op
    writing a fresh tensor that is the only reader of such an expand_shape
    (of an elementwise op on a contraction's result) is rewritten over the
    collapsed shape, the reshape moving after it (upstream's folding of
    reshapes by collapsing), so that it too fuses with the bias and lands in
    the product's epilogue: Conv + Relu at inference. In a training step the
    Relu's gradient reads the pre-activation too, and the Relu stays.

    Before:
    ```mlir
    %b = linalg.generic {iterator_types = ["parallel", "parallel"]}
        ins(%mm, %bias : tensor<64x256xf32>, tensor<256xf32>) ... { addf }
    %r = linalg.generic {iterator_types = ["parallel", "parallel"]}
        ins(%b : tensor<64x256xf32>) ... { maximumf }
    ```
    After:
    ```mlir
    %r = linalg.generic {iterator_types = ["parallel", "parallel"]}
        ins(%mm, %bias : tensor<64x256xf32>, tensor<256xf32>) ... { addf; maximumf }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}


def VectorizeElementwise : Pass<"dlc-vectorize-elementwise", "func::FuncOp"> {
  let summary = "Elementwise and column-reduction linalg.generics as vector loops";
  let description = [{
    After bufferization, a linalg.generic over static strided memrefs whose
    body is made of lane-wise ops (arith, math, select; no linalg.index, no
    integer division) and whose outputs are contiguous along one parallel
    loop d (every input either contiguous or constant along d) becomes:

    - one `scf.parallel` over the other parallel loops (linearized), so the
      thread pool can split it;
    - inside, reduction loops (if any) as `scf.for` in their order, carrying
      the output vectors; so a column sum (a bias gradient) adds rows in the
      same order as the scalar loops would;
    - d in steps of L lanes (`vector-bits` over the widest element type),
      inputs loaded as vectors (or one element broadcast), the body applied
      lane by lane, outputs stored; d's tail in one masked step.

    A reduction along the contiguous loop (a softmax's max and sum, a
    LayerNorm's mean; one reduction loop, every input contiguous or
    constant along it, every output `combine(out, value)` with combine an
    addf, mulf, maximumf, minimumf, maxnumf or minnumf that nothing else
    reads) is written per row as L partial results in vector lanes (each
    lane combining the elements congruent to it mod L, in order; the masked
    tail leaves the lanes past the row's end as they are), then one
    `vector.reduction` of the lanes with the output's old value. The order
    depends only on the shapes, so results do not depend on the thread
    count; it differs from the scalar loop's by reassociation.

    A `memref.copy` whose source or target is not a whole buffer (a
    Concat's input copied into its slot, a strided Slice returned as an
    output) becomes such a copy generic first: the loop lowering would make
    it a call of `memrefCopy`, a library function generated code does not
    link with.

    Everything else (other reductions along the contiguous loop, gathers,
    transposes, index-dependent bodies) is left for the loop lowering.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Width of the target's vector registers in bits">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // DLC_CODEGEN_PASSES_TD
