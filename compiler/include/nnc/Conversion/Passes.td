//===- Passes.td - nnc conversion passes -------------------*- tablegen -*-===//
//
// The passes that lower the nn dialect towards LLVM, in one sorted list.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_PASSES_TD
#define NNC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

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

#endif // NNC_CONVERSION_PASSES_TD
