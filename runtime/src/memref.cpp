//===- memref.cpp - MLIR memref descriptors <-> nnrt tensors --------------===//
//
// Generated code takes and returns tensors as MLIR memref descriptors
// ({allocated, aligned, offset, sizes[r], strides[r]}, eight bytes a field;
// see abi.h). Arguments are described in place over runtime-owned buffers;
// results are copied out into dense tensors following their offset and
// strides, so the driver never depends on the layout the compiler chose.
// Fields are moved with memcpy: a descriptor is an untyped byte block.
//
//===----------------------------------------------------------------------===//

#include "memref.h"

#include "status.h"

#include <cstring>

using namespace nnrt;

/// Byte offsets of the fields of a rank-r descriptor.
static constexpr size_t kAllocatedField = 0, kAlignedField = 8,
                        kOffsetField = 16, kSizesField = 24;
static size_t stridesField(int rank) { return kSizesField + 8 * rank; }

size_t nnrt_memref_size(int rank) {
  return (3 + 2 * static_cast<size_t>(rank < 0 ? 0 : rank)) * 8;
}

void nnrt_memref_from_tensor(const nnrt_tensor *t, void *desc) {
  auto *bytes = static_cast<char *>(desc);
  std::memcpy(bytes + kAllocatedField, &t->data, sizeof(void *));
  std::memcpy(bytes + kAlignedField, &t->data, sizeof(void *));
  int64_t offset = 0, stride = 1;
  std::memcpy(bytes + kOffsetField, &offset, 8);
  std::memcpy(bytes + kSizesField, t->shape, 8 * t->rank);
  for (int32_t d = t->rank - 1; d >= 0; --d) {
    std::memcpy(bytes + stridesField(t->rank) + 8 * d, &stride, 8);
    stride *= t->shape[d] > 0 ? t->shape[d] : 1;
  }
}

void *nnrt_memref_allocated(const void *desc) {
  void *allocated;
  std::memcpy(&allocated, static_cast<const char *>(desc) + kAllocatedField,
              sizeof(void *));
  return allocated;
}

/// Copies the strided elements into dense row-major \p dst, walking the
/// index space like an odometer; rows with stride 1 are one memcpy each.
static void copyStrided(char *dst, const char *base, int rank,
                        const int64_t *sizes, const int64_t *strides,
                        size_t elemSize) {
  if (rank == 0) {
    std::memcpy(dst, base, elemSize);
    return;
  }
  int inner = rank - 1;
  int64_t rowLen = sizes[inner];
  bool contiguousRow = strides[inner] == 1;
  int64_t index[NNRT_MAX_RANK] = {};
  while (true) {
    int64_t pos = 0;
    for (int d = 0; d < inner; ++d)
      pos += index[d] * strides[d];
    const char *row = base + pos * static_cast<int64_t>(elemSize);
    if (contiguousRow) {
      std::memcpy(dst, row, rowLen * elemSize);
      dst += rowLen * elemSize;
    } else {
      for (int64_t k = 0; k < rowLen; ++k, dst += elemSize)
        std::memcpy(dst, row + k * strides[inner] * int64_t(elemSize),
                    elemSize);
    }
    int d = inner - 1;
    for (; d >= 0 && ++index[d] == sizes[d]; --d)
      index[d] = 0;
    if (d < 0)
      return;
  }
}

nnrt_status nnrt_tensor_from_memref(const void *desc, int rank,
                                    nnrt_dtype dtype, nnrt_tensor *out) {
  if (!out || !desc)
    return fail(NNRT_ERR_ARG, "nnrt_tensor_from_memref: NULL argument");
  *out = nnrt_tensor{};
  if (rank < 0 || rank > NNRT_MAX_RANK || nnrt_dtype_size(dtype) == 0)
    return fail(NNRT_ERR_ARG, "memref: invalid rank %d or dtype %d", rank,
                static_cast<int>(dtype));
  MemrefView view = viewMemref(desc, rank);
  nnrt_tensor t = {};
  t.dtype = dtype;
  t.rank = rank;
  std::memcpy(t.shape, view.sizes, 8 * rank);
  size_t size = nnrt_tensor_bytes(&t);
  if (size == SIZE_MAX)
    return fail(NNRT_ERR_ARG, "memref: invalid sizes %s",
                shapeString(t.shape, rank).c_str());
  if (size > 0 && !view.aligned)
    return fail(NNRT_ERR_ARG, "memref: NULL data for a %s tensor",
                shapeString(t.shape, rank).c_str());
  t.data = nnrt_alloc(size);
  if (!t.data)
    return NNRT_ERR_NOMEM;
  copyMemref(view, nnrt_dtype_size(dtype), t.data);
  *out = t;
  return NNRT_OK;
}

MemrefView nnrt::viewMemref(const void *desc, int rank) {
  const char *bytes = static_cast<const char *>(desc);
  MemrefView view;
  view.rank = rank;
  std::memcpy(&view.allocated, bytes + kAllocatedField, sizeof(void *));
  std::memcpy(&view.aligned, bytes + kAlignedField, sizeof(void *));
  std::memcpy(&view.offset, bytes + kOffsetField, 8);
  std::memcpy(view.sizes, bytes + kSizesField, 8 * rank);
  std::memcpy(view.strides, bytes + stridesField(rank), 8 * rank);
  return view;
}

void nnrt::copyMemref(const MemrefView &view, size_t elemSize, void *dst) {
  int64_t numel = 1;
  for (int d = 0; d < view.rank; ++d)
    numel *= view.sizes[d];
  if (numel == 0)
    return;
  copyStrided(static_cast<char *>(dst),
              static_cast<const char *>(view.aligned) +
                  view.offset * static_cast<int64_t>(elemSize),
              view.rank, view.sizes, view.strides, elemSize);
}
