//===- FillPerDestination.cpp - The fill-per-destination pass -------------===//
//
// A linalg.fill on tensors used as the destination (DPS init) of several
// ops is cloned for each such use but the first, so bufferization gives
// every destination a buffer it fills instead of a copy of a shared one.
// A tensor.empty used several times is cloned for each use, so that empty
// tensor elimination can turn each into the slice its op's result is
// inserted into (one shared empty is replaced for none of its users). And
// the op computing a tensor that is only inserted into another is moved
// down to the insertion: in a chain of insertions (a concatenation), the
// slice of the previous insertion's result can then replace its empty.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace nnc {
#define GEN_PASS_DEF_FILLPERDESTINATIONPASS
#include "nnc/Conversion/Passes.h.inc"
} // namespace nnc

using namespace mlir;

namespace {
struct FillPerDestinationPass
    : nnc::impl::FillPerDestinationPassBase<FillPerDestinationPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics())
        fills.push_back(fill);
    });
    OpBuilder b(&getContext());
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
    getOperation().walk([&](tensor::InsertSliceOp insert) {
      Operation *producer = insert.getSource().getDefiningOp();
      if (producer && producer->hasOneUse() &&
          producer->getBlock() == insert->getBlock() &&
          isa<DestinationStyleOpInterface>(producer))
        producer->moveBefore(insert);
    });
    SmallVector<tensor::EmptyOp> empties;
    getOperation().walk([&](tensor::EmptyOp empty) {
      if (!empty->hasOneUse() && !empty->use_empty())
        empties.push_back(empty);
    });
    for (tensor::EmptyOp empty : empties) {
      SmallVector<OpOperand *> uses = llvm::map_to_vector(
          empty->getUses(), [](OpOperand &use) { return &use; });
      // Clones where the original is: the elimination's slices of a
      // destination must dominate the empties they replace.
      b.setInsertionPointAfter(empty);
      for (OpOperand *use : llvm::drop_begin(uses))
        use->set(b.clone(*empty)->getResult(0));
    }
  }
};
} // namespace
