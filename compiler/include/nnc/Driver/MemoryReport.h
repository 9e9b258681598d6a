//===- MemoryReport.h - The planned memory of a training step ---*- C++ -*-===//
//
// `nnc build --memory-report`: the memory one training step holds at its
// peak, planned on the step's tensor program before bufferization.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_DRIVER_MEMORYREPORT_H
#define NNC_DRIVER_MEMORYREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace nnc {

/// Plans @train_step of `module` (as MLIRGen made it, with its descriptor;
/// not modified: a clone is lowered) at the train block's batch size and
/// prints the report to `os`. Returns 0, or the exit code after printing an
/// error to `errs`: 1 without a train block, 3 when the lowering failed.
int reportStepMemory(mlir::ModuleOp module, llvm::raw_ostream &os,
                      llvm::raw_ostream &errs);

} // namespace nnc

#endif // NNC_DRIVER_MEMORYREPORT_H
