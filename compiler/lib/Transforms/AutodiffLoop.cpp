//===- AutodiffLoop.cpp - Gradients through loops over run-time sizes -----===//
//
// An scf.for (a `for` whose trip count is known only at run time) is
// differentiated by stacking and recomputing:
//   - the loop is rewritten to also write each iteration's carried values
//     into a stack, one row per iteration ("tapes", tensor<N x ...>);
//   - a reverse loop runs the iterations backwards: it takes the carried
//     values of iteration i from the stacks, recomputes the body from them
//     and backpropagates through it, carrying the gradient of the carried
//     values and accumulating the gradients of the values the body uses
//     from outside (parameters, inputs).
// Only the carried values are kept; everything else in the body is
// recomputed, once per iteration.
//
//===----------------------------------------------------------------------===//

#include "Autodiff.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;
using namespace nnc::autodiff;

/// The sizes of one row of a stack, [1, sizes of `like`...], where `like`
/// is a value of the row's type.
static SmallVector<OpFoldResult> rowSizes(OpBuilder &b, Location loc,
                                          Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1)};
  for (int64_t i = 0; i < type.getRank(); ++i)
    sizes.push_back(type.isDynamicDim(i)
                        ? OpFoldResult(b.create<tensor::DimOp>(loc, like, i)
                                           .getResult())
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(i))));
  return sizes;
}

/// Offsets [row, 0, ...] and unit strides for a row of a rank-`rank` value.
static std::pair<SmallVector<OpFoldResult>, SmallVector<OpFoldResult>>
rowPlace(OpBuilder &b, Value row, int64_t rank) {
  SmallVector<OpFoldResult> offsets{row}, strides{b.getIndexAttr(1)};
  for (int64_t i = 0; i < rank; ++i) {
    offsets.push_back(b.getIndexAttr(0));
    strides.push_back(b.getIndexAttr(1));
  }
  return {offsets, strides};
}

/// The iteration number of induction value `iv`: (iv - lb) / step.
static Value iterationOf(OpBuilder &b, Location loc, scf::ForOp loop,
                         Value iv) {
  Value d = b.create<arith::SubIOp>(loc, iv, loop.getLowerBound());
  return b.create<arith::DivUIOp>(loc, d, loop.getStep());
}

/// Replaces `loop` by one that also returns the stacks of its carried
/// values, one row per iteration; returns the new loop.
static scf::ForOp addTapes(scf::ForOp loop, Value count) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  unsigned n = loop.getNumRegionIterArgs();
  SmallVector<Value> inits(loop.getInitArgs());
  for (Value init : loop.getInitArgs()) {
    auto type = cast<RankedTensorType>(init.getType());
    SmallVector<int64_t> shape{ShapedType::kDynamic};
    llvm::append_range(shape, type.getShape());
    SmallVector<Value> dynamic{count};
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i))
        dynamic.push_back(b.create<tensor::DimOp>(loc, init, i));
    inits.push_back(
        b.create<tensor::EmptyOp>(loc, shape, type.getElementType(), dynamic));
  }
  auto tapeLoop = b.create<scf::ForOp>(
      loc, loop.getLowerBound(), loop.getUpperBound(), loop.getStep(), inits,
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        IRMapping map;
        map.map(loop.getInductionVar(), iv);
        Value row = iterationOf(nb, l, loop, iv);
        SmallVector<Value> tapes;
        for (unsigned k = 0; k < n; ++k) {
          map.map(loop.getRegionIterArg(k), args[k]);
          int64_t rank = cast<RankedTensorType>(args[k].getType()).getRank();
          auto [offsets, strides] = rowPlace(nb, row, rank);
          tapes.push_back(nb.create<tensor::InsertSliceOp>(
              l, args[k], args[n + k], offsets, rowSizes(nb, l, args[k]),
              strides));
        }
        for (Operation &op : loop.getBody()->without_terminator())
          nb.clone(op, map);
        SmallVector<Value> yields;
        for (Value v : loop.getBody()->getTerminator()->getOperands())
          yields.push_back(map.lookupOrDefault(v));
        llvm::append_range(yields, tapes);
        nb.create<scf::YieldOp>(l, yields);
      });
  loop.replaceAllUsesWith(tapeLoop.getResults().take_front(n));
  loop.erase();
  return tapeLoop;
}

LogicalResult nnc::autodiff::backpropagateLoop(OpBuilder &b, scf::ForOp loop,
                                               GradientMap &grads) {
  Location loc = loop.getLoc();
  unsigned n = loop.getNumRegionIterArgs();
  for (Value init : loop.getInitArgs())
    if (!isa<RankedTensorType>(init.getType()))
      return loop.emitError() << "cannot differentiate the loss through this "
                                 "loop: it carries a value that is not a "
                                 "tensor";
  SmallVector<Value> resultGrads;
  for (Value r : loop.getResults())
    resultGrads.push_back(grads.lookup(r));
  // The values the body uses from outside that can take a gradient.
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(loop.getRegion(), captured);
  SmallVector<Value> outside;
  for (Value v : captured)
    if (isFloatTensor(v.getType()))
      outside.push_back(v);

  // The trip count, then the loop rewritten to stack its carried values.
  OpBuilder fb(loop);
  Value span = fb.create<arith::SubIOp>(loc, loop.getUpperBound(),
                                        loop.getLowerBound());
  Value count = fb.create<arith::CeilDivUIOp>(loc, span, loop.getStep());
  scf::ForOp tapeLoop = addTapes(loop, count);
  ValueRange tapes = tapeLoop.getResults().drop_front(n);
  Block *body = tapeLoop.getBody();

  // The reverse loop carries d carried (float ones; zeros where the loss
  // does not depend on a result) and the gradients of the outside values.
  SmallVector<unsigned> floats;
  SmallVector<Value> reverseInits;
  for (unsigned k = 0; k < n; ++k) {
    if (!isFloatTensor(tapeLoop.getResult(k).getType()))
      continue;
    floats.push_back(k);
    reverseInits.push_back(resultGrads[k]
                               ? resultGrads[k]
                               : zerosLike(b, loc, tapeLoop.getResult(k)));
  }
  for (Value v : outside)
    reverseInits.push_back(zerosLike(b, loc, v));
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  LogicalResult status = success();
  auto reverse = b.create<scf::ForOp>(
      loc, zero, count, one, reverseInits,
      [&](OpBuilder &rb, Location l, Value j, ValueRange args) {
        // Iteration count - 1 - j of the forward loop.
        Value last = rb.create<arith::SubIOp>(l, count, one);
        Value row = rb.create<arith::SubIOp>(l, last, j);
        Value iv = rb.create<arith::AddIOp>(
            l, tapeLoop.getLowerBound(),
            rb.create<arith::MulIOp>(l, row, tapeLoop.getStep()));
        IRMapping map;
        map.map(tapeLoop.getInductionVar(), iv);
        SmallVector<Value> carried;
        for (unsigned k = 0; k < n; ++k) {
          Value arg = tapeLoop.getRegionIterArg(k);
          auto type = cast<RankedTensorType>(arg.getType());
          auto [offsets, strides] = rowPlace(rb, row, type.getRank());
          // Every iteration's carried value has the initial value's sizes.
          Value c = rb.create<tensor::ExtractSliceOp>(
              l, type, tapes[k], offsets,
              rowSizes(rb, l, tapeLoop.getInitArgs()[k]), strides);
          map.map(arg, c);
          carried.push_back(c);
        }
        // Recompute the iteration (its stacking of the carried values
        // aside), then backpropagate through it.
        SmallVector<Operation *> recomputed;
        for (Operation &op : body->without_terminator()) {
          bool stacks = isa<tensor::InsertSliceOp>(op) &&
                        llvm::is_contained(body->getArguments().drop_front(
                                               1 + n),
                                           op.getOperand(1));
          if (!stacks && !isa<arith::SubIOp, arith::DivUIOp>(op))
            recomputed.push_back(rb.clone(op, map));
          else if (!stacks)
            rb.clone(op, map);
        }
        GradientMap local;
        Operation *yield = body->getTerminator();
        for (auto [i, k] : llvm::enumerate(floats))
          local.accumulate(rb, l, map.lookupOrDefault(yield->getOperand(k)),
                           args[i]);
        for (Operation *op : llvm::reverse(recomputed))
          if (failed(backpropagate(rb, op, local))) {
            status = failure();
            break;
          }
        SmallVector<Value> yields;
        for (unsigned k : floats) {
          Value g = local.lookup(carried[k]);
          yields.push_back(g ? g : zerosLike(rb, l, carried[k]));
        }
        for (auto [i, v] : llvm::enumerate(outside)) {
          Value acc = args[floats.size() + i];
          Value g = local.lookup(v);
          yields.push_back(g ? rb.create<nnc::nn::AddOp>(l, acc, g).getResult()
                             : acc);
        }
        rb.create<scf::YieldOp>(l, yields);
      });
  if (failed(status))
    return failure();
  for (auto [i, k] : llvm::enumerate(floats))
    grads.accumulate(b, loc, tapeLoop.getInitArgs()[k], reverse.getResult(i));
  for (auto [i, v] : llvm::enumerate(outside))
    grads.accumulate(b, loc, v, reverse.getResult(floats.size() + i));
  return success();
}
