//===- Autodiff.h - Pieces of nn-autodiff shared by its files ---*- C++ -*-===//
//
// Private to lib/Transforms: the gradient map and the backward step through
// one op, which Autodiff.cpp applies to a function's body and
// AutodiffLoop.cpp to the body of a loop.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_TRANSFORMS_AUTODIFF_H
#define NNC_LIB_TRANSFORMS_AUTODIFF_H

#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/DenseMap.h"

namespace nnc::autodiff {

/// Whether `type` is a ranked tensor of floats, the values that carry
/// gradients.
inline bool isFloatTensor(mlir::Type type) {
  auto tensor = mlir::dyn_cast<mlir::RankedTensorType>(type);
  return tensor && mlir::isa<mlir::FloatType>(tensor.getElementType());
}

/// A tensor of zeros shaped like `v`.
inline mlir::Value zerosLike(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value v) {
  auto type = mlir::cast<mlir::RankedTensorType>(v.getType());
  llvm::SmallVector<mlir::Value> sizes;
  for (int64_t i = 0, e = type.getRank(); i < e; ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(b.create<mlir::tensor::DimOp>(loc, v, i));
  return b.create<nn::FillOp>(loc, type, sizes, b.getF64FloatAttr(0.0));
}

/// The gradients of the loss with respect to values, accumulated as the
/// backward walk finds their uses.
class GradientMap {
public:
  /// Adds `grad` to `value`'s gradient (nn.add when it already has one).
  void accumulate(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                  mlir::Value grad) {
    mlir::Value &slot = grads[value];
    slot = slot ? b.create<nn::AddOp>(loc, slot, grad).getResult() : grad;
  }
  mlir::Value lookup(mlir::Value value) const { return grads.lookup(value); }

private:
  llvm::DenseMap<mlir::Value, mlir::Value> grads;
};

/// Propagates the gradients in `grads` backwards through `op`, building at
/// `b`: its VJP rule, or for an scf.for backpropagateLoop.
mlir::LogicalResult backpropagate(mlir::OpBuilder &b, mlir::Operation *op,
                                  GradientMap &grads);

/// Propagates the gradients in `grads` backwards through `loop`: the loop
/// is rewritten to also stack each iteration's carried values, and a
/// reverse loop at `b` recomputes each iteration from them and
/// backpropagates through its body.
mlir::LogicalResult backpropagateLoop(mlir::OpBuilder &b, mlir::scf::ForOp loop,
                                      GradientMap &grads);

} // namespace nnc::autodiff

#endif // NNC_LIB_TRANSFORMS_AUTODIFF_H
