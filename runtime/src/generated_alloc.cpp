//===- generated_alloc.cpp - The allocator of generated code --------------===//
//
// Generated code allocates and frees its buffers through these (the CPU
// pipeline lowers memref.alloc and memref.dealloc with MLIR's generic
// allocation functions). Freed blocks are kept by size and handed out
// again, so after the first training step every buffer a step needs comes
// from blocks the previous step freed: the step loop makes no call to the
// system allocator. Each block carries its size in a 64-byte header, which
// keeps the returned pointers 64-byte aligned.
//
//===----------------------------------------------------------------------===//

#include "generated_alloc.h"

#include "nnrt/abi.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#define NNRT_EXPORT extern "C" __attribute__((visibility("default")))

namespace {
constexpr uint64_t kHeader = 64;

struct Cache {
  std::mutex mutex;
  std::unordered_map<uint64_t, std::vector<char *>> free; // by rounded size
  uint64_t systemBlocks = 0;
  uint64_t bytesInUse = 0, peakBytesInUse = 0; // handed out, not yet freed
  void taken(uint64_t size) {
    bytesInUse += size;
    peakBytesInUse = std::max(peakBytesInUse, bytesInUse);
  }
};

Cache &cache() {
  static Cache *c = new Cache; // never destroyed: frees may come at exit
  return *c;
}

uint64_t rounded(uint64_t bytes) { return (bytes + 63) / 64 * 64; }
} // namespace

void *nnrt::tryAllocate(uint64_t bytes) {
  if (bytes > (UINT64_MAX >> 1))
    return nullptr;
  uint64_t size = rounded(bytes);
  Cache &c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find(size);
    if (it != c.free.end() && !it->second.empty()) {
      char *block = it->second.back();
      it->second.pop_back();
      c.taken(size);
      return block + kHeader;
    }
    ++c.systemBlocks;
    c.taken(size);
  }
  auto *block = static_cast<char *>(std::aligned_alloc(64, size + kHeader));
  if (!block) {
    std::lock_guard<std::mutex> lock(c.mutex);
    --c.systemBlocks;
    c.bytesInUse -= size;
    return nullptr;
  }
  *reinterpret_cast<uint64_t *>(block) = size;
  return block + kHeader;
}

NNRT_EXPORT void *_mlir_memref_to_llvm_alloc(uint64_t bytes) {
  // Generated code cannot handle a failed allocation.
  void *ptr = nnrt::tryAllocate(bytes);
  if (!ptr) {
    std::fprintf(stderr, "nnrt: out of memory allocating %llu bytes\n",
                 static_cast<unsigned long long>(bytes));
    std::abort();
  }
  return ptr;
}

NNRT_EXPORT void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment,
                                                     uint64_t bytes) {
  if (alignment > kHeader) {
    std::fprintf(stderr, "nnrt: alignment %llu is not supported\n",
                 static_cast<unsigned long long>(alignment));
    std::abort();
  }
  return _mlir_memref_to_llvm_alloc(bytes);
}

NNRT_EXPORT void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  char *block = static_cast<char *>(ptr) - kHeader;
  uint64_t size = *reinterpret_cast<uint64_t *>(block);
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.bytesInUse -= size;
  c.free[size].push_back(block);
}

uint64_t nnrt::peakBytesInUse() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.peakBytesInUse;
}

uint64_t nnrt::systemBlocks() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.systemBlocks;
}
