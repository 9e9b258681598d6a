//===- generated_alloc.h - The allocator of generated code ------*- C++ -*-===//
//
// The caching allocator behind _mlir_memref_to_llvm_alloc / _free (abi.h).
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_GENERATED_ALLOC_H
#define NNRT_SRC_GENERATED_ALLOC_H

#include <cstdint>

namespace nnrt {

/// A block of \p bytes (64-byte aligned) from the cache, or NULL when the
/// system has no memory for it. nnrt_alloc uses this.
void *tryAllocate(uint64_t bytes);

/// How many blocks generated code has taken from the system allocator so
/// far (the others came from blocks it had freed).
uint64_t systemBlocks();

/// The most bytes (rounded to 64 each) handed out and not yet freed at any
/// one time so far: the peak of the tensors nnrt_alloc and generated code
/// held together.
uint64_t peakBytesInUse();

} // namespace nnrt

#endif // NNRT_SRC_GENERATED_ALLOC_H
