//===- Elementwise.cpp - Elementwise nn ops to linalg.generic -------------===//
//
// Every elementwise nn op (unary, binary, compare, where, logical) becomes a
// linalg.generic over the broadcast shape of its operands, whose indexing
// maps do NumPy broadcasting (a static 1 against a larger dim reads index
// 0). The patterns share one template; each op contributes only the scalar
// computation of its body, in arith and math, as `computeScalar` overloads.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

/// `FloatOp` on float operands, `IntOp` on integer ones.
template <typename FloatOp, typename IntOp>
static Value floatOrInt(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isFloat(lhs))
    return b.create<FloatOp>(loc, lhs, rhs);
  return b.create<IntOp>(loc, lhs, rhs);
}

static Value zeroLike(OpBuilder &b, Location loc, Value v) {
  return createScalar(b, loc, v.getType(), 0);
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

static Value computeScalar(ReluOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<arith::MaximumFOp>(loc, x[0], zeroLike(b, loc, x[0]));
}

// 1 / (1 + e^-x): e^-x overflows to inf for very negative x, giving 0.
static Value computeScalar(SigmoidOp, OpBuilder &b, Location loc,
                           ValueRange x) {
  Value one = createScalar(b, loc, x[0].getType(), 1);
  Value e = b.create<math::ExpOp>(loc, b.create<arith::NegFOp>(loc, x[0]));
  return b.create<arith::DivFOp>(loc, one,
                                 b.create<arith::AddFOp>(loc, one, e));
}

static Value computeScalar(TanhOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::TanhOp>(loc, x[0]);
}

static Value computeScalar(ExpOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::ExpOp>(loc, x[0]);
}

static Value computeScalar(LogOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::LogOp>(loc, x[0]);
}

static Value computeScalar(SqrtOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::SqrtOp>(loc, x[0]);
}

static Value computeScalar(RsqrtOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::RsqrtOp>(loc, x[0]);
}

static Value computeScalar(ErfOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<math::ErfOp>(loc, x[0]);
}

static Value computeScalar(AbsOp, OpBuilder &b, Location loc, ValueRange x) {
  if (isFloat(x[0]))
    return b.create<math::AbsFOp>(loc, x[0]);
  return b.create<math::AbsIOp>(loc, x[0]);
}

static Value computeScalar(NegOp, OpBuilder &b, Location loc, ValueRange x) {
  if (isFloat(x[0]))
    return b.create<arith::NegFOp>(loc, x[0]);
  return b.create<arith::SubIOp>(loc, zeroLike(b, loc, x[0]), x[0]);
}

// x > 0 ? 1 : x < 0 ? -1 : x, so that ±0 and NaN map to themselves.
static Value computeScalar(SignOp, OpBuilder &b, Location loc, ValueRange x) {
  Type type = x[0].getType();
  Value zero = zeroLike(b, loc, x[0]);
  Value one = createScalar(b, loc, type, 1),
        minusOne = createScalar(b, loc, type, -1);
  Value positive, negative;
  if (isFloat(x[0])) {
    positive =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x[0], zero);
    negative =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x[0], zero);
  } else {
    positive =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sgt, x[0], zero);
    negative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x[0], zero);
  }
  Value rest = b.create<arith::SelectOp>(loc, negative, minusOne, x[0]);
  return b.create<arith::SelectOp>(loc, positive, one, rest);
}

static Value computeScalar(LeakyReluOp op, OpBuilder &b, Location loc,
                           ValueRange x) {
  Value alpha =
      createScalar(b, loc, x[0].getType(), op.getAlpha().convertToDouble());
  Value positive = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x[0],
                                           zeroLike(b, loc, x[0]));
  Value scaled = b.create<arith::MulFOp>(loc, x[0], alpha);
  return b.create<arith::SelectOp>(loc, positive, x[0], scaled);
}

/// `v` rounded by `round` and clamped into the range of integer type `type`,
/// so that a float bound of an integer clamp becomes a valid constant.
static Value integerBound(OpBuilder &b, Location loc, Type type, double v,
                          double (*round)(double)) {
  double limit = std::ldexp(1.0, type.getIntOrFloatBitWidth() - 1);
  return createScalar(b, loc, type,
                      std::min(std::max(round(v), -limit), limit - 1));
}

static Value computeScalar(ClampOp op, OpBuilder &b, Location loc,
                           ValueRange x) {
  Type type = x[0].getType();
  double lo = op.getLo().convertToDouble(), hi = op.getHi().convertToDouble();
  if (isFloat(x[0])) {
    Value low =
        b.create<arith::MaximumFOp>(loc, x[0], createScalar(b, loc, type, lo));
    return b.create<arith::MinimumFOp>(loc, low,
                                       createScalar(b, loc, type, hi));
  }
  Value low = b.create<arith::MaxSIOp>(
      loc, x[0],
      integerBound(b, loc, type, lo, [](double v) { return std::ceil(v); }));
  return b.create<arith::MinSIOp>(
      loc, low,
      integerBound(b, loc, type, hi, [](double v) { return std::floor(v); }));
}

static Value computeScalar(NotOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<arith::XOrIOp>(loc, x[0],
                                 createScalar(b, loc, x[0].getType(), 1));
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

static Value computeScalar(AddOp, OpBuilder &b, Location loc, ValueRange x) {
  return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, x[0], x[1]);
}

static Value computeScalar(SubOp, OpBuilder &b, Location loc, ValueRange x) {
  return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, x[0], x[1]);
}

static Value computeScalar(MulOp, OpBuilder &b, Location loc, ValueRange x) {
  return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, x[0], x[1]);
}

// Integers divide with floor, as the language (and Python) does.
static Value computeScalar(DivOp, OpBuilder &b, Location loc, ValueRange x) {
  return floatOrInt<arith::DivFOp, arith::FloorDivSIOp>(b, loc, x[0], x[1]);
}

// The remainder of floor division: it takes the sign of the divisor, so a
// non-zero truncated remainder of the other sign is moved by one divisor.
static Value computeScalar(ModOp, OpBuilder &b, Location loc, ValueRange x) {
  Value zero = zeroLike(b, loc, x[0]);
  Value rem, nonZero, remNegative, divisorNegative, adjusted;
  if (isFloat(x[0])) {
    rem = b.create<arith::RemFOp>(loc, x[0], x[1]);
    nonZero =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, rem, zero);
    remNegative =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, rem, zero);
    divisorNegative =
        b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OLT, x[1], zero);
    adjusted = b.create<arith::AddFOp>(loc, rem, x[1]);
  } else {
    rem = b.create<arith::RemSIOp>(loc, x[0], x[1]);
    nonZero = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, rem, zero);
    remNegative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, rem, zero);
    divisorNegative =
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x[1], zero);
    adjusted = b.create<arith::AddIOp>(loc, rem, x[1]);
  }
  Value signsDiffer =
      b.create<arith::XOrIOp>(loc, remNegative, divisorNegative);
  Value fix = b.create<arith::AndIOp>(loc, nonZero, signsDiffer);
  return b.create<arith::SelectOp>(loc, fix, adjusted, rem);
}

static Value computeScalar(PowOp, OpBuilder &b, Location loc, ValueRange x) {
  return floatOrInt<math::PowFOp, math::IPowIOp>(b, loc, x[0], x[1]);
}

static Value computeScalar(MaximumOp, OpBuilder &b, Location loc,
                           ValueRange x) {
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, x[0], x[1]);
}

static Value computeScalar(MinimumOp, OpBuilder &b, Location loc,
                           ValueRange x) {
  return floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, loc, x[0], x[1]);
}

static Value computeScalar(AndOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<arith::AndIOp>(loc, x[0], x[1]);
}

static Value computeScalar(OrOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<arith::OrIOp>(loc, x[0], x[1]);
}

//===----------------------------------------------------------------------===//
// Compare and where
//===----------------------------------------------------------------------===//

// Floats compare ordered, except `ne`, which is true for NaN as in IEEE and
// PyTorch; bools compare unsigned (false < true).
static Value computeScalar(CompareOp op, OpBuilder &b, Location loc,
                           ValueRange x) {
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  struct Predicates {
    FP f;
    IP s, u;
  };
  static const Predicates table[] = {
      {FP::OEQ, IP::eq, IP::eq},   {FP::UNE, IP::ne, IP::ne},
      {FP::OLT, IP::slt, IP::ult}, {FP::OLE, IP::sle, IP::ule},
      {FP::OGT, IP::sgt, IP::ugt}, {FP::OGE, IP::sge, IP::uge}};
  const Predicates &p = table[static_cast<int64_t>(op.getPredicate())];
  if (isFloat(x[0]))
    return b.create<arith::CmpFOp>(loc, p.f, x[0], x[1]);
  bool isBool = x[0].getType().isInteger(1);
  return b.create<arith::CmpIOp>(loc, isBool ? p.u : p.s, x[0], x[1]);
}

static Value computeScalar(WhereOp, OpBuilder &b, Location loc, ValueRange x) {
  return b.create<arith::SelectOp>(loc, x[0], x[1], x[2]);
}

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

namespace {
/// Lowers elementwise op `OpTy` to a broadcasting linalg.generic whose body
/// is `computeScalar(op, ...)`.
template <typename OpTy>
struct ElementwiseOpLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getOperands(), resultType,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return computeScalar(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void nnc::populateNNElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns
      .add<ElementwiseOpLowering<ReluOp>, ElementwiseOpLowering<SigmoidOp>,
           ElementwiseOpLowering<TanhOp>, ElementwiseOpLowering<ExpOp>,
           ElementwiseOpLowering<LogOp>, ElementwiseOpLowering<SqrtOp>,
           ElementwiseOpLowering<RsqrtOp>, ElementwiseOpLowering<ErfOp>,
           ElementwiseOpLowering<AbsOp>, ElementwiseOpLowering<NegOp>,
           ElementwiseOpLowering<SignOp>, ElementwiseOpLowering<LeakyReluOp>,
           ElementwiseOpLowering<ClampOp>, ElementwiseOpLowering<NotOp>,
           ElementwiseOpLowering<AddOp>, ElementwiseOpLowering<SubOp>,
           ElementwiseOpLowering<MulOp>, ElementwiseOpLowering<DivOp>,
           ElementwiseOpLowering<ModOp>, ElementwiseOpLowering<PowOp>,
           ElementwiseOpLowering<MaximumOp>, ElementwiseOpLowering<MinimumOp>,
           ElementwiseOpLowering<AndOp>, ElementwiseOpLowering<OrOp>,
           ElementwiseOpLowering<CompareOp>, ElementwiseOpLowering<WhereOp>>(
          patterns.getContext());
}
