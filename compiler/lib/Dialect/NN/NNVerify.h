//===- NNVerify.h - Helpers shared by the nn op verifiers -------*- C++ -*-===//
//
// The family verifiers that NNOps.td's family classes call, and the checks
// every verifier builds on: running a shape rule of nnc/Shape and comparing
// its shape with the result type, and counting dynamic-size operands.
// Messages use the language's spelling (`f32[?, 10]`, `[4, 784]`).
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_DIALECT_NN_NNVERIFY_H
#define NNC_LIB_DIALECT_NN_NNVERIFY_H

#include "mlir/IR/ValueRange.h"
#include "nnc/Shape/Shape.h"

namespace nnc::nn {

/// The shape of tensor value `v` for the shape rules.
shape::Shape shapeOf(mlir::Value v);
/// `f32[?, 10]`: a tensor type as the language writes it.
std::string typeStr(mlir::Type type);
/// `0.5`, `1`, `1e-05`: a number in printf's %g form, for messages.
std::string numStr(double v);

/// Reports a failed shape rule, or a `result` whose type does not fit the
/// rule's shape (a dynamic dim fits any size): "expected result shape
/// [4, 10], found [4, 5]".
mlir::LogicalResult verifyShapeRule(mlir::Operation *op,
                                    const shape::ShapeResult &rule,
                                    mlir::Value result);
/// Checks that `sizes` has one index per dynamic dim of `result`'s type.
mlir::LogicalResult verifyDynamicSizes(mlir::Operation *op,
                                       mlir::ValueRange sizes,
                                       mlir::Value result);

// ----- Family verifiers (operand 0 is the input, result 0 the result) ------

/// Binary elementwise ops: the result has the operands' broadcast shape.
mlir::LogicalResult verifyBroadcastOp(mlir::Operation *op);
/// Reductions over `axes`.
mlir::LogicalResult verifyReduceOp(mlir::Operation *op,
                                   llvm::ArrayRef<int64_t> axes, bool keepdim);
/// Ops along one axis that keep their input's type (softmax).
mlir::LogicalResult verifyAxisOp(mlir::Operation *op, int64_t axis);
/// max_pool2d and avg_pool2d.
mlir::LogicalResult verifyPoolOp(mlir::Operation *op, int64_t kernel,
                                 int64_t stride, int64_t padding);

} // namespace nnc::nn

#endif // NNC_LIB_DIALECT_NN_NNVERIFY_H
