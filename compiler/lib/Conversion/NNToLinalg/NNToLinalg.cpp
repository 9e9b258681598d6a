//===- NNToLinalg.cpp - The convert-nn-to-linalg pass ---------------------===//
//
// Collects the patterns of every op family and applies them as a partial
// conversion in which the whole nn dialect is illegal. Ops that have no
// lowering yet (the random ones) are reported by name before converting.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Conversion/Passes.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace nnc {
#define GEN_PASS_DEF_CONVERTNNTOLINALGPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;
using namespace nnc;

void nnc::populateNNToLinalgPatterns(RewritePatternSet &patterns) {
  populateNNElementwiseToLinalgPatterns(patterns);
  populateNNMatmulToLinalgPatterns(patterns);
  populateNNReductionToLinalgPatterns(patterns);
  populateNNConvToLinalgPatterns(patterns);
  populateNNShapeToLinalgPatterns(patterns);
  populateNNNeuralToLinalgPatterns(patterns);
}

/// Reports each op in `module` that has no lowering yet; fails if any.
static LogicalResult checkLowerable(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (!isa<nn::NormalOp, nn::UniformOp, nn::BernoulliOp, nn::DropoutOp>(op))
      return WalkResult::advance();
    op->emitOpError("has no lowering to linalg yet: random ops need the "
                    "runtime's counter-based generator");
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

namespace {
struct ConvertNNToLinalgPass
    : nnc::impl::ConvertNNToLinalgPassBase<ConvertNNToLinalgPass> {
  void runOnOperation() override {
    if (failed(checkLowerable(getOperation())))
      return signalPassFailure();
    ConversionTarget target(getContext());
    target.addIllegalDialect<nn::NNDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateNNToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
