//===- gemm_bench.cpp - Throughput of nnrt_sgemm --------------------------===//
//
// Times C += A * B (row-major f32) for square sizes and MxNxK shapes with
// given thread counts and prints one line per case:
//
//   nnrt M N K THREADS GFLOPS BEST
//
// GFLOPS = 2 M N K / the median time of several samples, after a warm-up;
// a sample repeats the GEMM until it lasts at least 50 ms. BEST is the same
// for the fastest sample (the least disturbed on a shared machine). Options:
//
//   --sizes 256,512,1024,2048   square sizes
//   --shapes 64x256x784,...     M x N x K shapes (besides the sizes)
//   --threads 1,2               thread counts (nnrt_set_threads)
//   --samples 7                 timed samples per case
//   --transpose                 B given transposed (column-major)
//   --block MC,KC,NC            cache blocking (tuning only)
//   --portable                  the portable code path
//   --peak                      also measure the FMA peak: each of THREADS
//                               threads runs 12 independent chains of
//                               AVX-512 FMAs (AVX2 without AVX-512; no
//                               memory traffic); prints
//                               `peak THREADS GFLOPS` (best of 5)
//   --serve                     read cases "M N K THREADS SAMPLES" from
//                               stdin, one a line, and answer each
//
//===----------------------------------------------------------------------===//

#include "gemm.h"
#include "nnrt/kernels.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace {

std::vector<long> parseList(const char *s, char sep) {
  std::vector<long> out;
  while (*s) {
    char *end = nullptr;
    out.push_back(std::strtol(s, &end, 10));
    if (end == s)
      break;
    s = *end == sep ? end + 1 : end;
    if (*end == ',' && sep != ',')
      break;
  }
  return out;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Result {
  double median, best; // GFLOP/s
};

Result bench(long m, long n, long k, int samples, bool transposeB) {
  std::vector<float> a(static_cast<size_t>(m * k)),
      b(static_cast<size_t>(k * n)), c(static_cast<size_t>(m * n), 0.0f);
  unsigned s = 12345;
  auto rnd = [&] {
    s = s * 1664525u + 1013904223u;
    return static_cast<float>(s >> 8) / 16777216.0f - 0.5f;
  };
  for (float &x : a)
    x = rnd();
  for (float &x : b)
    x = rnd();
  auto run = [&] {
    if (transposeB)
      nnrt_sgemm(m, n, k, a.data(), k, 1, b.data(), 1, k, c.data(), n, 1);
    else
      nnrt_sgemm(m, n, k, a.data(), k, 1, b.data(), n, 1, c.data(), n, 1);
  };
  // Warm-up: pool threads, packing buffers, caches; and the repeat count.
  run();
  double t0 = now();
  run();
  double once = std::max(now() - t0, 1e-7);
  long reps = std::max(1L, static_cast<long>(0.05 / once));
  std::vector<double> times;
  for (int i = 0; i < samples; ++i) {
    double start = now();
    for (long r = 0; r < reps; ++r)
      run();
    times.push_back((now() - start) / static_cast<double>(reps));
  }
  std::sort(times.begin(), times.end());
  double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) *
                 static_cast<double>(k);
  return {flops / times[times.size() / 2] / 1e9, flops / times[0] / 1e9};
}

#if defined(__x86_64__)
/// 12 independent FMA chains of 8 lanes, \p iters times: 192 flops each.
__attribute__((target("avx2,fma"))) float fmaLoop(long iters) {
  __m256 acc[12];
  for (int j = 0; j < 12; ++j)
    acc[j] = _mm256_set1_ps(1.0f + 0.001f * static_cast<float>(j));
  __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 12
    for (int j = 0; j < 12; ++j)
      acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  }
  float sum = 0;
  for (int j = 0; j < 12; ++j)
    sum += _mm256_cvtss_f32(acc[j]);
  return sum;
}

/// fmaLoop with 16-lane zmm registers: 384 flops an iteration.
__attribute__((target("avx512f"))) float fmaLoop512(long iters) {
  __m512 acc[12];
  for (int j = 0; j < 12; ++j)
    acc[j] = _mm512_set1_ps(1.0f + 0.001f * static_cast<float>(j));
  __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iters; ++i) {
#pragma GCC unroll 12
    for (int j = 0; j < 12; ++j)
      acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  }
  float sum = 0;
  for (int j = 0; j < 12; ++j)
    sum += _mm512_reduce_add_ps(acc[j]);
  return sum;
}

/// GFLOP/s of fmaLoop (fmaLoop512 where the CPU has AVX-512) on \p threads
/// threads at once (best of 5 runs).
double fmaPeak(int threads) {
  bool wide = nnrt::gemm::cpuHasAvx512();
  double flopsPerIter = wide ? 384.0 : 192.0;
  const long iters = 20000000;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    std::vector<std::thread> pool;
    std::vector<float> sink(threads);
    double start = now();
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        sink[t] = wide ? fmaLoop512(iters) : fmaLoop(iters);
      });
    for (std::thread &th : pool)
      th.join();
    double secs = now() - start;
    best = std::max(best, flopsPerIter * iters * threads / secs / 1e9);
  }
  return best;
}
#endif

} // namespace

int main(int argc, char **argv) {
  std::vector<long> sizes = {256, 512, 1024, 2048}, threads = {1, 2};
  std::vector<std::vector<long>> shapes;
  int samples = 7;
  bool transposeB = false, peak = false, serve = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--sizes") {
      sizes = parseList(val, ',');
      ++i;
    } else if (arg == "--shapes") {
      std::string list = val;
      ++i;
      size_t pos = 0;
      while (pos < list.size()) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos)
          comma = list.size();
        std::vector<long> dims =
            parseList(list.substr(pos, comma - pos).c_str(), 'x');
        if (dims.size() == 3)
          shapes.push_back(dims);
        pos = comma + 1;
      }
    } else if (arg == "--threads") {
      threads = parseList(val, ',');
      ++i;
    } else if (arg == "--samples") {
      samples = std::max(1, std::atoi(val));
      ++i;
    } else if (arg == "--transpose") {
      transposeB = true;
    } else if (arg == "--serve") {
      serve = true;
    } else if (arg == "--peak") {
      peak = true;
    } else if (arg == "--portable") {
      nnrt::gemm::setImpl(nnrt::gemm::Impl::Portable);
    } else if (arg == "--block") {
      std::vector<long> blk = parseList(val, ',');
      ++i;
      if (blk.size() == 3)
        nnrt::gemm::setBlocking({blk[0], blk[1], blk[2]});
    } else {
      std::fprintf(stderr,
                   "usage: %s [--sizes L] [--shapes MxNxK,...] "
                   "[--threads L] [--samples N] [--transpose] "
                   "[--block MC,KC,NC] [--portable] [--peak] [--serve]\n",
                   argv[0]);
      return 2;
    }
  }
  for (long n : sizes)
    shapes.push_back({n, n, n});
#if defined(__x86_64__)
  if (peak && nnrt::gemm::cpuHasAvx2Fma())
    for (long t : threads)
      std::printf("peak %ld %.2f\n", t, fmaPeak(static_cast<int>(t)));
#endif
  nnrt::gemm::Blocking blk = nnrt::gemm::blocking();
  nnrt::gemm::Impl impl = nnrt::gemm::activeImpl();
  std::printf("# impl %s, blocking MC=%lld KC=%lld NC=%lld\n",
              impl == nnrt::gemm::Impl::Avx512 ? "avx512"
              : impl == nnrt::gemm::Impl::Avx2 ? "avx2"
                                               : "portable",
              static_cast<long long>(blk.mc), static_cast<long long>(blk.kc),
              static_cast<long long>(blk.nc));
  if (serve) {
    // One case per input line, "M N K THREADS SAMPLES", answered at once:
    // bench/gemm/run interleaves these with NumPy's on the same sizes.
    long m, n, k, t;
    int smp;
    while (std::scanf("%ld %ld %ld %ld %d", &m, &n, &k, &t, &smp) == 5) {
      nnrt_set_threads(static_cast<int>(t));
      Result r = bench(m, n, k, std::max(1, smp), transposeB);
      std::printf("nnrt %ld %ld %ld %ld %.2f %.2f\n", m, n, k, t, r.median,
                  r.best);
      std::fflush(stdout);
    }
    return 0;
  }
  for (const auto &shape : shapes)
    for (long t : threads) {
      nnrt_set_threads(static_cast<int>(t));
      Result r = bench(shape[0], shape[1], shape[2], samples, transposeB);
      std::printf("nnrt %ld %ld %ld %ld %.2f %.2f\n", shape[0], shape[1],
                  shape[2], t, r.median, r.best);
      std::fflush(stdout);
    }
  return 0;
}
