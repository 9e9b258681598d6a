//===- Utils.cpp - Builders shared by the nn-to-linalg patterns -----------===//
//
// Sizes, broadcasting maps, and the elementwise and reducing linalg.generics
// that most nn ops lower to. See Utils.h.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace nnc;

//===----------------------------------------------------------------------===//
// Scalars and types
//===----------------------------------------------------------------------===//

Value nnc::createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, value));
  return b.create<arith::ConstantOp>(
      loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

/// -inf or the minimum (`negative`), +inf or the maximum of `type`.
static Value createExtreme(OpBuilder &b, Location loc, Type type,
                           bool negative) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    APFloat inf = APFloat::getInf(floatType.getFloatSemantics(), negative);
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, inf));
  }
  unsigned width = type.getIntOrFloatBitWidth();
  APInt value = negative ? APInt::getSignedMinValue(width)
                         : APInt::getSignedMaxValue(width);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, value));
}

Value nnc::createLowest(OpBuilder &b, Location loc, Type type) {
  return createExtreme(b, loc, type, /*negative=*/true);
}

Value nnc::createHighest(OpBuilder &b, Location loc, Type type) {
  return createExtreme(b, loc, type, /*negative=*/false);
}

Value nnc::castIndexTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (!isa<FloatType>(type))
    return b.create<arith::IndexCastOp>(loc, type, v);
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), v);
  return b.create<arith::SIToFPOp>(loc, type, i64);
}

Value nnc::toIndexValue(OpBuilder &b, Location loc, OpFoldResult size) {
  return getValueOrCreateConstantIndexOp(b, loc, size);
}

RankedTensorType nnc::tensorTypeOf(ArrayRef<OpFoldResult> sizes,
                                   Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, elementType);
}

Value nnc::castToType(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return b.create<tensor::CastOp>(loc, type, value);
}

//===----------------------------------------------------------------------===//
// Sizes
//===----------------------------------------------------------------------===//

Sizes nnc::getSizes(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

Sizes nnc::sizesFromType(RankedTensorType type, ValueRange dynamicSizes) {
  Sizes sizes;
  Builder b(type.getContext());
  unsigned next = 0;
  for (int64_t dim : type.getShape())
    sizes.push_back(ShapedType::isDynamic(dim)
                        ? OpFoldResult(dynamicSizes[next++])
                        : b.getIndexAttr(dim));
  return sizes;
}

Sizes nnc::refineSizes(ArrayRef<OpFoldResult> sizes, RankedTensorType type) {
  Sizes result(sizes);
  Builder b(type.getContext());
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (!ShapedType::isDynamic(dim))
      result[i] = b.getIndexAttr(dim);
  return result;
}

Sizes nnc::broadcastSizes(ArrayRef<Sizes> operandSizes) {
  size_t rank = 0;
  for (const Sizes &sizes : operandSizes)
    rank = std::max(rank, sizes.size());
  Sizes result;
  for (size_t i = 0; i < rank; ++i) {
    std::optional<OpFoldResult> staticSize, dynamicSize, one;
    for (const Sizes &sizes : operandSizes) {
      if (i + sizes.size() < rank)
        continue;
      OpFoldResult size = sizes[i + sizes.size() - rank];
      std::optional<int64_t> known = getConstantIntValue(size);
      if (!known)
        dynamicSize = dynamicSize.value_or(size);
      else if (*known != 1)
        staticSize = staticSize.value_or(size);
      else
        one = size;
    }
    result.push_back(staticSize    ? *staticSize
                     : dynamicSize ? *dynamicSize
                                   : *one);
  }
  return result;
}

Sizes nnc::dropAxes(ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> axes) {
  Sizes result;
  for (auto [i, size] : llvm::enumerate(sizes))
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      result.push_back(size);
  return result;
}

Value nnc::countAsFloat(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> axes,
                        Type type) {
  int64_t known = 1;
  Value dynamic;
  for (int64_t axis : axes) {
    OpFoldResult size = sizes[axis];
    if (std::optional<int64_t> v = getConstantIntValue(size)) {
      known *= *v;
      continue;
    }
    Value v = cast<Value>(size);
    dynamic = dynamic ? b.create<arith::MulIOp>(loc, dynamic, v) : v;
  }
  if (!dynamic)
    return createScalar(b, loc, type, static_cast<double>(known));
  if (known != 1)
    dynamic = b.create<arith::MulIOp>(
        loc, dynamic, b.create<arith::ConstantIndexOp>(loc, known));
  return castIndexTo(b, loc, dynamic, type);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

Value nnc::createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                       Type elementType) {
  return b.create<tensor::EmptyOp>(loc, sizes, elementType);
}

Value nnc::createFilled(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> sizes, Value value) {
  Value empty = createEmpty(b, loc, sizes, value.getType());
  return b.create<linalg::FillOp>(loc, value, empty).getResult(0);
}

Value nnc::expandShape(OpBuilder &b, Location loc, Value value,
                       ArrayRef<ReassociationIndices> groups,
                       ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(value.getType());
  RankedTensorType resultType = tensorTypeOf(sizes, type.getElementType());
  // Each source dim is static exactly when its group is: the two shapes
  // must agree for the verifiers of tensor and memref expand_shape.
  SmallVector<int64_t> source(type.getShape());
  for (auto [i, group] : llvm::enumerate(groups)) {
    int64_t product = 1, dynamic = 0;
    for (int64_t d : group) {
      if (resultType.isDynamicDim(d))
        ++dynamic;
      else
        product *= resultType.getDimSize(d);
    }
    assert(dynamic <= 1 && "bufferization infers at most one dynamic dim of "
                           "an expand_shape group");
    source[i] = dynamic ? ShapedType::kDynamic : product;
  }
  value = castToType(b, loc, value,
                     RankedTensorType::get(source, type.getElementType()));
  return b.create<tensor::ExpandShapeOp>(loc, resultType, value, groups, sizes);
}

Value nnc::collapseShape(OpBuilder &b, Location loc, Value value,
                         ArrayRef<ReassociationIndices> groups) {
  auto type = cast<RankedTensorType>(value.getType());
  // Collapsing to rank 0 needs static unit dims (memref's verifier).
  if (groups.empty()) {
    SmallVector<int64_t> ones(type.getRank(), 1);
    value = castToType(b, loc, value,
                       RankedTensorType::get(ones, type.getElementType()));
  }
  return b.create<tensor::CollapseShapeOp>(loc, value, groups);
}

Value nnc::insertUnitDim(OpBuilder &b, Location loc, Value value,
                         int64_t axis) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  // Source dim j becomes result dim j or j + 1; the new dim joins the group
  // of the source dim it precedes, or the last group.
  SmallVector<ReassociationIndices> groups;
  for (int64_t j = 0; j < rank; ++j)
    groups.push_back({j < axis ? j : j + 1});
  if (rank > 0 && axis < rank)
    groups[axis].insert(groups[axis].begin(), axis);
  else if (rank > 0)
    groups.back().push_back(axis);
  Sizes sizes = getSizes(b, loc, value);
  sizes.insert(sizes.begin() + axis, b.getIndexAttr(1));
  return expandShape(b, loc, value, groups, sizes);
}

Value nnc::dropUnitDim(OpBuilder &b, Location loc, Value value, int64_t axis) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  // A dynamic dim that must be 1 is made a static 1 first.
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  value = castToType(b, loc, value,
                     RankedTensorType::get(shape, type.getElementType()));
  // Dim `axis` joins the group of the next dim, or of the previous one.
  SmallVector<ReassociationIndices> groups;
  for (int64_t j = 0; j < rank; ++j)
    if (j != axis)
      groups.push_back({j});
  if (axis + 1 < rank)
    groups[axis].insert(groups[axis].begin(), axis);
  else if (rank > 1)
    groups.back().push_back(axis);
  return collapseShape(b, loc, value, groups);
}

Value nnc::mergeDims(OpBuilder &b, Location loc, Value v, int64_t first,
                     int64_t count) {
  if (count == 1)
    return v;
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < cast<RankedTensorType>(v.getType()).getRank();) {
    int64_t size = i == first ? count : 1;
    ReassociationIndices group;
    for (int64_t j = 0; j < size; ++j)
      group.push_back(i + j);
    groups.push_back(group);
    i += size;
  }
  return collapseShape(b, loc, v, groups);
}

Value nnc::splitDim(OpBuilder &b, Location loc, Value v, int64_t first,
                    ArrayRef<OpFoldResult> sizes) {
  if (sizes.size() == 1)
    return v;
  Sizes all = getSizes(b, loc, v), resultSizes;
  SmallVector<ReassociationIndices> groups;
  int64_t next = 0;
  for (int64_t i = 0; i < cast<RankedTensorType>(v.getType()).getRank(); ++i) {
    ArrayRef<OpFoldResult> parts = i == first ? sizes : ArrayRef(all[i]);
    ReassociationIndices group;
    for (OpFoldResult part : parts) {
      group.push_back(next++);
      resultSizes.push_back(part);
    }
    groups.push_back(group);
  }
  return expandShape(b, loc, v, groups, resultSizes);
}

OpFoldResult nnc::divideSize(OpBuilder &b, Location loc, OpFoldResult size,
                             int64_t divisor) {
  if (std::optional<int64_t> known = getConstantIntValue(size))
    return b.getIndexAttr(*known / divisor);
  return b
      .create<arith::DivUIOp>(loc, cast<Value>(size),
                              b.create<arith::ConstantIndexOp>(loc, divisor))
      .getResult();
}

//===----------------------------------------------------------------------===//
// linalg.generic
//===----------------------------------------------------------------------===//

AffineMap nnc::broadcastMap(ArrayRef<int64_t> shape,
                            ArrayRef<OpFoldResult> resultSizes,
                            MLIRContext *ctx) {
  size_t rank = resultSizes.size(), offset = rank - shape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [j, dim] : llvm::enumerate(shape)) {
    bool broadcast =
        dim == 1 && !isConstantIntValue(resultSizes[j + offset], 1);
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(j + offset, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

AffineMap nnc::keptDimsMap(int64_t rank, ArrayRef<int64_t> axes,
                           MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// A linalg.generic writing `init` whose body yields `body`'s value for all
/// block arguments but the last (the output element).
static Value buildGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, Value init,
    ArrayRef<AffineMap> maps, ArrayRef<utils::IteratorType> iterators,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto generic = b.create<linalg::GenericOp>(
      loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

Value nnc::buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                            ArrayRef<OpFoldResult> sizes, Type elementType,
                            BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        cast<RankedTensorType>(input.getType()).getShape(), sizes, ctx));
  maps.push_back(b.getMultiDimIdentityMap(sizes.size()));
  SmallVector<utils::IteratorType> iterators(sizes.size(),
                                             utils::IteratorType::parallel);
  return buildGeneric(b, loc, inputs, createEmpty(b, loc, sizes, elementType),
                      maps, iterators,
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return body(nb, nloc, args.drop_back());
                      });
}

Value nnc::buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                            RankedTensorType resultType, BodyFn body) {
  SmallVector<Sizes> operandSizes;
  for (Value input : inputs)
    operandSizes.push_back(getSizes(b, loc, input));
  Sizes sizes = refineSizes(broadcastSizes(operandSizes), resultType);
  Value result = buildElementwise(b, loc, inputs, sizes,
                                  resultType.getElementType(), body);
  return castToType(b, loc, result, resultType);
}

Value nnc::buildReduction(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> axes, Value init, ValueRange extras,
                          CombineFn combine) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  Value acc =
      createFilled(b, loc, dropAxes(getSizes(b, loc, input), axes), init);
  AffineMap kept = keptDimsMap(rank, axes, b.getContext());
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  maps.append(extras.size() + 1, kept);
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i)
    iterators.push_back(llvm::is_contained(axes, i)
                            ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
  SmallVector<Value> inputs{input};
  inputs.append(extras.begin(), extras.end());
  return buildGeneric(b, loc, inputs, acc, maps, iterators,
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return combine(nb, nloc, args.front(), args.back(),
                                       args.drop_front().drop_back());
                      });
}

Value nnc::buildWithReduced(OpBuilder &b, Location loc, Value input,
                            ArrayRef<int64_t> axes, ValueRange reduced,
                            Type elementType, BodyFn body) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<AffineMap> maps{identity};
  maps.append(reduced.size(), keptDimsMap(rank, axes, b.getContext()));
  maps.push_back(identity);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  SmallVector<Value> inputs{input};
  inputs.append(reduced.begin(), reduced.end());
  Value init = createEmpty(b, loc, getSizes(b, loc, input), elementType);
  return buildGeneric(b, loc, inputs, init, maps, iterators,
                      [&](OpBuilder &nb, Location nloc, ValueRange args) {
                        return body(nb, nloc, args.drop_back());
                      });
}

Value nnc::expandReducedAxes(OpBuilder &b, Location loc, Value reduced,
                             int64_t rank, ArrayRef<int64_t> axes) {
  Sizes keptSizes = getSizes(b, loc, reduced), sizes;
  // Each kept dim's group takes the unit dims before it; the last group
  // also takes those after the last kept dim.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0, kept = 0; i < rank; ++i) {
    pending.push_back(i);
    if (llvm::is_contained(axes, i)) {
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    sizes.push_back(keptSizes[kept++]);
    groups.push_back(pending);
    pending.clear();
  }
  if (!groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return expandShape(b, loc, reduced, groups, sizes);
}
