//===- FoldTransposes.cpp - The fold-transposes-into-matmuls pass ---------===//
//
// Matmuls that multiply by a transpose read it through a transposed view
// (matmul_transpose_a/_b) instead of a materialized copy, products that
// are transposed afterwards are computed in the transposed layout, and
// transposes of transposes that cancel disappear.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace nnc {
#define GEN_PASS_DEF_FOLDTRANSPOSESINTOMATMULSPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;

/// The input of `v`'s defining transpose when it swaps the last two of
/// `rank` dims and nothing else, or null.
static Value swappedInput(Value v, int64_t rank) {
  auto t = v.getDefiningOp<linalg::TransposeOp>();
  if (!t || !t.hasPureTensorSemantics())
    return nullptr;
  ArrayRef<int64_t> perm = t.getPermutation();
  if (static_cast<int64_t>(perm.size()) != rank)
    return nullptr;
  for (int64_t i = 0; i < rank - 2; ++i)
    if (perm[i] != i)
      return nullptr;
  if (perm[rank - 2] != rank - 1 || perm[rank - 1] != rank - 2)
    return nullptr;
  return t.getInput();
}

namespace {
/// transpose(transpose(x)) with perms composing to the identity -> x.
struct CancelTransposes : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!op.hasPureTensorSemantics() || !inner ||
        !inner.hasPureTensorSemantics())
      return failure();
    ArrayRef<int64_t> outer = op.getPermutation(), in = inner.getPermutation();
    // Result dim i is inner's dim outer[i], which is x's dim in[outer[i]].
    for (size_t i = 0; i < outer.size(); ++i)
      if (in[outer[i]] != static_cast<int64_t>(i))
        return failure();
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};

/// matmul(transpose(a), b) -> matmul_transpose_a(a, b), and likewise for B
/// and for batch matmuls.
template <typename Matmul, typename TransposeA, typename TransposeB>
struct FoldIntoMatmul : OpRewritePattern<Matmul> {
  using OpRewritePattern<Matmul>::OpRewritePattern;
  LogicalResult matchAndRewrite(Matmul op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value a = op.getInputs()[0], b = op.getInputs()[1];
    int64_t rank = cast<ShapedType>(a.getType()).getRank();
    // A swap of a swap is the operand itself.
    Value aa = swappedInput(a, rank), bb = swappedInput(b, rank);
    Value a2 = aa ? swappedInput(aa, rank) : nullptr;
    Value b2 = bb ? swappedInput(bb, rank) : nullptr;
    if (a2 || b2) {
      rewriter.modifyOpInPlace(op, [&] {
        op->setOperand(0, a2 ? a2 : a);
        op->setOperand(1, b2 ? b2 : b);
      });
      return success();
    }
    if (Value x = aa) {
      rewriter.replaceOpWithNewOp<TransposeA>(
          op, op.getResultTypes(), ValueRange{x, b}, op.getOutputs());
      return success();
    }
    if (Value y = bb) {
      rewriter.replaceOpWithNewOp<TransposeB>(
          op, op.getResultTypes(), ValueRange{a, y}, op.getOutputs());
      return success();
    }
    return failure();
  }
};

/// transpose(matmul_transpose_a(x, b)) -> matmul_transpose_a(b, x), and
/// transpose(matmul_transpose_b(a, y)) -> matmul_transpose_b(y, a): a
/// weight's gradient (x^T g, then transposed to the weight's layout)
/// computed in that layout directly. Only for a product into zeros used
/// by the transpose alone.
struct TransposeOfProduct : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Operation *product = op.getInput().getDefiningOp();
    if (!op.hasPureTensorSemantics() || !product ||
        !isa<linalg::MatmulTransposeAOp, linalg::MatmulTransposeBOp>(product) ||
        !product->hasOneUse() || op.getPermutation().size() != 2)
      return failure();
    auto linalgOp = cast<linalg::LinalgOp>(product);
    auto zeros =
        linalgOp.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!zeros)
      return failure();
    Value init = rewriter
                     .create<linalg::FillOp>(op.getLoc(), zeros.getInputs(),
                                             ValueRange{op.getInit()})
                     .getResult(0);
    Value a = linalgOp.getDpsInputs()[0], b = linalgOp.getDpsInputs()[1];
    if (isa<linalg::MatmulTransposeAOp>(product))
      rewriter.replaceOpWithNewOp<linalg::MatmulTransposeAOp>(
          op, op->getResultTypes(), ValueRange{b, a}, ValueRange{init});
    else
      rewriter.replaceOpWithNewOp<linalg::MatmulTransposeBOp>(
          op, op->getResultTypes(), ValueRange{b, a}, ValueRange{init});
    return success();
  }
};

struct FoldTransposesIntoMatmulsPass
    : nnc::impl::FoldTransposesIntoMatmulsPassBase<
          FoldTransposesIntoMatmulsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CancelTransposes, TransposeOfProduct,
                 FoldIntoMatmul<linalg::MatmulOp, linalg::MatmulTransposeAOp,
                                linalg::MatmulTransposeBOp>,
                 FoldIntoMatmul<linalg::BatchMatmulOp,
                                linalg::BatchMatmulTransposeAOp,
                                linalg::BatchMatmulTransposeBOp>>(
        &getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(),
                                            std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
