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
#include <string>

namespace nnc {
class DiagnosticEngine;
class SourceManager;
namespace ast {
struct Module;
}
namespace sema {
class Emitter;
struct EmitRequest;
struct TrainSettings;
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

/// The settings of train block `train` (batch, epochs, data, optimizer).
std::optional<sema::TrainSettings>
trainSettings(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
              DiagnosticEngine &diags, const std::string &train);

/// Evaluates train block `train` on one batch, whose images and labels are
/// reported to `emitter` as the two inputs. With `objective` (an index
/// into TrainSettings::objectives) the result is that objective's loss
/// with training behaviour, evaluated after the step's statements before
/// it. Without, for evaluation: a tuple of every objective's loss, then
/// each metric of the model's output, without training behaviour.
std::optional<sema::Value> emitTrainLoss(llvm::ArrayRef<SemaModule> modules,
                                         const SourceManager &sm,
                                         DiagnosticEngine &diags,
                                         sema::Emitter &emitter,
                                         const std::string &train,
                                         std::optional<unsigned> objective);

/// Evaluates the update of the optimizer of objective `objective` of train
/// block `train` for the parameter `paramPath` of type `param`: inputs p,
/// g, t (and `lr`, a run-time scalar, when the optimizer has one; scaled
/// by this optimizer's lr over the first objective's); the optimizer's
/// states are state arguments named `<field>/<paramPath>/<state>`. Returns
/// the tuple of the new parameter and the new states.
std::optional<sema::Value>
emitOptimizerUpdate(llvm::ArrayRef<SemaModule> modules, const SourceManager &sm,
                    DiagnosticEngine &diags, sema::Emitter &emitter,
                    const std::string &train, unsigned objective,
                    const std::string &paramPath, const sema::Value &param);

} // namespace nnc

#endif // NNC_SEMA_SEMA_H
