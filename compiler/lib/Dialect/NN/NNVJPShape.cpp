//===- NNVJPShape.cpp - VJP rules of the nn shape ops ---------------------===//
//
// Ops that move elements without computing on them: the gradient moves
// them back. Reshapes reshape back, broadcast_to sums, concat slices,
// split concatenates, stack slices and squeezes. Also the rules of the
// tensor ops MLIRGen emits for indexing (tensor.extract_slice: the gradient
// inserted into zeros) and casts (tensor.cast: cast back), attached to
// them as external models by VJPOpInterface::attachToTensorOps.
//
//===----------------------------------------------------------------------===//

#include "NNVJP.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace nnc::nn;

// Reshape, flatten, squeeze and unsqueeze only rearrange the elements in
// row-major order: the gradient is reshaped back to the input's shape.

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeLike(b, getLoc(), resultGrads[0], getInput()));
  // The dynamic sizes are indices, which carry no gradient.
  operandGrads.append(getDynamicSizes().size(), Value());
  return success();
}

LogicalResult FlattenOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeLike(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

LogicalResult SqueezeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeLike(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

LogicalResult UnsqueezeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(reshapeLike(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

// The gradient of a broadcast is summed over the broadcast axes.
LogicalResult BroadcastToOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      reduceToShape(b, getLoc(), resultGrads[0], getInput().getType()));
  operandGrads.append(getDynamicSizes().size(), Value());
  return success();
}

// Each input's gradient is its slice of dy along the axis.
LogicalResult ConcatOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  int64_t axis = getNormalizedAxis();
  Value g = resultGrads[0];
  SmallVector<OpFoldResult> offsets(getType().getRank(), b.getIndexAttr(0));
  for (Value input : getInputs()) {
    SmallVector<OpFoldResult> sizes = sizesOf(b, loc, input);
    operandGrads.push_back(
        extractSlice(b, loc, g, tensorTypeOf(input), offsets, sizes));
    offsets[axis] = addSizes(b, loc, offsets[axis], sizes[axis]);
  }
  return success();
}

// The parts' gradients joined along the axis (autodiff gives an unused
// part's gradient as zeros).
LogicalResult SplitOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<ConcatOp>(getLoc(), getInput().getType(),
                                            resultGrads, getAxisAttr()));
  return success();
}

// Input i's gradient is dy at index i of the new axis, which is squeezed.
LogicalResult StackOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  int64_t axis = getNormalizedAxis();
  Value g = resultGrads[0];
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, g);
  sizes[axis] = b.getIndexAttr(1);
  SmallVector<OpFoldResult> offsets(sizes.size(), b.getIndexAttr(0));
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    offsets[axis] = b.getIndexAttr(static_cast<int64_t>(i));
    Value slice =
        extractSlice(b, loc, g, typeOfSizes(sizes, getType().getElementType()),
                     offsets, sizes);
    operandGrads.push_back(
        b.create<SqueezeOp>(loc, input.getType(), slice, axis));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Tensor ops
//===----------------------------------------------------------------------===//

namespace {
/// tensor.extract_slice (indexing, `x[:, t, :]`): dy written into zeros of
/// the source's shape at the slice; the offsets, sizes and strides are
/// indices, which get no gradient.
struct ExtractSliceVJP
    : VJPOpInterface::ExternalModel<ExtractSliceVJP, tensor::ExtractSliceOp> {
  LogicalResult buildVJP(Operation *op, OpBuilder &b, ValueRange resultGrads,
                         SmallVectorImpl<Value> &operandGrads) const {
    auto slice = cast<tensor::ExtractSliceOp>(op);
    Location loc = slice.getLoc();
    Value source = slice.getSource();
    Value zeros = filledLike(b, loc, source, 0.0);
    operandGrads.push_back(b.create<tensor::InsertSliceOp>(
        loc, resultGrads[0], zeros, slice.getMixedOffsets(),
        slice.getMixedSizes(), slice.getMixedStrides()));
    operandGrads.append(op->getNumOperands() - 1, Value());
    return success();
  }
};

/// tensor.cast: dy cast back to the source's type.
struct CastVJP : VJPOpInterface::ExternalModel<CastVJP, tensor::CastOp> {
  LogicalResult buildVJP(Operation *op, OpBuilder &b, ValueRange resultGrads,
                         SmallVectorImpl<Value> &operandGrads) const {
    auto castOp = cast<tensor::CastOp>(op);
    operandGrads.push_back(castTo(b, castOp.getLoc(), resultGrads[0],
                                  castOp.getSource().getType()));
    return success();
  }
};
} // namespace

void VJPOpInterface::attachToTensorOps(MLIRContext &ctx) {
  tensor::ExtractSliceOp::attachInterface<ExtractSliceVJP>(ctx);
  tensor::CastOp::attachInterface<CastVJP>(ctx);
}
