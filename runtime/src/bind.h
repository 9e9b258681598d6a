//===- bind.h - Binding files to model arguments and results ---*- C++ -*-===//
//
// The driver's steps between the command line and the files it writes:
// reading NPY inputs and checking them against the descriptor, initializing
// parameters or loading and checking them from a checkpoint, and calling
// the packed entry point on memref descriptors and copying its results out.
// Each step prints its own messages ("prog: error: ...") and returns the
// exit code, 0 when it succeeded.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_BIND_H
#define NNRT_SRC_BIND_H

#include "nnrt/abi.h"

#include <string>
#include <vector>

namespace nnrt {

/// The program's exit codes (DESIGN.md).
enum ExitCode {
  kExitOk = 0,
  kExitInput = 1,    ///< a problem with the user's files
  kExitUsage = 2,    ///< a problem with the command line
  kExitInternal = 3, ///< a bug: what the compiler emitted is inconsistent
};

/// Tensors indexed like the descriptor's args (or results); the ones adopted
/// are freed with the set, the borrowed ones (a checkpoint's) are not.
struct TensorSet {
  std::vector<nnrt_tensor> tensors;
  std::vector<bool> owned;

  TensorSet() = default;
  TensorSet(const TensorSet &) = delete;
  TensorSet &operator=(const TensorSet &) = delete;
  ~TensorSet();

  void resize(size_t n);
  void adopt(size_t i, const nnrt_tensor &t);
  void borrow(size_t i, const nnrt_tensor &t);
};

/// A checkpoint read by loadParams, freed at the end of the scope.
struct CheckpointHandle {
  nnrt_st_file *file = nullptr;
  CheckpointHandle() = default;
  CheckpointHandle(const CheckpointHandle &) = delete;
  CheckpointHandle &operator=(const CheckpointHandle &) = delete;
  ~CheckpointHandle() { nnrt_st_free(file); }
};

/// The sizes the inputs gave each named dynamic dim ("B" -> 32), and the
/// file that gave it.
struct Binding {
  std::string symbol, file;
  int64_t size;
};
using Bindings = std::vector<Binding>;

/// The name messages start with ("prog: error: ...").
void setProgramName(const char *name);
/// Prints nnrt_last_error() as an error; returns kExitInput.
int reportError();
/// Prints "prog: error: MESSAGE" (or captures it, see CaptureErrors).
void printError(const std::string &message);
/// Prints "prog: internal error: MESSAGE"; returns kExitInternal.
int internalError(const std::string &message);

/// While alive, the messages the steps below would print on this thread are
/// appended to \p messages instead, one per line (without the "prog: error:"
/// prefix), so the embedding API can return them through nnrt_last_error().
class CaptureErrors {
public:
  explicit CaptureErrors(std::string &messages);
  ~CaptureErrors();
  CaptureErrors(const CaptureErrors &) = delete;
  CaptureErrors &operator=(const CaptureErrors &) = delete;

private:
  std::string *previous;
};

/// The args (in order) whose role is \p role.
std::vector<const nnrt_arg_info *> argsWithRole(const nnrt_model_info &model,
                                                nnrt_role role);
/// "f32[B, 784]".
std::string typeString(const nnrt_arg_info &info);
/// "input", "param", "state", "output", "opt_state", ... as abi.h spells
/// them.
const char *roleName(nnrt_role role);
/// "f32[2, 3]": a tensor's type as the language writes it.
std::string tensorType(const nnrt_tensor &t);
/// Whether \p t has \p info's dtype, rank and static dims.
bool matchesStatic(const nnrt_arg_info &info, const nnrt_tensor &t);

/// Checks the checkpoint tensor \p t (NULL when \p path has none) against
/// the param or state \p info; returns the message ("PATH: no tensor 'b'
/// (expected f32[2])", "PATH: 'w' has shape [3, 2], expected [2, 3]"), or
/// "".
std::string checkCheckpointTensor(const nnrt_arg_info &info,
                                  const nnrt_tensor *t, const char *path);

/// Checks \p t, read from \p source (a file name, or "input 'x'"), against
/// input \p info: dtype, rank, static dims, and each named dim against the
/// size \p bindings already holds for it (else binds it). Returns the error
/// message, or "".
std::string checkInput(const nnrt_arg_info &info, const nnrt_tensor &t,
                       const std::string &source, Bindings &bindings);

/// Reads files[k] as the k-th input arg into args (sized n_args), checking
/// dtype, rank, static dims, and named dynamic dims across files.
int bindInputs(const nnrt_model_info &model,
               const std::vector<std::string> &files, TensorSet &args,
               Bindings &bindings);

/// Initializes every param and state into args from \p seed.
int initParams(const nnrt_model_info &model, uint64_t seed, TensorSet &args);

/// Reads the checkpoint at \p path into \p checkpoint and borrows each param
/// and state from it into args; reports every missing, mismatched or
/// unexpected tensor before failing. A training checkpoint's extra tensors
/// are not unexpected: "train.step", names with a '/' (optimizer state),
/// and the params and states of the train section's functions.
int loadParams(const nnrt_model_info &model, const char *path,
               CheckpointHandle &checkpoint, TensorSet &args);

/// loadParams' checks on a checkpoint already read from \p path.
int bindCheckpoint(const nnrt_model_info &model, const char *path,
                   const CheckpointHandle &checkpoint, TensorSet &args);

/// Calls \p forward on args, copies every result into results (sized
/// n_results), frees the result buffers, and checks the results' shapes
/// against the descriptor and \p bindings.
int callForward(const nnrt_model_info &model, nnrt_forward_fn forward,
                TensorSet &args, const Bindings &bindings, TensorSet &results);

} // namespace nnrt

#endif // NNRT_SRC_BIND_H
