//===- Utils.h - Builders shared by the nn-to-linalg patterns ---*- C++ -*-===//
//
// What the patterns of every op family build on: sizes as OpFoldResults
// (static attributes or tensor.dim values), NumPy broadcasting through
// indexing maps, elementwise and reducing linalg.generics, unit-dim
// insertion and removal with expand/collapse_shape, scalar constants.
// Private to lib/Conversion/NNToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_CONVERSION_NNTOLINALG_UTILS_H
#define NNC_LIB_CONVERSION_NNTOLINALG_UTILS_H

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace nnc {

/// Builds the scalar result of a linalg.generic body from its input
/// elements (the output element is not passed).
using BodyFn = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;
/// Folds `element` into the accumulator `acc` of a reduction; `extras` are
/// the elements of tensors of the reduced shape (a row's max, ...).
using CombineFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value element, mlir::Value acc,
    mlir::ValueRange extras)>;

using Sizes = llvm::SmallVector<mlir::OpFoldResult>;

// ----- Scalars and types ---------------------------------------------------

/// `value` as an arith.constant of scalar type `type` (float, integer, i1).
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);
/// The lowest value of `type`: -inf for floats, the minimum for integers.
mlir::Value createLowest(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type);
/// The highest value of `type`: +inf for floats, the maximum for integers.
mlir::Value createHighest(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type type);
/// The index `v` (an index value) converted to float or integer `type`.
mlir::Value castIndexTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        mlir::Type type);
/// `size` as an index value (a constant when it is static).
mlir::Value toIndexValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::OpFoldResult size);
/// The tensor type of `sizes`: static where a size is an attribute.
mlir::RankedTensorType tensorTypeOf(llvm::ArrayRef<mlir::OpFoldResult> sizes,
                                    mlir::Type elementType);
/// `value` with type `type` through a tensor.cast when the two differ only
/// in what they know statically; `value` itself when they are equal.
mlir::Value castToType(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value value, mlir::Type type);

// ----- Sizes ---------------------------------------------------------------

/// The sizes of tensor `value`.
Sizes getSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);
/// The sizes of a result of `type` whose dynamic dims are `dynamicSizes`,
/// in order (the constructors' and reshape's convention).
Sizes sizesFromType(mlir::RankedTensorType type, mlir::ValueRange dynamicSizes);
/// `sizes` where `type` knows a dim statically replaced by that size.
Sizes refineSizes(llvm::ArrayRef<mlir::OpFoldResult> sizes,
                  mlir::RankedTensorType type);
/// The NumPy broadcast of size lists (aligned at the end): a static size
/// other than 1 wins, then a dynamic one (which never broadcasts, so it is
/// the result's size), else 1.
Sizes broadcastSizes(llvm::ArrayRef<Sizes> operandSizes);
/// `sizes` without the dims in `axes` (sorted).
Sizes dropAxes(llvm::ArrayRef<mlir::OpFoldResult> sizes,
               llvm::ArrayRef<int64_t> axes);
/// The product of `sizes` at `axes` (the number of elements a reduction
/// over `axes` sees) as a scalar of float type `type`.
mlir::Value countAsFloat(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         llvm::ArrayRef<int64_t> axes, mlir::Type type);

// ----- Tensors -------------------------------------------------------------

/// tensor.empty of `sizes`.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type elementType);
/// tensor.empty of `sizes` filled with the scalar `value` (linalg.fill).
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);
/// tensor.expand_shape of `value` into `sizes` by `groups`, with `value`
/// cast first so that a dim is static exactly when its group is. A group
/// may hold one dynamic size at most (bufferization cannot infer more).
mlir::Value expandShape(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value,
                        llvm::ArrayRef<mlir::ReassociationIndices> groups,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);
/// tensor.collapse_shape of `value` by `groups`; to rank 0 (no groups) the
/// unit dims are made static first.
mlir::Value collapseShape(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value,
                          llvm::ArrayRef<mlir::ReassociationIndices> groups);
/// `value` with a new unit dim at `axis` (expand_shape).
mlir::Value insertUnitDim(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, int64_t axis);
/// `value` without dim `axis`, which must be 1 at run time (collapse_shape).
mlir::Value dropUnitDim(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, int64_t axis);
/// Dims [first, first + count) of `v` merged into one (collapse_shape).
mlir::Value mergeDims(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      int64_t first, int64_t count);
/// Dim `first` of `v` split into dims of `sizes`, at most one of them
/// dynamic (expand_shape).
mlir::Value splitDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     int64_t first, llvm::ArrayRef<mlir::OpFoldResult> sizes);
/// `size` / `divisor` (exact at run time).
mlir::OpFoldResult divideSize(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::OpFoldResult size, int64_t divisor);

// ----- linalg.generic ------------------------------------------------------

/// The map reading an operand of static shape `shape` in a loop nest over
/// `resultSizes`, NumPy-broadcast (aligned at the end; a static 1 against
/// anything else reads index 0).
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<mlir::OpFoldResult> resultSizes,
                             mlir::MLIRContext *ctx);
/// The map (d0, ..., d{rank-1}) -> (the dims not in `axes`).
mlir::AffineMap keptDimsMap(int64_t rank, llvm::ArrayRef<int64_t> axes,
                            mlir::MLIRContext *ctx);
/// An elementwise linalg.generic over `sizes` with `inputs` broadcast to
/// them, producing `elementType` with `body`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::ValueRange inputs,
                             llvm::ArrayRef<mlir::OpFoldResult> sizes,
                             mlir::Type elementType, BodyFn body);
/// The same over the broadcast shape of `inputs`, refined by and cast to
/// `resultType`.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::ValueRange inputs,
                             mlir::RankedTensorType resultType, BodyFn body);
/// Reduces `input` over `axes` (sorted, in [0, rank)) from the scalar `init`
/// with `combine`; `extras` have the reduced shape. The result has the
/// reduced shape (no unit dims) and `init`'s type.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> axes,
                           mlir::Value init, mlir::ValueRange extras,
                           CombineFn combine);
/// An elementwise linalg.generic over `input`'s shape that also reads
/// `reduced` (tensors of `input`'s shape without `axes`) broadcast back
/// along `axes`; `body` gets the input element, then the reduced ones.
mlir::Value buildWithReduced(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value input, llvm::ArrayRef<int64_t> axes,
                             mlir::ValueRange reduced, mlir::Type elementType,
                             BodyFn body);
/// `reduced` (of rank `rank` - |axes|) with unit dims put back at `axes`:
/// the `keepdim` form of a reduction.
mlir::Value expandReducedAxes(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value reduced, int64_t rank,
                              llvm::ArrayRef<int64_t> axes);

} // namespace nnc

#endif // NNC_LIB_CONVERSION_NNTOLINALG_UTILS_H
