//===- ParallelRangeTest.cpp - Tests of nnrt_parallel_range ---------------===//
//
// Every index of [0, extent) is run exactly once, by calls on contiguous
// chunks, for 1 to 4 threads; small loops and nested calls run on the caller
// in one piece.
//
//===----------------------------------------------------------------------===//

#include "nnrt/kernels.h"
#include "thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace {

/// What the loop body saw: a hit count per index and the [begin, end) of
/// every call.
struct Record {
  std::vector<std::atomic<int>> hits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> calls;
  bool nested = false; // calls a nested nnrt_parallel_range from each chunk
  explicit Record(int64_t n) : hits(n) {}
};

void body(void *ctx, int64_t begin, int64_t end) {
  auto *r = static_cast<Record *>(ctx);
  {
    std::lock_guard<std::mutex> lock(r->mutex);
    r->calls.emplace_back(begin, end);
  }
  for (int64_t i = begin; i < end; ++i)
    r->hits[i].fetch_add(1);
}

void nestedBody(void *ctx, int64_t begin, int64_t end) {
  auto *r = static_cast<Record *>(ctx);
  EXPECT_TRUE(nnrt::inParallelRegion());
  // A large inner loop, run whole on this thread.
  Record inner(1000);
  nnrt_parallel_range(body, 1000, 1000, &inner);
  EXPECT_EQ(inner.calls.size(), 1u);
  body(r, begin, end);
}

TEST(ParallelRange, CoversEveryIndexOnce) {
  for (int threads = 1; threads <= 4; ++threads) {
    nnrt_set_threads(threads);
    for (int64_t extent : {2, 3, 7, 256, 1001}) {
      Record r(extent);
      nnrt_parallel_range(body, extent, 1 << 20, &r);
      for (int64_t i = 0; i < extent; ++i)
        EXPECT_EQ(r.hits[i].load(), 1) << "index " << i << " of " << extent
                                       << ", " << threads << " threads";
      if (threads == 1)
        EXPECT_EQ(r.calls.size(), 1u);
      else
        EXPECT_GT(r.calls.size(), 1u) << extent << ", " << threads;
    }
  }
  nnrt_set_threads(0);
}

TEST(ParallelRange, SmallLoopsRunWhole) {
  nnrt_set_threads(4);
  Record r(100);
  nnrt_parallel_range(body, 100, 10, &r); // 1000 of work
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0], std::make_pair(int64_t(0), int64_t(100)));
  Record none(1);
  nnrt_parallel_range(body, 0, 1 << 20, &none);
  EXPECT_TRUE(none.calls.empty());
  nnrt_set_threads(0);
}

TEST(ParallelRange, NestedCallsRunWhole) {
  nnrt_set_threads(2);
  Record r(64);
  nnrt_parallel_range(nestedBody, 64, 1 << 20, &r);
  for (int64_t i = 0; i < 64; ++i)
    EXPECT_EQ(r.hits[i].load(), 1);
  EXPECT_GT(r.calls.size(), 1u);
  nnrt_set_threads(0);
}

} // namespace
