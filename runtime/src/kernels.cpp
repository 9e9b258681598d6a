//===- kernels.cpp - The memref entry points of kernels.h -----------------===//
//
// linalg.matmul, linalg.batch_matmul and linalg.conv_2d_nchw_fchw on MLIR
// memref descriptors, in terms of the strided GEMM (gemm.cpp).
//
// batch_matmul: batches whose GEMM is too small to split are spread over
// the threads whole (each computed serially); larger ones are computed one
// after the other, each split over the threads.
//
// conv2d: per image, im2col into a thread-local buffer, then
//   out[n] (F x OH*OW) += filter (F x C*KH*KW) * col (C*KH*KW x OH*OW),
// images spread over the threads when there are several (each GEMM then
// serial). A single image with a large im2col (a filter gradient whose
// channels are the batch) is split into a fixed number of channel chunks
// instead, summed in order. A 1x1 stride-1 convolution over a dense enough input uses the
// input as B directly. The filter and
// the output are used in place when their dims collapse into one, else
// through a dense copy.
//
// A mismatch of the operands' sizes is a compiler bug: it aborts.
//
//===----------------------------------------------------------------------===//

#include "nnrt/kernels.h"

#include "gemm.h"
#include "thread_pool.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace nnrt;
using namespace nnrt::gemm;

namespace {

/// A single image whose im2col has at least this many floats, and whose
/// output at most kChunkMaxOutput, is split into kChunks channel chunks.
constexpr int64_t kChunkMinFloats = int64_t(1) << 18;
constexpr int64_t kChunkMaxOutput = int64_t(1) << 16;
constexpr int64_t kChunks = 8;

[[noreturn]] void badShapes(const char *kernel) {
  std::fprintf(stderr, "nnrt: %s: operand sizes do not match\n", kernel);
  std::abort();
}

//===----------------------------------------------------------------------===//
// batch_matmul
//===----------------------------------------------------------------------===//

struct BatchGemm {
  int64_t batches, m, n, k;
  const float *a;
  int64_t aBatch, aRow, aCol;
  const float *b;
  int64_t bBatch, bRow, bCol;
  float *c;
  int64_t cBatch, cRow, cCol;
  int tasks;
  bool overwrite;
};

void batchGemmTask(void *ctx, int t) {
  auto *g = static_cast<BatchGemm *>(ctx);
  int64_t i0 = g->batches * t / g->tasks, i1 = g->batches * (t + 1) / g->tasks;
  for (int64_t i = i0; i < i1; ++i)
    sgemm(g->m, g->n, g->k, g->a + i * g->aBatch, g->aRow, g->aCol,
          g->b + i * g->bBatch, g->bRow, g->bCol, g->c + i * g->cBatch, g->cRow,
          g->cCol, g->overwrite, false);
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

struct Conv {
  int64_t N, C, H, W, F, KH, KW, OH, OW;
  int64_t sh, sw, dh, dw;
  const float *in;
  int64_t inS[4];
  const float *filter; // F x K
  int64_t fRow, fCol;
  const float *filter4; // the filter as given, with its strides fS
  int64_t fS[4];
  float *out;
  int64_t outS[4];
  bool outCollapsed; // out[n] is F x (OH*OW) with strides outS[1], outS[3]
  bool direct; // 1x1 stride 1: in[n] is C x (OH*OW), strides inS[1], inS[3]
  int tasks;
  bool serialGemm;
  int64_t group; ///< images per GEMM (convGroup when > 1)
  /// When set, the GEMM reads the input in place (sgemmRows): the offsets
  /// of its K rows, over colsInPlace columns oh * inS[2] + ow.
  const int64_t *rowsInPlace = nullptr;
  int64_t colsInPlace = 0;
  int64_t chunks = 1; ///< channel chunks of a single image (convChunk)
  bool overwrite = false; ///< out = the sum, its contents never read
  float *partials = nullptr; ///< chunks x F x OH*OW sums of convChunk
};

/// dst[i * ds] = src[i * ss] for i < n. Rows are short: inline loops, with
/// a contiguous one that vectorizes, instead of a memcpy call per row (which
/// cost a tenth of LeNet's step in im2col).
inline void copyRow(float *dst, int64_t ds, const float *src, int64_t ss,
                    int64_t n) {
  if (ds == 1 && ss == 1)
    for (int64_t i = 0; i < n; ++i)
      dst[i] = src[i];
  else
    for (int64_t i = 0; i < n; ++i)
      dst[i * ds] = src[i * ss];
}

/// im2col of channels [c0, c1) of image \p n into \p col (K rows of \p ld
/// floats, the image's P columns first):
/// col[((c-c0)*KH + kh)*KW + kw][oh*OW + ow] =
///   in[n][c][oh*sh + kh*dh][ow*sw + kw*dw].
void im2col(const Conv &cv, int64_t n, float *col, int64_t ld, int64_t c0,
            int64_t c1) {
  const float *img = cv.in + n * cv.inS[0];
  int64_t rowStep = cv.sh * cv.inS[2], colStep = cv.sw * cv.inS[3];
  col -= c0 * cv.KH * cv.KW * ld;
  for (int64_t c = c0; c < c1; ++c)
    for (int64_t kh = 0; kh < cv.KH; ++kh)
      for (int64_t kw = 0; kw < cv.KW; ++kw) {
        float *dst = col + ((c * cv.KH + kh) * cv.KW + kw) * ld;
        const float *src = img + c * cv.inS[1] + kh * cv.dh * cv.inS[2] +
                           kw * cv.dw * cv.inS[3];
        for (int64_t oh = 0; oh < cv.OH; ++oh, dst += cv.OW)
          copyRow(dst, 1, src + oh * rowStep, colStep, cv.OW);
      }
}

/// convImage reading the input in place: C is a dense F x colsInPlace copy
/// of the output (columns oh * inS[2] + ow; the others are never read).
void convImageInPlace(const Conv &cv, int64_t n) {
  int64_t K = cv.C * cv.KH * cv.KW, ld = cv.colsInPlace, rs = cv.inS[2];
  float *outImg = cv.out + n * cv.outS[0];
  float *c = scratch(1, static_cast<size_t>(cv.F * ld));
  int64_t os3 = cv.outS[3];
  for (int64_t f = 0; f < cv.F && !cv.overwrite; ++f)
    for (int64_t oh = 0; oh < cv.OH; ++oh)
      copyRow(c + f * ld + oh * rs, 1,
              outImg + f * cv.outS[1] + oh * cv.outS[2], os3, cv.OW);
  sgemmRows(cv.F, ld, K, cv.filter, cv.fRow, cv.fCol, cv.in + n * cv.inS[0],
            cv.rowsInPlace, c, ld, cv.overwrite, !cv.serialGemm);
  for (int64_t f = 0; f < cv.F; ++f)
    for (int64_t oh = 0; oh < cv.OH; ++oh)
      copyRow(outImg + f * cv.outS[1] + oh * cv.outS[2], os3,
              c + f * ld + oh * rs, 1, cv.OW);
}

void convImage(const Conv &cv, int64_t n) {
  if (cv.rowsInPlace)
    return convImageInPlace(cv, n);
  int64_t K = cv.C * cv.KH * cv.KW, P = cv.OH * cv.OW;
  float *outImg = cv.out + n * cv.outS[0];
  float *c = outImg;
  int64_t cRow = cv.outS[1], cCol = cv.outS[3];
  if (!cv.outCollapsed) {
    // The output's spatial dims do not collapse: accumulate in a dense copy.
    c = scratch(1, static_cast<size_t>(cv.F * P));
    cRow = P;
    cCol = 1;
    for (int64_t f = 0; f < cv.F && !cv.overwrite; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          c[(f * cv.OH + oh) * cv.OW + ow] =
              outImg[f * cv.outS[1] + oh * cv.outS[2] + ow * cv.outS[3]];
  }
  // B: the input itself for a 1x1 stride-1 convolution, else im2col.
  const float *b = cv.in + n * cv.inS[0];
  int64_t bRow = cv.inS[1], bCol = cv.inS[3];
  if (!cv.direct) {
    float *col = scratch(0, static_cast<size_t>(K * P));
    im2col(cv, n, col, P, 0, cv.C);
    b = col;
    bRow = P;
    bCol = 1;
  }
  sgemm(cv.F, P, K, cv.filter, cv.fRow, cv.fCol, b, bRow, bCol, c, cRow, cCol,
        cv.overwrite, !cv.serialGemm);
  if (!cv.outCollapsed)
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          outImg[f * cv.outS[1] + oh * cv.outS[2] + ow * cv.outS[3]] =
              c[(f * cv.OH + oh) * cv.OW + ow];
}

/// Images n .. n + g - 1 at once, for outputs too small to fill a GEMM's
/// columns (a filter gradient, whose "images" are input channels and whose
/// output is the kernel's 3x3): one im2col of g images side by side, one
/// GEMM F x (g * P) x K into a dense copy of their outputs, copied back.
void convGroup(const Conv &cv, int64_t n, int64_t g) {
  int64_t K = cv.C * cv.KH * cv.KW, P = cv.OH * cv.OW, ld = g * P;
  float *col = scratch(0, static_cast<size_t>(K * ld));
  float *c = scratch(1, static_cast<size_t>(cv.F * ld));
  for (int64_t i = 0; i < g; ++i) {
    im2col(cv, n + i, col + i * P, ld, 0, cv.C);
    const float *outImg = cv.out + (n + i) * cv.outS[0];
    for (int64_t f = 0; f < cv.F && !cv.overwrite; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          c[f * ld + i * P + oh * cv.OW + ow] =
              outImg[f * cv.outS[1] + oh * cv.outS[2] + ow * cv.outS[3]];
  }
  sgemm(cv.F, ld, K, cv.filter, cv.fRow, cv.fCol, col, ld, 1, c, ld, 1,
        cv.overwrite, !cv.serialGemm);
  for (int64_t i = 0; i < g; ++i) {
    float *outImg = cv.out + (n + i) * cv.outS[0];
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          outImg[f * cv.outS[1] + oh * cv.outS[2] + ow * cv.outS[3]] =
              c[f * ld + i * P + oh * cv.OW + ow];
  }
}

/// Chunk \p t of the channels of the single image: its im2col and GEMM,
/// into its own F x P partial sum (convolution then adds them in order).
void convChunk(void *ctx, int t) {
  auto *cv = static_cast<Conv *>(ctx);
  int64_t c0 = cv->C * t / cv->chunks, c1 = cv->C * (t + 1) / cv->chunks;
  int64_t KK = cv->KH * cv->KW, K = (c1 - c0) * KK, P = cv->OH * cv->OW;
  float *col = scratch(0, static_cast<size_t>(K * P));
  im2col(*cv, 0, col, P, c0, c1);
  float *part = cv->partials + t * cv->F * P;
  sgemm(cv->F, P, K, cv->filter + c0 * KK * cv->fCol, cv->fRow, cv->fCol, col,
        P, 1, part, P, 1, /*overwrite=*/true, false);
}

void convTask(void *ctx, int t) {
  auto *cv = static_cast<Conv *>(ctx);
  int64_t n0 = cv->N * t / cv->tasks, n1 = cv->N * (t + 1) / cv->tasks;
  for (int64_t n = n0; n < n1; n += cv->group) {
    if (cv->group == 1)
      convImage(*cv, n);
    else
      convGroup(*cv, n, std::min(cv->group, n1 - n));
  }
}

/// A convolution with a big kernel and a small output, as the filter
/// gradient is (its "images" are the input channels, its channels the
/// batch, its kernel the output gradient): im2col would copy the input
/// P times over. Instead, for each channel c in order,
///   C[(n, oh, ow)][f] += sum over q of in[n][c][q + oh * W + ow] * Bc[q][f]
/// with q = kh * W + kw over (KH - 1) * W + KW values: the input's rows are
/// read in place as A's rows (the q with kw >= KW read the next row's first
/// values, which Bc's zero rows cancel). Bc is the filter of channel c,
/// transposed and zero-padded. C is a dense copy of the output.
/// Returns false (nothing done) when the shapes do not suit.
bool convBigKernel(const Conv &cv) {
  int64_t P = cv.OH * cv.OW, R = cv.N * P, KK = cv.KH * cv.KW;
  int64_t Q = (cv.KH - 1) * cv.W + cv.KW;
  if (cv.sh != 1 || cv.sw != 1 || cv.dh != 1 || cv.dw != 1 ||
      cv.inS[3] != 1 || cv.inS[2] != cv.W || P >= 64 || KK < 64 ||
      cv.F < 32 || 2 * Q > 3 * KK)
    return false;
  static thread_local std::vector<int64_t> aRows;
  aRows.resize(static_cast<size_t>(R));
  for (int64_t n = 0; n < cv.N; ++n)
    for (int64_t oh = 0; oh < cv.OH; ++oh)
      for (int64_t ow = 0; ow < cv.OW; ++ow)
        aRows[(n * cv.OH + oh) * cv.OW + ow] =
            n * cv.inS[0] + oh * cv.inS[2] + ow;
  float *c = scratch(0, static_cast<size_t>(R * cv.F));
  for (int64_t n = 0; n < cv.N && !cv.overwrite; ++n)
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          c[((n * cv.OH + oh) * cv.OW + ow) * cv.F + f] =
              cv.out[n * cv.outS[0] + f * cv.outS[1] + oh * cv.outS[2] +
                     ow * cv.outS[3]];
  float *bc = scratch(1, static_cast<size_t>(Q * cv.F));
  std::memset(bc, 0, sizeof(float) * static_cast<size_t>(Q * cv.F));
  for (int64_t ch = 0; ch < cv.C; ++ch) {
    for (int64_t kh = 0; kh < cv.KH; ++kh)
      for (int64_t kw = 0; kw < cv.KW; ++kw) {
        float *row = bc + (kh * cv.W + kw) * cv.F;
        const float *src = cv.filter4 + ch * cv.fS[1] + kh * cv.fS[2] +
                           kw * cv.fS[3];
        for (int64_t f = 0; f < cv.F; ++f)
          row[f] = src[f * cv.fS[0]];
      }
    sgemmRowsA(R, cv.F, Q, cv.in + ch * cv.inS[1], aRows.data(), bc, cv.F, 1,
               c, cv.F, 1, cv.overwrite && ch == 0, !inParallelRegion());
  }
  for (int64_t n = 0; n < cv.N; ++n)
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow)
          cv.out[n * cv.outS[0] + f * cv.outS[1] + oh * cv.outS[2] +
                 ow * cv.outS[3]] = c[((n * cv.OH + oh) * cv.OW + ow) * cv.F + f];
  return true;
}

} // namespace

NNRT_EXPORT void _mlir_ciface_nnrt_matmul_f32(nnrt_memref2d_f32 *a,
                                              nnrt_memref2d_f32 *b,
                                              nnrt_memref2d_f32 *c,
                                              int64_t accumulate) {
  int64_t m = a->sizes[0], k = a->sizes[1], n = b->sizes[1];
  if (b->sizes[0] != k || c->sizes[0] != m || c->sizes[1] != n)
    badShapes("matmul");
  sgemm(m, n, k, a->aligned + a->offset, a->strides[0], a->strides[1],
        b->aligned + b->offset, b->strides[0], b->strides[1],
        c->aligned + c->offset, c->strides[0], c->strides[1], accumulate == 0,
        true);
}

NNRT_EXPORT void _mlir_ciface_nnrt_batch_matmul_f32(nnrt_memref3d_f32 *a,
                                                    nnrt_memref3d_f32 *b,
                                                    nnrt_memref3d_f32 *c,
                                                    int64_t accumulate) {
  int64_t batches = a->sizes[0], m = a->sizes[1], k = a->sizes[2],
          n = b->sizes[2];
  if (b->sizes[0] != batches || b->sizes[1] != k || c->sizes[0] != batches ||
      c->sizes[1] != m || c->sizes[2] != n)
    badShapes("batch_matmul");
  if (batches <= 0 || m <= 0 || n <= 0)
    return;
  BatchGemm g = {batches,
                 m,
                 n,
                 k,
                 a->aligned + a->offset,
                 a->strides[0],
                 a->strides[1],
                 a->strides[2],
                 b->aligned + b->offset,
                 b->strides[0],
                 b->strides[1],
                 b->strides[2],
                 c->aligned + c->offset,
                 c->strides[0],
                 c->strides[1],
                 c->strides[2],
                 1,
                 accumulate == 0};
  double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) *
                 static_cast<double>(k);
  int threads = inParallelRegion() ? 1 : poolThreads();
  if (threads > 1 && batches > 1 && flops < 4 * kParallelMinFlops &&
      flops * static_cast<double>(batches) >= kParallelMinFlops) {
    g.tasks = static_cast<int>(std::min<int64_t>(threads, batches));
    parallelFor(g.tasks, batchGemmTask, &g);
    return;
  }
  for (int64_t i = 0; i < batches; ++i)
    sgemm(m, n, k, g.a + i * g.aBatch, g.aRow, g.aCol, g.b + i * g.bBatch,
          g.bRow, g.bCol, g.c + i * g.cBatch, g.cRow, g.cCol, g.overwrite,
          true);
}

NNRT_EXPORT void _mlir_ciface_nnrt_conv2d_nchw_fchw_f32(
    nnrt_memref4d_f32 *in, nnrt_memref4d_f32 *filter, nnrt_memref4d_f32 *out,
    int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t accumulate) {
  Conv cv;
  cv.overwrite = accumulate == 0;
  cv.N = out->sizes[0];
  cv.F = out->sizes[1];
  cv.OH = out->sizes[2];
  cv.OW = out->sizes[3];
  cv.C = in->sizes[1];
  cv.H = in->sizes[2];
  cv.W = in->sizes[3];
  cv.KH = filter->sizes[2];
  cv.KW = filter->sizes[3];
  cv.sh = sh;
  cv.sw = sw;
  cv.dh = dh;
  cv.dw = dw;
  if (in->sizes[0] != cv.N || filter->sizes[0] != cv.F ||
      filter->sizes[1] != cv.C || sh < 1 || sw < 1 || dh < 1 || dw < 1)
    badShapes("conv2d_nchw_fchw");
  if (cv.N <= 0 || cv.F <= 0 || cv.OH <= 0 || cv.OW <= 0)
    return;
  if (cv.C <= 0 || cv.KH <= 0 || cv.KW <= 0) { // an empty sum
    if (cv.overwrite)
      for (int64_t n = 0; n < cv.N; ++n)
        for (int64_t f = 0; f < cv.F; ++f)
          for (int64_t oh = 0; oh < cv.OH; ++oh)
            for (int64_t ow = 0; ow < cv.OW; ++ow)
              out->aligned[out->offset + n * out->strides[0] +
                           f * out->strides[1] + oh * out->strides[2] +
                           ow * out->strides[3]] = 0.0f;
    return;
  }
  if ((cv.OH - 1) * sh + (cv.KH - 1) * dh >= cv.H ||
      (cv.OW - 1) * sw + (cv.KW - 1) * dw >= cv.W)
    badShapes("conv2d_nchw_fchw");
  cv.in = in->aligned + in->offset;
  cv.out = out->aligned + out->offset;
  for (int d = 0; d < 4; ++d) {
    cv.inS[d] = in->strides[d];
    cv.outS[d] = out->strides[d];
  }
  int64_t K = cv.C * cv.KH * cv.KW, P = cv.OH * cv.OW;
  // The filter as an F x K matrix: in place when (c, kh, kw) collapse.
  const float *fil = filter->aligned + filter->offset;
  const int64_t *fs = filter->strides;
  cv.filter4 = fil;
  std::copy(fs, fs + 4, cv.fS);
  if (convBigKernel(cv))
    return;
  bool filterCollapsed = (cv.KH == 1 || fs[2] == cv.KW * fs[3]) &&
                         (cv.C == 1 || fs[1] == cv.KH * cv.KW * fs[3]);
  if (filterCollapsed) {
    cv.filter = fil;
    cv.fRow = fs[0];
    cv.fCol = fs[3];
  } else {
    // The calling thread's third scratch buffer (the tasks use 0 and 1):
    // no allocation once it has grown.
    float *dense = scratch(2, static_cast<size_t>(cv.F * K));
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t c = 0; c < cv.C; ++c)
        for (int64_t kh = 0; kh < cv.KH; ++kh)
          for (int64_t kw = 0; kw < cv.KW; ++kw)
            dense[((f * cv.C + c) * cv.KH + kh) * cv.KW + kw] =
                fil[f * fs[0] + c * fs[1] + kh * fs[2] + kw * fs[3]];
    cv.filter = dense;
    cv.fRow = K;
    cv.fCol = 1;
  }
  cv.outCollapsed = cv.OH == 1 || cv.outS[2] == cv.OW * cv.outS[3];
  cv.direct = cv.KH == 1 && cv.KW == 1 && sh == 1 && sw == 1 &&
              (cv.OH == 1 || cv.inS[2] == cv.OW * cv.inS[3]);
  // Small outputs: enough images per GEMM for about 128 columns, within
  // 4M floats of im2col.
  cv.group = 1;
  if (!cv.direct && P < 64)
    cv.group = std::max<int64_t>(
        1, std::min({(128 + P - 1) / P, cv.N, (int64_t(1) << 22) / (K * P)}));
  // Stride 1 with contiguous input rows: the GEMM can read the input in
  // place over the columns oh * inS[2] + ow, computing the (inS[2] - OW)
  // columns between output rows for nothing. Worth it while those are
  // few, against an im2col copy of K x P floats.
  int64_t colsInPlace = (cv.OH - 1) * cv.inS[2] + cv.OW;
  if (cv.group == 1 && !cv.direct && sh == 1 && sw == 1 && cv.inS[3] == 1 &&
      cv.inS[2] >= cv.OW && 2 * colsInPlace <= 3 * P) {
    static thread_local std::vector<int64_t> rowOffsets;
    rowOffsets.resize(static_cast<size_t>(K));
    for (int64_t c = 0; c < cv.C; ++c)
      for (int64_t kh = 0; kh < cv.KH; ++kh)
        for (int64_t kw = 0; kw < cv.KW; ++kw)
          rowOffsets[(c * cv.KH + kh) * cv.KW + kw] =
              c * cv.inS[1] + kh * dh * cv.inS[2] + kw * dw;
    cv.rowsInPlace = rowOffsets.data();
    cv.colsInPlace = colsInPlace;
  }
  double imageFlops = 2.0 * static_cast<double>(cv.F) * static_cast<double>(P) *
                      static_cast<double>(K);
  int threads = inParallelRegion() ? 1 : poolThreads();
  cv.tasks = 1;
  cv.serialGemm = false;
  if (cv.N == 1 && cv.C >= 2 && K * P >= kChunkMinFloats &&
      cv.F * P <= kChunkMaxOutput) {
    // One image with a large im2col (a first layer's filter gradient, whose
    // channels are the batch): channel chunks, a fixed number whatever the
    // thread count, so that the sum's order, and its bits, are fixed too.
    cv.chunks = std::min<int64_t>(cv.C, kChunks);
    cv.partials = scratch(3, static_cast<size_t>(cv.chunks * cv.F * P));
    if (threads > 1)
      parallelFor(static_cast<int>(cv.chunks), convChunk, &cv);
    else
      for (int t = 0; t < cv.chunks; ++t)
        convChunk(&cv, t);
    for (int64_t f = 0; f < cv.F; ++f)
      for (int64_t oh = 0; oh < cv.OH; ++oh)
        for (int64_t ow = 0; ow < cv.OW; ++ow) {
          float &o = cv.out[f * cv.outS[1] + oh * cv.outS[2] + ow * cv.outS[3]];
          int64_t i = (f * cv.OH + oh) * cv.OW + ow;
          float sum = cv.overwrite ? 0.0f : o;
          for (int64_t t = 0; t < cv.chunks; ++t)
            sum += cv.partials[t * cv.F * P + i];
          o = sum;
        }
    return;
  }
  if (threads > 1 && cv.N > 1 &&
      imageFlops * static_cast<double>(cv.N) >= kParallelMinFlops) {
    // Whole images per thread; the im2col buffers are per thread too.
    cv.tasks = static_cast<int>(std::min<int64_t>(threads, cv.N));
    cv.serialGemm = true;
    parallelFor(cv.tasks, convTask, &cv);
  } else {
    convTask(&cv, 0);
  }
}
