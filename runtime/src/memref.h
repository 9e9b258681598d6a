//===- memref.h - Reading memref descriptors in place -----------*- C++ -*-===//
//
// The fields of a memref descriptor (abi.h) unpacked, and a strided copy
// of its elements into a caller's dense buffer: what the training driver
// uses to move a step's results into the buffers it keeps, where
// nnrt_tensor_from_memref would allocate a new tensor per result.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_MEMREF_H
#define NNRT_SRC_MEMREF_H

#include "nnrt/abi.h"

namespace nnrt {

/// A rank-`rank` memref descriptor's fields.
struct MemrefView {
  int rank = 0;
  void *allocated = nullptr, *aligned = nullptr;
  int64_t offset = 0;
  int64_t sizes[NNRT_MAX_RANK] = {}, strides[NNRT_MAX_RANK] = {};
};

/// Reads the descriptor at \p desc of rank \p rank (0 to 8).
MemrefView viewMemref(const void *desc, int rank);

/// Copies \p view's elements of \p elemSize bytes, in row-major order, into
/// the dense buffer \p dst (product of sizes * elemSize bytes). The sizes
/// must be valid and aligned non-NULL unless there are no elements.
void copyMemref(const MemrefView &view, size_t elemSize, void *dst);

} // namespace nnrt

#endif // NNRT_SRC_MEMREF_H
