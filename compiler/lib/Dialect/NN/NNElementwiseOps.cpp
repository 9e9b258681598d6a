//===- NNElementwiseOps.cpp - Verifiers of elementwise and linalg ops -----===//
//
// Elementwise ops (broadcasting binary ops, compare, where, clamp), matmul,
// transpose and the reductions. Shapes come from the rules of nnc/Shape, so
// the messages are Sema's.
//
//===----------------------------------------------------------------------===//

#include "NNVerify.h"
#include "nnc/Dialect/NN/NNOps.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult nn::verifyBroadcastOp(Operation *op) {
  return verifyShapeRule(
      op,
      shape::broadcast(shapeOf(op->getOperand(0)), shapeOf(op->getOperand(1))),
      op->getResult(0));
}

LogicalResult ClampOp::verify() {
  double lo = getLo().convertToDouble(), hi = getHi().convertToDouble();
  if (lo <= hi)
    return success();
  return emitOpError("clamp needs lo <= hi, found lo = ")
         << numStr(lo) << " and hi = " << numStr(hi);
}

LogicalResult CompareOp::verify() { return verifyBroadcastOp(*this); }

LogicalResult WhereOp::verify() {
  shape::ShapeResult values =
      shape::broadcast(shapeOf(getOnTrue()), shapeOf(getOnFalse()));
  if (!values)
    return emitOpError(values.error);
  return verifyShapeRule(
      *this, shape::broadcast(shapeOf(getMask()), *values.shape), getResult());
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  return verifyShapeRule(
      *this, shape::inferMatmul(shapeOf(getLhs()), shapeOf(getRhs())),
      getResult());
}

LogicalResult TransposeOp::verify() {
  std::vector<int64_t> perm(getPerm().begin(), getPerm().end());
  return verifyShapeRule(
      *this, shape::inferTranspose(shapeOf(getInput()), perm), getResult());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult nn::verifyReduceOp(Operation *op, ArrayRef<int64_t> axes,
                                 bool keepdim) {
  std::vector<int64_t> list(axes.begin(), axes.end());
  return verifyShapeRule(
      op, shape::inferReduce(shapeOf(op->getOperand(0)), list, keepdim),
      op->getResult(0));
}

LogicalResult ArgmaxOp::verify() {
  return verifyShapeRule(
      *this, shape::inferReduce(shapeOf(getInput()), {getAxis()}, getKeepdim()),
      getResult());
}
