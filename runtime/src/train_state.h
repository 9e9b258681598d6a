//===- train_state.h - The tensors a training run keeps ---------*- C++ -*-===//
//
// One buffer per param, state and opt_state name of the model (the forward
// and the train section's functions together, abi.h), initialized from the
// seed, loaded from a checkpoint and saved to one. Each training function
// binds its args to these buffers by name, and the step's new values are
// copied back into them, so the buffers live as long as the run.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_TRAIN_STATE_H
#define NNRT_SRC_TRAIN_STATE_H

#include "bind.h"

namespace nnrt {

/// Whether args of \p role are persistent tensors (param, state, opt_state).
inline bool isPersistent(nnrt_role role) {
  return role == NNRT_ROLE_PARAM || role == NNRT_ROLE_STATE ||
         role == NNRT_ROLE_OPT_STATE;
}

/// The persistent tensors of a model, by name.
class TrainState {
public:
  /// What a checkpoint must hold for load().
  enum LoadMode {
    /// Params and states; with "train.step" also every opt_state (then the
    /// run resumes), else no opt_state (then it starts at step 0).
    kLoadForTraining,
    /// Params and states; opt_states (names with a '/') and "train.step"
    /// are ignored.
    kLoadParams,
  };

  /// Collects the persistent args of \p model (forward first, then the
  /// step, eval and grad FNs) and initializes each from \p seed.
  int init(const nnrt_model_info &model, uint64_t seed);

  /// Replaces the values with the checkpoint at \p path's, reporting every
  /// missing, mismatched or unexpected tensor (exit 1); sets step.
  int load(const char *path, LoadMode mode);

  /// Writes the params and states, and with \p withOptimizer every
  /// opt_state and "train.step" = step, to \p path (atomically).
  int save(const char *path, bool withOptimizer) const;

  size_t size() const { return infos.size(); }
  const nnrt_arg_info &info(size_t i) const { return *infos[i]; }
  nnrt_tensor &tensor(size_t i) { return tensors.tensors[i]; }
  const nnrt_tensor &tensor(size_t i) const { return tensors.tensors[i]; }
  /// The index of \p name, or -1.
  int find(const char *name) const;

  /// The optimizer steps taken: "train.step" of a resumed checkpoint, else
  /// 0; the training loop advances it.
  int64_t step = 0;

private:
  std::vector<const nnrt_arg_info *> infos;
  TensorSet tensors;
};

} // namespace nnrt

#endif // NNRT_SRC_TRAIN_STATE_H
