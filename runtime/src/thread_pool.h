//===- thread_pool.h - The kernels' persistent worker threads ---*- C++ -*-===//
//
// A small pool of std::threads that the compute kernels (kernels.h) split
// their work over: a run of N independent tasks, claimed one by one by the
// calling thread and the workers, so a worker that is slow to wake (or
// descheduled by another process) does not hold the run up. The kernels
// make the result of a task independent of the thread that runs it. Idle
// workers spin briefly, then sleep on a condition variable.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_THREAD_POOL_H
#define NNRT_SRC_THREAD_POOL_H

namespace nnrt {

/// The function of one task: fn(ctx, i) for task i.
using TaskFn = void (*)(void *ctx, int task);

/// The number of threads parallelFor may use (>= 1, the caller included):
/// nnrt_set_threads's value, else NNRT_THREADS (read once), else the
/// hardware's.
int poolThreads();

/// Sets poolThreads() (n <= 0: the default). Joins or starts workers lazily.
void setPoolThreads(int n);

/// Runs fn(ctx, i) once for each i in [0, tasks) (at most 65535), on the
/// calling thread and the pool's workers, and returns when all are done.
/// Runs every task on the caller, in order, when the caller is itself
/// running a task, poolThreads() is 1, or another thread is using the pool.
void parallelFor(int tasks, TaskFn fn, void *ctx);

/// Whether the calling thread is running a task of parallelFor (a nested
/// kernel call then runs serially).
bool inParallelRegion();

} // namespace nnrt

#endif // NNRT_SRC_THREAD_POOL_H
