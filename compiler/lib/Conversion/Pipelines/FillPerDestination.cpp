//===- FillPerDestination.cpp - The fill-per-destination pass -------------===//
//
// A linalg.fill on tensors used as the destination (DPS init) of several
// ops is cloned for each such use but the first, so bufferization gives
// every destination a buffer it fills instead of a copy of a shared one.
//
//===----------------------------------------------------------------------===//

#include "nnc/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

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
  }
};
} // namespace
