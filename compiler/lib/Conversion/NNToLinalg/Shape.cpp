//===- Shape.cpp - nn shape ops to tensor and linalg ----------------------===//
//
// Ops that move elements without computing: reshape and flatten become
// tensor.collapse_shape / expand_shape (which bufferize to views) where
// the dims regroup, else a collapse to 1-d and an expand, else
// tensor.reshape; squeeze and unsqueeze drop or add a unit dim the same
// way; concat and stack insert slices into a tensor.empty; split extracts
// slices; broadcast_to is a linalg.generic with a broadcasting map.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

/// The dims [0, rank) in one group: collapsing all or expanding from 1-d.
static SmallVector<ReassociationIndices> oneGroup(int64_t rank) {
  if (rank == 0)
    return {};
  ReassociationIndices all;
  for (int64_t i = 0; i < rank; ++i)
    all.push_back(i);
  return {all};
}

/// Whether expanding into `type` by `groups` puts at most one dynamic dim
/// in each group, as expandShape needs.
static bool isExpandable(ArrayRef<ReassociationIndices> groups,
                         RankedTensorType type) {
  return llvm::all_of(groups, [&](const ReassociationIndices &group) {
    return llvm::count_if(group,
                          [&](int64_t d) { return type.isDynamicDim(d); }) <= 1;
  });
}

/// `input` reshaped to `type`, whose sizes are `sizes`.
static Value reshapeTo(OpBuilder &b, Location loc, Value input,
                       RankedTensorType type, ArrayRef<OpFoldResult> sizes) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t from = inputType.getRank(), to = type.getRank();
  if (from == to && inputType.getShape() == type.getShape())
    return input;
  if (to == 0)
    return collapseShape(b, loc, input, {});
  if (from == 0) {
    SmallVector<OpFoldResult> ones(to, b.getIndexAttr(1));
    return expandShape(b, loc, input, {}, ones);
  }
  auto groups = getReassociationIndicesForReshape(inputType, type);
  if (groups && from > to)
    return collapseShape(b, loc, input, *groups);
  if (groups && isExpandable(*groups, type))
    return expandShape(b, loc, input, *groups, sizes);
  // Through 1-d, where the expand has a single group.
  if (type.getNumDynamicDims() <= 1) {
    Value flat =
        from > 1 ? collapseShape(b, loc, input, oneGroup(from)) : input;
    return to == 1 ? flat : expandShape(b, loc, flat, oneGroup(to), sizes);
  }
  SmallVector<Value> dims;
  for (OpFoldResult size : sizes)
    dims.push_back(toIndexValue(b, loc, size));
  Value shape = b.create<tensor::FromElementsOp>(loc, dims);
  return b.create<tensor::ReshapeOp>(loc, type, input, shape);
}

namespace {
/// nn.reshape to collapse/expand_shape or tensor.reshape.
struct ReshapeOpLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value result = reshapeTo(rewriter, op.getLoc(), adaptor.getInput(), type,
                             sizesFromType(type, adaptor.getDynamicSizes()));
    rewriter.replaceOp(op, castToType(rewriter, op.getLoc(), result, type));
    return success();
  }
};

/// nn.flatten: [N, rest...] -> [N, prod(rest)] by collapse_shape (or by
/// adding a unit dim to a 1-d input).
struct FlattenOpLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = op.getInput().getType().getRank();
    Value result = rank == 1 ? insertUnitDim(rewriter, loc, input, 1)
                             : mergeDims(rewriter, loc, input, 1, rank - 1);
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// nn.concat: each input inserted into a tensor.empty at its offset.
struct ConcatOpLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getNormalizedAxis();
    ValueRange inputs = adaptor.getInputs();
    // The result's size along `axis` is the sum; the others are the first
    // input's, refined by the result type.
    SmallVector<Sizes> inputSizes;
    for (Value input : inputs)
      inputSizes.push_back(getSizes(rewriter, loc, input));
    Sizes sizes = inputSizes[0];
    SmallVector<OpFoldResult> offsets;
    OpFoldResult offset = rewriter.getIndexAttr(0);
    for (const Sizes &s : inputSizes) {
      offsets.push_back(offset);
      offset = addSizes(rewriter, loc, offset, s[axis]);
    }
    sizes[axis] = offset;
    sizes = refineSizes(sizes, op.getType());
    Value result =
        createEmpty(rewriter, loc, sizes, op.getType().getElementType());
    for (auto [input, s, at] : llvm::zip(inputs, inputSizes, offsets)) {
      SmallVector<OpFoldResult> where(s.size(), rewriter.getIndexAttr(0));
      where[axis] = at;
      SmallVector<OpFoldResult> strides(s.size(), rewriter.getIndexAttr(1));
      result = rewriter.create<tensor::InsertSliceOp>(loc, input, result, where,
                                                      s, strides);
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }

  static OpFoldResult addSizes(OpBuilder &b, Location loc, OpFoldResult x,
                               OpFoldResult y) {
    std::optional<int64_t> a = getConstantIntValue(x),
                           c = getConstantIntValue(y);
    if (a && c)
      return b.getIndexAttr(*a + *c);
    if (a == 0)
      return y;
    return b
        .create<arith::AddIOp>(loc, toIndexValue(b, loc, x),
                               toIndexValue(b, loc, y))
        .getResult();
  }
};

/// nn.split: one tensor.extract_slice per part.
struct SplitOpLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t axis = op.getNormalizedAxis(), parts = op.getNumResults();
    Sizes sizes = getSizes(rewriter, loc, input);
    OpFoldResult part = divideSize(rewriter, loc, sizes[axis], parts);
    sizes[axis] = part;
    SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
    SmallVector<Value> results;
    for (auto [i, result] : llvm::enumerate(op.getResults())) {
      SmallVector<OpFoldResult> offsets(sizes.size(), rewriter.getIndexAttr(0));
      offsets[axis] = partOffset(rewriter, loc, part, i);
      Value slice = rewriter.create<tensor::ExtractSliceOp>(loc, input, offsets,
                                                            sizes, strides);
      results.push_back(castToType(rewriter, loc, slice, result.getType()));
    }
    rewriter.replaceOp(op, results);
    return success();
  }

  /// i * part.
  static OpFoldResult partOffset(OpBuilder &b, Location loc, OpFoldResult part,
                                 int64_t i) {
    if (std::optional<int64_t> known = getConstantIntValue(part))
      return b.getIndexAttr(*known * i);
    if (i == 0)
      return b.getIndexAttr(0);
    return b
        .create<arith::MulIOp>(loc, toIndexValue(b, loc, part),
                               b.create<arith::ConstantIndexOp>(loc, i))
        .getResult();
  }
};

/// nn.stack: each input inserted as a slice of size 1 along the new axis
/// (a rank-reducing tensor.insert_slice).
struct StackOpLowering : OpConversionPattern<StackOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(StackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getNormalizedAxis();
    ValueRange inputs = adaptor.getInputs();
    Sizes sizes = getSizes(rewriter, loc, inputs[0]);
    sizes.insert(sizes.begin() + axis, rewriter.getIndexAttr(inputs.size()));
    Value result = createEmpty(rewriter, loc, refineSizes(sizes, op.getType()),
                               op.getType().getElementType());
    for (auto [i, input] : llvm::enumerate(inputs)) {
      Sizes slice = getSizes(rewriter, loc, input);
      slice.insert(slice.begin() + axis, rewriter.getIndexAttr(1));
      SmallVector<OpFoldResult> offsets(slice.size(), rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(i);
      SmallVector<OpFoldResult> strides(slice.size(), rewriter.getIndexAttr(1));
      result = rewriter.create<tensor::InsertSliceOp>(loc, input, result,
                                                      offsets, slice, strides);
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// nn.squeeze by collapse_shape.
struct SqueezeOpLowering : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = dropUnitDim(rewriter, op.getLoc(), adaptor.getInput(),
                               op.getNormalizedAxis());
    rewriter.replaceOp(op,
                       castToType(rewriter, op.getLoc(), result, op.getType()));
    return success();
  }
};

/// nn.unsqueeze by expand_shape.
struct UnsqueezeOpLowering : OpConversionPattern<UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = insertUnitDim(rewriter, op.getLoc(), adaptor.getInput(),
                                 op.getNormalizedAxis());
    rewriter.replaceOp(op,
                       castToType(rewriter, op.getLoc(), result, op.getType()));
    return success();
  }
};

/// nn.broadcast_to: a copying linalg.generic with a broadcasting map.
struct BroadcastToOpLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(),
        sizesFromType(type, adaptor.getDynamicSizes()), type.getElementType(),
        [](OpBuilder &, Location, ValueRange x) { return x[0]; });
    rewriter.replaceOp(op, castToType(rewriter, op.getLoc(), result, type));
    return success();
  }
};
} // namespace

void nnc::populateNNShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeOpLowering, FlattenOpLowering, ConcatOpLowering,
               SplitOpLowering, StackOpLowering, SqueezeOpLowering,
               UnsqueezeOpLowering, BroadcastToOpLowering>(
      patterns.getContext());
}
