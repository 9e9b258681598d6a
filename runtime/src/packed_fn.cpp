//===- packed_fn.cpp - Calling a training function ------------------------===//
//
// See packed_fn.h. A result may be an argument's own buffer (bufferization
// returns an unchanged argument as is) or a view into one; such a new
// value is copied aside before any persistent buffer is overwritten, so
// the order of the copies cannot matter.
//
//===----------------------------------------------------------------------===//

#include "packed_fn.h"

#include "memref.h"
#include "status.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace nnrt;

/// Word 3 of a memref descriptor is sizes[0].
static constexpr size_t kBatchSizeWord = 3;

/// MLIR's marker for the `allocated` field of a memref.get_global.
static void *const kGlobalMarker = reinterpret_cast<void *>(0xdeadbeef);

BatchBuffers::~BatchBuffers() {
  for (void *p : {static_cast<void *>(images), static_cast<void *>(labels),
                  static_cast<void *>(step), static_cast<void *>(lr)})
    nnrt_free(p);
}

int BatchBuffers::allocate(int64_t n, int64_t featureCount,
                           int64_t labelSize) {
  capacity = n;
  features = featureCount;
  images = static_cast<float *>(nnrt_alloc(sizeof(float) * n * features));
  labels = nnrt_alloc(sizeof(int32_t) * n * labelSize);
  step = static_cast<float *>(nnrt_alloc(sizeof(float)));
  lr = static_cast<float *>(nnrt_alloc(sizeof(float)));
  return images && labels && step && lr ? kExitOk : reportError();
}

/// The buffer arg \p a of a train FN reads: a persistent tensor or one of
/// \p batch's; NULL data when \p state lacks the name.
static nnrt_tensor argTensor(const nnrt_arg_info &a, TrainState &state,
                             BatchBuffers &batch) {
  nnrt_tensor t = {a.dtype, a.rank, {}, nullptr};
  std::memcpy(t.shape, a.shape, sizeof(int64_t) * a.rank);
  switch (a.role) {
  case NNRT_ROLE_INPUT:
    t.shape[0] = batch.capacity;
    t.data = batch.images;
    return t;
  case NNRT_ROLE_LABEL:
    t.shape[0] = batch.capacity;
    t.data = batch.labels;
    return t;
  case NNRT_ROLE_STEP:
    t.data = batch.step;
    return t;
  case NNRT_ROLE_LR:
    t.data = batch.lr;
    return t;
  default: {
    int index = state.find(a.name);
    return index < 0 ? t : state.tensor(index);
  }
  }
}

int PackedFn::bind(const char *fnName, const nnrt_fn_info &fnInfo,
                   nnrt_forward_fn fnEntry, TrainState &trainState,
                   BatchBuffers &batch, bool updateState) {
  name = fnName;
  fn = &fnInfo;
  entry = fnEntry;
  state = &trainState;
  update = updateState;
  argDescs.assign(fn->n_args, {});
  argState.assign(fn->n_args, -1);
  packed.assign(1 + fn->n_args, nullptr);
  argBuffers.clear();
  batchedArgs.clear();
  resultOffsets.clear();
  for (size_t i = 0; i < fn->n_args; ++i) {
    const nnrt_arg_info &a = fn->args[i];
    nnrt_tensor t = argTensor(a, *state, batch);
    if (!t.data)
      return internalError(
          format("the %s FN's arg '%s' has no buffer", name, a.name));
    argDescs[i].resize(nnrt_memref_size(a.rank) / 8);
    nnrt_memref_from_tensor(&t, argDescs[i].data());
    packed[1 + i] = argDescs[i].data();
    argBuffers.push_back({t.data, nnrt_tensor_bytes(&t)});
    if (isPersistent(a.role))
      argState[i] = state->find(a.name);
    if (a.role == NNRT_ROLE_INPUT || a.role == NNRT_ROLE_LABEL)
      batchedArgs.push_back(i);
  }
  size_t words = 0;
  size_t n = fn->n_results;
  destination.assign(n, -1);
  values.assign(n, 0);
  metricResults.clear();
  grads.assign(n, {});
  staging.assign(n, {});
  staged.assign(n, false);
  taken.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    const nnrt_arg_info &r = fn->results[i];
    resultOffsets.push_back(words);
    words += nnrt_memref_size(r.rank) / 8;
    if (update && isPersistent(r.role))
      destination[i] = state->find(r.name);
    if (r.role == NNRT_ROLE_METRIC)
      metricResults.push_back(i);
    if (r.role == NNRT_ROLE_GRAD) {
      int64_t numel = 1;
      for (int32_t d = 0; d < r.rank; ++d)
        numel *= r.shape[d];
      grads[i].assign(numel, 0.0f);
    }
  }
  resultDescs.assign(words ? words : 1, 0);
  packed[0] = resultDescs.data();
  return kExitOk;
}

bool PackedFn::aliasesArg(const void *ptr) const {
  auto *p = static_cast<const char *>(ptr);
  for (const auto &[data, bytes] : argBuffers) {
    auto *begin = static_cast<const char *>(data);
    if (p == begin || (p > begin && p < begin + bytes))
      return true;
  }
  return false;
}

/// Whether \p view is exactly the dense buffer \p data.
static bool isDenseAt(const MemrefView &view, const void *data) {
  if (view.aligned != data || view.offset != 0)
    return false;
  int64_t stride = 1;
  for (int d = view.rank - 1; d >= 0; --d) {
    if (view.sizes[d] > 1 && view.strides[d] != stride)
      return false;
    stride *= view.sizes[d];
  }
  return true;
}

std::string PackedFn::readResult(size_t i) {
  const nnrt_arg_info &r = fn->results[i];
  MemrefView view = viewMemref(resultDescs.data() + resultOffsets[i], r.rank);
  nnrt_tensor actual = {r.dtype, r.rank, {}, nullptr};
  std::memcpy(actual.shape, view.sizes, sizeof(int64_t) * r.rank);
  if (!matchesStatic(r, actual))
    return format("result '%s' of the %s FN is %s, expected %s", r.name, name,
                  tensorType(actual).c_str(), typeString(r).c_str());
  if (!view.aligned && nnrt_tensor_numel(&actual) > 0)
    return format("result '%s' of the %s FN has no data", r.name, name);
  size_t elemSize = nnrt_dtype_size(r.dtype);
  staged[i] = false;
  if (r.role == NNRT_ROLE_LOSS || r.role == NNRT_ROLE_METRIC) {
    float value;
    copyMemref(view, sizeof(float), &value);
    values[i] = value;
  } else if (r.role == NNRT_ROLE_GRAD) {
    copyMemref(view, sizeof(float), grads[i].data());
  } else if (destination[i] >= 0 &&
             !isDenseAt(view, state->tensor(destination[i]).data) &&
             (aliasesArg(view.allocated) || aliasesArg(view.aligned))) {
    staging[i].resize(nnrt_tensor_bytes(&actual));
    copyMemref(view, elemSize, staging[i].data());
    staged[i] = true;
  }
  return "";
}

/// Whether result \p i's buffer is returned by no other result.
bool PackedFn::soleOwner(size_t i, const void *allocated) const {
  for (size_t j = 0; j < fn->n_results; ++j)
    if (j != i &&
        nnrt_memref_allocated(resultDescs.data() + resultOffsets[j]) ==
            allocated)
      return false;
  return true;
}

void PackedFn::storeResult(size_t i) {
  if (destination[i] < 0)
    return;
  const nnrt_arg_info &r = fn->results[i];
  nnrt_tensor &dst = state->tensor(destination[i]);
  if (staged[i]) {
    std::memcpy(dst.data, staging[i].data(), staging[i].size());
    ++copied;
    return;
  }
  MemrefView view = viewMemref(resultDescs.data() + resultOffsets[i], r.rank);
  if (isDenseAt(view, dst.data))
    return;
  // A dense block of its own (from the allocator that nnrt_alloc shares)
  // becomes the persistent tensor, and the old one goes back to the cache:
  // the new value is not copied.
  if (view.allocated == view.aligned && view.aligned &&
      view.allocated != kGlobalMarker && isDenseAt(view, view.aligned) &&
      !aliasesArg(view.allocated) && soleOwner(i, view.allocated)) {
    nnrt_free(dst.data);
    dst.data = view.aligned;
    taken[i] = true;
    return;
  }
  copyMemref(view, nnrt_dtype_size(r.dtype), dst.data);
  ++copied;
}

void PackedFn::freeResults() {
  for (size_t i = 0; i < fn->n_results; ++i) {
    void *ptr = nnrt_memref_allocated(resultDescs.data() + resultOffsets[i]);
    if (!ptr || ptr == kGlobalMarker || aliasesArg(ptr) || taken[i])
      continue;
    // A buffer returned twice is freed at its first result.
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j)
      seen =
          nnrt_memref_allocated(resultDescs.data() + resultOffsets[j]) == ptr;
    if (!seen)
      _mlir_memref_to_llvm_free(ptr);
  }
}

int PackedFn::call(int64_t k, uint64_t callNumber) {
  for (size_t a : batchedArgs)
    argDescs[a][kBatchSizeWord] = k;
  // Persistent tensors move to new blocks when a step's results become
  // them (storeResult): the descriptors follow.
  for (size_t a = 0; a < argState.size(); ++a) {
    if (argState[a] < 0)
      continue;
    void *data = state->tensor(argState[a]).data;
    argDescs[a][0] = argDescs[a][1] = reinterpret_cast<int64_t>(data);
    argBuffers[a].first = data;
  }
  std::fill(resultDescs.begin(), resultDescs.end(), 0);
  std::fill(taken.begin(), taken.end(), false);
  nnrt_set_run_call(callNumber);
  nnrt_begin_run();
  entry(packed.data());
  std::string error;
  for (size_t i = 0; i < fn->n_results && error.empty(); ++i)
    error = readResult(i);
  // A step whose loss is not finite changes nothing, so that the driver
  // can run it again to find where, and nothing is lost.
  bool finite = true;
  for (size_t i = 0; i < fn->n_results; ++i) {
    nnrt_role role = fn->results[i].role;
    if (role == NNRT_ROLE_LOSS || role == NNRT_ROLE_METRIC)
      finite = finite && std::isfinite(values[i]);
  }
  for (size_t i = 0; i < fn->n_results && error.empty() && finite; ++i)
    storeResult(i);
  freeResults();
  return error.empty() ? kExitOk : internalError(error);
}

std::vector<std::pair<std::string, double>> PackedFn::metrics() const {
  std::vector<std::pair<std::string, double>> found;
  for (size_t i : metricResults)
    found.push_back({fn->results[i].name, values[i]});
  return found;
}

const float *PackedFn::grad(const char *param) const {
  for (size_t i = 0; i < fn->n_results; ++i) {
    if (fn->results[i].role == NNRT_ROLE_GRAD &&
        !std::strcmp(fn->results[i].name, param))
      return grads[i].data();
  }
  return nullptr;
}
