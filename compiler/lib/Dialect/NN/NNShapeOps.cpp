//===- NNShapeOps.cpp - Verifiers of shape ops and constructors -----------===//
//
// reshape, flatten, concat, split, stack, squeeze, unsqueeze, broadcast_to,
// and the constructors (fill, arange, normal, uniform, bernoulli). Ops whose
// result has dynamic dims the operands do not determine take one index per
// dynamic dim; verifyDynamicSizes counts them.
//
//===----------------------------------------------------------------------===//

#include "NNVerify.h"
#include "nnc/Dialect/NN/NNOps.h"

#include <cmath>

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

/// The shapes of `values`.
static std::vector<shape::Shape> shapesOf(ValueRange values) {
  std::vector<shape::Shape> shapes;
  for (Value v : values)
    shapes.push_back(shapeOf(v));
  return shapes;
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifyDynamicSizes(*this, getDynamicSizes(), getResult())))
    return failure();
  return verifyShapeRule(
      *this, shape::inferReshape(shapeOf(getInput()), shapeOf(getResult())),
      getResult());
}

LogicalResult FlattenOp::verify() {
  return verifyShapeRule(*this, shape::inferFlatten(shapeOf(getInput())),
                         getResult());
}

LogicalResult ConcatOp::verify() {
  return verifyShapeRule(
      *this, shape::inferConcat(shapesOf(getInputs()), getAxis()), getResult());
}

LogicalResult SplitOp::verify() {
  shape::ShapeResult part = shape::inferSplitPart(
      shapeOf(getInput()), getResults().size(), getAxis());
  if (!part)
    return emitOpError(part.error);
  for (Value result : getResults())
    if (failed(verifyShapeRule(*this, part, result)))
      return failure();
  return success();
}

LogicalResult StackOp::verify() {
  return verifyShapeRule(
      *this, shape::inferStack(shapesOf(getInputs()), getAxis()), getResult());
}

LogicalResult SqueezeOp::verify() {
  return verifyShapeRule(
      *this, shape::inferSqueeze(shapeOf(getInput()), getAxis()), getResult());
}

LogicalResult UnsqueezeOp::verify() {
  return verifyShapeRule(*this,
                         shape::inferUnsqueeze(shapeOf(getInput()), getAxis()),
                         getResult());
}

LogicalResult BroadcastToOp::verify() {
  if (failed(verifyDynamicSizes(*this, getDynamicSizes(), getResult())))
    return failure();
  return verifyShapeRule(
      *this, shape::inferBroadcastTo(shapeOf(getInput()), shapeOf(getResult())),
      getResult());
}

//===----------------------------------------------------------------------===//
// Constructors and random
//===----------------------------------------------------------------------===//

/// Whether `v` is exactly representable in element type `t`: any number for
/// floats, 0 or 1 for bool, an integer in range for i32 and i64.
static bool isRepresentable(double v, Type t) {
  if (isa<FloatType>(t))
    return true;
  if (t.isInteger(1))
    return v == 0 || v == 1;
  double limit = std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1);
  return v == std::trunc(v) && v >= -limit && v < limit;
}

LogicalResult FillOp::verify() {
  if (failed(verifyDynamicSizes(*this, getDynamicSizes(), getResult())))
    return failure();
  double value = getValue().convertToDouble();
  Type elem = getResult().getType().getElementType();
  if (isRepresentable(value, elem))
    return success();
  return emitOpError("fill value ")
         << numStr(value) << " is not a valid " << typeStr(elem);
}

LogicalResult ArangeOp::verify() {
  if (getResult().getType().getRank() != 1)
    return emitOpError("arange result must have rank 1, found ")
           << typeStr(getResult().getType());
  return verifyDynamicSizes(*this, getDynamicSizes(), getResult());
}

LogicalResult NormalOp::verify() {
  double std = getStd().convertToDouble();
  if (!(std >= 0))
    return emitOpError("normal std must be non-negative, found ")
           << numStr(std);
  return verifyDynamicSizes(*this, getDynamicSizes(), getResult());
}

LogicalResult UniformOp::verify() {
  double lo = getLo().convertToDouble(), hi = getHi().convertToDouble();
  if (!(lo < hi))
    return emitOpError("uniform needs lo < hi, found lo = ")
           << numStr(lo) << " and hi = " << numStr(hi);
  return verifyDynamicSizes(*this, getDynamicSizes(), getResult());
}

LogicalResult BernoulliOp::verify() {
  double p = getP().convertToDouble();
  if (!(p >= 0 && p <= 1))
    return emitOpError("bernoulli probability must be in [0, 1], found ")
           << numStr(p);
  return verifyDynamicSizes(*this, getDynamicSizes(), getResult());
}
