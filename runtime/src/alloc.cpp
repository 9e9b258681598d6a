//===- alloc.cpp - 64-byte aligned, zeroed allocation ---------------------===//
//
// nnrt_alloc / nnrt_free: every buffer the runtime hands to generated code
// (parameters, optimizer state, batches, tensors read from files) comes from
// here, so vectorized code may assume 64-byte alignment; they share the
// caching allocator of generated code.
//
//===----------------------------------------------------------------------===//

#include "generated_alloc.h"
#include "status.h"

#include "nnrt/abi.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

void *nnrt_alloc(size_t bytes) {
  // The allocator of generated code (generated_alloc.cpp): 64-byte aligned,
  // and a training step's results can become persistent tensors (and the
  // old ones go back to its cache) without a copy. 0 still gets a block, so
  // NULL only ever means failure.
  void *ptr = nnrt::tryAllocate(bytes == 0 ? 1 : bytes);
  if (!ptr) {
    nnrt::fail(NNRT_ERR_NOMEM, "cannot allocate %zu bytes", bytes);
    return nullptr;
  }
  std::memset(ptr, 0, bytes);
  return ptr;
}

void nnrt_free(void *ptr) { _mlir_memref_to_llvm_free(ptr); }
