//===- Random.cpp - nn random ops to runtime calls in linalg --------------===//
//
// normal, uniform, bernoulli and dropout become a linalg.generic over the
// result whose body computes the element's row-major flat index from
// linalg.index and calls the runtime's counter-based generator,
// nnrt_rand_uniform or nnrt_rand_normal(site, index), declared once per
// module; the value is then mapped in f32 as runtime/include/nnrt/abi.h
// documents. Within a forward the call is a pure function of (site, index)
// (the run's seed and call number are fixed while it runs), so CSE and
// elementwise fusion, which see the generic as side-effect free, cannot
// change the result; the fusion pass only fuses single-use producers, so it
// does not duplicate the calls either.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static constexpr llvm::StringLiteral kUniformFn = "nnrt_rand_uniform";
static constexpr llvm::StringLiteral kNormalFn = "nnrt_rand_normal";

/// Declares `func.func private @name(i64, i64) -> f32` in the module of
/// `op` unless it is there already.
static void declareRandomFn(OpBuilder &b, Operation *op, StringRef name) {
  auto module = op->getParentOfType<ModuleOp>();
  if (SymbolTable::lookupSymbolIn(module, name))
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto type = b.getFunctionType({b.getI64Type(), b.getI64Type()},
                                {b.getF32Type()});
  auto fn = b.create<func::FuncOp>(module.getLoc(), name, type);
  fn.setPrivate();
}

/// The row-major flat index, as i64, of the element of a loop nest over
/// `sizes` that a linalg.generic body is at.
static Value flatIndex(OpBuilder &b, Location loc, ArrayRef<Value> sizes) {
  Value flat;
  for (auto [dim, size] : llvm::enumerate(sizes)) {
    Value i = b.create<linalg::IndexOp>(loc, dim);
    flat = dim == 0 ? i
                    : b.create<arith::AddIOp>(
                          loc, b.create<arith::MulIOp>(loc, flat, size), i);
  }
  if (!flat) // rank 0: the only element
    flat = b.create<arith::ConstantIndexOp>(loc, 0);
  return b.create<arith::IndexCastOp>(loc, b.getI64Type(), flat);
}

/// The f32 `value` converted to float type `type`.
static Value fromF32(OpBuilder &b, Location loc, Value value, Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  if (width > 32)
    return b.create<arith::ExtFOp>(loc, type, value);
  if (width < 32)
    return b.create<arith::TruncFOp>(loc, type, value);
  return value;
}

static Value f32Constant(OpBuilder &b, Location loc, float value) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
}

/// Maps the f32 sample `sample` (and, for dropout, the input element `x`)
/// to a result element.
using SampleFn =
    llvm::function_ref<Value(OpBuilder &, Location, Value sample, ValueRange)>;

/// A linalg.generic over `sizes` (reading `inputs` elementwise) whose body
/// calls `fn`(site, flat index) and yields `map` of the result.
static Value buildRandom(ConversionPatternRewriter &rewriter, Operation *op,
                         StringRef fn, int64_t site,
                         ArrayRef<OpFoldResult> sizes, ValueRange inputs,
                         RankedTensorType type, SampleFn map) {
  Location loc = op->getLoc();
  declareRandomFn(rewriter, op, fn);
  SmallVector<Value> sizeValues;
  for (OpFoldResult size : sizes)
    sizeValues.push_back(toIndexValue(rewriter, loc, size));
  Value init = createEmpty(rewriter, loc, sizes, type.getElementType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              rewriter.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = rewriter.create<linalg::GenericOp>(
      loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &b, Location nloc, ValueRange args) {
        Value index = flatIndex(b, nloc, sizeValues);
        Value siteValue = b.create<arith::ConstantOp>(
            nloc, b.getI64IntegerAttr(site));
        Value sample =
            b.create<func::CallOp>(nloc, fn, TypeRange{b.getF32Type()},
                                   ValueRange{siteValue, index})
                .getResult(0);
        b.create<linalg::YieldOp>(
            nloc, map(b, nloc, sample, args.drop_back()));
      });
  return castToType(rewriter, loc, generic.getResult(0), type);
}

namespace {
/// nn.uniform: lo + (hi - lo) * u, kept below hi.
struct UniformOpLowering : OpConversionPattern<UniformOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(UniformOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    float lo = float(op.getLo().convertToDouble());
    float hi = float(op.getHi().convertToDouble());
    float span = hi - lo;
    float below = std::nextafter(hi, lo);
    Value result = buildRandom(
        rewriter, op, kUniformFn, op.getSeedOffset(),
        sizesFromType(type, adaptor.getDynamicSizes()), {}, type,
        [&](OpBuilder &b, Location loc, Value u, ValueRange) {
          Value x = b.create<arith::AddFOp>(
              loc, f32Constant(b, loc, lo),
              b.create<arith::MulFOp>(loc, f32Constant(b, loc, span), u));
          if (hi > lo) {
            Value inside = b.create<arith::CmpFOp>(
                loc, arith::CmpFPredicate::OLT, x, f32Constant(b, loc, hi));
            x = b.create<arith::SelectOp>(loc, inside, x,
                                          f32Constant(b, loc, below));
          }
          return fromF32(b, loc, x, type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// nn.normal: std * n.
struct NormalOpLowering : OpConversionPattern<NormalOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(NormalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    float std = float(op.getStd().convertToDouble());
    Value result = buildRandom(
        rewriter, op, kNormalFn, op.getSeedOffset(),
        sizesFromType(type, adaptor.getDynamicSizes()), {}, type,
        [&](OpBuilder &b, Location loc, Value n, ValueRange) {
          Value x = b.create<arith::MulFOp>(loc, f32Constant(b, loc, std), n);
          return fromF32(b, loc, x, type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// nn.bernoulli: u < p, as i1 or as 1.0 / 0.0.
struct BernoulliOpLowering : OpConversionPattern<BernoulliOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BernoulliOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    float p = float(op.getP().convertToDouble());
    Value result = buildRandom(
        rewriter, op, kUniformFn, op.getSeedOffset(),
        sizesFromType(type, adaptor.getDynamicSizes()), {}, type,
        [&](OpBuilder &b, Location loc, Value u, ValueRange) -> Value {
          Value hit = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT,
                                              u, f32Constant(b, loc, p));
          Type elementType = type.getElementType();
          if (elementType.isInteger(1))
            return hit;
          return b.create<arith::UIToFPOp>(loc, elementType, hit);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// nn.dropout: u >= p ? x * (1 / (1 - p)) : 0.
struct DropoutOpLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value input = adaptor.getInput();
    double p = op.getP().convertToDouble();
    Type elementType = type.getElementType();
    Value result = buildRandom(
        rewriter, op, kUniformFn, op.getSeedOffset(),
        getSizes(rewriter, op.getLoc(), input), input, type,
        [&](OpBuilder &b, Location loc, Value u, ValueRange x) -> Value {
          Value keep = b.create<arith::CmpFOp>(
              loc, arith::CmpFPredicate::OGE, u, f32Constant(b, loc, float(p)));
          Value scaled = b.create<arith::MulFOp>(
              loc, x[0], createScalar(b, loc, elementType, 1.0 / (1.0 - p)));
          return b.create<arith::SelectOp>(
              loc, keep, scaled, createScalar(b, loc, elementType, 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void nnc::populateNNRandomToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<UniformOpLowering, NormalOpLowering, BernoulliOpLowering,
               DropoutOpLowering>(patterns.getContext());
}
