//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
//
// The ops of the nn dialect (generated from NNOps.td), the VJP interface
// (NNInterfaces.td), the NotDifferentiable marker trait, the random-state
// resource, and the conversions between MLIR tensor types and the shapes of
// nnc/Shape that the verifiers and the inferring builders use.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DIALECT_NN_NNOPS_H
#define NNC_DIALECT_NN_NNOPS_H

#include "nnc/Dialect/NN/NNDialect.h"
#include "nnc/Shape/Shape.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace nnc::nn {

/// Marks an op that has no gradient (comparisons, argmax, constructors), so
/// that autodiff stops there rather than assuming a missing rule.
template <typename ConcreteType>
class NotDifferentiable
    : public mlir::OpTrait::TraitBase<ConcreteType, NotDifferentiable> {};

/// The counter-based random state that the random ops and dropout read and
/// advance; the effect keeps them from being hoisted, merged or erased.
struct RNGStateResource
    : public mlir::SideEffects::Resource::Base<RNGStateResource> {
  llvm::StringRef getName() final { return "nn.rng_state"; }
};

/// The shape of `type` for the shape rules: dynamic dims become unknown.
shape::Shape toShape(mlir::ShapedType type);
/// A ranked tensor type of shape `s`: dims that are not known become dynamic.
mlir::RankedTensorType toTensorType(const shape::Shape &s,
                                    mlir::Type elementType);
/// The broadcast of two tensor types, with `elementType` or else `lhs`'s
/// element type; `lhs` itself when they do not broadcast (the verifier
/// then reports it).
mlir::Type inferBroadcastType(mlir::Type lhs, mlir::Type rhs,
                              mlir::Type elementType = {});
/// The type of `lhs @ rhs`; `lhs` itself when the shapes do not fit.
mlir::Type inferMatmulType(mlir::Type lhs, mlir::Type rhs);
/// `axis` (in [-rank, rank), as verified) in [0, rank).
inline int64_t normalizedAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}
/// A reduction's `axes` normalized and sorted; all axes when empty.
llvm::SmallVector<int64_t> reducedAxes(llvm::ArrayRef<int64_t> axes,
                                       int64_t rank);

} // namespace nnc::nn

#include "nnc/Dialect/NN/NNEnums.h.inc"
#include "nnc/Dialect/NN/NNInterfaces.h.inc"

#define GET_OP_CLASSES
#include "nnc/Dialect/NN/NNOps.h.inc"

#endif // NNC_DIALECT_NN_NNOPS_H
