//===- NNDialect.cpp - The nn dialect -------------------------------------===//
//
// Registers the nn ops with the dialect and instantiates the generated
// dialect and enum definitions. nn ops are pure functions of their
// operands (random ops of their seed offset and the run's call counter),
// so every one may be inlined: the training step calls the loss gradient
// and the optimizer updates, and is compiled as one function.
//
//===----------------------------------------------------------------------===//

#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace nnc::nn;

#include "nnc/Dialect/NN/NNDialect.cpp.inc"
#include "nnc/Dialect/NN/NNEnums.cpp.inc"

namespace {
struct NNInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "nnc/Dialect/NN/NNOps.cpp.inc"
      >();
  addInterfaces<NNInlinerInterface>();
  // MLIRGen indexes with tensor.extract_slice and tensor.cast; their
  // gradient rules live with nn's (NNVJPShape.cpp).
  getContext()->getOrLoadDialect<tensor::TensorDialect>();
  VJPOpInterface::attachToTensorOps(*getContext());
}
