//===- Reduction.cpp - nn reductions and softmax to linalg ----------------===//
//
// sum, mean, max, min and logsumexp become linalg.generics with reduction
// iterators over the reduced axes, from a filled accumulator; `keepdim`
// puts the unit dims back with expand_shape. argmax carries the value and
// the index in two outputs. softmax, log_softmax and logsumexp subtract the
// maximum first, so that exp never overflows.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

static Value sumInto(OpBuilder &b, Location loc, Value x, Value acc,
                     ValueRange) {
  if (isFloat(x))
    return b.create<arith::AddFOp>(loc, acc, x);
  return b.create<arith::AddIOp>(loc, acc, x);
}

static Value maxInto(OpBuilder &b, Location loc, Value x, Value acc,
                     ValueRange) {
  if (isFloat(x))
    return b.create<arith::MaximumFOp>(loc, acc, x);
  return b.create<arith::MaxSIOp>(loc, acc, x);
}

static Value minInto(OpBuilder &b, Location loc, Value x, Value acc,
                     ValueRange) {
  if (isFloat(x))
    return b.create<arith::MinimumFOp>(loc, acc, x);
  return b.create<arith::MinSIOp>(loc, acc, x);
}

/// The sum of `input` over `axes`.
static Value reduceSum(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> axes) {
  Value zero = createScalar(b, loc, elementTypeOf(input), 0);
  return buildReduction(b, loc, input, axes, zero, {}, sumInto);
}

/// The maximum of `input` over `axes` (NaN if any element is NaN).
static Value reduceMax(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> axes) {
  Value lowest = createLowest(b, loc, elementTypeOf(input));
  return buildReduction(b, loc, input, axes, lowest, {}, maxInto);
}

/// sum(exp(x - max)) over `axes`, `max` being the reduced maximum.
static Value reduceSumExp(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> axes, Value max) {
  Value zero = createScalar(b, loc, elementTypeOf(input), 0);
  return buildReduction(
      b, loc, input, axes, zero, max,
      [](OpBuilder &nb, Location nloc, Value x, Value acc, ValueRange m) {
        Value shifted = nb.create<arith::SubFOp>(nloc, x, m[0]);
        return nb.create<arith::AddFOp>(nloc, acc,
                                        nb.create<math::ExpOp>(nloc, shifted));
      });
}

/// The reduction's result: with the unit dims back when `keepdim`, cast to
/// the op's result type.
static Value finishReduction(OpBuilder &b, Location loc, Value reduced,
                             Value input, ArrayRef<int64_t> axes, bool keepdim,
                             Type resultType) {
  if (keepdim)
    reduced = expandReducedAxes(b, loc, reduced, rankOf(input), axes);
  return castToType(b, loc, reduced, resultType);
}

/// `max`, or 0 where it is infinite: the shift logsumexp subtracts, so that
/// a slice of -inf gives -inf (and one holding +inf gives +inf) rather than
/// the NaN of inf - inf.
static Value finiteShift(OpBuilder &b, Location loc, Value max) {
  Type type = max.getType();
  Value inf = createHighest(b, loc, type);
  Value isInf = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ,
                                        b.create<math::AbsFOp>(loc, max), inf);
  return b.create<arith::SelectOp>(loc, isInf, createScalar(b, loc, type, 0),
                                   max);
}

namespace {
/// sum, max and min: one reducing generic from 0, the lowest or the highest
/// value.
template <typename OpTy>
struct SimpleReduceOpLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> axes = op.getReducedAxes();
    Type type = elementTypeOf(input);
    Value reduced;
    if constexpr (std::is_same_v<OpTy, SumOp>)
      reduced = reduceSum(rewriter, loc, input, axes);
    else if constexpr (std::is_same_v<OpTy, MaxOp>)
      reduced = reduceMax(rewriter, loc, input, axes);
    else
      reduced = buildReduction(rewriter, loc, input, axes,
                               createHighest(rewriter, loc, type), {}, minInto);
    rewriter.replaceOp(op, finishReduction(rewriter, loc, reduced, input, axes,
                                           op.getKeepdim(), op.getType()));
    return success();
  }
};

/// mean: the sum divided by the number of elements reduced.
struct MeanOpLowering : OpConversionPattern<MeanOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MeanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> axes = op.getReducedAxes();
    Value sum = reduceSum(rewriter, loc, input, axes);
    Value count = countAsFloat(rewriter, loc, getSizes(rewriter, loc, input),
                               axes, elementTypeOf(input));
    Value mean = buildElementwise(
        rewriter, loc, sum, getSizes(rewriter, loc, sum), elementTypeOf(input),
        [&](OpBuilder &b, Location nloc, ValueRange x) {
          return b.create<arith::DivFOp>(nloc, x[0], count);
        });
    rewriter.replaceOp(op, finishReduction(rewriter, loc, mean, input, axes,
                                           op.getKeepdim(), op.getType()));
    return success();
  }
};

/// logsumexp: m + log(sum(exp(x - m))) with m the finite part of the max.
struct LogSumExpOpLowering : OpConversionPattern<LogSumExpOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LogSumExpOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> axes = op.getReducedAxes();
    Type type = elementTypeOf(input);
    Value max = reduceMax(rewriter, loc, input, axes);
    Value shift =
        buildElementwise(rewriter, loc, max, getSizes(rewriter, loc, max), type,
                         [](OpBuilder &b, Location nloc, ValueRange m) {
                           return finiteShift(b, nloc, m[0]);
                         });
    Value sum = reduceSumExp(rewriter, loc, input, axes, shift);
    Value lse = buildElementwise(
        rewriter, loc, ValueRange{shift, sum}, getSizes(rewriter, loc, sum),
        type, [](OpBuilder &b, Location nloc, ValueRange x) {
          return b.create<arith::AddFOp>(nloc, x[0],
                                         b.create<math::LogOp>(nloc, x[1]));
        });
    rewriter.replaceOp(op, finishReduction(rewriter, loc, lse, input, axes,
                                           op.getKeepdim(), op.getType()));
    return success();
  }
};

/// argmax: a generic with two outputs, the running maximum and its index;
/// only a strictly greater element (or the first NaN, which PyTorch treats
/// as the maximum) replaces them, so the first maximum wins.
struct ArgmaxOpLowering : OpConversionPattern<ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = rankOf(input), axis = op.getNormalizedAxis();
    Type type = elementTypeOf(input), indexType = op.getType().getElementType();
    Sizes sizes = dropAxes(getSizes(rewriter, loc, input), {axis});
    Value values =
        createFilled(rewriter, loc, sizes, createLowest(rewriter, loc, type));
    Value indices = createFilled(rewriter, loc, sizes,
                                 createScalar(rewriter, loc, indexType, 0));
    AffineMap kept = keptDimsMap(rank, {axis}, getContext());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    auto generic = rewriter.create<linalg::GenericOp>(
        loc, TypeRange{values.getType(), indices.getType()}, input,
        ValueRange{values, indices},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank), kept, kept},
        iterators, [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value greater = isGreater(b, nloc, x, best);
          Value index = b.create<linalg::IndexOp>(nloc, axis);
          index = b.create<arith::IndexCastOp>(nloc, indexType, index);
          b.create<linalg::YieldOp>(
              nloc,
              ValueRange{
                  b.create<arith::SelectOp>(nloc, greater, x, best),
                  b.create<arith::SelectOp>(nloc, greater, index, bestIndex)});
        });
    rewriter.replaceOp(op, finishReduction(rewriter, loc, generic.getResult(1),
                                           input, {axis}, op.getKeepdim(),
                                           op.getType()));
    return success();
  }

  /// x > best, or x is the first NaN.
  static Value isGreater(OpBuilder &b, Location loc, Value x, Value best) {
    if (!isFloat(x))
      return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, x, best);
    Value greater =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, best);
    Value xNaN = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
    Value bestNumber =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ORD, best, best);
    Value firstNaN = b.create<arith::AndIOp>(loc, xNaN, bestNumber);
    return b.create<arith::OrIOp>(loc, greater, firstNaN);
  }
};

/// softmax and log_softmax along one axis: with m = max and
/// s = sum(exp(x - m)), exp(x - m) / s and x - m - log(s).
template <typename OpTy>
struct SoftmaxLikeOpLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> axes{op.getNormalizedAxis()};
    Value max = reduceMax(rewriter, loc, input, axes);
    Value sum = reduceSumExp(rewriter, loc, input, axes, max);
    Value result = buildWithReduced(
        rewriter, loc, input, axes, ValueRange{max, sum}, elementTypeOf(input),
        [](OpBuilder &b, Location nloc, ValueRange x) -> Value {
          Value shifted = b.create<arith::SubFOp>(nloc, x[0], x[1]);
          if constexpr (std::is_same_v<OpTy, LogSoftmaxOp>)
            return b.create<arith::SubFOp>(nloc, shifted,
                                           b.create<math::LogOp>(nloc, x[2]));
          return b.create<arith::DivFOp>(
              nloc, b.create<math::ExpOp>(nloc, shifted), x[2]);
        });
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};
} // namespace

void nnc::populateNNReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns
      .add<SimpleReduceOpLowering<SumOp>, SimpleReduceOpLowering<MaxOp>,
           SimpleReduceOpLowering<MinOp>, MeanOpLowering, LogSumExpOpLowering,
           ArgmaxOpLowering, SoftmaxLikeOpLowering<SoftmaxOp>,
           SoftmaxLikeOpLowering<LogSoftmaxOp>>(patterns.getContext());
}
