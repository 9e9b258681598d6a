//===- gemm.cpp - Single-precision GEMM, BLIS style -----------------------===//
//
// C += A * B with arbitrary element strides. The structure is BLIS's: for
// each block of NC columns of C, for each panel of KC depth, B's KC x NC
// block is packed into NR-column micro-panels (k-major: NR floats per k);
// for each block of MC rows, A's MC x KC block is packed into MR-row
// micro-panels (6 floats per k); then the MR x NR micro-kernel runs over
// every (micro-panel of B, micro-panel of A) pair, the B micro-panel staying
// in L1 while the A block streams from L2. Packing absorbs the strides, so
// transposed operands cost no more than row-major ones.
//
// The micro-kernel accumulates a 6 x NR tile over the KC panel from zero
// (12 accumulators, two loads of B and six broadcasts of A per k: NR = 16
// with ymm registers for AVX2, 32 with zmm for AVX-512) and then adds the
// tile to C. Partial tiles (at the edges) are computed the
// same way over zero-padded panels and only their valid part is added, so
// every element of C is C + tile(panel 0) + tile(panel 1) + ..., with the
// panels' split of k a function of k alone: the same bits whatever the
// thread count or the element's position in a tile.
//
// Threads: a GEMM of at least kParallelMinFlops is split over the pool in
// whole NR-column (or 6-row) blocks of C, each task packing its own
// operands into thread-local buffers that are grown once and kept. Which
// thread computes a block does not change its bits.
//
// The runtime is compiled for baseline x86-64, so the AVX2 and AVX-512 code
// is in functions with a target attribute, chosen once at run time.
//
//===----------------------------------------------------------------------===//

#include "gemm.h"

#include "nnrt/kernels.h"
#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define NNRT_X86 1
#include <immintrin.h>
#else
#define NNRT_X86 0
#endif

using namespace nnrt;
using namespace nnrt::gemm;

namespace {

constexpr int MR = 6;
/// Micro-panel widths of B (columns of C per tile): 16 for the portable and
/// AVX2 paths (two ymm), 32 for AVX-512 (two zmm).
constexpr int NR16 = 16, NR32 = 32;

/// Blocking for L1d >= 32 KiB, L2 >= 512 KiB per core: a KC x NR
/// micro-panel of B is 16 KiB (AVX2) or 32 KiB (AVX-512), an MC x KC block
/// of A 144 KiB.
std::atomic<int64_t> gMC{144}, gKC{256}, gNC{2048};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// Splits [0, len) into the fewest pieces of at most \p step, of equal
/// length (a multiple of \p unit) but the last: the step to use.
int64_t balancedStep(int64_t len, int64_t step, int64_t unit) {
  int64_t pieces = ceilDiv(len, step);
  return roundUp(ceilDiv(len, pieces), unit);
}

//===----------------------------------------------------------------------===//
// Thread-local buffers
//===----------------------------------------------------------------------===//

struct Buffer {
  float *data = nullptr;
  size_t cap = 0;
  Buffer() = default;
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  ~Buffer() { std::free(data); }

  float *get(size_t floats) {
    if (floats <= cap)
      return data;
    // Grow geometrically; 64 spare floats cover the packing code's
    // over-wide stores, and the size is a multiple of 64 bytes.
    size_t want = std::max(floats, cap + cap / 2);
    size_t bytes = (want + 64) * sizeof(float);
    bytes = (bytes + 63) / 64 * 64;
    std::free(data);
    data = static_cast<float *>(std::aligned_alloc(64, bytes));
    if (!data) {
      std::fprintf(stderr, "nnrt: cannot allocate %zu bytes for a kernel\n",
                   bytes);
      std::abort();
    }
    cap = bytes / sizeof(float) - 64;
    return data;
  }
};

thread_local Buffer tlsPackA, tlsPackB, tlsScratch[4];

//===----------------------------------------------------------------------===//
// Portable code
//===----------------------------------------------------------------------===//

/// Adds the valid mr x nr part of the tile \p t (NR floats a row) to C.
/// Stores it instead when \p ow (the first k panel of an overwriting GEMM).
template <int NR>
inline void addTile(const float *t, float *c, int64_t rsc, int64_t csc, int mr,
                    int nr, bool ow) {
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j)
      c[i * rsc + j * csc] = ow ? t[i * NR + j] : c[i * rsc + j * csc] + t[i * NR + j];
}

/// The micro-kernels read row p of B at b + p * ldb, or at b + ro[p] when
/// \p Rows (a convolution's input read in place, one offset per (c, kh, kw)).
template <bool Rows>
void kernelPortable(int64_t kc, const float *__restrict a,
                    const float *__restrict b, int64_t ldb, const int64_t *ro,
                    float *c, int64_t rsc, int64_t csc, int mr, int nr, bool ow) {
  constexpr int NR = NR16;
  float t[MR * NR] = {};
  for (int64_t p = 0; p < kc; ++p) {
    const float *bp = Rows ? b + ro[p] : b + p * ldb;
    for (int i = 0; i < MR; ++i) {
      float ai = a[i];
      for (int j = 0; j < NR; ++j)
        t[i * NR + j] += ai * bp[j];
    }
    a += MR;
  }
  addTile<NR>(t, c, rsc, csc, mr, nr, ow);
}

/// Packs the mc x kc block of A at \p a into MR-row micro-panels at \p ap
/// (kc * MR floats each, rows past mc zero).
void packAPortable(int64_t mc, int64_t kc, const float *a, int64_t rs,
                   int64_t cs, float *ap) {
  for (int64_t i = 0; i < mc; i += MR) {
    int mr = static_cast<int>(std::min<int64_t>(MR, mc - i));
    const float *ai = a + i * rs;
    if (mr == MR && cs == 1) {
      const float *r0 = ai, *r1 = ai + rs, *r2 = ai + 2 * rs, *r3 = ai + 3 * rs,
                  *r4 = ai + 4 * rs, *r5 = ai + 5 * rs;
      for (int64_t p = 0; p < kc; ++p) {
        ap[0] = r0[p];
        ap[1] = r1[p];
        ap[2] = r2[p];
        ap[3] = r3[p];
        ap[4] = r4[p];
        ap[5] = r5[p];
        ap += MR;
      }
    } else if (mr == MR && rs == 1) {
      for (int64_t p = 0; p < kc; ++p) {
        std::memcpy(ap, ai + p * cs, MR * sizeof(float));
        ap += MR;
      }
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        for (int r = 0; r < mr; ++r)
          ap[r] = ai[r * rs + p * cs];
        for (int r = mr; r < MR; ++r)
          ap[r] = 0.0f;
        ap += MR;
      }
    }
  }
}

/// Packs the kc x nc block of B at \p b into NR-column micro-panels at \p bp
/// (kc * NR floats each, columns past nc zero).
template <int NR>
void packBPortable(int64_t kc, int64_t nc, const float *b, int64_t rs,
                   int64_t cs, float *bp) {
  for (int64_t j = 0; j < nc; j += NR) {
    int nr = static_cast<int>(std::min<int64_t>(NR, nc - j));
    const float *bj = b + j * cs;
    if (nr == NR && cs == 1) {
      for (int64_t p = 0; p < kc; ++p) {
        std::memcpy(bp, bj + p * rs, NR * sizeof(float));
        bp += NR;
      }
    } else if (nr == NR && rs == 1) {
      for (int q = 0; q < NR; ++q) {
        const float *col = bj + q * cs;
        for (int64_t p = 0; p < kc; ++p)
          bp[p * NR + q] = col[p];
      }
      bp += kc * NR;
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        for (int q = 0; q < nr; ++q)
          bp[q] = bj[p * rs + q * cs];
        for (int q = nr; q < NR; ++q)
          bp[q] = 0.0f;
        bp += NR;
      }
    }
  }
}

/// Packs the mc x kc block of A[i][p] = a[ro[i] + p] into MR-row
/// micro-panels (rows past mc zero), as packAPortable a row-major A.
void packARows(int64_t mc, int64_t kc, const float *a, const int64_t *ro,
               float *ap) {
  for (int64_t i = 0; i < mc; i += MR) {
    int mr = static_cast<int>(std::min<int64_t>(MR, mc - i));
    const float *r[MR];
    for (int q = 0; q < MR; ++q)
      r[q] = a + ro[i + std::min(q, mr - 1)];
    for (int64_t p = 0; p < kc; ++p, ap += MR)
      for (int q = 0; q < MR; ++q)
        ap[q] = q < mr ? r[q][p] : 0.0f;
  }
}

//===----------------------------------------------------------------------===//
// AVX2 + FMA code
//===----------------------------------------------------------------------===//

#if NNRT_X86
#define NNRT_AVX2 __attribute__((target("avx2,fma")))

template <bool Rows>
NNRT_AVX2 void kernelAvx2(int64_t kc, const float *__restrict a,
                          const float *__restrict b, int64_t ldb,
                          const int64_t *ro, float *c, int64_t rsc,
                          int64_t csc, int mr, int nr, bool ow) {
  constexpr int NR = NR16;
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  bool direct = mr == MR && nr == NR && csc == 1;
  if (direct)
    for (int i = 0; i < MR; ++i)
      _mm_prefetch(reinterpret_cast<const char *>(c + i * rsc + 15),
                   _MM_HINT_T0);
#define NNRT_STEP(P)                                                           \
  {                                                                            \
    const float *bp = Rows ? b + ro[P] : b + (P)*ldb;                          \
    __m256 b0 = _mm256_loadu_ps(bp);                                           \
    __m256 b1 = _mm256_loadu_ps(bp + 8);                                       \
    __m256 av = _mm256_broadcast_ss(a + (P)*MR + 0);                           \
    c00 = _mm256_fmadd_ps(av, b0, c00);                                        \
    c01 = _mm256_fmadd_ps(av, b1, c01);                                        \
    av = _mm256_broadcast_ss(a + (P)*MR + 1);                                  \
    c10 = _mm256_fmadd_ps(av, b0, c10);                                        \
    c11 = _mm256_fmadd_ps(av, b1, c11);                                        \
    av = _mm256_broadcast_ss(a + (P)*MR + 2);                                  \
    c20 = _mm256_fmadd_ps(av, b0, c20);                                        \
    c21 = _mm256_fmadd_ps(av, b1, c21);                                        \
    av = _mm256_broadcast_ss(a + (P)*MR + 3);                                  \
    c30 = _mm256_fmadd_ps(av, b0, c30);                                        \
    c31 = _mm256_fmadd_ps(av, b1, c31);                                        \
    av = _mm256_broadcast_ss(a + (P)*MR + 4);                                  \
    c40 = _mm256_fmadd_ps(av, b0, c40);                                        \
    c41 = _mm256_fmadd_ps(av, b1, c41);                                        \
    av = _mm256_broadcast_ss(a + (P)*MR + 5);                                  \
    c50 = _mm256_fmadd_ps(av, b0, c50);                                        \
    c51 = _mm256_fmadd_ps(av, b1, c51);                                        \
  }
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch(reinterpret_cast<const char *>(a + 8 * MR), _MM_HINT_T0);
    NNRT_STEP(0)
    NNRT_STEP(1)
    NNRT_STEP(2)
    NNRT_STEP(3)
    a += 4 * MR;
    if (Rows)
      ro += 4;
    else
      b += 4 * ldb;
  }
  for (; p < kc; ++p) {
    NNRT_STEP(0)
    a += MR;
    if (Rows)
      ++ro;
    else
      b += ldb;
  }
#undef NNRT_STEP
  if (direct) {
#define NNRT_ROW(I, X0, X1)                                                    \
  {                                                                            \
    float *r = c + (I)*rsc;                                                    \
    _mm256_storeu_ps(r, ow ? X0 : _mm256_add_ps(_mm256_loadu_ps(r), X0));      \
    _mm256_storeu_ps(r + 8,                                                    \
                     ow ? X1 : _mm256_add_ps(_mm256_loadu_ps(r + 8), X1));     \
  }
    NNRT_ROW(0, c00, c01)
    NNRT_ROW(1, c10, c11)
    NNRT_ROW(2, c20, c21)
    NNRT_ROW(3, c30, c31)
    NNRT_ROW(4, c40, c41)
    NNRT_ROW(5, c50, c51)
#undef NNRT_ROW
    return;
  }
  alignas(32) float t[MR * NR];
  _mm256_store_ps(t + 0 * NR, c00);
  _mm256_store_ps(t + 0 * NR + 8, c01);
  _mm256_store_ps(t + 1 * NR, c10);
  _mm256_store_ps(t + 1 * NR + 8, c11);
  _mm256_store_ps(t + 2 * NR, c20);
  _mm256_store_ps(t + 2 * NR + 8, c21);
  _mm256_store_ps(t + 3 * NR, c30);
  _mm256_store_ps(t + 3 * NR + 8, c31);
  _mm256_store_ps(t + 4 * NR, c40);
  _mm256_store_ps(t + 4 * NR + 8, c41);
  _mm256_store_ps(t + 5 * NR, c50);
  _mm256_store_ps(t + 5 * NR + 8, c51);
  addTile<NR>(t, c, rsc, csc, mr, nr, ow);
}

/// Transposes the 8x8 block in r[0..7] in place (r[i] becomes column i).
NNRT_AVX2 inline void transpose8(__m256 r[8]) {
  __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]),
         t1 = _mm256_unpackhi_ps(r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]),
         t3 = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]),
         t5 = _mm256_unpackhi_ps(r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]),
         t7 = _mm256_unpackhi_ps(r[6], r[7]);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44),
         s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44),
         s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44),
         s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44),
         s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// packAPortable, with row-major full panels transposed 8 columns at a time.
NNRT_AVX2 void packAAvx2(int64_t mc, int64_t kc, const float *a, int64_t rs,
                         int64_t cs, float *ap) {
  if (rs == 1 && cs != 1) {
    // Column-major (a transposed operand): each k's six rows are
    // contiguous; a 4-float and a 2-float copy instead of a memcpy call.
    int64_t i = 0;
    for (; i + MR <= mc; i += MR)
      for (int64_t p = 0; p < kc; ++p) {
        const float *src = a + i + p * cs;
        _mm_storeu_ps(ap, _mm_loadu_ps(src));
        _mm_storel_pi(reinterpret_cast<__m64 *>(ap + 4),
                      _mm_castpd_ps(_mm_load_sd(
                          reinterpret_cast<const double *>(src + 4))));
        ap += MR;
      }
    if (i < mc)
      packAPortable(mc - i, kc, a + i, rs, cs, ap);
    return;
  }
  if (cs != 1)
    return packAPortable(mc, kc, a, rs, cs, ap);
  int64_t i = 0;
  for (; i + MR <= mc; i += MR) {
    const float *ai = a + i * rs;
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      __m256 r[8];
      for (int q = 0; q < MR; ++q)
        r[q] = _mm256_loadu_ps(ai + q * rs + p);
      r[6] = r[7] = _mm256_setzero_ps();
      transpose8(r);
      for (int q = 0; q < 8; ++q) {
        // Eight floats stored, six kept: the next column overwrites the
        // other two (the buffer has spare room after the last).
        _mm256_storeu_ps(ap, r[q]);
        ap += MR;
      }
    }
    for (; p < kc; ++p) {
      for (int q = 0; q < MR; ++q)
        ap[q] = ai[q * rs + p];
      ap += MR;
    }
  }
  if (i < mc)
    packAPortable(mc - i, kc, a + i * rs, rs, cs, ap);
}

/// packARows with full micro-panels transposed 8 columns at a time.
NNRT_AVX2 void packARowsAvx2(int64_t mc, int64_t kc, const float *a,
                             const int64_t *ro, float *ap) {
  int64_t i = 0;
  for (; i + MR <= mc; i += MR) {
    const float *r[MR];
    for (int q = 0; q < MR; ++q)
      r[q] = a + ro[i + q];
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      __m256 t[8];
      for (int q = 0; q < MR; ++q)
        t[q] = _mm256_loadu_ps(r[q] + p);
      t[6] = t[7] = _mm256_setzero_ps();
      transpose8(t);
      for (int q = 0; q < 8; ++q) {
        _mm256_storeu_ps(ap, t[q]); // six kept, as in packAAvx2
        ap += MR;
      }
    }
    for (; p < kc; ++p, ap += MR)
      for (int q = 0; q < MR; ++q)
        ap[q] = r[q][p];
  }
  if (i < mc)
    packARows(mc - i, kc, a, ro + i, ap);
}

/// packBPortable, with column-major (transposed) full panels transposed
/// 8 x 8 at a time.
template <int NR>
NNRT_AVX2 void packBAvx2(int64_t kc, int64_t nc, const float *b, int64_t rs,
                         int64_t cs, float *bp) {
  if (cs == 1) {
    // Row-major: each micro-panel row is 16 contiguous floats (a memcpy
    // call per row cost more than the copy, as im2col's B has thousands).
    int64_t j = 0;
    for (; j + NR <= nc; j += NR) {
      const float *bj = b + j;
      for (int64_t p = 0; p < kc; ++p) {
        for (int q = 0; q < NR; q += 8)
          _mm256_store_ps(bp + q, _mm256_loadu_ps(bj + p * rs + q));
        bp += NR;
      }
    }
    if (j < nc)
      packBPortable<NR>(kc, nc - j, b + j, rs, cs, bp);
    return;
  }
  if (rs != 1)
    return packBPortable<NR>(kc, nc, b, rs, cs, bp);
  int64_t j = 0;
  for (; j + NR <= nc; j += NR) {
    const float *bj = b + j * cs;
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      for (int h = 0; h < NR / 8; ++h) {
        __m256 r[8];
        for (int q = 0; q < 8; ++q)
          r[q] = _mm256_loadu_ps(bj + (h * 8 + q) * cs + p);
        transpose8(r);
        for (int q = 0; q < 8; ++q)
          _mm256_store_ps(bp + q * NR + h * 8, r[q]);
      }
      bp += 8 * NR;
    }
    for (; p < kc; ++p) {
      for (int q = 0; q < NR; ++q)
        bp[q] = bj[q * cs + p];
      bp += NR;
    }
  }
  if (j < nc)
    packBPortable<NR>(kc, nc - j, b + j * cs, rs, cs, bp);
}

//===----------------------------------------------------------------------===//
// AVX-512 code
//===----------------------------------------------------------------------===//

#define NNRT_AVX512 __attribute__((target("avx512f,avx2,fma")))

/// The 6 x 32 tile: 12 zmm accumulators, two loads of B and six broadcasts
/// of A per k, as kernelAvx2 with twice the width (a 6 x 16 zmm tile has
/// too few independent FMA chains to cover their latency on two pipes).
template <bool Rows>
NNRT_AVX512 void kernelAvx512(int64_t kc, const float *__restrict a,
                          const float *__restrict b, int64_t ldb,
                          const int64_t *ro, float *c, int64_t rsc,
                          int64_t csc, int mr, int nr, bool ow) {
  constexpr int NR = NR32;
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
  __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
  __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
  __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  if (csc == 1)
    for (int i = 0; i < mr; ++i) {
      _mm_prefetch(reinterpret_cast<const char *>(c + i * rsc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char *>(c + i * rsc + 31),
                   _MM_HINT_T0);
    }
#define NNRT_STEP(P)                                                           \
  {                                                                            \
    const float *bp = Rows ? b + ro[P] : b + (P)*ldb;                          \
    __m512 b0 = _mm512_loadu_ps(bp);                                           \
    __m512 b1 = _mm512_loadu_ps(bp + 16);                                      \
    __m512 av = _mm512_set1_ps(a[(P)*MR + 0]);                                 \
    c00 = _mm512_fmadd_ps(av, b0, c00);                                        \
    c01 = _mm512_fmadd_ps(av, b1, c01);                                        \
    av = _mm512_set1_ps(a[(P)*MR + 1]);                                        \
    c10 = _mm512_fmadd_ps(av, b0, c10);                                        \
    c11 = _mm512_fmadd_ps(av, b1, c11);                                        \
    av = _mm512_set1_ps(a[(P)*MR + 2]);                                        \
    c20 = _mm512_fmadd_ps(av, b0, c20);                                        \
    c21 = _mm512_fmadd_ps(av, b1, c21);                                        \
    av = _mm512_set1_ps(a[(P)*MR + 3]);                                        \
    c30 = _mm512_fmadd_ps(av, b0, c30);                                        \
    c31 = _mm512_fmadd_ps(av, b1, c31);                                        \
    av = _mm512_set1_ps(a[(P)*MR + 4]);                                        \
    c40 = _mm512_fmadd_ps(av, b0, c40);                                        \
    c41 = _mm512_fmadd_ps(av, b1, c41);                                        \
    av = _mm512_set1_ps(a[(P)*MR + 5]);                                        \
    c50 = _mm512_fmadd_ps(av, b0, c50);                                        \
    c51 = _mm512_fmadd_ps(av, b1, c51);                                        \
  }
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch(reinterpret_cast<const char *>(a + 8 * MR), _MM_HINT_T0);
    if (!Rows) {
      _mm_prefetch(reinterpret_cast<const char *>(b + 8 * ldb), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char *>(b + 8 * ldb + 16),
                   _MM_HINT_T0);
    }
    NNRT_STEP(0)
    NNRT_STEP(1)
    NNRT_STEP(2)
    NNRT_STEP(3)
    a += 4 * MR;
    if (Rows)
      ro += 4;
    else
      b += 4 * ldb;
  }
  for (; p < kc; ++p) {
    NNRT_STEP(0)
    a += MR;
    if (Rows)
      ++ro;
    else
      b += ldb;
  }
#undef NNRT_STEP
  if (csc == 1) {
    // Rows past mr and columns past nr are masked off (edge tiles).
    __mmask16 m0 = nr >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << nr) - 1);
    __mmask16 m1 =
        nr >= 32 ? 0xFFFF
                 : nr > 16 ? static_cast<__mmask16>((1u << (nr - 16)) - 1) : 0;
    __m512 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                          {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < mr; ++i) {
      float *r = c + i * rsc;
      _mm512_mask_storeu_ps(
          r, m0,
          ow ? rows[i][0]
             : _mm512_add_ps(_mm512_maskz_loadu_ps(m0, r), rows[i][0]));
      _mm512_mask_storeu_ps(
          r + 16, m1,
          ow ? rows[i][1]
             : _mm512_add_ps(_mm512_maskz_loadu_ps(m1, r + 16), rows[i][1]));
    }
    return;
  }
  alignas(64) float t[MR * NR];
  _mm512_store_ps(t + 0 * NR, c00);
  _mm512_store_ps(t + 0 * NR + 16, c01);
  _mm512_store_ps(t + 1 * NR, c10);
  _mm512_store_ps(t + 1 * NR + 16, c11);
  _mm512_store_ps(t + 2 * NR, c20);
  _mm512_store_ps(t + 2 * NR + 16, c21);
  _mm512_store_ps(t + 3 * NR, c30);
  _mm512_store_ps(t + 3 * NR + 16, c31);
  _mm512_store_ps(t + 4 * NR, c40);
  _mm512_store_ps(t + 4 * NR + 16, c41);
  _mm512_store_ps(t + 5 * NR, c50);
  _mm512_store_ps(t + 5 * NR + 16, c51);
  addTile<NR>(t, c, rsc, csc, mr, nr, ow);
}

#undef NNRT_AVX512
#undef NNRT_AVX2
#endif // NNRT_X86

//===----------------------------------------------------------------------===//
// Dispatch and the macro-kernel
//===----------------------------------------------------------------------===//

/// kernel(kc, a, b, ldb, ro, c, rsc, csc, mr, nr, ow): b's rows are ldb
/// floats apart (NR in a packed micro-panel), or at the offsets ro
/// (kernelRows); the tile is added to C, or stored when ow.
using KernelFn = void (*)(int64_t, const float *, const float *, int64_t,
                          const int64_t *, float *, int64_t, int64_t, int,
                          int, bool);
using PackAFn = void (*)(int64_t, int64_t, const float *, int64_t, int64_t,
                         float *);
using PackBFn = void (*)(int64_t, int64_t, const float *, int64_t, int64_t,
                         float *);
using PackARowsFn = void (*)(int64_t, int64_t, const float *, const int64_t *,
                             float *);

struct Ops {
  KernelFn kernel, kernelRows;
  PackAFn packA;
  PackBFn packB;
  PackARowsFn packARows;
  int nr; ///< the micro-panel width of B the kernels and packB agree on
};

constexpr Ops kPortableOps = {kernelPortable<false>, kernelPortable<true>,
                              packAPortable, packBPortable<NR16>, packARows,
                              NR16};
#if NNRT_X86
constexpr Ops kAvx2Ops = {kernelAvx2<false>, kernelAvx2<true>, packAAvx2,
                          packBAvx2<NR16>, packARowsAvx2, NR16};
constexpr Ops kAvx512Ops = {kernelAvx512<false>, kernelAvx512<true>,
                            packAAvx2, packBAvx2<NR32>, packARowsAvx2, NR32};
#endif

std::atomic<Impl> gForced{Impl::Auto};

Impl defaultImpl() {
  static const Impl impl = [] {
    // NNRT_GEMM=portable|avx2 picks a narrower path than the CPU's best
    // (for comparisons).
    const char *env = std::getenv("NNRT_GEMM");
    bool portable = env && std::strcmp(env, "portable") == 0;
    bool avx2Only = env && std::strcmp(env, "avx2") == 0;
    if (portable || !cpuHasAvx2Fma())
      return Impl::Portable;
    return !avx2Only && cpuHasAvx512() ? Impl::Avx512 : Impl::Avx2;
  }();
  return impl;
}

const Ops &ops() {
#if NNRT_X86
  switch (activeImpl()) {
  case Impl::Avx512:
    return kAvx512Ops;
  case Impl::Avx2:
    return kAvx2Ops;
  default:
    return kPortableOps;
  }
#else
  return kPortableOps;
#endif
}

struct Problem {
  int64_t m, n, k;
  const float *a;
  int64_t aRow, aCol;
  const float *b;
  int64_t bRow, bCol;
  const int64_t *bRows; ///< when set, B[p][j] = b[bRows[p] + j]
  const int64_t *aRows; ///< when set, A[i][p] = a[aRows[i] + p]
  float *c;
  int64_t cRow, cCol;
  bool overwrite = false; ///< C = A B (C is not read) instead of C += A B
};

/// Packs the kc x nc block of B[p][j] = b[ro[p] + j] into one zero-padded
/// micro-panel of \p nr columns (nc <= nr): the partial last one.
void packRows(int64_t kc, int64_t nc, const float *b, const int64_t *ro,
              int nr, float *bp) {
  for (int64_t p = 0; p < kc; ++p, bp += nr) {
    const float *row = b + ro[p];
    for (int64_t q = 0; q < nc; ++q)
      bp[q] = row[q];
    for (int64_t q = nc; q < nr; ++q)
      bp[q] = 0.0f;
  }
}

/// A block of at most this many rows of C reads B's full micro-panels in
/// place when B is row-major: packing pays off through reuse over the
/// block's micro-rows of A, and a convolution with few filters has one or
/// two (its im2col buffer would otherwise be copied twice).
constexpr int64_t kUnpackedBMaxRows = 2 * MR;

/// Computes rows [m0, m1) x columns [n0, n1) of C on the calling thread.
void gemmBlock(const Problem &P, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
               const Ops &o) {
  int64_t MC = gMC.load(std::memory_order_relaxed);
  int64_t KC = gKC.load(std::memory_order_relaxed);
  int64_t NC = gNC.load(std::memory_order_relaxed);
  // The k split depends on k alone: it fixes the summation order.
  int64_t kcStep = balancedStep(P.k, KC, 1);
  int64_t ncStep = balancedStep(n1 - n0, NC, o.nr);
  int64_t mcStep = balancedStep(m1 - m0, MC, MR);
  // Unpacked B gives the same bits: the kernel's arithmetic is the same.
  bool unpackedB =
      P.bRows || (P.bCol == 1 && m1 - m0 <= kUnpackedBMaxRows);
  float *bp = tlsPackB.get(static_cast<size_t>(kcStep * ncStep));
  float *ap = tlsPackA.get(static_cast<size_t>(mcStep * kcStep));
  for (int64_t jc = n0; jc < n1; jc += ncStep) {
    int64_t nc = std::min(ncStep, n1 - jc);
    // Unpacked, only a partial last micro-panel is packed (zero-padded).
    int64_t full = unpackedB ? nc / o.nr * o.nr : 0;
    for (int64_t pc = 0; pc < P.k; pc += kcStep) {
      int64_t kc = std::min(kcStep, P.k - pc);
      const float *bBlock = P.b + pc * P.bRow + jc * P.bCol;
      const int64_t *rows = P.bRows ? P.bRows + pc : nullptr;
      if (full < nc && rows)
        packRows(kc, nc - full, P.b + jc + full, rows, o.nr, bp + full * kc);
      else if (full < nc)
        o.packB(kc, nc - full, bBlock + full * P.bCol, P.bRow, P.bCol,
                bp + full * kc);
      for (int64_t ic = m0; ic < m1; ic += mcStep) {
        int64_t mc = std::min(mcStep, m1 - ic);
        if (P.aRows)
          o.packARows(mc, kc, P.a + pc, P.aRows + ic, ap);
        else
          o.packA(mc, kc, P.a + ic * P.aRow + pc * P.aCol, P.aRow, P.aCol,
                  ap);
        for (int64_t jr = 0; jr < nc; jr += o.nr) {
          int nr = static_cast<int>(std::min<int64_t>(o.nr, nc - jr));
          float *cj = P.c + ic * P.cRow + (jc + jr) * P.cCol;
          const float *bpj = bp + jr * kc;
          int64_t ldb = o.nr;
          KernelFn kernel = o.kernel;
          if (jr < full && rows) {
            bpj = P.b + jc + jr;
            kernel = o.kernelRows;
          } else if (jr < full) {
            bpj = bBlock + jr;
            ldb = P.bRow;
          }
          for (int64_t ir = 0; ir < mc; ir += MR) {
            int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
            kernel(kc, ap + ir * kc, bpj, ldb, rows, cj + ir * P.cRow, P.cRow,
                   P.cCol, mr, nr, P.overwrite && pc == 0);
          }
        }
      }
    }
  }
}

struct ParallelGemm {
  const Problem *P;
  const Ops *o;
  bool splitN;
  int tasks;
  int64_t blocks;
};

void parallelGemmTask(void *ctx, int t) {
  auto *pg = static_cast<ParallelGemm *>(ctx);
  const Problem &P = *pg->P;
  int64_t b0 = pg->blocks * t / pg->tasks,
          b1 = pg->blocks * (t + 1) / pg->tasks;
  int nr = pg->o->nr;
  if (pg->splitN)
    gemmBlock(P, 0, P.m, b0 * nr, std::min(P.n, b1 * nr), *pg->o);
  else
    gemmBlock(P, b0 * MR, std::min(P.m, b1 * MR), 0, P.n, *pg->o);
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

bool nnrt::gemm::cpuHasAvx2Fma() {
#if NNRT_X86
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
#else
  return false;
#endif
}

bool nnrt::gemm::cpuHasAvx512() {
#if NNRT_X86
  static const bool has = [] {
    __builtin_cpu_init();
    return cpuHasAvx2Fma() && __builtin_cpu_supports("avx512f");
  }();
  return has;
#else
  return false;
#endif
}

void nnrt::gemm::setImpl(Impl impl) { gForced.store(impl); }

Impl nnrt::gemm::activeImpl() {
  Impl forced = gForced.load(std::memory_order_relaxed);
  if (forced == Impl::Portable || (forced == Impl::Avx2 && cpuHasAvx2Fma()) ||
      (forced == Impl::Avx512 && cpuHasAvx512()))
    return forced;
  return defaultImpl();
}

float *nnrt::gemm::scratch(int slot, size_t floats) {
  return tlsScratch[slot >= 0 && slot < 4 ? slot : 0].get(floats);
}

Blocking nnrt::gemm::blocking() { return {gMC.load(), gKC.load(), gNC.load()}; }

void nnrt::gemm::setBlocking(Blocking b) {
  gMC.store(std::max<int64_t>(MR, b.mc / MR * MR));
  gKC.store(std::max<int64_t>(1, b.kc));
  gNC.store(std::max<int64_t>(NR32, b.nc / NR32 * NR32));
}

namespace {
/// C += A B for \p P, split over the pool's threads when \p threaded and
/// the problem is large enough.
void runGemm(const Problem &P, bool threaded) {
  if (P.m <= 0 || P.n <= 0)
    return;
  if (P.k <= 0) { // an empty sum
    if (P.overwrite)
      for (int64_t i = 0; i < P.m; ++i)
        for (int64_t j = 0; j < P.n; ++j)
          P.c[i * P.cRow + j * P.cCol] = 0.0f;
    return;
  }
  const Ops &o = ops();
  int threads = threaded && !inParallelRegion() ? poolThreads() : 1;
  double flops = 2.0 * static_cast<double>(P.m) * static_cast<double>(P.n) *
                 static_cast<double>(P.k);
  if (threads > 1 && flops >= kParallelMinFlops) {
    // Split the larger side (fewer operands packed twice), unless only the
    // other one has a block for every thread.
    int64_t blocksM = ceilDiv(P.m, MR), blocksN = ceilDiv(P.n, o.nr);
    bool splitN = P.n >= P.m;
    if (splitN && blocksN < threads && blocksM > blocksN)
      splitN = false;
    else if (!splitN && blocksM < threads && blocksN > blocksM)
      splitN = true;
    int64_t blocks = splitN ? blocksN : blocksM;
    // Threads claim tasks as they come (thread_pool.h): a few tasks per
    // thread let the others make up for one slowed down by another process.
    // Each task packs its own copy of the other operand, so only large
    // tasks are split further: at least 512 columns or 256 rows each.
    int64_t perThread = (splitN ? P.n / 512 : P.m / 256) / threads;
    perThread = std::max<int64_t>(1, std::min<int64_t>(4, perThread));
    int tasks =
        static_cast<int>(std::min<int64_t>(threads * perThread, blocks));
    if (tasks > 1) {
      ParallelGemm pg = {&P, &o, splitN, tasks, blocks};
      parallelFor(tasks, parallelGemmTask, &pg);
      return;
    }
  }
  gemmBlock(P, 0, P.m, 0, P.n, o);
}
} // namespace

void nnrt::gemm::sgemmSerial(int64_t m, int64_t n, int64_t k, const float *a,
                             int64_t aRow, int64_t aCol, const float *b,
                             int64_t bRow, int64_t bCol, float *c, int64_t cRow,
                             int64_t cCol) {
  runGemm({m, n, k, a, aRow, aCol, b, bRow, bCol, nullptr, nullptr, c, cRow,
           cCol},
          false);
}

void nnrt::gemm::sgemm(int64_t m, int64_t n, int64_t k, const float *a,
                       int64_t aRow, int64_t aCol, const float *b, int64_t bRow,
                       int64_t bCol, float *c, int64_t cRow, int64_t cCol,
                       bool overwrite, bool threaded) {
  runGemm({m, n, k, a, aRow, aCol, b, bRow, bCol, nullptr, nullptr, c, cRow,
           cCol, overwrite},
          threaded);
}

void nnrt::gemm::sgemmRowsA(int64_t m, int64_t n, int64_t k, const float *a,
                            const int64_t *aRows, const float *b, int64_t bRow,
                            int64_t bCol, float *c, int64_t cRow, int64_t cCol,
                            bool overwrite, bool threaded) {
  runGemm({m, n, k, a, 0, 1, b, bRow, bCol, nullptr, aRows, c, cRow, cCol,
           overwrite},
          threaded);
}

void nnrt::gemm::sgemmRows(int64_t m, int64_t n, int64_t k, const float *a,
                           int64_t aRow, int64_t aCol, const float *b,
                           const int64_t *bRows, float *c, int64_t cRow,
                           bool overwrite, bool threaded) {
  runGemm({m, n, k, a, aRow, aCol, b, 0, 1, bRows, nullptr, c, cRow, 1,
           overwrite},
          threaded);
}

NNRT_EXPORT void nnrt_sgemm(int64_t m, int64_t n, int64_t k, const float *a,
                            int64_t a_row, int64_t a_col, const float *b,
                            int64_t b_row, int64_t b_col, float *c,
                            int64_t c_row, int64_t c_col) {
  runGemm({m, n, k, a, a_row, a_col, b, b_row, b_col, nullptr, nullptr, c,
           c_row, c_col},
          true);
}

NNRT_EXPORT void nnrt_set_threads(int n) { setPoolThreads(n); }

NNRT_EXPORT int nnrt_get_threads(void) { return poolThreads(); }
