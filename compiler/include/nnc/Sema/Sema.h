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

namespace nnc {
class DiagnosticEngine;
class SourceManager;
namespace ast {
struct Module;
}

struct SemaModule {
  const ast::Module *module;
  bool isStdlib;
};

/// Checks the program; returns false after reporting errors.
bool checkProgram(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
                  DiagnosticEngine &diags);

} // namespace nnc

#endif // NNC_SEMA_SEMA_H
