//===- parallel_range.cpp - Elementwise loops over the thread pool --------===//
//
// nnrt_parallel_range (kernels.h): the entry point of the loops that the
// compiler's parallelize-elementwise pass outlines. [0, extent) is cut into
// contiguous chunks, a few per thread so that a worker that is slow to wake
// (or descheduled by another process) costs little: the others claim its
// chunks. Small loops run on the caller, in one piece.
//
//===----------------------------------------------------------------------===//

#include "nnrt/kernels.h"

#include "thread_pool.h"

#include <algorithm>

#define NNRT_EXPORT extern "C" __attribute__((visibility("default")))

using namespace nnrt;

namespace {

/// Loops of less work (iterations times the ops of one) run serially; the
/// compiler's `min-work` default is the same, so it only outlines loops that
/// may reach it.
constexpr int64_t kMinWork = 32768;
/// Chunks get at least this much work each (the cost of a pool run is a
/// few microseconds), and there are at most kChunksPerThread per thread.
constexpr int64_t kMinChunkWork = 16384;
constexpr int64_t kChunksPerThread = 4;

struct Range {
  nnrt_range_fn fn;
  void *ctx;
  int64_t extent;
  int64_t chunks;
};

void rangeTask(void *ctx, int task) {
  auto *r = static_cast<Range *>(ctx);
  int64_t begin = r->extent * task / r->chunks;
  int64_t end = r->extent * (task + 1) / r->chunks;
  if (begin < end)
    r->fn(r->ctx, begin, end);
}

} // namespace

NNRT_EXPORT void nnrt_parallel_range(nnrt_range_fn fn, int64_t extent,
                                     int64_t work_per_index, void *ctx) {
  if (extent <= 0)
    return;
  int64_t work = extent * std::max<int64_t>(work_per_index, 1);
  int threads = poolThreads();
  if (threads == 1 || extent == 1 || work < kMinWork || inParallelRegion()) {
    fn(ctx, 0, extent);
    return;
  }
  int64_t chunks = std::min({extent, threads * kChunksPerThread,
                             std::max<int64_t>(work / kMinChunkWork, 2)});
  Range range{fn, ctx, extent, chunks};
  parallelFor(static_cast<int>(chunks), rangeTask, &range);
}
