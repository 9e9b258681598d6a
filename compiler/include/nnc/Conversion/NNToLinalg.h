//===- NNToLinalg.h - Patterns lowering nn to linalg ------------*- C++ -*-===//
//
// The pattern sets of the convert-nn-to-linalg pass, one per op family (a
// file each in lib/Conversion/NNToLinalg), for passes and pipelines that
// want to apply some of them on their own.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_CONVERSION_NNTOLINALG_H
#define NNC_CONVERSION_NNTOLINALG_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace nnc {

/// Unary, binary, compare, where and the logical ops.
void populateNNElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// matmul and transpose.
void populateNNMatmulToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// sum, mean, max, min, logsumexp, argmax, softmax and log_softmax.
void populateNNReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// conv2d, max_pool2d and avg_pool2d.
void populateNNConvToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// reshape, flatten, concat, split, stack, squeeze, unsqueeze, broadcast_to.
void populateNNShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// embedding, cross_entropy, batch_norm, layer_norm, fill and arange.
void populateNNNeuralToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// normal, uniform, bernoulli and dropout, as calls of the runtime's
/// generator (nnrt_rand_uniform, nnrt_rand_normal) in linalg.generics.
void populateNNRandomToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// All of the above.
void populateNNToLinalgPatterns(mlir::RewritePatternSet &patterns);

} // namespace nnc

#endif // NNC_CONVERSION_NNTOLINALG_H
