//===- alloc.cpp - 64-byte aligned, zeroed allocation ---------------------===//
//
// nnrt_alloc / nnrt_free: every buffer the runtime hands to generated code
// (parameters, optimizer state, batches, tensors read from files) comes from
// here, so vectorized code may assume 64-byte alignment.
//
//===----------------------------------------------------------------------===//

#include "status.h"

#include <cstdlib>
#include <cstring>

static constexpr size_t kAlignment = 64;

void *nnrt_alloc(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; 0 still gets a block so
  // NULL only ever means failure.
  size_t rounded = bytes == 0 ? kAlignment : bytes;
  if (rounded > SIZE_MAX - (kAlignment - 1)) {
    nnrt::fail(NNRT_ERR_NOMEM, "cannot allocate %zu bytes", bytes);
    return nullptr;
  }
  rounded = (rounded + kAlignment - 1) / kAlignment * kAlignment;
  void *ptr = std::aligned_alloc(kAlignment, rounded);
  if (!ptr) {
    nnrt::fail(NNRT_ERR_NOMEM, "cannot allocate %zu bytes", bytes);
    return nullptr;
  }
  std::memset(ptr, 0, rounded);
  return ptr;
}

void nnrt_free(void *ptr) { std::free(ptr); }
