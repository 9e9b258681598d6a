//===- MLIRGen.h - Checked .nn programs to the nn dialect --------*- C++ -*-===//
//
// Generates a model's forward pass as a `func.func @forward` on tensors in the
// nn dialect. Parameters and state are explicit arguments (`nn.param`,
// `nn.state` argument attributes give their checkpoint names), the inputs
// follow (`nn.input`); results are the forward's value(s), then the new value
// of every state assigned (`nn.state` result attributes). Every op carries
// the `file:line:col` of the .nn source it came from.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_MLIRGEN_MLIRGEN_H
#define NNC_MLIRGEN_MLIRGEN_H

#include "nnc/Sema/Sema.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
class MLIRContext;
}

namespace nnc {
namespace sema {
struct EmitRequest;
}

/// Generates the forward pass `req` names; null after reporting errors.
mlir::OwningOpRef<mlir::ModuleOp>
generateForward(mlir::MLIRContext &ctx, llvm::ArrayRef<SemaModule> modules,
                const SourceManager &sm, DiagnosticEngine &diags,
                const sema::EmitRequest &req);

} // namespace nnc

#endif // NNC_MLIRGEN_MLIRGEN_H
