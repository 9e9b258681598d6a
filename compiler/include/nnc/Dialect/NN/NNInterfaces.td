//===- NNInterfaces.td - nn dialect op interfaces ----------*- tablegen -*-===//
//
// The interfaces that passes reach nn ops through: the vector-Jacobian
// product that reverse-mode autodiff (nn-autodiff) calls on every op on the
// path from a loss back to the arguments.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNINTERFACES_TD
#define NNC_DIALECT_NN_NNINTERFACES_TD

include "mlir/IR/OpBase.td"

def NN_VJPOpInterface : OpInterface<"VJPOpInterface"> {
  let cppNamespace = "::nnc::nn";
  let description = [{
    An op with a reverse-mode derivative. Given the gradients of the loss
    with respect to each of the op's results, builds (at the builder's
    insertion point, after the op) the gradients with respect to each of its
    operands: vector-Jacobian products. The rules live in
    lib/Dialect/NN/NNVJP*.cpp.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends one gradient per operand to `operandGrads`, each of its
        operand's type; a null Value means the operand gets no gradient
        (an integer or bool operand such as labels or a mask).
        `resultGrads` holds one gradient per result, of the result's type.
        Fails, after emitting an error, on a case the rule does not cover.
      }],
      "::mlir::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$b, "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
  let extraClassDeclaration = [{
    /// Attaches the interface to the tensor ops that MLIRGen emits for
    /// indexing and type refinement (tensor.extract_slice, tensor.cast),
    /// whose rules are in NNVJPShape.cpp. The tensor dialect must be loaded.
    static void attachToTensorOps(::mlir::MLIRContext &ctx);
  }];
}

#endif // NNC_DIALECT_NN_NNINTERFACES_TD
