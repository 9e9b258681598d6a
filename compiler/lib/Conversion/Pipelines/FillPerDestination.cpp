//===- FillPerDestination.cpp - The fill-per-destination pass -------------===//
//
// A linalg.fill on tensors used as the destination (DPS init) of several
// ops is cloned for each such use but the first, so bufferization gives
// every destination a buffer it fills instead of a copy of a shared one.
// A tensor.empty used several times is cloned for each use, so that empty
// tensor elimination can turn each into the slice its op's result is
// inserted into (one shared empty is replaced for none of its users). The
// op computing a tensor that is inserted into another is moved down to the
// insertion, and a tensor.pad by a constant becomes such an insertion into
// a fill: the op then writes into the concatenation or padded tensor
// directly.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace nnc {
#define GEN_PASS_DEF_FILLPERDESTINATIONPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;

namespace {

/// A tensor.pad by a constant becomes a fill of the padded shape and an
/// insertion of the source: with the source's op moved down to the
/// insertion (sinkInsertedOps), empty tensor elimination makes that op
/// write straight into the padded buffer instead of a copy. Dynamic sizes
/// are read off the source op's destination, which is defined before it.
void padsToFills(func::FuncOp func, OpBuilder &b) {
  SmallVector<tensor::PadOp> pads;
  func.walk([&](tensor::PadOp pad) {
    if (pad.getConstantPaddingValue() && !pad.getNofold())
      pads.push_back(pad);
  });
  for (tensor::PadOp pad : pads) {
    SmallVector<int64_t> low = llvm::to_vector(pad.getStaticLow()),
                         high = llvm::to_vector(pad.getStaticHigh());
    if (llvm::any_of(low, ShapedType::isDynamic) ||
        llvm::any_of(high, ShapedType::isDynamic))
      continue;
    b.setInsertionPoint(pad);
    Location loc = pad.getLoc();
    Value source = pad.getSource();
    Value sized = source;
    if (auto result = dyn_cast<OpResult>(source))
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner()))
        sized = dps.getTiedOpOperand(result)->get();
    RankedTensorType type = pad.getResultType();
    SmallVector<Value> dynamicSizes;
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (!pad.getSourceType().isDynamicDim(i)) {
        sizes.push_back(b.getIndexAttr(pad.getSourceType().getDimSize(i)));
        continue;
      }
      Value dim = b.create<tensor::DimOp>(loc, sized, i);
      sizes.push_back(dim);
      if (type.isDynamicDim(i))
        dynamicSizes.push_back(b.create<arith::AddIOp>(
            loc, dim,
            b.create<arith::ConstantIndexOp>(loc, low[i] + high[i])));
    }
    Value empty = b.create<tensor::EmptyOp>(loc, type, dynamicSizes);
    Value fill = b.create<linalg::FillOp>(loc, pad.getConstantPaddingValue(),
                                          empty)
                     .getResult(0);
    SmallVector<OpFoldResult> offsets = llvm::map_to_vector(
        low, [&](int64_t l) -> OpFoldResult { return b.getIndexAttr(l); });
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    Value inserted = b.create<tensor::InsertSliceOp>(loc, source, fill,
                                                     offsets, sizes, strides);
    pad.replaceAllUsesWith(inserted);
    pad.erase();
  }
}

/// A linalg.fill used as the destination (DPS init) of several ops is
/// cloned for each such use but the first.
void fillPerDestination(func::FuncOp func, OpBuilder &b) {
  SmallVector<linalg::FillOp> fills;
  func.walk([&](linalg::FillOp fill) {
    if (fill.hasPureTensorSemantics())
      fills.push_back(fill);
  });
  for (linalg::FillOp fill : fills) {
    Value result = fill.getResult(0);
    SmallVector<OpOperand *> destinations;
    for (OpOperand &use : result.getUses()) {
      auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
      if (dps && dps.isDpsInit(&use))
        destinations.push_back(&use);
    }
    // The fill's own buffer serves the first destination (or the other
    // readers).
    bool othersRead = destinations.size() < llvm::range_size(result.getUses());
    for (size_t i = othersRead ? 0 : 1; i < destinations.size(); ++i) {
      b.setInsertionPoint(destinations[i]->getOwner());
      Operation *clone = b.clone(*fill);
      destinations[i]->set(clone->getResult(0));
    }
  }
}

/// The op computing a tensor that is inserted into another moves down to
/// the insertion, when its other users are all after it: in a chain of
/// insertions (a concatenation), or behind a padding fill, the destination
/// then dominates the op's empty, which empty tensor elimination can
/// replace by the destination's slice.
void sinkInsertedOps(func::FuncOp func) {
  func.walk([&](tensor::InsertSliceOp insert) {
    Operation *producer = insert.getSource().getDefiningOp();
    if (!producer || producer->getBlock() != insert->getBlock() ||
        !isa<DestinationStyleOpInterface>(producer))
      return;
    for (Operation *user : producer->getUsers())
      if (user != insert.getOperation() &&
          (user->getBlock() != insert->getBlock() ||
           !insert->isBeforeInBlock(user)))
        return;
    producer->moveBefore(insert);
  });
}

/// A tensor.empty used several times is cloned for each use (where the
/// original is: a destination's slice must dominate the empty it
/// replaces), so that empty tensor elimination can replace each.
void emptyPerUse(func::FuncOp func, OpBuilder &b) {
  SmallVector<tensor::EmptyOp> empties;
  func.walk([&](tensor::EmptyOp empty) {
    if (!empty->hasOneUse() && !empty->use_empty())
      empties.push_back(empty);
  });
  for (tensor::EmptyOp empty : empties) {
    SmallVector<OpOperand *> uses = llvm::map_to_vector(
        empty->getUses(), [](OpOperand &use) { return &use; });
    b.setInsertionPointAfter(empty);
    for (OpOperand *use : llvm::drop_begin(uses))
      use->set(b.clone(*empty)->getResult(0));
  }
}

struct FillPerDestinationPass
    : nnc::impl::FillPerDestinationPassBase<FillPerDestinationPass> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    padsToFills(getOperation(), b);
    fillPerDestination(getOperation(), b);
    sinkInsertedOps(getOperation());
    emptyPerUse(getOperation(), b);
  }
};
} // namespace
