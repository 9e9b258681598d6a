//===- NNOps.cpp - nn dialect operations ----------------------------------===//
//
// The generated op definitions, the conversions between MLIR tensor types
// and nnc/Shape shapes, the inferring builders' type rules, and the checks
// that every verifier builds on. The verifiers themselves are by family in
// NNElementwiseOps.cpp, NNNeuralOps.cpp and NNShapeOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "nnc/Dialect/NN/NNOps.h"
#include "NNVerify.h"

#include "mlir/IR/TypeUtilities.h"

#include <cstdio>

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

#define GET_OP_CLASSES
#include "nnc/Dialect/NN/NNOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Types and shapes
//===----------------------------------------------------------------------===//

shape::Shape nn::toShape(ShapedType type) {
  shape::Shape s;
  for (int64_t d : type.getShape())
    s.push_back(ShapedType::isDynamic(d) ? shape::Dim::unknown()
                                         : shape::Dim::known(d));
  return s;
}

RankedTensorType nn::toTensorType(const shape::Shape &s, Type elementType) {
  SmallVector<int64_t> dims;
  for (const shape::Dim &d : s)
    dims.push_back(d.isKnown() ? d.value() : ShapedType::kDynamic);
  return RankedTensorType::get(dims, elementType);
}

Type nn::inferBroadcastType(Type lhs, Type rhs, Type elementType) {
  auto l = dyn_cast<RankedTensorType>(lhs), r = dyn_cast<RankedTensorType>(rhs);
  if (!l || !r)
    return lhs;
  shape::ShapeResult b = shape::broadcast(toShape(l), toShape(r));
  if (!b)
    return lhs;
  return toTensorType(*b.shape, elementType ? elementType : l.getElementType());
}

Type nn::inferMatmulType(Type lhs, Type rhs) {
  auto l = dyn_cast<RankedTensorType>(lhs), r = dyn_cast<RankedTensorType>(rhs);
  if (!l || !r)
    return lhs;
  shape::ShapeResult m = shape::inferMatmul(toShape(l), toShape(r));
  if (!m)
    return lhs;
  return toTensorType(*m.shape, l.getElementType());
}

SmallVector<int64_t> nn::reducedAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes)
    result.push_back(normalizedAxis(axis, rank));
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      result.push_back(i);
  llvm::sort(result);
  return result;
}

//===----------------------------------------------------------------------===//
// Shared verifier checks
//===----------------------------------------------------------------------===//

shape::Shape nn::shapeOf(Value v) {
  return toShape(cast<ShapedType>(v.getType()));
}

/// `f32`, `bool`, ...: an element type as the language spells it.
static std::string elementStr(Type t) {
  if (t.isInteger(1))
    return "bool";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

std::string nn::typeStr(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return elementStr(type);
  return elementStr(shaped.getElementType()) + shape::shapeStr(toShape(shaped));
}

std::string nn::numStr(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Whether a result of shape `actual` may have shape `inferred`: the same
/// rank, and equal dims wherever both are known.
static bool fits(const shape::Shape &actual, const shape::Shape &inferred) {
  if (actual.size() != inferred.size())
    return false;
  for (size_t i = 0; i < actual.size(); ++i)
    if (!actual[i].compatible(inferred[i]))
      return false;
  return true;
}

LogicalResult nn::verifyShapeRule(Operation *op, const shape::ShapeResult &rule,
                                  Value result) {
  if (!rule)
    return op->emitOpError(rule.error);
  shape::Shape actual = shapeOf(result);
  if (fits(actual, *rule.shape))
    return success();
  return op->emitOpError("expected result shape ")
         << shape::shapeStr(*rule.shape) << ", found "
         << shape::shapeStr(actual);
}

LogicalResult nn::verifyDynamicSizes(Operation *op, ValueRange sizes,
                                     Value result) {
  auto type = cast<ShapedType>(result.getType());
  int64_t dynamic = type.getNumDynamicDims();
  if (static_cast<int64_t>(sizes.size()) == dynamic)
    return success();
  return op->emitOpError("expected ")
         << dynamic << " dynamic size" << (dynamic == 1 ? "" : "s")
         << " for result shape " << shape::shapeStr(toShape(type)) << ", found "
         << sizes.size();
}
