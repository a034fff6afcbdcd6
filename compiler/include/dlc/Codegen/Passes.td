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

#endif // DLC_CODEGEN_PASSES_TD
