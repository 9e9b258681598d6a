//===- NNNeuralOps.cpp - Verifiers of the neural-network ops --------------===//
//
// conv2d, pooling, softmax and log_softmax, embedding, dropout, the norms
// and cross_entropy. Shapes come from the rules of nnc/Shape; the checks
// that have no shape rule (statistics of batch_norm, probabilities) use the
// same wording as Sema.
//
//===----------------------------------------------------------------------===//

#include "NNVerify.h"
#include "nnc/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

LogicalResult Conv2dOp::verify() {
  return verifyShapeRule(
      *this,
      shape::inferConv2d(shapeOf(getInput()), shapeOf(getWeight()), getStride(),
                         getPadding(), getDilation(), getGroups()),
      getResult());
}

LogicalResult nn::verifyPoolOp(Operation *op, int64_t kernel, int64_t stride,
                               int64_t padding) {
  // As PyTorch: a window must not lie entirely in the padding.
  if (kernel >= 1 && padding * 2 > kernel)
    return op->emitOpError("padding must be at most half the kernel size, "
                           "found padding ")
           << padding << " for kernel " << kernel;
  return verifyShapeRule(
      op,
      shape::inferPool2d(shapeOf(op->getOperand(0)), kernel, stride, padding),
      op->getResult(0));
}

LogicalResult nn::verifyAxisOp(Operation *op, int64_t axis) {
  // A reduction over `axis` that keeps it checks the axis with Sema's words.
  shape::ShapeResult r =
      shape::inferReduce(shapeOf(op->getOperand(0)), {axis}, true);
  if (!r)
    return op->emitOpError(r.error);
  return success();
}

LogicalResult EmbeddingOp::verify() {
  return verifyShapeRule(
      *this, shape::inferEmbedding(shapeOf(getTable()), shapeOf(getIds())),
      getResult());
}

/// Whether `p` is a probability in [0, 1), or [0, 1] with `closed`.
static bool isProbability(double p, bool closed) {
  return p >= 0 && (closed ? p <= 1 : p < 1);
}

LogicalResult DropoutOp::verify() {
  double p = getP().convertToDouble();
  if (isProbability(p, /*closed=*/false))
    return success();
  return emitOpError("dropout probability must be in [0, 1), found ")
         << numStr(p);
}

LogicalResult BatchNormOp::verify() {
  shape::Shape x = shapeOf(getInput());
  if (x.size() < 2)
    return emitOpError("batch_norm expects [N, C, ...], found ")
           << typeStr(getInput().getType());
  for (Value stat : {getMean(), getVar()}) {
    shape::Shape s = shapeOf(stat);
    if (s.size() == 1 && s[0].compatible(x[1]))
      continue;
    Type elem = getInput().getType().getElementType();
    return emitOpError("batch_norm statistics must be ")
           << typeStr(elem) << "[" << x[1].str()
           << "] (one per channel), found " << typeStr(stat.getType());
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (getInput().getType().getRank() >= 1)
    return success();
  return emitOpError("layer_norm needs a tensor of rank >= 1, found ")
         << typeStr(getInput().getType());
}

LogicalResult CrossEntropyOp::verify() {
  double smoothing = getLabelSmoothing().convertToDouble();
  if (!isProbability(smoothing, /*closed=*/true))
    return emitOpError("label_smoothing must be in [0, 1], found ")
           << numStr(smoothing);
  return verifyShapeRule(
      *this,
      shape::inferCrossEntropy(shapeOf(getLogits()), shapeOf(getLabels())),
      getResult());
}
