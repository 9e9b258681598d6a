//===- GeneratedAllocTest.cpp - The allocator of generated code -----------===//

#include "generated_alloc.h"
#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

namespace {

TEST(GeneratedAllocTest, FreedBlocksAreReusedBySize) {
  // A "step": blocks of several sizes, written, then freed.
  std::vector<uint64_t> sizes = {4, 100, 256, 4096, 100, 70000};
  auto step = [&] {
    std::vector<void *> blocks;
    for (uint64_t n : sizes) {
      void *p = _mlir_memref_to_llvm_alloc(n);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
      std::memset(p, 0xab, n);
      blocks.push_back(p);
    }
    // Live blocks never overlap.
    std::set<void *> distinct(blocks.begin(), blocks.end());
    EXPECT_EQ(distinct.size(), blocks.size());
    for (void *p : blocks)
      _mlir_memref_to_llvm_free(p);
  };
  step();
  uint64_t before = nnrt::systemBlocks();
  for (int i = 0; i < 3; ++i)
    step();
  EXPECT_EQ(nnrt::systemBlocks(), before);
  // 120 bytes round up to the 128-byte class of a freed 100-byte block.
  void *p = _mlir_memref_to_llvm_alloc(120);
  EXPECT_EQ(nnrt::systemBlocks(), before);
  // A new size class takes a new block.
  void *q = _mlir_memref_to_llvm_aligned_alloc(64, 1 << 20);
  EXPECT_EQ(nnrt::systemBlocks(), before + 1);
  _mlir_memref_to_llvm_free(p);
  _mlir_memref_to_llvm_free(q);
  _mlir_memref_to_llvm_free(nullptr);
}

} // namespace
