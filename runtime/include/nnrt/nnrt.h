/*===- nnrt.h - The nnc runtime's public C interface -------------*- C -*-===//
//
// Everything a generated program, an exported library or a test calls in the
// runtime: status codes and the last error message, dtypes and the tensor
// descriptor, 64-byte aligned allocation, NPY and safetensors files, and the
// counter-based Philox generator that makes initial weights a pure function
// of (seed, stream, index). Usable from C and C++; the runtime itself is
// C++17 with no dependency beyond the C++ standard library.
//
//===----------------------------------------------------------------------===*/

#ifndef NNRT_NNRT_H
#define NNRT_NNRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===//
// Status and errors
//===----------------------------------------------------------------------===*/

/// The result of every runtime call that can fail. On failure the call also
/// sets a message, readable with nnrt_last_error().
typedef enum nnrt_status {
  NNRT_OK = 0,
  NNRT_ERR_IO,     ///< a file could not be opened, read or written
  NNRT_ERR_FORMAT, ///< a file's contents are malformed or inconsistent
  NNRT_ERR_SHAPE,  ///< a shape is invalid or does not match what is needed
  NNRT_ERR_DTYPE,  ///< a dtype is unknown or not supported by the operation
  NNRT_ERR_NOMEM,  ///< an allocation failed
  NNRT_ERR_ARG     ///< the caller passed an invalid argument
} nnrt_status;

/// The message of the last failure on the calling thread, naming the file
/// and what is wrong, e.g. "model.safetensors: tensor 'fc1.w' has shape
/// [784, 256] (802816 bytes) but data_offsets cover 4 bytes". Never NULL;
/// "" when nothing failed yet. Valid until the thread's next failing call.
const char *nnrt_last_error(void);

/*===----------------------------------------------------------------------===//
// Dtypes and tensors
//===----------------------------------------------------------------------===*/

/// Element types. The values are part of the ABI: generated code stores them
/// in its model descriptor, so new dtypes are only ever appended. In C++ the
/// type is pinned to int32_t (what C uses) so that an out-of-range value from
/// a C caller is merely invalid, not undefined behaviour.
#ifdef __cplusplus
typedef enum nnrt_dtype : int32_t {
#else
typedef enum nnrt_dtype {
#endif
  NNRT_F32,
  NNRT_F64,
  NNRT_F16,
  NNRT_BF16,
  NNRT_I32,
  NNRT_I64,
  NNRT_U8,
  NNRT_BOOL ///< one byte per element, 0 or 1
} nnrt_dtype;

/// Bytes per element of \p dtype; 0 for a value outside the enum.
size_t nnrt_dtype_size(nnrt_dtype dtype);

/// The language's spelling of \p dtype ("f32", "bf16", "bool", ...);
/// "invalid" for a value outside the enum.
const char *nnrt_dtype_name(nnrt_dtype dtype);

/// The largest rank a tensor may have.
#define NNRT_MAX_RANK 8

/// A dense, C-ordered (row-major) tensor. Only shape[0..rank) is meaningful;
/// rank 0 is a scalar with one element. The runtime's readers allocate data
/// with nnrt_alloc; the caller owns it unless a function says otherwise.
typedef struct nnrt_tensor {
  nnrt_dtype dtype;
  int32_t rank;
  int64_t shape[NNRT_MAX_RANK];
  void *data;
} nnrt_tensor;

/// The number of elements (1 for rank 0, 0 when a dimension is 0), or -1
/// when the tensor is invalid: rank outside [0, 8], a negative dimension, or
/// a product that overflows int64_t.
int64_t nnrt_tensor_numel(const nnrt_tensor *t);

/// The size of the tensor's data in bytes, or SIZE_MAX when the tensor is
/// invalid (see nnrt_tensor_numel), its dtype is unknown, or the size
/// overflows size_t.
size_t nnrt_tensor_bytes(const nnrt_tensor *t);

/*===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===*/

/// Allocates \p bytes of zeroed memory aligned to 64 bytes (a cache line,
/// and an AVX-512 vector). nnrt_alloc(0) returns a valid unique pointer.
/// Returns NULL and sets an NNRT_ERR_NOMEM message on failure.
void *nnrt_alloc(size_t bytes);

/// Frees memory from nnrt_alloc; NULL is ignored.
void nnrt_free(void *ptr);

/*===----------------------------------------------------------------------===//
// NPY files (NumPy's .npy format)
//===----------------------------------------------------------------------===*/

/// Reads a .npy file into \p out; out->data is allocated with nnrt_alloc and
/// owned by the caller. Accepts format versions 1.0, 2.0 and 3.0, C order
/// only, rank <= 8, and the little-endian descrs '<f4' '<f8' '<f2' '<i4'
/// '<i8' '|u1' '|b1'. Validates the magic, the version, the header's length
/// and dict syntax, the shape, and that the data fills the rest of the file
/// exactly. Returns NNRT_ERR_IO when the file cannot be read, NNRT_ERR_FORMAT
/// for a malformed file or a Fortran-ordered array, NNRT_ERR_DTYPE for an
/// unsupported descr (big-endian, object, structured, other types),
/// NNRT_ERR_SHAPE for a rank above 8, NNRT_ERR_NOMEM when the data cannot be
/// allocated. On failure \p out is left zeroed and nothing is allocated.
nnrt_status nnrt_npy_read(const char *path, nnrt_tensor *out);

/// Writes \p t as a version 1.0 .npy file (header padded to 64 bytes, as
/// NumPy writes it), readable by numpy.load. BF16 has no NumPy dtype:
/// NNRT_ERR_DTYPE. The file is written to "<path>.tmp" and renamed, so a failed
/// write never leaves a truncated file at \p path.
nnrt_status nnrt_npy_write(const char *path, const nnrt_tensor *t);

/*===----------------------------------------------------------------------===//
// safetensors files (checkpoints)
//===----------------------------------------------------------------------===*/

/// A safetensors file read into memory: tensors sorted by name, and the
/// string -> string "__metadata__" entries.
typedef struct nnrt_st_file nnrt_st_file;

/// Reads a safetensors file. Before reading any tensor data it checks: the
/// 8-byte little-endian header length lies within the file and below
/// 100,000,000 bytes; the header is valid UTF-8 JSON, an object mapping
/// non-empty, unique names to {"dtype", "shape", "data_offsets"} plus an
/// optional "__metadata__" object of string -> string; dtypes are F32 F64
/// F16 BF16 I32 I64 U8 BOOL; ranks are <= 8; each shape's byte size equals
/// its data_offsets' span; and the offsets, in order, tile the data section
/// exactly (no overlap, no gap, nothing after the last tensor). Any failure
/// is NNRT_ERR_FORMAT (NNRT_ERR_IO when the file cannot be read). On
/// success *out owns every tensor's data (64-byte aligned); free it with
/// nnrt_st_free. On failure *out is NULL.
nnrt_status nnrt_safetensors_read(const char *path, nnrt_st_file **out);

/// The number of tensors in \p f.
size_t nnrt_st_count(const nnrt_st_file *f);

/// The name of tensor \p i (names sort in byte order); NULL when \p i is out
/// of range.
const char *nnrt_st_name(const nnrt_st_file *f, size_t i);

/// The tensor called \p name, or NULL when the file has none. The tensor and
/// its data belong to \p f.
const nnrt_tensor *nnrt_st_get(const nnrt_st_file *f, const char *name);

/// The number of "__metadata__" entries in \p f.
size_t nnrt_st_meta_count(const nnrt_st_file *f);

/// The key of metadata entry \p i (keys sort in byte order); NULL when \p i
/// is out of range.
const char *nnrt_st_meta_key(const nnrt_st_file *f, size_t i);

/// The metadata value stored under \p key, or NULL when absent.
const char *nnrt_st_meta_get(const nnrt_st_file *f, const char *key);

/// Frees \p f and all its tensors' data; NULL is ignored.
void nnrt_st_free(nnrt_st_file *f);

/// Writes \p n tensors called \p names, with \p n_meta "__metadata__"
/// entries, as a safetensors file that Python's `safetensors` reads: the
/// JSON header padded with spaces to a multiple of 8 bytes, then the tensors'
/// data contiguously in name order. Names must be non-empty, unique, valid
/// UTF-8 and not "__metadata__"; metadata keys unique and keys and values
/// valid UTF-8; tensors valid with non-NULL data (unless empty). Bad
/// arguments give NNRT_ERR_ARG. Written to "<path>.tmp" and renamed, so an
/// existing checkpoint is replaced only by a complete one.
nnrt_status nnrt_safetensors_write(const char *path, const char *const *names,
                                   const nnrt_tensor *tensors, size_t n,
                                   const char *const *meta_keys,
                                   const char *const *meta_values,
                                   size_t n_meta);

/*===----------------------------------------------------------------------===//
// Philox random numbers
//===----------------------------------------------------------------------===*/

/// The Random123 Philox4x32 bijection with 10 rounds: \p out is the block of
/// four 32-bit words for counter \p ctr under key \p key. Matches Random123's
/// philox4x32_10 (its kat_vectors file), word for word.
void nnrt_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                        uint32_t out[4]);

/// Element \p index of random stream (\p seed, \p stream), uniform in [0, 1)
/// with 24 random bits: with key = {seed low, seed high} and counter =
/// {index/4 low, index/4 high, stream low, stream high}, the result is
/// (philox(counter, key)[index % 4] >> 8) * 2^-24.
float nnrt_uniform_f32(uint64_t seed, uint64_t stream, uint64_t index);

/// Element \p index of stream (\p seed, \p stream), standard normal, by
/// Box-Muller on the same Philox block as nnrt_uniform_f32: within block
/// b = index/4 with words w0..w3, the pair (w0, w1) gives elements 4b and
/// 4b+1 and the pair (w2, w3) elements 4b+2 and 4b+3. For a pair (wa, wb),
/// u1 = ((wa >> 8) + 1) * 2^-24 in (0, 1], u2 = (wb >> 8) * 2^-24,
/// r = sqrt(-2 ln u1), and the elements are r cos(2 pi u2), r sin(2 pi u2),
/// computed in double and rounded to float.
float nnrt_normal_f32(uint64_t seed, uint64_t stream, uint64_t index);

/// dst[i] = lo + (hi - lo) * nnrt_uniform_f32(seed, stream, i) for i in
/// [0, n), computed in float and kept below \p hi (when hi > lo). Every
/// element depends only on (seed, stream, i), so any split of the work over
/// threads gives the same bits. Use a distinct stream per parameter tensor.
void nnrt_fill_uniform(float *dst, int64_t n, float lo, float hi, uint64_t seed,
                       uint64_t stream);

/// dst[i] = mean + stddev * nnrt_normal_f32(seed, stream, i) for i in [0, n),
/// computed in float; reproducible element by element like
/// nnrt_fill_uniform.
void nnrt_fill_normal(float *dst, int64_t n, float mean, float stddev,
                      uint64_t seed, uint64_t stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NNRT_NNRT_H */
