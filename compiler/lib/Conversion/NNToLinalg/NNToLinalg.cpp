//===- NNToLinalg.cpp - The convert-nn-to-linalg pass ---------------------===//
//
// Collects the patterns of every op family and applies them as a partial
// conversion in which the whole nn dialect is illegal.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Conversion/Passes.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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
  populateNNRandomToLinalgPatterns(patterns);
}

namespace {
struct ConvertNNToLinalgPass
    : nnc::impl::ConvertNNToLinalgPassBase<ConvertNNToLinalgPass> {
  void runOnOperation() override {
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
