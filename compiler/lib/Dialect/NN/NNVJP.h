//===- NNVJP.h - Helpers shared by the nn VJP rules -------------*- C++ -*-===//
//
// What the reverse-mode rules of every op family (NNVJP*.cpp) build on:
// scalars and zeros of a value's element type, sizes as OpFoldResults,
// summing a broadcast gradient back to an operand's shape, putting reduced
// axes back, and slicing with tensor.extract_slice / insert_slice. Each
// helper builds nn ops (plus tensor and arith ops for sizes and slices) at
// the builder's insertion point. Private to lib/Dialect/NN.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_LIB_DIALECT_NN_NNVJP_H
#define NNC_LIB_DIALECT_NN_NNVJP_H

#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"

namespace nnc::nn {

/// The type of tensor value `v`.
inline mlir::RankedTensorType tensorTypeOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

// ----- Scalars and filled tensors ------------------------------------------

/// A rank-0 tensor holding `value`, of `v`'s element type; broadcasting
/// ops take it as a scalar.
mlir::Value scalarLike(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       double value);
/// A tensor of `type` (whose dynamic dims are those of `sizes`) filled with
/// `value`.
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::RankedTensorType type,
                   llvm::ArrayRef<mlir::OpFoldResult> sizes, double value);
/// A tensor shaped like `v` filled with `value`.
mlir::Value filledLike(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       double value);
/// `mask ? onTrue : onFalse` with rank-0 (scalar) branches of `like`'s
/// element type: a float tensor of `mask`'s shape.
mlir::Value selectScalars(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value mask, mlir::Value like, double onTrue,
                          double onFalse);

// ----- Sizes ---------------------------------------------------------------

/// The sizes of `v`'s dynamic dims, in order, as tensor.dim ops.
llvm::SmallVector<mlir::Value>
dynamicSizesOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// Every size of `v`: an attribute where static, else a tensor.dim.
llvm::SmallVector<mlir::OpFoldResult>
sizesOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// The dynamic sizes (the Values) among `sizes`, in order.
llvm::SmallVector<mlir::Value>
dynamicOf(llvm::ArrayRef<mlir::OpFoldResult> sizes);
/// `lhs + rhs` for sizes: an attribute when both are static.
mlir::OpFoldResult addSizes(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::OpFoldResult lhs, mlir::OpFoldResult rhs);
/// The ranked tensor type of `sizes` (static where a size is an attribute).
mlir::RankedTensorType typeOfSizes(llvm::ArrayRef<mlir::OpFoldResult> sizes,
                                   mlir::Type elementType);
/// The product of `v`'s dims at `axes` as a rank-0 tensor of its element
/// type: a constant when they are static, else computed from tensor.dim.
mlir::Value countOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> axes);

// ----- Broadcasting and reductions -----------------------------------------

/// `grad` (of the shape `grad` broadcast to) with `type`: a no-op when the
/// types agree, a tensor.cast when they differ only in what is static.
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value grad,
                   mlir::Type type);
/// `grad` reshaped to `like`'s type (the same elements in row-major order);
/// itself when the types agree. The gradient of reshape, flatten, squeeze
/// and unsqueeze.
mlir::Value reshapeLike(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value grad, mlir::Value like);
/// Sums `grad`, the gradient of a broadcast result, over the axes along
/// which an operand of `operandType` was broadcast (its missing leading axes
/// and its size-1 dims), then reshapes it to `operandType`.
mlir::Value reduceToShape(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value grad, mlir::RankedTensorType operandType);
/// `reduced`, a reduction over `axes` (ascending), with the reduced axes
/// put back as size 1 unless `keepdim` kept them: it then broadcasts
/// against the reduction's input.
mlir::Value keepReducedAxes(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value reduced, llvm::ArrayRef<int64_t> axes,
                            bool keepdim);
/// `v` with a new axis of size 1 at `axis` (in [0, rank]).
mlir::Value unsqueezeAt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        int64_t axis);
/// `grad`, the gradient of a reduction of `input` over `axes`, broadcast
/// back to `input`'s shape.
mlir::Value broadcastBack(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value grad, mlir::Value input,
                          llvm::ArrayRef<int64_t> axes, bool keepdim);
/// The sum of `v` over `axes`, keeping them as size 1.
mlir::Value sumKeepdim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       llvm::ArrayRef<int64_t> axes);
/// The mean of `v` over `axes`, keeping them as size 1.
mlir::Value meanKeepdim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> axes);

// ----- Slices --------------------------------------------------------------

/// The slice of `source` at `offsets` of `sizes` with `strides` (all ones
/// when empty), of type `type` (which may drop unit dims).
mlir::Value extractSlice(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value source, mlir::RankedTensorType type,
                         llvm::ArrayRef<mlir::OpFoldResult> offsets,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         llvm::ArrayRef<int64_t> strides = {});
/// `source` written into a tensor of `type` (of `source`'s rank; dynamic
/// dims from `destSizes`) filled with `value`, at `offsets` with `strides`
/// (all ones when empty): the gradient of a slice is zeros elsewhere, and
/// strides insert zeros between elements.
mlir::Value insertIntoFilled(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value source, mlir::RankedTensorType type,
                             llvm::ArrayRef<mlir::OpFoldResult> destSizes,
                             double value,
                             llvm::ArrayRef<mlir::OpFoldResult> offsets,
                             llvm::ArrayRef<int64_t> strides = {});

} // namespace nnc::nn

#endif // NNC_LIB_DIALECT_NN_NNVJP_H
