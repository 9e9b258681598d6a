//===- thread_pool.cpp - The kernels' persistent worker threads -----------===//
//
// One process-wide pool, created at the first parallel run and never
// destroyed (workers asleep at exit are simply ended with the process, so
// there is no join at static destruction). A run publishes its function and
// one atomic word, generation << 32 | tasks << 16 | next task, under the
// mutex; workers notice the new generation by spinning for a short while
// after their last task, else by waking on the condition variable. The
// caller and the workers claim tasks by incrementing `next` (a CAS on the
// whole word, so a claim can never land in another run), which keeps a run
// going at full speed when a worker is slow to wake or is descheduled by
// another process: the others take its tasks. The caller then waits
// (spinning briefly, then sleeping) until every task has finished.
//
//===----------------------------------------------------------------------===//

#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NNRT_CPU_RELAX() _mm_pause()
#else
#define NNRT_CPU_RELAX() ((void)0)
#endif

using namespace nnrt;

namespace {

/// How long an idle worker (or a waiting caller) spins before sleeping: long
/// enough to bridge the gaps between the kernel calls of a training step.
constexpr std::chrono::nanoseconds kSpin = std::chrono::microseconds(100);
constexpr int kMaxThreads = 1024;
constexpr int kMaxTasks = 0xffff;

thread_local bool tlsInRegion = false;

/// The run word: generation << 32 | tasks << 16 | next task to claim.
uint64_t genOf(uint64_t w) { return w >> 32; }
int tasksOf(uint64_t w) { return static_cast<int>((w >> 16) & 0xffff); }
int nextOf(uint64_t w) { return static_cast<int>(w & 0xffff); }

struct Pool {
  std::mutex use;   // held by the thread whose run owns the pool
  std::mutex mutex; // guards sleeping and publishing a run
  std::condition_variable wake, done;
  std::atomic<uint64_t> word{0};
  std::atomic<int> pending{0}; // tasks of this run not finished
  std::atomic<bool> stop{false};
  TaskFn fn = nullptr; // read only after claiming a task of the run
  void *ctx = nullptr;
  std::vector<std::thread> workers;
  std::atomic<int> threads{0}; // wanted, the caller included; 0: default
};

Pool &pool() {
  static Pool *p = new Pool; // never destroyed (see above)
  return *p;
}

int defaultThreads() {
  static const int n = [] {
    if (const char *env = std::getenv("NNRT_THREADS")) {
      char *end = nullptr;
      long v = std::strtol(env, &end, 10);
      if (end != env && *end == '\0' && v >= 1)
        return static_cast<int>(v < kMaxThreads ? v : kMaxThreads);
    }
    unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw < kMaxThreads ? hw : kMaxThreads);
  }();
  return n;
}

/// Spins until \p done() for at most kSpin; returns whether it became true.
template <typename F> bool spinUntil(F done) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      NNRT_CPU_RELAX();
    }
    if (std::chrono::steady_clock::now() - start > kSpin)
      return done();
  }
}

/// Claims and runs tasks of generation \p gen until none is left.
void runTasks(Pool *p, uint64_t gen) {
  uint64_t w = p->word.load(std::memory_order_acquire);
  for (;;) {
    if (genOf(w) != gen || nextOf(w) >= tasksOf(w))
      return;
    if (!p->word.compare_exchange_weak(w, w + 1, std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      continue; // w reloaded
    // The run cannot end (nor fn and ctx change) before this task is done.
    p->fn(p->ctx, nextOf(w));
    if (p->pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(p->mutex);
      p->done.notify_one();
    }
    w = p->word.load(std::memory_order_acquire);
  }
}

void workerLoop(Pool *p, uint64_t seenGen) {
  tlsInRegion = true; // a kernel called from a task runs serially
  for (;;) {
    uint64_t w = 0;
    auto fresh = [&] {
      w = p->word.load(std::memory_order_acquire);
      return genOf(w) != seenGen;
    };
    if (!spinUntil(fresh)) {
      std::unique_lock<std::mutex> lock(p->mutex);
      p->wake.wait(lock, fresh);
    }
    seenGen = genOf(w);
    if (p->stop.load(std::memory_order_acquire))
      return;
    runTasks(p, seenGen);
  }
}

/// Publishes generation + 1 with \p tasks tasks; p->mutex is held.
void publish(Pool *p, int tasks) {
  uint64_t gen = genOf(p->word.load(std::memory_order_relaxed)) + 1;
  p->word.store(gen << 32 | static_cast<uint64_t>(tasks) << 16,
                std::memory_order_release);
}

/// Ends the workers; p->use is held.
void joinWorkers(Pool *p) {
  if (p->workers.empty())
    return;
  {
    std::lock_guard<std::mutex> lock(p->mutex);
    p->stop.store(true, std::memory_order_release);
    publish(p, 0);
  }
  p->wake.notify_all();
  for (std::thread &t : p->workers)
    t.join();
  p->workers.clear();
  p->stop.store(false, std::memory_order_release);
}

} // namespace

int nnrt::poolThreads() {
  int n = pool().threads.load(std::memory_order_relaxed);
  return n > 0 ? n : defaultThreads();
}

void nnrt::setPoolThreads(int n) {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.use);
  int want = n > 0 ? (n < kMaxThreads ? n : kMaxThreads) : 0;
  int now = p.threads > 0 ? p.threads.load() : defaultThreads();
  p.threads = want;
  if ((want > 0 ? want : defaultThreads()) != now)
    joinWorkers(&p); // restarted at the next run
}

bool nnrt::inParallelRegion() { return tlsInRegion; }

void nnrt::parallelFor(int tasks, TaskFn fn, void *ctx) {
  if (tasks <= 0)
    return;
  Pool &p = pool();
  bool serial =
      tasks == 1 || tlsInRegion || poolThreads() == 1 || !p.use.try_lock();
  if (serial) {
    bool outer = tlsInRegion;
    tlsInRegion = true;
    for (int i = 0; i < tasks; ++i)
      fn(ctx, i);
    tlsInRegion = outer;
    return;
  }
  std::lock_guard<std::mutex> useLock(p.use, std::adopt_lock);
  int threads = poolThreads();
  if (tasks > kMaxTasks) { // the kernels use a few per thread
    std::fprintf(stderr, "nnrt: parallelFor: %d tasks (at most %d)\n", tasks,
                 kMaxTasks);
    std::abort();
  }
  if (static_cast<int>(p.workers.size()) != threads - 1) {
    joinWorkers(&p);
    uint64_t gen = genOf(p.word.load(std::memory_order_relaxed));
    for (int i = 1; i < threads; ++i)
      p.workers.emplace_back(workerLoop, &p, gen);
  }
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.fn = fn;
    p.ctx = ctx;
    p.pending.store(tasks, std::memory_order_relaxed);
    publish(&p, tasks);
  }
  p.wake.notify_all();
  tlsInRegion = true;
  runTasks(&p, genOf(p.word.load(std::memory_order_relaxed)));
  tlsInRegion = false;
  auto finished = [&] {
    return p.pending.load(std::memory_order_acquire) == 0;
  };
  if (!spinUntil(finished)) {
    std::unique_lock<std::mutex> lock(p.mutex);
    p.done.wait(lock, finished);
  }
}
