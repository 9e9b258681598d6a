//===- gemm.h - The kernels' GEMM, internals ---------------------*- C++
//-*-===//
//
// What the other kernels (and the tests) use of gemm.cpp beyond nnrt_sgemm:
// a serial entry point for work already split over threads, thread-local
// scratch buffers, and the choice between the AVX2+FMA and portable code.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_GEMM_H
#define NNRT_SRC_GEMM_H

#include <cstddef>
#include <cstdint>

/// On the definitions of kernels.h's functions: the only symbols that
/// libnnrt_kernels.so (built with hidden visibility) exports.
#define NNRT_EXPORT extern "C" __attribute__((visibility("default")))

namespace nnrt::gemm {

/// The code paths of the kernels.
enum class Impl {
  Auto,     ///< the widest the CPU has, unless NNRT_GEMM says otherwise
  Portable, ///< plain C++ loops (no FMA contraction)
  Avx2,     ///< AVX2+FMA; only valid where the CPU has both
  Avx512,   ///< AVX-512F; only valid where the CPU has it (and AVX2+FMA)
};

/// Forces a code path (the tests); Auto restores the default. Not to be
/// called while a kernel runs.
void setImpl(Impl impl);

/// The code path in use (never Auto).
Impl activeImpl();

/// Whether the CPU has AVX2 and FMA (and the build targets x86).
bool cpuHasAvx2Fma();

/// Whether the CPU has AVX-512F besides AVX2 and FMA.
bool cpuHasAvx512();

/// Below this many flops (2 m n k) a GEMM runs on the calling thread.
constexpr double kParallelMinFlops = 2.0e6;

/// nnrt_sgemm computed on the calling thread alone (the same bits).
void sgemmSerial(int64_t m, int64_t n, int64_t k, const float *a, int64_t aRow,
                 int64_t aCol, const float *b, int64_t bRow, int64_t bCol,
                 float *c, int64_t cRow, int64_t cCol);

/// A 64-byte aligned buffer of at least \p floats floats owned by the
/// calling thread, slot 0 to 3 (separate from the GEMM's packing buffers),
/// grown as needed and kept for the thread's lifetime. Aborts when out of
/// memory.
float *scratch(int slot, size_t floats);

/// nnrt_sgemm (C += A B), or C = A B without reading C when \p overwrite
/// (the same bits as adding to zeros), split over the threads when
/// \p threaded.
void sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t aRow,
           int64_t aCol, const float *b, int64_t bRow, int64_t bCol, float *c,
           int64_t cRow, int64_t cCol, bool overwrite, bool threaded);

/// sgemm where A[i][p] = a[aRows[i] + p], for i < m, p < k: a
/// convolution's input whose rows are read at per-(image, oh, ow) offsets
/// (a filter gradient's big kernel).
void sgemmRowsA(int64_t m, int64_t n, int64_t k, const float *a,
                const int64_t *aRows, const float *b, int64_t bRow,
                int64_t bCol, float *c, int64_t cRow, int64_t cCol,
                bool overwrite, bool threaded);

/// sgemm (C's columns contiguous) where B[p][j] = b[bRows[p] + j], for
/// p < k, j < n; the same bits as
/// the GEMM of that B stored as a matrix. A stride-1 convolution's input
/// read in place (bRows[p] the offset of (c, kh, kw)) is its im2col matrix
/// over the columns oh * (row stride) + ow, without the copy.
void sgemmRows(int64_t m, int64_t n, int64_t k, const float *a, int64_t aRow,
               int64_t aCol, const float *b, const int64_t *bRows, float *c,
               int64_t cRow, bool overwrite, bool threaded);

/// The cache blocking: rows of A per packed block (a multiple of 6), depth
/// per packed panel (the k blocking, which decides the summation order),
/// columns of B per packed block (a multiple of 16). For tuning only:
/// changing kc changes the results' rounding.
struct Blocking {
  int64_t mc, kc, nc;
};
Blocking blocking();
void setBlocking(Blocking b);

} // namespace nnrt::gemm

#endif // NNRT_SRC_GEMM_H
