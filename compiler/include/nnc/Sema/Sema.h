//===- Sema.h - Names, types and shapes of a whole program -------*- C++ -*-===//
//
// Checks every declaration of the loaded modules: name resolution,
// hyperparameters (evaluated at compile time, symbolic when generic), dtypes
// and shapes (symbolic dims unified at each call, NumPy broadcasting, the
// primitive ops' shape rules), models, optimizers and train blocks. Each
// model and function is checked once, generically over its hyperparameters
// and symbolic dims; calls are checked against signatures.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SEMA_SEMA_H
#define NNC_SEMA_SEMA_H

#include "llvm/ADT/ArrayRef.h"
#include <optional>

namespace nnc {
class DiagnosticEngine;
class SourceManager;
namespace ast {
struct Module;
}
namespace sema {
class Emitter;
struct EmitRequest;
struct Value;
} // namespace sema

struct SemaModule {
  const ast::Module *module;
  bool isStdlib;
};

/// Checks the program; returns false after reporting errors.
bool checkProgram(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
                  DiagnosticEngine &diags);

/// Evaluates the forward pass that `req` names on a program that checked
/// clean, reporting every operation to `emitter` (see Emitter.h). Returns
/// the forward's result (its `ir` set), or nothing after reporting errors.
std::optional<sema::Value> emitForward(llvm::ArrayRef<SemaModule> modules,
                                       const SourceManager &sm,
                                       DiagnosticEngine &diags,
                                       sema::Emitter &emitter,
                                       const sema::EmitRequest &req);

} // namespace nnc

#endif // NNC_SEMA_SEMA_H
