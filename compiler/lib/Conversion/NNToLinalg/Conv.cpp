//===- Conv.cpp - nn.conv2d and pooling to linalg -------------------------===//
//
// conv2d (NCHW input, OIHW weight, PyTorch's layout) becomes
// linalg.conv_2d_nchw_fchw on the input padded with tensor.pad; with groups
// the channels are split into [G, C/G] (and the weight's outputs into
// [G, O/G]) for linalg.conv_2d_ngchw_gfchw, and merged back. Pooling pads
// with -inf (max) or 0 (avg) and uses linalg.pooling_nchw_max/sum; avg
// divides by k*k, counting the padding as PyTorch's count_include_pad=True.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// `input` (NCHW) with `padding` rows and columns of `value` on each side.
static Value padSpatial(OpBuilder &b, Location loc, Value input,
                        int64_t padding, Value value) {
  if (padding == 0)
    return input;
  OpFoldResult zero = b.getIndexAttr(0), pad = b.getIndexAttr(padding);
  SmallVector<OpFoldResult> low{zero, zero, pad, pad};
  return b.create<tensor::PadOp>(loc, Type(), input, low, low, value);
}

/// The number of positions of a window of size `kernel` (dilated by
/// `dilation`) moved by `stride` over `in` padded by `padding` on each side.
static OpFoldResult windowCount(OpBuilder &b, Location loc, OpFoldResult in,
                                OpFoldResult kernel, int64_t stride,
                                int64_t padding, int64_t dilation) {
  std::optional<int64_t> i = getConstantIntValue(in),
                         k = getConstantIntValue(kernel);
  if (i && k)
    return b.getIndexAttr(
        (*i + 2 * padding - dilation * (*k - 1) - 1) / stride + 1);
  auto index = [&](int64_t v) {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  Value kMinusOne =
      b.create<arith::SubIOp>(loc, toIndexValue(b, loc, kernel), index(1));
  Value span = b.create<arith::AddIOp>(
      loc, b.create<arith::MulIOp>(loc, kMinusOne, index(dilation)), index(1));
  Value padded = b.create<arith::AddIOp>(loc, toIndexValue(b, loc, in),
                                         index(2 * padding));
  Value room = b.create<arith::SubIOp>(loc, padded, span);
  Value steps = b.create<arith::DivSIOp>(loc, room, index(stride));
  return b.create<arith::AddIOp>(loc, steps, index(1)).getResult();
}

namespace {
/// A window's geometry: kernel sizes, stride, padding and dilation.
struct Window {
  OpFoldResult kh, kw;
  int64_t stride, padding, dilation;
};
} // namespace

/// [N, channels, H', W'] for `window` over `input` (not yet padded),
/// refined by the op's result type.
static Sizes windowedSizes(OpBuilder &b, Location loc, Value input,
                           OpFoldResult channels, const Window &window,
                           RankedTensorType resultType) {
  Sizes in = getSizes(b, loc, input);
  auto count = [&](OpFoldResult size, OpFoldResult kernel) {
    return windowCount(b, loc, size, kernel, window.stride, window.padding,
                       window.dilation);
  };
  Sizes sizes{in[0], channels, count(in[2], window.kh),
              count(in[3], window.kw)};
  return refineSizes(sizes, resultType);
}

namespace {
/// nn.conv2d to linalg.conv_2d_nchw_fchw, or conv_2d_ngchw_gfchw with groups.
struct Conv2dOpLowering : OpConversionPattern<Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = elementTypeOf(adaptor.getInput());
    Value zero = createScalar(rewriter, loc, type, 0);
    Value weight = adaptor.getWeight();
    Sizes in = getSizes(rewriter, loc, adaptor.getInput());
    Sizes w = getSizes(rewriter, loc, weight);
    int64_t stride = op.getStride(), dilation = op.getDilation(),
            groups = op.getGroups();
    Sizes out = windowedSizes(
        rewriter, loc, adaptor.getInput(), w[0],
        Window{w[2], w[3], stride, op.getPadding(), dilation}, op.getType());
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPadding(), zero);
    Attribute strides = rewriter.getI64TensorAttr({stride, stride});
    Attribute dilations = rewriter.getI64TensorAttr({dilation, dilation});
    Value result;
    if (groups == 1) {
      Value acc = createFilled(rewriter, loc, out, zero);
      result = rewriter
                   .create<linalg::Conv2DNchwFchwOp>(loc, acc.getType(),
                                                     ValueRange{input, weight},
                                                     acc, strides, dilations)
                   .getResult(0);
    } else {
      OpFoldResult g = rewriter.getIndexAttr(groups);
      input = splitDim(rewriter, loc, input, 1,
                       {g, divideSize(rewriter, loc, in[1], groups)});
      weight = splitDim(rewriter, loc, weight, 0,
                        {g, divideSize(rewriter, loc, w[0], groups)});
      Sizes grouped{out[0], g, divideSize(rewriter, loc, out[1], groups),
                    out[2], out[3]};
      Value acc = createFilled(rewriter, loc, grouped, zero);
      Value conv = rewriter
                       .create<linalg::Conv2DNgchwGfchwOp>(
                           loc, acc.getType(), ValueRange{input, weight}, acc,
                           strides, dilations)
                       .getResult(0);
      result = mergeDims(rewriter, loc, conv, 1, 2);
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// max_pool2d and avg_pool2d to linalg.pooling_nchw_max and _sum.
template <typename OpTy> struct Pool2dOpLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  static constexpr bool isMax = std::is_same_v<OpTy, MaxPool2dOp>;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type type = elementTypeOf(adaptor.getInput());
    Value init = isMax ? createLowest(rewriter, loc, type)
                       : createScalar(rewriter, loc, type, 0);
    int64_t k = op.getKernel(), stride = op.getStride();
    OpFoldResult kernel = rewriter.getIndexAttr(k);
    Sizes in = getSizes(rewriter, loc, adaptor.getInput());
    Sizes out = windowedSizes(
        rewriter, loc, adaptor.getInput(), in[1],
        Window{kernel, kernel, stride, op.getPadding(), 1}, op.getType());
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPadding(), init);
    Value acc = createFilled(rewriter, loc, out, init);
    Value window = createEmpty(rewriter, loc, {kernel, kernel}, type);
    Attribute strides = rewriter.getI64TensorAttr({stride, stride});
    Attribute dilations = rewriter.getI64TensorAttr({1, 1});
    using PoolOp = std::conditional_t<isMax, linalg::PoolingNchwMaxOp,
                                      linalg::PoolingNchwSumOp>;
    Value result =
        rewriter
            .create<PoolOp>(loc, acc.getType(), ValueRange{input, window}, acc,
                            strides, dilations)
            .getResult(0);
    if (!isMax) {
      Value area =
          createScalar(rewriter, loc, type, static_cast<double>(k * k));
      result =
          buildElementwise(rewriter, loc, result, out, type,
                           [&](OpBuilder &b, Location nloc, ValueRange x) {
                             return b.create<arith::DivFOp>(nloc, x[0], area);
                           });
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};
} // namespace

void nnc::populateNNConvToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2dOpLowering, Pool2dOpLowering<MaxPool2dOp>,
               Pool2dOpLowering<AvgPool2dOp>>(patterns.getContext());
}
