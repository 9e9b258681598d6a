//===- NNVJP.cpp - Reverse-mode derivative rules of nn ops ----------------===//
//
// The VJPOpInterface rules: for each differentiable op, the gradients of the
// loss with respect to its operands given those with respect to its results.
// This file holds the helpers the rules share (NNVJP.h) and the rules of
// linear algebra and reductions; the other families are in
// NNVJPElementwise.cpp, NNVJPNeural.cpp and NNVJPShape.cpp. Each rule builds
// nn ops (plus tensor and arith ops for sizes and slices) at the builder's
// insertion point; a broadcast operand's gradient is summed back to the
// operand's shape by reduceToShape.
//
//===----------------------------------------------------------------------===//

#include "NNVJP.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

#include "nnc/Dialect/NN/NNInterfaces.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

Value nn::scalarLike(OpBuilder &b, Location loc, Value v, double value) {
  auto type = RankedTensorType::get({}, tensorTypeOf(v).getElementType());
  return b.create<FillOp>(loc, type, ValueRange{}, b.getF64FloatAttr(value));
}

Value nn::filled(OpBuilder &b, Location loc, RankedTensorType type,
                 ArrayRef<OpFoldResult> sizes, double value) {
  return b.create<FillOp>(loc, type, dynamicOf(sizes),
                          b.getF64FloatAttr(value));
}

Value nn::filledLike(OpBuilder &b, Location loc, Value v, double value) {
  return b.create<FillOp>(loc, v.getType(), dynamicSizesOf(b, loc, v),
                          b.getF64FloatAttr(value));
}

Value nn::selectScalars(OpBuilder &b, Location loc, Value mask, Value like,
                        double onTrue, double onFalse) {
  auto type = RankedTensorType::get(tensorTypeOf(mask).getShape(),
                                    tensorTypeOf(like).getElementType());
  return b.create<WhereOp>(loc, type, mask, scalarLike(b, loc, like, onTrue),
                           scalarLike(b, loc, like, onFalse));
}

SmallVector<Value> nn::dynamicSizesOf(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> sizes;
  RankedTensorType type = tensorTypeOf(v);
  for (int64_t i = 0, e = type.getRank(); i < e; ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(b.create<tensor::DimOp>(loc, v, i));
  return sizes;
}

SmallVector<OpFoldResult> nn::sizesOf(OpBuilder &b, Location loc, Value v) {
  SmallVector<OpFoldResult> sizes;
  RankedTensorType type = tensorTypeOf(v);
  for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
    if (type.isDynamicDim(i))
      sizes.push_back(b.create<tensor::DimOp>(loc, v, i).getResult());
    else
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
  }
  return sizes;
}

SmallVector<Value> nn::dynamicOf(ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> values;
  for (OpFoldResult size : sizes)
    if (auto value = dyn_cast<Value>(size))
      values.push_back(value);
  return values;
}

OpFoldResult nn::addSizes(OpBuilder &b, Location loc, OpFoldResult lhs,
                          OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs),
                         r = getConstantIntValue(rhs);
  if (l && r)
    return b.getIndexAttr(*l + *r);
  if (l == 0)
    return rhs;
  if (r == 0)
    return lhs;
  return b
      .create<arith::AddIOp>(loc, getValueOrCreateConstantIndexOp(b, loc, lhs),
                             getValueOrCreateConstantIndexOp(b, loc, rhs))
      .getResult();
}

RankedTensorType nn::typeOfSizes(ArrayRef<OpFoldResult> sizes,
                                 Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, elementType);
}

Value nn::countOf(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> axes) {
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
    product = b.create<arith::MulIOp>(loc, product,
                                      b.create<tensor::DimOp>(loc, v, axis));
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), product);
  Value f = b.create<arith::SIToFPOp>(loc, type.getElementType(), i64);
  return b.create<tensor::FromElementsOp>(
      loc, RankedTensorType::get({}, type.getElementType()), f);
}

Value nn::castTo(OpBuilder &b, Location loc, Value grad, Type type) {
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

Value nn::reduceToShape(OpBuilder &b, Location loc, Value grad,
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

Value nn::unsqueezeAt(OpBuilder &b, Location loc, Value v, int64_t axis) {
  RankedTensorType type = tensorTypeOf(v);
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis, 1);
  return b.create<UnsqueezeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v, axis);
}

Value nn::keepReducedAxes(OpBuilder &b, Location loc, Value reduced,
                          ArrayRef<int64_t> axes, bool keepdim) {
  if (!keepdim)
    for (int64_t axis : axes) // ascending: each lands at its final place
      reduced = unsqueezeAt(b, loc, reduced, axis);
  return reduced;
}

Value nn::broadcastBack(OpBuilder &b, Location loc, Value grad, Value input,
                        ArrayRef<int64_t> axes, bool keepdim) {
  grad = keepReducedAxes(b, loc, grad, axes, keepdim);
  return b.create<BroadcastToOp>(loc, input.getType(), grad,
                                 dynamicSizesOf(b, loc, input));
}

/// The type of `v` reduced over `axes` with them kept as size 1.
static RankedTensorType keptType(Value v, ArrayRef<int64_t> axes) {
  RankedTensorType type = tensorTypeOf(v);
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t axis : axes)
    shape[axis] = 1;
  return RankedTensorType::get(shape, type.getElementType());
}

Value nn::sumKeepdim(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> axes) {
  return b.create<SumOp>(loc, keptType(v, axes), v,
                         b.getDenseI64ArrayAttr(axes), b.getUnitAttr());
}

Value nn::meanKeepdim(OpBuilder &b, Location loc, Value v,
                      ArrayRef<int64_t> axes) {
  return b.create<MeanOp>(loc, keptType(v, axes), v,
                          b.getDenseI64ArrayAttr(axes), b.getUnitAttr());
}

/// `strides`, or all ones of `rank` when it is empty, as attributes.
static SmallVector<OpFoldResult> strideSizes(OpBuilder &b, int64_t rank,
                                             ArrayRef<int64_t> strides) {
  SmallVector<OpFoldResult> result;
  for (int64_t i = 0; i < rank; ++i)
    result.push_back(b.getIndexAttr(strides.empty() ? 1 : strides[i]));
  return result;
}

Value nn::extractSlice(OpBuilder &b, Location loc, Value source,
                       RankedTensorType type, ArrayRef<OpFoldResult> offsets,
                       ArrayRef<OpFoldResult> sizes,
                       ArrayRef<int64_t> strides) {
  return b.create<tensor::ExtractSliceOp>(
      loc, type, source, offsets, sizes,
      strideSizes(b, tensorTypeOf(source).getRank(), strides));
}

Value nn::insertIntoFilled(OpBuilder &b, Location loc, Value source,
                           RankedTensorType type,
                           ArrayRef<OpFoldResult> destSizes, double value,
                           ArrayRef<OpFoldResult> offsets,
                           ArrayRef<int64_t> strides) {
  Value dest = filled(b, loc, type, destSizes, value);
  return b.create<tensor::InsertSliceOp>(
      loc, source, dest, offsets, sizesOf(b, loc, source),
      strideSizes(b, type.getRank(), strides));
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

/// `v` with its last two dims swapped.
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

Value nn::reshapeLike(OpBuilder &b, Location loc, Value grad, Value like) {
  if (grad.getType() == like.getType())
    return grad;
  return b.create<ReshapeOp>(loc, like.getType(), grad,
                             dynamicSizesOf(b, loc, like));
}

// For Y = A @ B: dA = dY @ B^T, dB = A^T @ dY (over the last two axes,
// summed over broadcast batch axes). A 1-d A is the row [1, K] and a 1-d B
// the column [K, 1], as NumPy: dY gets the dim they lost back first.
LogicalResult MatmulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value lhs = getLhs(), rhs = getRhs(), g = resultGrads[0];
  bool lhsIsVector = getLhs().getType().getRank() == 1;
  bool rhsIsVector = getRhs().getType().getRank() == 1;
  if (rhsIsVector) {
    rhs = unsqueezeAt(b, loc, rhs, 1);
    g = unsqueezeAt(b, loc, g, tensorTypeOf(g).getRank());
  }
  if (lhsIsVector) {
    lhs = unsqueezeAt(b, loc, lhs, 0);
    g = unsqueezeAt(b, loc, g, tensorTypeOf(g).getRank() - 1);
  }
  Value dLhs = b.create<MatmulOp>(loc, g, transposeLastTwo(b, loc, rhs));
  Value dRhs = b.create<MatmulOp>(loc, transposeLastTwo(b, loc, lhs), g);
  dLhs = reduceToShape(b, loc, dLhs, tensorTypeOf(lhs));
  dRhs = reduceToShape(b, loc, dRhs, tensorTypeOf(rhs));
  operandGrads.push_back(reshapeLike(b, loc, dLhs, getLhs()));
  operandGrads.push_back(reshapeLike(b, loc, dRhs, getRhs()));
  return success();
}

// For y = transpose(x, perm): dx = transpose(dy, perm^-1)
LogicalResult TransposeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  operandGrads.push_back(
      b.create<TransposeOp>(getLoc(), getInput().getType(), resultGrads[0],
                            b.getDenseI64ArrayAttr(inverse)));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// d/dx_i sum(x) = 1: dy broadcast back over the reduced axes
LogicalResult SumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(broadcastBack(b, getLoc(), resultGrads[0], getInput(),
                                       getReducedAxes(), getKeepdim()));
  return success();
}

// d/dx_i mean(x) = 1 / N, N the number of elements reduced into one
LogicalResult MeanOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  SmallVector<int64_t> axes = getReducedAxes();
  Value scaled =
      b.create<DivOp>(loc, resultGrads[0], countOf(b, loc, getInput(), axes));
  operandGrads.push_back(
      broadcastBack(b, loc, scaled, getInput(), axes, getKeepdim()));
  return success();
}

/// The gradient of y = max (or min) of `input` over `axes`: dy goes to the
/// elements equal to y, split evenly among ties (as torch.amax / amin), so
/// that the rule is the same for every reduction and ties cannot double it.
static Value extremumGrad(OpBuilder &b, Location loc, Value input, Value y,
                          Value dy, ArrayRef<int64_t> axes, bool keepdim) {
  Value yKept = keepReducedAxes(b, loc, y, axes, keepdim);
  Value dyKept = keepReducedAxes(b, loc, dy, axes, keepdim);
  Value isExtremum =
      b.create<CompareOp>(loc, ComparePredicate::eq, input, yKept);
  Value hits = selectScalars(b, loc, isExtremum, input, 1.0, 0.0);
  Value share = b.create<DivOp>(loc, dyKept, sumKeepdim(b, loc, hits, axes));
  return b.create<MulOp>(loc, hits, share);
}

LogicalResult MaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(extremumGrad(b, getLoc(), getInput(), getResult(),
                                      resultGrads[0], getReducedAxes(),
                                      getKeepdim()));
  return success();
}

LogicalResult MinOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads.push_back(extremumGrad(b, getLoc(), getInput(), getResult(),
                                      resultGrads[0], getReducedAxes(),
                                      getKeepdim()));
  return success();
}

// d/dx_i logsumexp(x) = e^(x_i - y): the softmax over the reduced axes
LogicalResult LogSumExpOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  SmallVector<int64_t> axes = getReducedAxes();
  Value y = keepReducedAxes(b, loc, getResult(), axes, getKeepdim());
  Value dy = keepReducedAxes(b, loc, resultGrads[0], axes, getKeepdim());
  Value probs = b.create<ExpOp>(loc, getInput().getType(),
                                b.create<SubOp>(loc, getInput(), y));
  operandGrads.push_back(b.create<MulOp>(loc, probs, dy));
  return success();
}
