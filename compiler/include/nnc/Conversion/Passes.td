//===- Passes.td - nnc conversion passes -------------------*- tablegen -*-===//
//
// The passes that lower the nn dialect towards LLVM, in one sorted list.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_PASSES_TD
#define NNC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ApproximateMathPass : Pass<"approximate-math", "mlir::ModuleOp"> {
  let summary = "Replace f32 transcendental math ops by polynomial "
                "approximations";
  let description = [{
    Rewrites f32 `math.exp`, `expm1`, `log`, `log1p`, `log2`, `tanh`,
    `erf`, `atan`, `sin`, `cos` and friends into arithmetic (MLIR's
    polynomial approximations, accurate to a few ulp), which LLVM
    vectorizes, instead of one libm call per element: the gates of an
    LSTM spent a third of a training step in `expm1f` and `tanhf`. f64
    ops keep their libm calls.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::vector::VectorDialect"
  ];
}

def FoldTransposesIntoMatmulsPass
    : Pass<"fold-transposes-into-matmuls", "mlir::func::FuncOp"> {
  let summary = "Let matmuls read transposed operands instead of copies";
  let description = [{
    `x @ w.T` and the gradients of matmuls multiply by transposes, which
    lower to `linalg.transpose` copies (a strided, gather-heavy pass over
    the weights and activations of every layer, twice for a weight: w.T in
    the forward and (w.T).T in the backward). On tensors: a transpose of a
    transpose that composes to the identity is its input, and a 2-d (3-d
    batch) matmul whose A or B operand is a transpose of the last two dims
    becomes `linalg.matmul_transpose_a` / `_b` (`batch_matmul_...`) of the
    transpose's input. The runtime kernels read those operands through
    transposed views.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FuseElementwisePass : Pass<"fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops on tensors, keeping contractions named";
  let description = [{
    Upstream's linalg elementwise fusion (producer-consumer fusion, reshapes
    folded by expansion, constant folding), except that a reshape is not
    folded into an op with a reduction loop: a linalg.matmul stays a matmul
    (for the runtime's kernels) instead of becoming a generic of higher rank.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def FillPerDestinationPass
    : Pass<"fill-per-destination", "mlir::func::FuncOp"> {
  let summary = "Give each destination of a shared linalg.fill its own fill";
  let description = [{
    CSE merges identical `linalg.fill`s of zeros, and ops then write their
    results into one shared zero tensor: bufferization must copy it for each
    writer but the last (a full read and write of a buffer that is only
    zeros). A clone of the fill per destination operand makes each writer's
    buffer a fresh fill instead (a write). Runs right before bufferization.

    It also prepares empty tensor elimination: a `tensor.empty` used several
    times gets a clone per use; a `tensor.pad` by a constant becomes a fill
    and a `tensor.insert_slice`; and the op computing a tensor that is
    inserted into another moves down to the insertion (when its other users
    come later), so that it can write straight into the concatenation or
    the padded tensor.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def ConvertLinalgToKernelsPass
    : Pass<"convert-linalg-to-kernels", "mlir::ModuleOp"> {
  let summary = "Call the runtime's f32 matmul and convolution kernels";
  let description = [{
    Expects a bufferized module. Replaces every `linalg.matmul`,
    `linalg.batch_matmul` and `linalg.conv_2d_nchw_fchw` whose operands are
    f32 memrefs by a call of the runtime kernel that accumulates into the
    output as the linalg op does (runtime/include/nnrt/kernels.h):
    `nnrt_matmul_f32`, `nnrt_batch_matmul_f32`, and
    `nnrt_conv2d_nchw_fchw_f32` with the strides and dilations as i64s,
    each with a last i64 `accumulate`: 0 when the output buffer was filled
    with zeros for this op alone (a `linalg.fill` of 0.0 earlier in the
    block, no other use in between), which is then erased and the kernel
    overwrites the output instead.
    The operands are cast to fully dynamic strided memrefs; the kernels are
    declared in the module with `llvm.emit_c_interface`, so the calls pass
    memref descriptors (`_mlir_ciface_nnrt_matmul_f32`).

    ```mlir
    linalg.matmul ins(%a, %b : memref<64x784xf32>, memref<784x256xf32>)
                  outs(%c : memref<64x256xf32>)
    ```
    ⇒
    ```mlir
    %0 = memref.cast %a : memref<64x784xf32> to
           memref<?x?xf32, strided<[?, ?], offset: ?>>
    ...
    call @nnrt_matmul_f32(%0, %1, %2, %c1_i64) : (...) -> ()
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::func::FuncDialect",
    "mlir::memref::MemRefDialect"
  ];
}

def ConvertNNToLinalgPass : Pass<"convert-nn-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower nn ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Expects nn ops on ranked tensors (any mix of static and dynamic dims)
    anywhere in the module. Replaces every one of them by ops of the linalg,
    tensor, arith and math dialects, still on tensors, ready for fusion and
    one-shot bufferization: elementwise ops become `linalg.generic`s whose
    indexing maps broadcast the operands, matmuls `linalg.matmul` or
    `linalg.batch_matmul`, convolutions and pooling the named linalg ops on
    padded inputs, reductions `linalg.generic`s with reduction iterators.
    Result types are those of the nn ops (a `tensor.cast` reconciles a
    result that the lowering knows more or less statically).

    The random ops (`normal`, `uniform`, `bernoulli`) and `dropout` become
    `linalg.generic`s that call the runtime's counter-based generator
    (`func.call @nnrt_rand_uniform(site, flat index)`, declared in the
    module), as runtime/include/nnrt/abi.h documents.

    ```mlir
    %y = nn.relu %x : tensor<?x10xf32>
    ```
    ⇒
    ```mlir
    %c0 = arith.constant 0 : index
    %n = tensor.dim %x, %c0 : tensor<?x10xf32>
    %e = tensor.empty(%n) : tensor<?x10xf32>
    %y = linalg.generic {...} ins(%x : tensor<?x10xf32>)
           outs(%e : tensor<?x10xf32>) {
    ^bb0(%in: f32, %out: f32):
      %zero = arith.constant 0.0 : f32
      %r = arith.maximumf %in, %zero : f32
      linalg.yield %r : f32
    } -> tensor<?x10xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::func::FuncDialect",
    "mlir::linalg::LinalgDialect", "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect"
  ];
}

def ParallelizeElementwisePass
    : Pass<"parallelize-elementwise", "mlir::ModuleOp"> {
  let summary = "Run large parallel linalg.generic loops on the runtime's "
                "threads";
  let description = [{
    Expects a bufferized module (runs right before linalg-to-loops). A
    `linalg.generic` on memrefs inside a `func.func` is split over the
    runtime's thread pool when: some parallel loop dim appears in every
    output's indexing map (the outermost such dim is split, so every output
    element is computed by one task, reductions over the other dims in
    their serial order); every indexing map is a projected permutation
    (constant 0 results allowed); its region has no side effects other than
    the runtime's counter-based random draws (`nnrt_rand_uniform`,
    `nnrt_rand_normal`); and its work (iterations times the ops of one
    iteration) is at least `min-work`, or not known at compile time.

    The generic is outlined into `func.func private @<parent>_par<k>(%ctx:
    !llvm.ptr, %begin: i64, %end: i64)`, which loads the generic's operands
    (memref descriptors, through `unrealized_conversion_cast`s that
    reconcile-unrealized-casts cancels after the LLVM lowering) and the
    scalars its region uses from a struct at `%ctx`, and runs the generic on
    `memref.subview`s restricted to [begin, end) along the split dim
    (`linalg.index` of that dim is offset by begin). The generic itself is
    replaced by stores into a stack struct and a call of the runtime:

    ```mlir
    %f = func.constant @train_step_par0 : (!llvm.ptr, i64, i64) -> ()
    call @nnrt_parallel_range(%f, %extent, %work_per_index, %ctx)
    ```

    `nnrt_parallel_range` (runtime/include/nnrt/kernels.h) runs chunks of
    [0, extent) on the pool, or the whole range on the caller when the work
    is small (dynamic sizes are decided there, at run time).
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "Leave generics whose static work is below this serial">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::func::FuncDialect",
    "mlir::LLVM::LLVMDialect", "mlir::memref::MemRefDialect"
  ];
}

#endif // NNC_CONVERSION_PASSES_TD
