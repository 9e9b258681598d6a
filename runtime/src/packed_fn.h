//===- packed_fn.h - Calling a training function ----------------*- C++ -*-===//
//
// A train FN (abi.h) bound once to the buffers it reads: the persistent
// tensors of a TrainState by name, the batch of images and labels, and the
// step number and learning rate. Each call sets the batch size, numbers the
// random ops' call, runs the packed entry point, and moves the results out:
// the loss and metrics into doubles, gradients into buffers of their own,
// and (for the step) new values into the persistent tensors: a dense result
// block of its own becomes the tensor (the old block goes back to the
// allocator's cache), anything else is copied.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_PACKED_FN_H
#define NNRT_SRC_PACKED_FN_H

#include "train_state.h"

#include <string>
#include <vector>

namespace nnrt {

/// The non-persistent args of the train FNs, in buffers owned here.
class BatchBuffers {
public:
  BatchBuffers() = default;
  BatchBuffers(const BatchBuffers &) = delete;
  BatchBuffers &operator=(const BatchBuffers &) = delete;
  ~BatchBuffers();

  /// Allocates room for \p capacity examples of \p features floats each
  /// and their labels, \p labelSize 4-byte values each (i32 or f32).
  int allocate(int64_t capacity, int64_t features, int64_t labelSize = 1);

  float *images = nullptr; ///< [capacity, features]
  void *labels = nullptr;  ///< [capacity, labelSize] of i32 or f32
  float *step = nullptr;     ///< t, the 1-based step number
  float *lr = nullptr;       ///< the learning rate
  int64_t capacity = 0, features = 0;
};

/// One train FN bound to its buffers.
class PackedFn {
public:
  /// Binds \p fn (called \p name in messages: "step", "eval", "grad") to
  /// \p entry, the persistent tensors of \p state and \p batch. With
  /// \p update, param / state / opt_state results are copied into \p state;
  /// otherwise they are dropped. Fails (exit 3) when an arg is not in \p
  /// state, or (exit 1) when the input's size is not batch.features.
  int bind(const char *name, const nnrt_fn_info &fn, nnrt_forward_fn entry,
           TrainState &state, BatchBuffers &batch, bool update);

  /// Calls the FN on the first \p k examples of the batch as random-op call
  /// number \p call. Results whose shape contradicts the descriptor are an
  /// internal error (exit 3). When the loss or a metric is not finite, no
  /// new value is stored.
  int call(int64_t k, uint64_t call);

  /// The loss of the last call.
  double loss() const { return values[0]; }
  /// The metric results: names and their values in the last call.
  std::vector<std::pair<std::string, double>> metrics() const;
  /// The value of metric \p m (in metrics() order) in the last call.
  double metric(size_t m) const { return values[metricResults[m]]; }
  /// How many new values were copied into persistent tensors so far (the
  /// others became them).
  int64_t copies() const { return copied; }
  /// The gradient of param \p name from the last call (grad FN), or NULL.
  const float *grad(const char *name) const;

private:
  /// Whether \p ptr points into one of the args' buffers.
  bool aliasesArg(const void *ptr) const;
  /// Checks result \p i's sizes and reads loss, metric and grad results;
  /// stages a new value that lives in an arg's buffer. Returns an error
  /// message or "".
  std::string readResult(size_t i);
  /// Copies result \p i's new value (staged or not) into its buffer.
  void storeResult(size_t i);
  /// Frees the results' buffers, each once, none of the args' or of those
  /// that became persistent tensors.
  void freeResults();
  /// Whether no result other than \p i has the buffer \p allocated.
  bool soleOwner(size_t i, const void *allocated) const;

  const char *name = "";
  const nnrt_fn_info *fn = nullptr;
  nnrt_forward_fn entry = nullptr;
  TrainState *state = nullptr;
  bool update = false;
  std::vector<std::vector<int64_t>> argDescs;
  std::vector<void *> packed;
  std::vector<size_t> batchedArgs; ///< args whose dim 0 is the batch
  std::vector<std::pair<void *, size_t>> argBuffers; ///< data, bytes
  std::vector<int64_t> resultDescs;
  std::vector<size_t> resultOffsets; ///< in words
  std::vector<int> destination;      ///< the state index of each result, or -1
  std::vector<double> values;        ///< loss and metrics, by result
  std::vector<size_t> metricResults; ///< the metric results, in order
  std::vector<std::vector<float>> grads;  ///< by result
  std::vector<std::vector<char>> staging; ///< by result, reused
  std::vector<bool> staged;               ///< by result, in this call
  std::vector<bool> taken; ///< by result: its buffer became a tensor's
  std::vector<int> argState; ///< the state index of each arg, or -1
  int64_t copied = 0;
};

} // namespace nnrt

#endif // NNRT_SRC_PACKED_FN_H
