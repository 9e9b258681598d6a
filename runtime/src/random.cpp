//===- random.cpp - The per-run random state of generated code ------------===//
//
// The random ops of a forward pass (normal, uniform, bernoulli, dropout)
// call nnrt_rand_uniform / nnrt_rand_normal element by element. Each value
// is a pure function of the run's seed, the number of the forward call,
// the op's call site and the element's index, so a compiled program may
// recompute or reorder elements freely and still produce the same bits.
// The state is process-wide (see abi.h).
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <atomic>

static std::atomic<uint64_t> runSeed{0};
/// The number of the next forward call, and of the one running.
static std::atomic<uint64_t> nextCall{0}, currentCall{0};

void nnrt_set_run_seed(uint64_t seed) {
  runSeed.store(seed, std::memory_order_relaxed);
  nextCall.store(0, std::memory_order_relaxed);
  currentCall.store(0, std::memory_order_relaxed);
}

void nnrt_set_run_call(uint64_t call) {
  nextCall.store(call, std::memory_order_relaxed);
}

uint64_t nnrt_begin_run(void) {
  uint64_t call = nextCall.fetch_add(1, std::memory_order_relaxed);
  currentCall.store(call, std::memory_order_relaxed);
  return call;
}

uint64_t nnrt_rand_stream(uint64_t call, int64_t site) {
  return (call << 32) | (uint64_t(site) & 0xffffffffu);
}

float nnrt_rand_uniform(int64_t site, int64_t index) {
  return nnrt_uniform_f32(
      runSeed.load(std::memory_order_relaxed),
      nnrt_rand_stream(currentCall.load(std::memory_order_relaxed), site),
      uint64_t(index));
}

float nnrt_rand_normal(int64_t site, int64_t index) {
  return nnrt_normal_f32(
      runSeed.load(std::memory_order_relaxed),
      nnrt_rand_stream(currentCall.load(std::memory_order_relaxed), site),
      uint64_t(index));
}
