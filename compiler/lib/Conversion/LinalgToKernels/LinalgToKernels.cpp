//===- LinalgToKernels.cpp - The convert-linalg-to-kernels pass -----------===//
//
// Replaces the f32 matmuls and convolutions of a bufferized module by calls
// of the runtime's kernels (runtime/include/nnrt/kernels.h): cache-blocked,
// packed, vectorized and threaded, where the loops linalg-to-loops would
// make run at a small fraction of the machine's peak. Operands are cast to
// fully dynamic strided memrefs, so one declaration per kernel serves every
// shape and layout; the kernels read the strides from the descriptors.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace nnc {
#define GEN_PASS_DEF_CONVERTLINALGTOKERNELSPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;

/// `memref<?x...xf32, strided<[?, ...], offset: ?>>` of rank `rank`.
static MemRefType dynamicStrided(MLIRContext *ctx, unsigned rank) {
  SmallVector<int64_t> dyn(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(ctx, ShapedType::kDynamic, dyn);
  return MemRefType::get(dyn, Float32Type::get(ctx), layout);
}

/// Whether every operand is an f32 memref (kernels exist for f32 only).
static bool allF32Memrefs(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type t) {
    auto m = dyn_cast<MemRefType>(t);
    return m && m.getElementType().isF32();
  });
}

/// The kernel `name` taking the memrefs of `ranks` then `numInts` i64s,
/// declared once in `module` with the C interface the runtime implements
/// (`_mlir_ciface_<name>`).
static func::FuncOp kernel(ModuleOp module, StringRef name,
                           ArrayRef<unsigned> ranks, unsigned numInts) {
  if (auto fn = module.lookupSymbol<func::FuncOp>(name))
    return fn;
  MLIRContext *ctx = module.getContext();
  SmallVector<Type> inputs;
  for (unsigned rank : ranks)
    inputs.push_back(dynamicStrided(ctx, rank));
  inputs.append(numInts, IntegerType::get(ctx, 64));
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(module.getLoc(), name,
                                   b.getFunctionType(inputs, {}));
  fn.setPrivate();
  fn->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  return fn;
}

/// `v` (a memref of rank 2 or 3) with its last two dims swapped: a view.
static Value swapLastTwo(RewriterBase &rewriter, Location loc, Value v) {
  int64_t rank = cast<MemRefType>(v.getType()).getRank();
  SmallVector<unsigned> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i < rank - 2 ? i : (i == rank - 2 ? rank - 1 : rank - 2));
  return rewriter.create<memref::TransposeOp>(
      loc, v,
      AffineMapAttr::get(AffineMap::getPermutationMap(perm,
                                                      rewriter.getContext())));
}

/// The operands of a matmul for the plain kernel: a matmul_transpose_a or
/// _b (fold-transposes-into-matmuls) reads that operand through a
/// transposed view, which the kernels take as strides.
static SmallVector<Value> matmulOperands(RewriterBase &rewriter,
                                         Operation *op) {
  SmallVector<Value> operands(op->getOperands());
  if (isa<linalg::MatmulTransposeAOp, linalg::BatchMatmulTransposeAOp>(op))
    operands[0] = swapLastTwo(rewriter, op->getLoc(), operands[0]);
  if (isa<linalg::MatmulTransposeBOp, linalg::BatchMatmulTransposeBOp>(op))
    operands[1] = swapLastTwo(rewriter, op->getLoc(), operands[1]);
  return operands;
}

/// Replaces `op` by a call of `fn` on `operands` (cast to the kernel's
/// memref types), then `ints`.
static void replaceByCall(RewriterBase &rewriter, Operation *op,
                          ValueRange operands, func::FuncOp fn,
                          ArrayRef<int64_t> ints) {
  Location loc = op->getLoc();
  SmallVector<Value> args;
  FunctionType type = fn.getFunctionType();
  for (auto [operand, t] : llvm::zip(operands, type.getInputs()))
    args.push_back(operand.getType() == t
                       ? operand
                       : rewriter.create<memref::CastOp>(loc, t, operand));
  for (int64_t v : ints)
    args.push_back(rewriter.create<arith::ConstantIntOp>(loc, v, 64));
  rewriter.create<func::CallOp>(loc, fn, args);
  rewriter.eraseOp(op);
}

/// Whether `op`'s output buffer was filled with zeros for it alone: a
/// linalg.fill of 0.0 into that very buffer earlier in the block, with no
/// other use of the buffer in between. The fill is then erased and the
/// kernel told to overwrite its output instead of adding to it (one pass
/// over the buffer fewer; the same bits, as 0 + x is x).
static bool takeZeroFill(RewriterBase &rewriter, Operation *op) {
  Value out = op->getOperands().back();
  Block *block = op->getBlock();
  linalg::FillOp fill;
  for (Operation *user : out.getUsers()) {
    if (user == op)
      continue;
    if (user->getBlock() != block)
      return false;
    if (!user->isBeforeInBlock(op))
      continue; // after the kernel: no matter
    auto f = dyn_cast<linalg::FillOp>(user);
    if (f && f.getOutputs().front() == out &&
        (!fill || fill->isBeforeInBlock(f)))
      fill = f;
  }
  if (!fill)
    return false;
  // Any other use between the fill and the kernel reads or writes it.
  for (Operation *user : out.getUsers())
    if (user != op && user != fill.getOperation() &&
        fill->isBeforeInBlock(user) && user->isBeforeInBlock(op))
      return false;
  auto zero = fill.getInputs().front().getDefiningOp<arith::ConstantOp>();
  auto value = zero ? dyn_cast<FloatAttr>(zero.getValue()) : FloatAttr();
  if (!value || !value.getValue().isZero())
    return false;
  rewriter.eraseOp(fill);
  return true;
}

namespace {
struct ConvertLinalgToKernelsPass
    : nnc::impl::ConvertLinalgToKernelsPassBase<ConvertLinalgToKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
              linalg::MatmulTransposeBOp, linalg::BatchMatmulOp,
              linalg::BatchMatmulTransposeAOp, linalg::BatchMatmulTransposeBOp,
              linalg::Conv2DNchwFchwOp>(op) &&
          allF32Memrefs(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      // The last int: 1 to add to the output, 0 to overwrite it.
      int64_t accumulate = takeZeroFill(rewriter, op) ? 0 : 1;
      if (isa<linalg::MatmulOp, linalg::MatmulTransposeAOp,
              linalg::MatmulTransposeBOp>(op)) {
        replaceByCall(rewriter, op, matmulOperands(rewriter, op),
                      kernel(module, "nnrt_matmul_f32", {2, 2, 2}, 1),
                      {accumulate});
      } else if (isa<linalg::BatchMatmulOp, linalg::BatchMatmulTransposeAOp,
                     linalg::BatchMatmulTransposeBOp>(op)) {
        replaceByCall(rewriter, op, matmulOperands(rewriter, op),
                      kernel(module, "nnrt_batch_matmul_f32", {3, 3, 3}, 1),
                      {accumulate});
      } else {
        auto conv = cast<linalg::Conv2DNchwFchwOp>(op);
        auto strides = conv.getStrides().getValues<int64_t>();
        auto dilations = conv.getDilations().getValues<int64_t>();
        replaceByCall(
            rewriter, op, op->getOperands(),
            kernel(module, "nnrt_conv2d_nchw_fchw_f32", {4, 4, 4}, 5),
            {strides[0], strides[1], dilations[0], dilations[1], accumulate});
      }
    }
  }
};
} // namespace
