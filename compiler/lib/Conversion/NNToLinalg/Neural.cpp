//===- Neural.cpp - nn embedding, losses, norms, constructors to linalg ---===//
//
// embedding gathers rows with tensor.extract inside a linalg.generic;
// cross_entropy is PyTorch's (mean over the batch, log-sum-exp shifted by
// the row maximum, label smoothing spreading eps over all classes);
// batch_norm and layer_norm normalize with given or computed statistics
// (biased variance, as PyTorch); fill and arange construct tensors.
// Out-of-range ids and labels are clamped into range so that a bad input
// cannot read outside the table.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

/// Integer `id` as an index clamped into [0, size).
static Value clampedIndex(OpBuilder &b, Location loc, Value id, Value size) {
  Value index = b.create<arith::IndexCastOp>(loc, b.getIndexType(), id);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value last = b.create<arith::SubIOp>(
      loc, size, b.create<arith::ConstantIndexOp>(loc, 1));
  return b.create<arith::MinSIOp>(
      loc, b.create<arith::MaxSIOp>(loc, index, zero), last);
}

/// The sum of `input` over `axes`, with `map` applied to each element and
/// the matching elements of `extras` (tensors of the reduced shape).
static Value sumOf(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> axes, ValueRange extras, BodyFn map) {
  Value zero = createScalar(b, loc, elementTypeOf(input), 0);
  return buildReduction(
      b, loc, input, axes, zero, extras,
      [&](OpBuilder &nb, Location nloc, Value x, Value acc, ValueRange rest) {
        SmallVector<Value> args{x};
        args.append(rest.begin(), rest.end());
        return nb.create<arith::AddFOp>(nloc, acc, map(nb, nloc, args));
      });
}

static Value identity(OpBuilder &, Location, ValueRange x) { return x[0]; }

namespace {
/// nn.embedding: out[..., j] = table[clamp(ids[...]), j].
struct EmbeddingOpLowering : OpConversionPattern<EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value table = adaptor.getTable(), ids = adaptor.getIds();
    int64_t rank = rankOf(ids) + 1;
    Sizes tableSizes = getSizes(rewriter, loc, table);
    Sizes sizes = getSizes(rewriter, loc, ids);
    sizes.push_back(tableSizes[1]);
    sizes = refineSizes(sizes, op.getType());
    Value rows = toIndexValue(rewriter, loc, tableSizes[0]);
    Value init = createEmpty(rewriter, loc, sizes, elementTypeOf(table));
    SmallVector<AffineMap> maps{
        AffineMap::getMultiDimIdentityMap(rank, getContext())
            .getMajorSubMap(rank - 1),
        rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, init.getType(), ids, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value row = clampedIndex(b, nloc, args[0], rows);
          Value col = b.create<linalg::IndexOp>(nloc, rank - 1);
          Value v =
              b.create<tensor::ExtractOp>(nloc, table, ValueRange{row, col});
          b.create<linalg::YieldOp>(nloc, v);
        });
    rewriter.replaceOp(
        op, castToType(rewriter, loc, generic.getResult(0), op.getType()));
    return success();
  }
};

/// nn.cross_entropy over logits [B, C] and labels [B]: the mean over rows of
///   lse - (1 - eps) * x[label] - eps / C * sum_c x[c],
/// PyTorch's loss with label_smoothing eps, where lse = m + log(sum(exp(x -
/// m))) and m is the row maximum.
struct CrossEntropyOpLowering : OpConversionPattern<CrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();
    Type type = elementTypeOf(logits);
    double eps = op.getLabelSmoothing().convertToDouble();
    Sizes sizes = getSizes(rewriter, loc, logits);
    Value max = buildReduction(
        rewriter, loc, logits, {1}, createLowest(rewriter, loc, type), {},
        [](OpBuilder &b, Location nloc, Value x, Value acc, ValueRange) {
          return b.create<arith::MaximumFOp>(nloc, acc, x);
        });
    Value sumExp = sumOf(rewriter, loc, logits, {1}, max,
                         [](OpBuilder &b, Location nloc, ValueRange x) {
                           Value d = b.create<arith::SubFOp>(nloc, x[0], x[1]);
                           return b.create<math::ExpOp>(nloc, d);
                         });
    SmallVector<Value> rowStats{labels, max, sumExp};
    if (eps != 0)
      rowStats.push_back(sumOf(rewriter, loc, logits, {1}, {}, identity));
    Value classes = toIndexValue(rewriter, loc, sizes[1]);
    Value smoothing = createScalar(rewriter, loc, type, eps);
    Value spread = rewriter.create<arith::DivFOp>(
        loc, smoothing, countAsFloat(rewriter, loc, sizes, {1}, type));
    Value keep = createScalar(rewriter, loc, type, 1 - eps);
    // Sum of the per-row losses over the batch, in one reducing generic.
    MLIRContext *ctx = getContext();
    AffineMap row = AffineMap::getMultiDimIdentityMap(1, ctx);
    SmallVector<AffineMap> maps(rowStats.size(), row);
    maps.push_back(AffineMap::get(1, 0, {}, ctx));
    Value acc =
        createFilled(rewriter, loc, {}, createScalar(rewriter, loc, type, 0));
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, acc.getType(), rowStats, acc, maps, utils::IteratorType::reduction,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value i = b.create<linalg::IndexOp>(nloc, 0);
          Value label = clampedIndex(b, nloc, args[0], classes);
          Value picked =
              b.create<tensor::ExtractOp>(nloc, logits, ValueRange{i, label});
          Value lse = b.create<arith::AddFOp>(
              nloc, args[1], b.create<math::LogOp>(nloc, args[2]));
          Value loss = b.create<arith::SubFOp>(
              nloc, lse, b.create<arith::MulFOp>(nloc, keep, picked));
          if (eps != 0)
            loss = b.create<arith::SubFOp>(
                nloc, loss, b.create<arith::MulFOp>(nloc, spread, args[3]));
          b.create<linalg::YieldOp>(nloc, ValueRange{b.create<arith::AddFOp>(
                                              nloc, args.back(), loss)});
        });
    Value batch = countAsFloat(rewriter, loc, sizes, {0}, type);
    Value mean =
        buildElementwise(rewriter, loc, generic.getResult(0), {}, type,
                         [&](OpBuilder &b, Location nloc, ValueRange x) {
                           return b.create<arith::DivFOp>(nloc, x[0], batch);
                         });
    rewriter.replaceOp(op, castToType(rewriter, loc, mean, op.getType()));
    return success();
  }
};

/// nn.batch_norm: (x - mean[c]) / sqrt(var[c] + eps), c the dim 1 index.
struct BatchNormOpLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = rankOf(input);
    Type type = elementTypeOf(input);
    Value eps =
        createScalar(rewriter, loc, type, op.getEps().convertToDouble());
    SmallVector<int64_t> notChannel;
    for (int64_t i = 0; i < rank; ++i)
      if (i != 1)
        notChannel.push_back(i);
    Value result = buildWithReduced(
        rewriter, loc, input, notChannel,
        ValueRange{adaptor.getMean(), adaptor.getVar()}, type,
        [&](OpBuilder &b, Location nloc, ValueRange x) {
          Value centered = b.create<arith::SubFOp>(nloc, x[0], x[1]);
          Value stddev = b.create<math::SqrtOp>(
              nloc, b.create<arith::AddFOp>(nloc, x[2], eps));
          return b.create<arith::DivFOp>(nloc, centered, stddev);
        });
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// nn.layer_norm over the last axis: mean, then the biased variance
/// sum((x - mean)^2) / D, then (x - mean) / sqrt(var + eps).
struct LayerNormOpLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Type type = elementTypeOf(input);
    SmallVector<int64_t> last{rankOf(input) - 1};
    Value count =
        countAsFloat(rewriter, loc, getSizes(rewriter, loc, input), last, type);
    Value eps =
        createScalar(rewriter, loc, type, op.getEps().convertToDouble());
    Value sum = sumOf(rewriter, loc, input, last, {}, identity);
    Value mean =
        buildElementwise(rewriter, loc, sum, getSizes(rewriter, loc, sum), type,
                         [&](OpBuilder &b, Location nloc, ValueRange x) {
                           return b.create<arith::DivFOp>(nloc, x[0], count);
                         });
    Value squares = sumOf(rewriter, loc, input, last, mean,
                          [](OpBuilder &b, Location nloc, ValueRange x) {
                            Value d = b.create<arith::SubFOp>(nloc, x[0], x[1]);
                            return b.create<arith::MulFOp>(nloc, d, d);
                          });
    Value result = buildWithReduced(
        rewriter, loc, input, last, ValueRange{mean, squares}, type,
        [&](OpBuilder &b, Location nloc, ValueRange x) {
          Value centered = b.create<arith::SubFOp>(nloc, x[0], x[1]);
          Value var = b.create<arith::DivFOp>(nloc, x[2], count);
          Value stddev = b.create<math::SqrtOp>(
              nloc, b.create<arith::AddFOp>(nloc, var, eps));
          return b.create<arith::DivFOp>(nloc, centered, stddev);
        });
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// nn.fill: linalg.fill of a tensor.empty.
struct FillOpLowering : OpConversionPattern<FillOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(FillOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value value = createScalar(rewriter, loc, type.getElementType(),
                               op.getValue().convertToDouble());
    rewriter.replaceOp(
        op,
        createFilled(rewriter, loc,
                     sizesFromType(type, adaptor.getDynamicSizes()), value));
    return success();
  }
};

/// nn.arange: a linalg.generic yielding its index.
struct ArangeOpLowering : OpConversionPattern<ArangeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ArangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value init = createEmpty(rewriter, loc,
                             sizesFromType(type, adaptor.getDynamicSizes()),
                             type.getElementType());
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, type, ValueRange{}, init, rewriter.getMultiDimIdentityMap(1),
        utils::IteratorType::parallel,
        [&](OpBuilder &b, Location nloc, ValueRange) {
          Value i = b.create<linalg::IndexOp>(nloc, 0);
          b.create<linalg::YieldOp>(
              nloc, castIndexTo(b, nloc, i, type.getElementType()));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};
} // namespace

void nnc::populateNNNeuralToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbeddingOpLowering, CrossEntropyOpLowering, BatchNormOpLowering,
               LayerNormOpLowering, FillOpLowering, ArangeOpLowering>(
      patterns.getContext());
}
