//===- Matmul.cpp - nn.matmul and nn.transpose to linalg ------------------===//
//
// matmul follows NumPy: a 1-d lhs is a row vector and a 1-d rhs a column
// vector (the added unit dim is dropped from the result again), and leading
// batch dims broadcast. The shapes that occur in models get named ops that
// later tiling and vectorization know: [M, K] @ [K, N] is linalg.matmul;
// [b..., M, K] @ [K, N] collapses the batch dims into M; equal batch dims
// collapse into one for linalg.batch_matmul. Batch dims that broadcast, or
// that hold more than one dynamic size (which could not be split again),
// get a linalg.generic with broadcasting maps.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "nnc/Conversion/NNToLinalg.h"
#include "nnc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace nnc;
using namespace nnc::nn;

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

/// A zero-filled accumulator of `sizes` for a product of `lhs`'s type.
static Value zeroAccumulator(OpBuilder &b, Location loc, Value lhs,
                             ArrayRef<OpFoldResult> sizes) {
  Type elementType = cast<RankedTensorType>(lhs.getType()).getElementType();
  return createFilled(b, loc, sizes, createScalar(b, loc, elementType, 0));
}

/// Whether batch sizes `lhs` and `rhs` need no broadcasting: the same rank,
/// and no static 1 against a size that is not a static 1.
static bool sameBatch(ArrayRef<OpFoldResult> lhs, ArrayRef<OpFoldResult> rhs) {
  if (lhs.size() != rhs.size())
    return false;
  for (auto [l, r] : llvm::zip(lhs, rhs))
    if (isConstantIntValue(l, 1) != isConstantIntValue(r, 1))
      return false;
  return true;
}

/// [M, K] @ [K, N] with linalg.matmul.
static Value matmul2d(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Sizes l = getSizes(b, loc, lhs), r = getSizes(b, loc, rhs);
  Value acc = zeroAccumulator(b, loc, lhs, {l[0], r[1]});
  return b.create<linalg::MatmulOp>(loc, ValueRange{lhs, rhs}, acc)
      .getResult(0);
}

/// [B, M, K] @ [B, K, N] with linalg.batch_matmul.
static Value batchMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Sizes l = getSizes(b, loc, lhs), r = getSizes(b, loc, rhs);
  Sizes batch = broadcastSizes({Sizes{l[0]}, Sizes{r[0]}});
  Value acc = zeroAccumulator(b, loc, lhs, {batch[0], l[1], r[2]});
  return b.create<linalg::BatchMatmulOp>(loc, ValueRange{lhs, rhs}, acc)
      .getResult(0);
}

/// [b..., M, K] @ [c..., K, N] with broadcast batch dims, as a generic over
/// (batch..., m, n, k).
static Value broadcastMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Sizes l = getSizes(b, loc, lhs), r = getSizes(b, loc, rhs);
  Sizes lb(l.begin(), l.end() - 2), rb(r.begin(), r.end() - 2);
  Sizes batch = broadcastSizes({lb, rb});
  int64_t nb = batch.size();
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
             k = getAffineDimExpr(nb + 2, ctx);
  // The batch part of an operand's map, then its two matrix dims.
  auto operandMap = [&](Value v, AffineExpr row, AffineExpr col) {
    ArrayRef<int64_t> shape = cast<RankedTensorType>(v.getType()).getShape();
    AffineMap batchMap = broadcastMap(shape.drop_back(2), batch, ctx);
    SmallVector<AffineExpr> exprs(batchMap.getResults());
    exprs.append({row, col});
    return AffineMap::get(nb + 3, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < nb; ++i)
    outExprs.push_back(getAffineDimExpr(i, ctx));
  outExprs.append({m, n});
  SmallVector<AffineMap> maps{operandMap(lhs, m, k), operandMap(rhs, k, n),
                              AffineMap::get(nb + 3, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(nb + 2,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Sizes outSizes = batch;
  outSizes.append({l[l.size() - 2], r.back()});
  Value acc = zeroAccumulator(b, loc, lhs, outSizes);
  auto generic = b.create<linalg::GenericOp>(
      loc, acc.getType(), ValueRange{lhs, rhs}, acc, maps, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value product = nb.create<arith::MulFOp>(nloc, args[0], args[1]);
        nb.create<linalg::YieldOp>(
            nloc, ValueRange{nb.create<arith::AddFOp>(nloc, args[2], product)});
      });
  return generic.getResult(0);
}

/// Whether at most one of `sizes` is dynamic, so that one dim can be split
/// into them.
static bool splittable(ArrayRef<OpFoldResult> sizes) {
  return llvm::count_if(sizes, [](OpFoldResult size) {
           return !getConstantIntValue(size);
         }) <= 1;
}

/// `lhs` @ `rhs` for operands of rank >= 2.
static Value multiply(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  int64_t lr = rankOf(lhs), rr = rankOf(rhs);
  if (lr == 2 && rr == 2)
    return matmul2d(b, loc, lhs, rhs);
  Sizes l = getSizes(b, loc, lhs), r = getSizes(b, loc, rhs);
  Sizes lb(l.begin(), l.end() - 2), rb(r.begin(), r.end() - 2);
  Sizes rows(l.begin(), l.end() - 1), batch = broadcastSizes({lb, rb});
  if (rr == 2 && splittable(rows)) {
    // [b..., M, K] @ [K, N] = ([b... * M, K] @ [K, N]) split again.
    Value flat = matmul2d(b, loc, mergeDims(b, loc, lhs, 0, lr - 1), rhs);
    return splitDim(b, loc, flat, 0, rows);
  }
  if (!sameBatch(lb, rb) || !splittable(batch))
    return broadcastMatmul(b, loc, lhs, rhs);
  int64_t nb = lb.size();
  Value product = batchMatmul(b, loc, mergeDims(b, loc, lhs, 0, nb),
                              mergeDims(b, loc, rhs, 0, nb));
  return splitDim(b, loc, product, 0, batch);
}

namespace {
/// nn.matmul to linalg.matmul, linalg.batch_matmul or a linalg.generic.
struct MatmulOpLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    bool lhsVector = rankOf(lhs) == 1, rhsVector = rankOf(rhs) == 1;
    if (lhsVector)
      lhs = insertUnitDim(rewriter, loc, lhs, 0);
    if (rhsVector)
      rhs = insertUnitDim(rewriter, loc, rhs, 1);
    Value product = multiply(rewriter, loc, lhs, rhs);
    int64_t rank = rankOf(product);
    if (rhsVector)
      product = dropUnitDim(rewriter, loc, product, rank - 1);
    if (lhsVector)
      product = dropUnitDim(rewriter, loc, product, rank - 2);
    rewriter.replaceOp(op, castToType(rewriter, loc, product, op.getType()));
    return success();
  }
};

/// nn.transpose to linalg.transpose (negative axes normalized).
struct TransposeOpLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = rankOf(input);
    SmallVector<int64_t> perm;
    for (int64_t axis : op.getPerm())
      perm.push_back(normalizedAxis(axis, rank));
    Sizes sizes = getSizes(rewriter, loc, input), permuted;
    for (int64_t axis : perm)
      permuted.push_back(sizes[axis]);
    Value init =
        createEmpty(rewriter, loc, permuted, op.getType().getElementType());
    Value result = rewriter.create<linalg::TransposeOp>(loc, input, init, perm)
                       .getResult()[0];
    rewriter.replaceOp(op, castToType(rewriter, loc, result, op.getType()));
    return success();
  }
};
} // namespace

void nnc::populateNNMatmulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulOpLowering, TransposeOpLowering>(patterns.getContext());
}
