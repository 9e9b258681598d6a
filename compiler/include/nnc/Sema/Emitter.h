//===- Emitter.h - Receives the operations of a concrete evaluation -*- C++ -*-===//
//
// Code generation reuses Sema's evaluator: to generate a model's forward pass,
// Sema evaluates it once more with concrete hyperparameters, inlining every
// call and unrolling compile-time loops, and reports each operation to an
// Emitter. The Emitter (MLIRGen) builds IR and stores an opaque handle in the
// result Value; Sema never sees MLIR. Name resolution, call binding and shape
// inference thus exist once, and IR types are exactly Sema's types.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SEMA_EMITTER_H
#define NNC_SEMA_EMITTER_H

#include "nnc/AST/AST.h"
#include "nnc/Sema/Value.h"
#include "llvm/ADT/ArrayRef.h"

namespace nnc::sema {

/// How a parameter or state is initialized: the initializer's name
/// (`kaiming_uniform`) and its numeric arguments by parameter name.
struct InitSpec {
  std::string name;
  std::vector<std::pair<std::string, double>> args;
};

class Emitter {
public:
  virtual ~Emitter();

  /// A tensor input of the entry function (a forward argument).
  virtual void input(const std::string &name, Value &v, SourceRange r) = 0;
  /// The run-time size of dim `axis` of input `v` (a symbolic dim such as
  /// `B`); sets `size.ir`.
  virtual void inputDim(const Value &v, unsigned axis, Value &size) = 0;
  /// A model parameter or state tensor named by its checkpoint path
  /// (`fc1.w`); sets `v.ir`.
  virtual void parameter(const std::string &path, bool isState,
                         const InitSpec &init, Value &v, SourceRange r) = 0;
  /// Operators; operands are tensors with `ir` set or compile-time numbers.
  virtual void unary(ast::UnaryOp op, const Value &operand, Value &result,
                     SourceRange r) = 0;
  virtual void binary(ast::BinaryOp op, const Value &lhs, const Value &rhs,
                      Value &result, SourceRange r) = 0;
  /// A primitive op with its arguments in the builtin's parameter order
  /// (null: the default); sets `result.ir` (each element's for a tuple).
  virtual void builtin(llvm::StringRef name,
                       llvm::ArrayRef<const Value *> args, Value &result,
                       SourceRange r) = 0;
  /// `base[items]`; an index item without a compile-time value takes the
  /// run-time value whose handle `indexHandles` holds at its position.
  virtual void index(const Value &base, llvm::ArrayRef<shape::IndexItem> items,
                     llvm::ArrayRef<int64_t> indexHandles, Value &result,
                     SourceRange r) = 0;
  /// Opens a loop over [lo, hi) whose bounds are known only at run time.
  /// `carried` are the tensor vars the body assigns: their handles are
  /// replaced by the loop-carried values inside the body; `index.ir` is set
  /// to the induction variable.
  virtual void beginLoop(const Value &lo, const Value &hi, Value &index,
                         llvm::ArrayRef<Value *> carried, SourceRange r) = 0;
  /// Closes the innermost loop, yielding the carried vars' current values;
  /// their handles become the loop's results.
  virtual void endLoop(llvm::ArrayRef<Value *> carried, SourceRange r) = 0;
  /// A new value for a state tensor, written back after the step.
  virtual void assignState(const std::string &path, const Value &v,
                           SourceRange r) = 0;
  /// Bracket the loss of a train block's objective `k` (its `minimize`).
  /// Its random ops (dropout) draw from sites of their own, so objectives
  /// differ, while the step's other random values (`let z = normal(...)`)
  /// stay the same in every function that evaluates the step.
  virtual void beginObjective(unsigned k) {}
  virtual void endObjective() {}
};

/// What to generate: the forward pass of the model of train block `train`,
/// or of model `model` built with its default hyperparameters.
struct EmitRequest {
  std::string train;
  std::string model;
  bool training = false;
  /// For a train block: also the training functions (@train_step,
  /// @eval_step, @grad), not only the forward pass.
  bool withTraining = false;
};

/// What one step of a train block minimizes with one optimizer: the simple
/// form's `loss` with `optimizer`, or each `minimize OPT: expr` of a
/// `step`, in order.
struct TrainObjective {
  std::string optimizer;     ///< the optimizer's field (`optimizer`, `opt_d`)
  std::string optimizerName; ///< its declaration (`Adam`)
  std::optional<double> lr;  ///< when the optimizer has an `lr`
  /// The checkpoint-name prefix of the parameters it updates: "" for the
  /// simple form's model, "<field>." for a model of a step ("disc.").
  std::string modelPath;
};

/// What the runtime needs to know of a train block, from its fields.
struct TrainSettings {
  std::string name;
  int64_t batch = 64, epochs = 1, seed = 0;
  /// The reader (`idx`, `csv`, `npy`) and its path (npy: x's), and for
  /// csv and npy the rest of the source.
  std::string dataKind, dataDir;
  DataSource dataSource;
  std::vector<TrainObjective> objectives;
  std::vector<std::string> metrics;
  /// The learning-rate schedule (`cosine`, ...; empty: constant) and its
  /// settings, which the runtime applies.
  std::string schedule;
  std::vector<std::pair<std::string, double>> scheduleSettings;
  /// Gradient clipping by global norm, per objective (`clip_norm`).
  std::optional<double> clipNorm;
  /// Images the first model generates from noise after each epoch
  /// (`samples`; 0: none).
  int64_t samples = 0;
  /// The training images' augmentation (`augment`: crop, flip).
  std::vector<std::pair<std::string, double>> augment;
};

} // namespace nnc::sema

#endif // NNC_SEMA_EMITTER_H
