//===- MemrefTest.cpp - Tests of memref descriptor conversion -------------===//
//
// Descriptor sizes and layout as MLIR defines them, descriptors built over
// tensors (row-major strides), and copies out of descriptors with offsets
// and non-identity strides, rank 0, empty tensors and invalid sizes.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {
/// MLIR's descriptor for a rank-N memref.
template <int N> struct MemRef {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};
/// Rank 0 has no arrays.
struct MemRef0 {
  void *allocated;
  void *aligned;
  int64_t offset;
};
} // namespace

TEST(MemrefTest, Sizes) {
  EXPECT_EQ(nnrt_memref_size(0), sizeof(MemRef0));
  EXPECT_EQ(nnrt_memref_size(1), sizeof(MemRef<1>));
  EXPECT_EQ(nnrt_memref_size(4), sizeof(MemRef<4>));
  EXPECT_EQ(nnrt_memref_size(8), 152u);
}

TEST(MemrefTest, FromTensor) {
  float data[24] = {};
  nnrt_tensor t = {NNRT_F32, 3, {2, 3, 4}, data};
  MemRef<3> desc;
  std::memset(&desc, 0xAB, sizeof(desc));
  nnrt_memref_from_tensor(&t, &desc);
  EXPECT_EQ(desc.allocated, data);
  EXPECT_EQ(desc.aligned, data);
  EXPECT_EQ(desc.offset, 0);
  EXPECT_EQ(desc.sizes[0], 2);
  EXPECT_EQ(desc.sizes[2], 4);
  EXPECT_EQ(desc.strides[0], 12);
  EXPECT_EQ(desc.strides[1], 4);
  EXPECT_EQ(desc.strides[2], 1);
  EXPECT_EQ(nnrt_memref_allocated(&desc), data);
}

TEST(MemrefTest, ToTensorFollowsOffsetAndStrides) {
  // A 2x3 view, stored transposed (column-major) after 2 elements of
  // padding: element [i][j] is at 2 + i + 2 j.
  std::vector<int32_t> storage = {-1, -1, 0, 10, 1, 11, 2, 12};
  MemRef<2> desc = {storage.data(), storage.data(), 2, {2, 3}, {1, 2}};
  nnrt_tensor t;
  ASSERT_EQ(nnrt_tensor_from_memref(&desc, 2, NNRT_I32, &t), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(t.dtype, NNRT_I32);
  EXPECT_EQ(t.rank, 2);
  EXPECT_EQ(t.shape[0], 2);
  EXPECT_EQ(t.shape[1], 3);
  const int32_t *v = static_cast<const int32_t *>(t.data);
  EXPECT_EQ(std::vector<int32_t>(v, v + 6),
            (std::vector<int32_t>{0, 1, 2, 10, 11, 12}));
  nnrt_free(t.data);
}

TEST(MemrefTest, ToTensorContiguousRowsAndBroadcast) {
  // Rows of 2 with a stride of 3 between them; a 0 stride repeats a row.
  std::vector<double> storage = {1, 2, 99, 3, 4, 99};
  MemRef<2> rows = {storage.data(), storage.data(), 0, {2, 2}, {3, 1}};
  nnrt_tensor t;
  ASSERT_EQ(nnrt_tensor_from_memref(&rows, 2, NNRT_F64, &t), NNRT_OK);
  const double *v = static_cast<const double *>(t.data);
  EXPECT_EQ(std::vector<double>(v, v + 4), (std::vector<double>{1, 2, 3, 4}));
  nnrt_free(t.data);
  MemRef<2> repeat = {storage.data(), storage.data(), 3, {3, 2}, {0, 1}};
  ASSERT_EQ(nnrt_tensor_from_memref(&repeat, 2, NNRT_F64, &t), NNRT_OK);
  v = static_cast<const double *>(t.data);
  EXPECT_EQ(std::vector<double>(v, v + 6),
            (std::vector<double>{3, 4, 3, 4, 3, 4}));
  nnrt_free(t.data);
}

TEST(MemrefTest, ToTensorRankZeroAndEmpty) {
  float value[2] = {0, 7.5f};
  MemRef0 scalar = {value, value, 1};
  nnrt_tensor t;
  ASSERT_EQ(nnrt_tensor_from_memref(&scalar, 0, NNRT_F32, &t), NNRT_OK);
  EXPECT_EQ(t.rank, 0);
  EXPECT_EQ(*static_cast<float *>(t.data), 7.5f);
  nnrt_free(t.data);
  MemRef<2> empty = {nullptr, nullptr, 0, {0, 5}, {5, 1}};
  ASSERT_EQ(nnrt_tensor_from_memref(&empty, 2, NNRT_F32, &t), NNRT_OK);
  EXPECT_EQ(t.shape[0], 0);
  EXPECT_NE(t.data, nullptr);
  nnrt_free(t.data);
}

TEST(MemrefTest, ToTensorRejectsInvalidDescriptors) {
  nnrt_tensor t;
  MemRef<1> negative = {nullptr, nullptr, 0, {-3}, {1}};
  EXPECT_EQ(nnrt_tensor_from_memref(&negative, 1, NNRT_F32, &t), NNRT_ERR_ARG);
  EXPECT_STREQ(nnrt_last_error(), "memref: invalid sizes [-3]");
  EXPECT_EQ(t.data, nullptr);
  MemRef<1> null = {nullptr, nullptr, 0, {4}, {1}};
  EXPECT_EQ(nnrt_tensor_from_memref(&null, 1, NNRT_F32, &t), NNRT_ERR_ARG);
  EXPECT_STREQ(nnrt_last_error(), "memref: NULL data for a [4] tensor");
  EXPECT_EQ(nnrt_tensor_from_memref(&null, 9, NNRT_F32, &t), NNRT_ERR_ARG);
  EXPECT_EQ(nnrt_tensor_from_memref(&null, 1, static_cast<nnrt_dtype>(42), &t),
            NNRT_ERR_ARG);
}
