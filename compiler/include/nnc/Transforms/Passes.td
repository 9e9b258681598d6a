//===- Passes.td - nnc transformation passes ---------------*- tablegen -*-===//
//
// The passes that transform the nn dialect within it, in one sorted list.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_TRANSFORMS_PASSES_TD
#define NNC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CheckFinitePass : Pass<"check-finite", "mlir::ModuleOp"> {
  let summary = "Report where a function marked nn.check_finite first "
                "computes a NaN or an infinity";
  let description = [{
    Expects bufferized functions. In every `func.func` with the unit
    attribute `nn.check_finite`, calls the runtime after each op that
    computes f32 values into a memref (a linalg op other than fill, copy or
    transpose; a call of a runtime kernel):
    `nnrt_check_finite_f32(memref<*xf32>, memref<?xi8>)` with the values and
    the op's source locations as text ("model.nn:12:5", marked "backward"
    for the gradient's ops; fused ops name every location). The runtime
    does nothing unless it is checking, which costs one call per op; when a
    training step's loss is not finite, the driver runs the step again with
    checking on and reports the first location whose values were not.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::func::FuncDialect",
    "mlir::memref::MemRefDialect"
  ];
}

def NNAutodiffPass : Pass<"nn-autodiff", "mlir::ModuleOp"> {
  let summary = "Reverse-mode autodiff of functions marked nn.differentiate";
  let description = [{
    Expects `func.func`s of one block. For every one that carries the unit
    attribute `nn.differentiate` and returns a single rank-0 float tensor
    (the loss), adds `@<name>_grad` after it: the same arguments, returning
    the loss followed by d loss / d arg for every argument of float tensor
    type, in order (zeros for an argument the loss does not depend on). A
    declaration `func.func private @<name>_grad` already in the module (so
    that other functions can call it) is replaced by the definition.

    The body is cloned and walked backwards from the loss, seeded with 1;
    each op on the path builds its operands' gradients through the
    `VJPOpInterface`, and a value used several times gets the `nn.add` of
    its gradients. An op marked `NotDifferentiable` passes no gradient on
    (its operands are constants to the loss); an op on the path with
    neither is an error ("'nn.max_pool2d' is not differentiable").

    ```mlir
    func.func @f(%x: tensor<3xf32>) -> tensor<f32> attributes {nn.differentiate} {
      %s = nn.sum %x axes = [] : tensor<3xf32> -> tensor<f32>
      return %s : tensor<f32>
    }
    ```
    ⇒ `@f` unchanged (the attribute removed) and
    ```mlir
    func.func @f_grad(%x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
      %s = nn.sum %x axes = [] : tensor<3xf32> -> tensor<f32>
      %one = nn.fill 1.000000e+00 : tensor<f32>
      %u = nn.unsqueeze ... ; %dx = nn.broadcast_to ... -> tensor<3xf32>
      return %s, %dx : tensor<f32>, tensor<3xf32>
    }
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::tensor::TensorDialect",
    "::nnc::nn::NNDialect"
  ];
}

#endif // NNC_TRANSFORMS_PASSES_TD
