//===- NNVJP.cpp - Reverse-mode derivative rules of nn ops ----------------===//
//
// The VJPOpInterface rules: for each differentiable op, the gradients of the
// loss with respect to its operands given those with respect to its results.
// Each rule builds nn ops (plus tensor.dim and arith for dynamic sizes) at the
// builder's insertion point; a broadcast operand's gradient is summed back to
// the operand's shape by reduceToShape.
//
//===----------------------------------------------------------------------===//

#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace nnc::nn;

#include "nnc/Dialect/NN/NNInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// A rank-0 tensor holding `value`, of `v`'s element type; broadcasting
/// ops take it as a scalar.
static Value scalarLike(OpBuilder &b, Location loc, Value v, double value) {
  auto type = RankedTensorType::get({}, tensorTypeOf(v).getElementType());
  return b.create<FillOp>(loc, type, ValueRange{}, b.getF64FloatAttr(value));
}

/// The sizes of `v`'s dynamic dims, in order, as tensor.dim ops.
static SmallVector<Value> dynamicSizesOf(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> sizes;
  RankedTensorType type = tensorTypeOf(v);
  for (int64_t i = 0, e = type.getRank(); i < e; ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(b.create<tensor::DimOp>(loc, v, i));
  return sizes;
}

/// `grad` (of the shape `grad` broadcast to) with `type`: a no-op when the
/// types agree, a tensor.cast when they differ only in what is static.
static Value castTo(OpBuilder &b, Location loc, Value grad, Type type) {
  if (grad.getType() == type)
    return grad;
  return b.create<tensor::CastOp>(loc, type, grad);
}

/// Whether operand dim `operandDim` was broadcast to result dim `gradDim`:
/// a static 1 stretched to anything else. A dynamic operand dim is taken as
/// not broadcast, as the verifier requires it to equal the result's.
static bool isBroadcastDim(int64_t operandDim, int64_t gradDim) {
  return operandDim == 1 && gradDim != 1;
}

/// Sums `grad`, the gradient of a broadcast result, over the axes along
/// which an operand of `operandType` was broadcast (its missing leading axes
/// and its size-1 dims), then reshapes it to `operandType`.
static Value reduceToShape(OpBuilder &b, Location loc, Value grad,
                           RankedTensorType operandType) {
  RankedTensorType gradType = tensorTypeOf(grad);
  int64_t lead = gradType.getRank() - operandType.getRank();
  assert(lead >= 0 && "an operand has at most the rank of its broadcast");
  SmallVector<int64_t> axes;
  SmallVector<int64_t> keptShape(gradType.getShape());
  for (int64_t i = 0; i < gradType.getRank(); ++i) {
    if (i >= lead && !isBroadcastDim(operandType.getDimSize(i - lead),
                                     gradType.getDimSize(i)))
      continue;
    axes.push_back(i);
    keptShape[i] = 1;
  }
  if (axes.empty())
    return castTo(b, loc, grad, operandType);
  auto keptType = RankedTensorType::get(keptShape, gradType.getElementType());
  Value sum = b.create<SumOp>(loc, keptType, grad, b.getDenseI64ArrayAttr(axes),
                              b.getUnitAttr());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < operandType.getRank(); ++i)
    if (operandType.isDynamicDim(i))
      sizes.push_back(b.create<tensor::DimOp>(loc, grad, i + lead));
  return b.create<ReshapeOp>(loc, operandType, sum, sizes);
}

/// The product of `v`'s dims at `axes` as a rank-0 tensor of its element
/// type: a constant when they are static, else computed from tensor.dim.
static Value countOf(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> axes) {
  RankedTensorType type = tensorTypeOf(v);
  int64_t count = 1;
  bool isStatic = true;
  for (int64_t axis : axes) {
    isStatic &= !type.isDynamicDim(axis);
    count *= type.isDynamicDim(axis) ? 1 : type.getDimSize(axis);
  }
  if (isStatic)
    return scalarLike(b, loc, v, static_cast<double>(count));
  Value product = b.create<arith::ConstantIndexOp>(loc, 1);
  for (int64_t axis : axes)
    product = b.create<arith::MulIOp>(
        loc, product, b.create<tensor::DimOp>(loc, v, axis));
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), product);
  Value f = b.create<arith::SIToFPOp>(loc, type.getElementType(), i64);
  return b.create<tensor::FromElementsOp>(
      loc, RankedTensorType::get({}, type.getElementType()), f);
}

/// `grad`, the gradient of a reduction of `input` over `axes`, broadcast
/// back to `input`'s shape (re-inserting the reduced axes unless `keepdim`
/// kept them).
static Value broadcastBack(OpBuilder &b, Location loc, Value grad, Value input,
                           ArrayRef<int64_t> axes, bool keepdim) {
  if (!keepdim)
    for (int64_t axis : axes) { // ascending: each lands at its final place
      RankedTensorType type = tensorTypeOf(grad);
      SmallVector<int64_t> shape(type.getShape());
      shape.insert(shape.begin() + axis, 1);
      grad = b.create<UnsqueezeOp>(
          loc, RankedTensorType::get(shape, type.getElementType()), grad,
          axis);
    }
  return b.create<BroadcastToOp>(loc, input.getType(), grad,
                                 dynamicSizesOf(b, loc, input));
}

/// The type of `v` with its last two dims swapped.
static Value transposeLastTwo(OpBuilder &b, Location loc, Value v) {
  RankedTensorType type = tensorTypeOf(v);
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm, shape;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i < rank - 2 ? i : (i == rank - 2 ? rank - 1 : rank - 2));
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return b.create<TransposeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v,
      b.getDenseI64ArrayAttr(perm));
}

//===----------------------------------------------------------------------===//
// Elementwise
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
  operandGrads.push_back(
      b.create<DivOp>(getLoc(), resultGrads[0], getInput()));
  return success();
}

// d/dx -x = -1
LogicalResult NegOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(
      b.create<NegOp>(getLoc(), getType(), resultGrads[0]));
  return success();
}

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
  operandGrads.push_back(reduceToShape(b, loc, b.create<MulOp>(loc, g, getRhs()),
                                       getLhs().getType()));
  operandGrads.push_back(reduceToShape(b, loc, b.create<MulOp>(loc, g, getLhs()),
                                       getRhs().getType()));
  return success();
}

// d/dx (x / y) = 1 / y, d/dy (x / y) = -x / y^2 = -(x / y) / y
LogicalResult DivOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  if (!isa<FloatType>(getType().getElementType()))
    return emitOpError("has no gradient on integers (floor division)");
  Value g = resultGrads[0];
  operandGrads.push_back(reduceToShape(b, loc, b.create<DivOp>(loc, g, getRhs()),
                                       getLhs().getType()));
  Value gy = b.create<MulOp>(loc, g, getResult());
  Value dRhs = b.create<DivOp>(loc, gy, getRhs());
  operandGrads.push_back(reduceToShape(
      b, loc, b.create<NegOp>(loc, dRhs.getType(), dRhs), getRhs().getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

// For Y = A @ B: dA = dY @ B^T, dB = A^T @ dY (over the last two axes,
// summed over broadcast batch axes)
LogicalResult MatmulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  if (getLhs().getType().getRank() < 2 || getRhs().getType().getRank() < 2)
    return emitOpError("gradient of a matmul with a 1-d operand is not "
                       "supported yet");
  Value g = resultGrads[0];
  Value dLhs = b.create<MatmulOp>(loc, g, transposeLastTwo(b, loc, getRhs()));
  Value dRhs = b.create<MatmulOp>(loc, transposeLastTwo(b, loc, getLhs()), g);
  operandGrads.push_back(reduceToShape(b, loc, dLhs, getLhs().getType()));
  operandGrads.push_back(reduceToShape(b, loc, dRhs, getRhs().getType()));
  return success();
}

// For y = transpose(x, perm): dx = transpose(dy, perm^-1)
LogicalResult TransposeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  operandGrads.push_back(b.create<TransposeOp>(
      getLoc(), getInput().getType(), resultGrads[0],
      b.getDenseI64ArrayAttr(inverse)));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// d/dx_i sum(x) = 1: dy broadcast back over the reduced axes
LogicalResult SumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(broadcastBack(b, getLoc(), resultGrads[0],
                                       getInput(), getReducedAxes(),
                                       getKeepdim()));
  return success();
}

// d/dx_i mean(x) = 1 / N, N the number of elements reduced into one
LogicalResult MeanOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  SmallVector<int64_t> axes = getReducedAxes();
  Value scaled = b.create<DivOp>(loc, resultGrads[0],
                                 countOf(b, loc, getInput(), axes));
  operandGrads.push_back(
      broadcastBack(b, loc, scaled, getInput(), axes, getKeepdim()));
  return success();
}

//===----------------------------------------------------------------------===//
// Neural
//===----------------------------------------------------------------------===//

/// onehot(labels) over `logits`' classes, with label smoothing `eps`:
/// (1 - eps) * onehot + eps / C, of `logits`' type.
static Value smoothedTargets(OpBuilder &b, Location loc, Value logits,
                             Value labels, double eps) {
  RankedTensorType labelsType = tensorTypeOf(labels);
  RankedTensorType logitsType = tensorTypeOf(logits);
  int64_t classes = logitsType.getDimSize(1);
  SmallVector<Value> sizes;
  if (ShapedType::isDynamic(classes))
    sizes.push_back(b.create<tensor::DimOp>(loc, logits, 1));
  Value range = b.create<ArangeOp>(
      loc, RankedTensorType::get({classes}, labelsType.getElementType()),
      sizes);
  Value column = b.create<UnsqueezeOp>(
      loc,
      RankedTensorType::get({labelsType.getDimSize(0), 1},
                            labelsType.getElementType()),
      labels, 1);
  Value isLabel =
      b.create<CompareOp>(loc, ComparePredicate::eq, column, range);
  Value on = scalarLike(b, loc, logits, 1.0 - eps);
  Value off = scalarLike(b, loc, logits, 0.0);
  Value targets = b.create<WhereOp>(loc, logitsType, isLabel, on, off);
  if (eps == 0)
    return targets;
  Value spread = b.create<DivOp>(loc, scalarLike(b, loc, logits, eps),
                                 countOf(b, loc, logits, {1}));
  return b.create<AddOp>(loc, targets, spread);
}

// For l = mean_b(-log softmax(x_b)[y_b]) with targets t (one-hot, smoothed):
// dl/dx = (softmax(x) - t) / B; labels get no gradient
LogicalResult CrossEntropyOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                       SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value logits = getLogits();
  Value probs = b.create<SoftmaxOp>(loc, logits.getType(), logits, -1);
  Value targets = smoothedTargets(b, loc, logits, getLabels(),
                                  getLabelSmoothing().convertToDouble());
  Value diff = b.create<SubOp>(loc, probs, targets);
  Value scale =
      b.create<DivOp>(loc, resultGrads[0], countOf(b, loc, logits, {0}));
  operandGrads.push_back(b.create<MulOp>(loc, diff, scale));
  operandGrads.push_back(Value());
  return success();
}
