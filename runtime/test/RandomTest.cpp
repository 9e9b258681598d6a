//===- RandomTest.cpp - Tests of the random ops' per-run state ------------===//
//
// nnrt_rand_uniform and nnrt_rand_normal as generated code calls them: the
// documented mapping onto the Philox samplers, determinism per seed,
// different values for different sites, calls and seeds, and ranges.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {
/// The first \p n uniforms of \p site in the current call.
std::vector<float> uniforms(int64_t site, int64_t n) {
  std::vector<float> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(nnrt_rand_uniform(site, i));
  return values;
}
} // namespace

TEST(RandomTest, FollowsTheDocumentedMapping) {
  nnrt_set_run_seed(42);
  EXPECT_EQ(nnrt_begin_run(), 0u);
  EXPECT_EQ(nnrt_begin_run(), 1u);
  EXPECT_EQ(nnrt_rand_stream(1, 3), (uint64_t(1) << 32) | 3);
  for (int64_t i = 0; i < 9; ++i) {
    EXPECT_EQ(nnrt_rand_uniform(3, i),
              nnrt_uniform_f32(42, nnrt_rand_stream(1, 3), i));
    EXPECT_EQ(nnrt_rand_normal(3, i),
              nnrt_normal_f32(42, nnrt_rand_stream(1, 3), i));
  }
}

TEST(RandomTest, DeterministicPerSeed) {
  nnrt_set_run_seed(7);
  nnrt_begin_run();
  std::vector<float> first = uniforms(1, 64);
  nnrt_begin_run();
  std::vector<float> second = uniforms(1, 64);
  nnrt_set_run_seed(7);
  nnrt_begin_run();
  EXPECT_EQ(uniforms(1, 64), first);
  nnrt_begin_run();
  EXPECT_EQ(uniforms(1, 64), second);
}

TEST(RandomTest, SitesCallsAndSeedsDiffer) {
  nnrt_set_run_seed(7);
  nnrt_begin_run();
  std::vector<float> site1 = uniforms(1, 64), site2 = uniforms(2, 64);
  EXPECT_NE(site1, site2);
  nnrt_begin_run();
  EXPECT_NE(uniforms(1, 64), site1);
  nnrt_set_run_seed(8);
  nnrt_begin_run();
  EXPECT_NE(uniforms(1, 64), site1);
}

TEST(RandomTest, Ranges) {
  nnrt_set_run_seed(123);
  nnrt_begin_run();
  const int64_t n = 100000;
  double sum = 0, sumSq = 0, uniformSum = 0;
  for (int64_t i = 0; i < n; ++i) {
    float u = nnrt_rand_uniform(5, i);
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    uniformSum += u;
    float z = nnrt_rand_normal(5, i);
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sumSq += double(z) * z;
  }
  EXPECT_NEAR(uniformSum / n, 0.5, 0.01);
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sumSq / n, 1.0, 0.02);
}

TEST(RandomTest, SetRunCallRenumbersKeepingTheSeed) {
  nnrt_set_run_seed(42);
  nnrt_begin_run();
  nnrt_begin_run();
  float second = nnrt_rand_uniform(5, 9); // call 1
  nnrt_set_run_call(7);
  EXPECT_EQ(nnrt_begin_run(), 7u);
  EXPECT_EQ(nnrt_rand_uniform(5, 9),
            nnrt_uniform_f32(42, nnrt_rand_stream(7, 5), 9));
  EXPECT_EQ(nnrt_begin_run(), 8u);
  nnrt_set_run_call(1);
  EXPECT_EQ(nnrt_begin_run(), 1u);
  EXPECT_EQ(nnrt_rand_uniform(5, 9), second);
}
