//===- NNVJPElementwise.cpp - VJP rules of elementwise nn ops -------------===//
//
// Unary ops (activations and math functions), binary ops with NumPy
// broadcasting (whose operand gradients reduceToShape sums back over the
// broadcast axes) and where. At a kink the rules pick PyTorch's one-sided
// value: relu and leaky_relu take the x <= 0 side, abs and sign give 0 at 0,
// clamp passes the gradient at its bounds, and maximum / minimum split it
// evenly between equal operands.
//
//===----------------------------------------------------------------------===//

#include "NNVJP.h"

#include <cmath>

using namespace mlir;
using namespace nnc::nn;

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

// d/dx relu(x) = 1 where x > 0, else 0
LogicalResult ReluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value zero = scalarLike(b, loc, getInput(), 0.0);
  Value mask = b.create<CompareOp>(loc, ComparePredicate::gt, getInput(), zero);
  operandGrads.push_back(
      b.create<WhereOp>(loc, getType(), mask, resultGrads[0], zero));
  return success();
}

// d/dx leaky_relu(x) = 1 where x > 0, else alpha
LogicalResult LeakyReluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  Value alpha = scalarLike(b, loc, g, getAlpha().convertToDouble());
  Value mask = b.create<CompareOp>(loc, ComparePredicate::gt, getInput(),
                                   scalarLike(b, loc, g, 0.0));
  operandGrads.push_back(b.create<WhereOp>(loc, getType(), mask, g,
                                           b.create<MulOp>(loc, g, alpha)));
  return success();
}

// d/dx sigmoid(x) = y * (1 - y)
LogicalResult SigmoidOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult();
  Value oneMinusY = b.create<SubOp>(loc, scalarLike(b, loc, y, 1.0), y);
  Value slope = b.create<MulOp>(loc, y, oneMinusY);
  operandGrads.push_back(b.create<MulOp>(loc, resultGrads[0], slope));
  return success();
}

// d/dx tanh(x) = 1 - y^2
LogicalResult TanhOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult();
  Value slope = b.create<SubOp>(loc, scalarLike(b, loc, y, 1.0),
                                b.create<MulOp>(loc, y, y));
  operandGrads.push_back(b.create<MulOp>(loc, resultGrads[0], slope));
  return success();
}

// d/dx e^x = e^x = y
LogicalResult ExpOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<MulOp>(getLoc(), resultGrads[0], getResult()));
  return success();
}

// d/dx log(x) = 1 / x
LogicalResult LogOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<DivOp>(getLoc(), resultGrads[0], getInput()));
  return success();
}

// d/dx sqrt(x) = 1 / (2 y)
LogicalResult SqrtOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value half = b.create<MulOp>(loc, resultGrads[0],
                               scalarLike(b, loc, getResult(), 0.5));
  operandGrads.push_back(b.create<DivOp>(loc, half, getResult()));
  return success();
}

// d/dx x^(-1/2) = -1/2 x^(-3/2) = -y^3 / 2
LogicalResult RsqrtOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value y = getResult();
  Value cube = b.create<MulOp>(loc, b.create<MulOp>(loc, y, y), y);
  Value slope = b.create<MulOp>(loc, cube, scalarLike(b, loc, y, -0.5));
  operandGrads.push_back(b.create<MulOp>(loc, resultGrads[0], slope));
  return success();
}

// d/dx erf(x) = 2 / sqrt(pi) e^(-x^2)
LogicalResult ErfOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput();
  Value negSquare = b.create<NegOp>(loc, getType(), b.create<MulOp>(loc, x, x));
  Value gauss = b.create<ExpOp>(loc, getType(), negSquare);
  Value slope =
      b.create<MulOp>(loc, gauss, scalarLike(b, loc, x, 2.0 / std::sqrt(M_PI)));
  operandGrads.push_back(b.create<MulOp>(loc, resultGrads[0], slope));
  return success();
}

// d/dx |x| = sign(x) (0 at 0)
LogicalResult AbsOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value sign = b.create<SignOp>(loc, getType(), getInput());
  operandGrads.push_back(b.create<MulOp>(loc, resultGrads[0], sign));
  return success();
}

// d/dx -x = -1
LogicalResult NegOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(b.create<NegOp>(getLoc(), getType(), resultGrads[0]));
  return success();
}

// d/dx sign(x) = 0 (almost everywhere): nothing flows back, which autodiff
// reads as a zero gradient.
LogicalResult SignOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(Value());
  return success();
}

// d/dx clamp(x, lo, hi) = 1 where lo <= x <= hi, else 0
LogicalResult ClampOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value x = getInput(), g = resultGrads[0];
  Value aboveLo =
      b.create<CompareOp>(loc, ComparePredicate::ge, x,
                          scalarLike(b, loc, x, getLo().convertToDouble()));
  Value belowHi =
      b.create<CompareOp>(loc, ComparePredicate::le, x,
                          scalarLike(b, loc, x, getHi().convertToDouble()));
  Value inside = b.create<AndOp>(loc, aboveLo, belowHi);
  operandGrads.push_back(
      b.create<WhereOp>(loc, getType(), inside, g, scalarLike(b, loc, g, 0.0)));
  return success();
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

// d/dx (x + y) = 1, d/dy (x + y) = 1 (summed over broadcast axes)
LogicalResult AddOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  operandGrads.push_back(
      reduceToShape(b, loc, resultGrads[0], getLhs().getType()));
  operandGrads.push_back(
      reduceToShape(b, loc, resultGrads[0], getRhs().getType()));
  return success();
}

// d/dx (x - y) = 1, d/dy (x - y) = -1
LogicalResult SubOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  operandGrads.push_back(reduceToShape(b, loc, g, getLhs().getType()));
  Value negG = b.create<NegOp>(loc, g.getType(), g);
  operandGrads.push_back(reduceToShape(b, loc, negG, getRhs().getType()));
  return success();
}

// d/dx (x * y) = y, d/dy (x * y) = x
LogicalResult MulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<MulOp>(loc, g, getRhs()), getLhs().getType()));
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<MulOp>(loc, g, getLhs()), getRhs().getType()));
  return success();
}

// d/dx (x / y) = 1 / y, d/dy (x / y) = -x / y^2 = -(x / y) / y
LogicalResult DivOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  if (!isa<FloatType>(getType().getElementType()))
    return emitOpError("has no gradient on integers (floor division)");
  Value g = resultGrads[0];
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<DivOp>(loc, g, getRhs()), getLhs().getType()));
  Value gy = b.create<MulOp>(loc, g, getResult());
  Value dRhs = b.create<DivOp>(loc, gy, getRhs());
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<NegOp>(loc, dRhs.getType(), dRhs), getRhs().getType()));
  return success();
}

// For r = x mod y = x - floor(x / y) y: d/dx r = 1, d/dy r = -floor(x / y),
// where floor(x / y) = (x - r) / y (the quotient is an integer)
LogicalResult ModOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  if (!isa<FloatType>(getType().getElementType()))
    return emitOpError("has no gradient on integers");
  Value g = resultGrads[0];
  operandGrads.push_back(reduceToShape(b, loc, g, getLhs().getType()));
  Value quotient = b.create<DivOp>(
      loc, b.create<SubOp>(loc, getLhs(), getResult()), getRhs());
  Value gq = b.create<MulOp>(loc, g, quotient);
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<NegOp>(loc, gq.getType(), gq), getRhs().getType()));
  return success();
}

// For z = x^y: d/dx z = y x^(y-1), d/dy z = log(x) z where x > 0, else 0
// (PyTorch's convention at x = 0, and a real-valued gradient for x < 0)
LogicalResult PowOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  if (!isa<FloatType>(getType().getElementType()))
    return emitOpError("has no gradient on integers");
  Value x = getLhs(), y = getRhs(), z = getResult(), g = resultGrads[0];
  Value yMinusOne = b.create<SubOp>(loc, y, scalarLike(b, loc, y, 1.0));
  Value dx = b.create<MulOp>(
      loc, g, b.create<MulOp>(loc, y, b.create<PowOp>(loc, x, yMinusOne)));
  operandGrads.push_back(reduceToShape(b, loc, dx, tensorTypeOf(x)));
  Value zero = scalarLike(b, loc, x, 0.0);
  Value positive = b.create<CompareOp>(loc, ComparePredicate::gt, x, zero);
  Value logTimesZ =
      b.create<MulOp>(loc, b.create<LogOp>(loc, x.getType(), x), z);
  Value slope = b.create<WhereOp>(loc, getType(), positive, logTimesZ, zero);
  operandGrads.push_back(
      reduceToShape(b, loc, b.create<MulOp>(loc, g, slope), tensorTypeOf(y)));
  return success();
}

/// The gradients of maximum (`isMax`) or minimum of `lhs` and `rhs`: dz to
/// the operand that wins, half to each where they are equal.
static void extremumGrads(OpBuilder &b, Location loc, Value lhs, Value rhs,
                          Value g, bool isMax,
                          SmallVectorImpl<Value> &operandGrads) {
  Value lhsWins = b.create<CompareOp>(
      loc, isMax ? ComparePredicate::gt : ComparePredicate::lt, lhs, rhs);
  Value tie = b.create<CompareOp>(loc, ComparePredicate::eq, lhs, rhs);
  Value tieShare = selectScalars(b, loc, tie, g, 0.5, 0.0);
  Value lhsShare = b.create<WhereOp>(loc, tieShare.getType(), lhsWins,
                                     scalarLike(b, loc, g, 1.0), tieShare);
  Value toLhs = b.create<MulOp>(loc, g, lhsShare);
  Value toRhs = b.create<SubOp>(loc, g, toLhs);
  operandGrads.push_back(reduceToShape(b, loc, toLhs, tensorTypeOf(lhs)));
  operandGrads.push_back(reduceToShape(b, loc, toRhs, tensorTypeOf(rhs)));
}

LogicalResult MaximumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  extremumGrads(b, getLoc(), getLhs(), getRhs(), resultGrads[0],
                /*isMax=*/true, operandGrads);
  return success();
}

LogicalResult MinimumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  extremumGrads(b, getLoc(), getLhs(), getRhs(), resultGrads[0],
                /*isMax=*/false, operandGrads);
  return success();
}

// where(m, a, b): dz to a where m holds, to b elsewhere; none to the mask
LogicalResult WhereOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0], mask = getMask();
  Value zero = scalarLike(b, loc, g, 0.0);
  Value toTrue = b.create<WhereOp>(loc, getType(), mask, g, zero);
  Value toFalse = b.create<WhereOp>(loc, getType(), mask, zero, g);
  operandGrads.push_back(Value());
  operandGrads.push_back(
      reduceToShape(b, loc, toTrue, tensorTypeOf(getOnTrue())));
  operandGrads.push_back(
      reduceToShape(b, loc, toFalse, tensorTypeOf(getOnFalse())));
  return success();
}
