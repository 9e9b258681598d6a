/*===- kernels.h - Compute kernels called by generated code ------*- C -*-===//
//
// Single-precision GEMM and convolution that nnc calls in place of
// linalg.matmul, linalg.batch_matmul and linalg.conv_2d_nchw_fchw (on
// memrefs, after bufferization). The generated code calls them through
// MLIR's C interface (llvm.emit_c_interface): a function `NAME` taking
// memrefs is called as `_mlir_ciface_NAME`, with a POINTER to each memref's
// strided descriptor and index/integer arguments by value. Large
// elementwise loops run over the same threads through nnrt_parallel_range
// (a plain C call with an outlined loop body).
//
// Every kernel ACCUMULATES into its output, as linalg does (the output is
// pre-filled, usually with zeros), unless its last argument `accumulate` is
// 0: it then overwrites the output without reading it (the compiler drops
// the zero fill). Strides are in elements and may be
// anything: transposed views, rows wider than the sizes, 0 (broadcast). The
// output must not overlap the inputs.
//
// Threads: a kernel of at least ~2 MFLOP is split over a persistent pool of
// NNRT_THREADS threads (read once; default: the hardware's), the calling
// thread included; smaller ones run on the calling thread alone. Kernels
// called concurrently from several threads are safe (the pool serves one
// at a time, the others run serially), and so are nested calls.
//
// Determinism: every element of an output is computed by one thread with a
// summation order that depends only on the problem's sizes, so results are
// bit-identical for any number of threads (NNRT_THREADS, nnrt_set_threads).
// The AVX-512, AVX2+FMA and portable paths (the widest the CPU has is
// chosen at run time) round differently; NNRT_GEMM=avx2 or =portable in the
// environment (read once, at the first call) forces a narrower one.
//
// This header and the kernels are also built alone as libnnrt_kernels.so
// (kernels and thread pool only), for mlir-cpu-runner -shared-libs=.
//
//===----------------------------------------------------------------------===*/

#ifndef NNRT_KERNELS_H
#define NNRT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// MLIR's strided memref descriptors of f32, ranks 2 to 4
/// (StridedMemRefType<float, R>; the layout of abi.h). Element (i, j) of a
/// rank-2 memref is aligned[offset + i * strides[0] + j * strides[1]].
typedef struct nnrt_memref2d_f32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} nnrt_memref2d_f32;

typedef struct nnrt_memref3d_f32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
} nnrt_memref3d_f32;

typedef struct nnrt_memref4d_f32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[4];
  int64_t strides[4];
} nnrt_memref4d_f32;

/// C[m][n] += sum_k A[m][k] * B[k][n] with A: MxK, B: KxN, C: MxN
/// (linalg.matmul); C[m][n] = sum ... when accumulate is 0 (C's contents
/// are then never read: the compiler's zero fill of C is dropped).
void _mlir_ciface_nnrt_matmul_f32(nnrt_memref2d_f32 *a, nnrt_memref2d_f32 *b,
                                  nnrt_memref2d_f32 *c, int64_t accumulate);

/// C[i] += A[i] @ B[i] for each batch i, with A: BxMxK, B: BxKxN, C: BxMxN
/// (linalg.batch_matmul); C[i] = A[i] @ B[i] when accumulate is 0.
void _mlir_ciface_nnrt_batch_matmul_f32(nnrt_memref3d_f32 *a,
                                        nnrt_memref3d_f32 *b,
                                        nnrt_memref3d_f32 *c,
                                        int64_t accumulate);

/// linalg.conv_2d_nchw_fchw on an already padded input:
///   out[n][f][oh][ow] += sum_{c,kh,kw}
///       in[n][c][oh*sh + kh*dh][ow*sw + kw*dw] * filter[f][c][kh][kw]
/// with the output sizes taken from `out`; = instead of += when accumulate
/// is 0.
void _mlir_ciface_nnrt_conv2d_nchw_fchw_f32(nnrt_memref4d_f32 *in,
                                            nnrt_memref4d_f32 *filter,
                                            nnrt_memref4d_f32 *out, int64_t sh,
                                            int64_t sw, int64_t dh, int64_t dw,
                                            int64_t accumulate);

/// The general GEMM the others use: C += A * B, where element (i, j) of A is
/// a[i * a_row + j * a_col] (M x K), of B b[i * b_row + j * b_col] (K x N)
/// and of C c[i * c_row + j * c_col] (M x N).
void nnrt_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t a_row,
                int64_t a_col, const float *b, int64_t b_row, int64_t b_col,
                float *c, int64_t c_row, int64_t c_col);

/// Sets the number of threads the kernels use (the caller included);
/// n <= 0 restores the default: NNRT_THREADS if set (>= 1), else the number
/// of hardware threads. Must not be called while a kernel runs.
void nnrt_set_threads(int n);

/// The number of threads the kernels use.
int nnrt_get_threads(void);

/// The outlined body of a loop: runs iterations [begin, end) of the loop's
/// outermost split dim, with its operands in `ctx`.
typedef void (*nnrt_range_fn)(void *ctx, int64_t begin, int64_t end);

/// Runs fn(ctx, begin, end) over chunks of [0, extent) that cover it exactly
/// once, on the kernels' threads; returns when all are done. The
/// parallelize-elementwise pass calls it in place of large elementwise
/// linalg.generic ops; `work_per_index` (the loop's iterations per index of
/// the split dim times the ops of one iteration) estimates the cost, and
/// loops below ~32K of it run on the caller as fn(ctx, 0, extent), as do
/// nested calls. Each iteration is computed as in a serial loop, so results
/// do not depend on the number of threads.
void nnrt_parallel_range(nnrt_range_fn fn, int64_t extent,
                         int64_t work_per_index, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NNRT_KERNELS_H */
