//===- PhiloxTest.cpp - Tests of Philox4x32-10 and the samplers -----------===//
//
// Known-answer tests from Random123's kat_vectors (the philox4x32 10 lines,
// as reproduced in DEShawResearch/Random123-Boost's test_philox.cpp), the
// documented (seed, stream, index) -> counter mapping checked against those
// answers, and the uniform and normal fills: reproducibility, independence
// from how the range is split, ranges, and moments over 10^6 samples.
//
//===----------------------------------------------------------------------===//

#include "nnrt/nnrt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

TEST(PhiloxTest, KnownAnswers) {
  const struct {
    uint32_t ctr[4], key[2], expected[4];
  } kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const auto &kat : kats) {
    uint32_t out[4];
    nnrt_philox4x32_10(kat.ctr, kat.key, out);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(out[i], kat.expected[i]) << "word " << i;
  }
}

// Seed 0, stream 0, block 0 is the all-zero KAT; the answers' top 24 bits,
// scaled by 2^-24, are elements 0..3 of the uniform stream.
TEST(PhiloxTest, UniformMappingMatchesKat) {
  const uint32_t words[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  for (uint64_t i = 0; i < 4; ++i)
    EXPECT_EQ(nnrt_uniform_f32(0, 0, i),
              static_cast<float>(words[i] >> 8) / 16777216.0f);
  // In general: key = seed, counter = {index / 4, stream}, word index % 4.
  const uint64_t seed = 0x0123456789abcdef, stream = 0xfedcba9876543210;
  const uint64_t block = 0x0123456789abcde, index = block * 4 + 2;
  const uint32_t ctr[4] = {uint32_t(block), uint32_t(block >> 32),
                           uint32_t(stream), uint32_t(stream >> 32)};
  const uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  uint32_t out[4];
  nnrt_philox4x32_10(ctr, key, out);
  EXPECT_EQ(nnrt_uniform_f32(seed, stream, index),
            static_cast<float>(out[2] >> 8) / 16777216.0f);
}

// Box-Muller recomputed here from the KAT words, as nnrt.h documents it.
TEST(PhiloxTest, NormalMappingMatchesKat) {
  const uint32_t w[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  for (int pair = 0; pair < 2; ++pair) {
    double u1 = double((w[2 * pair] >> 8) + 1) / 16777216.0;
    double u2 = double(w[2 * pair + 1] >> 8) / 16777216.0;
    double r = std::sqrt(-2.0 * std::log(u1));
    double theta = 6.283185307179586476925286766559 * u2;
    EXPECT_EQ(nnrt_normal_f32(0, 0, 2 * pair), float(r * std::cos(theta)));
    EXPECT_EQ(nnrt_normal_f32(0, 0, 2 * pair + 1), float(r * std::sin(theta)));
  }
}

TEST(PhiloxTest, FillsAreReproducibleAndSplittable) {
  const int64_t n = 1003;
  std::vector<float> u(n), again(n), tail(n), other(n), g(n), gTail(n);
  nnrt_fill_uniform(u.data(), n, -0.5f, 0.5f, 42, 7);
  nnrt_fill_uniform(again.data(), n, -0.5f, 0.5f, 42, 7);
  EXPECT_EQ(std::memcmp(u.data(), again.data(), n * sizeof(float)), 0);
  nnrt_fill_uniform(other.data(), n, -0.5f, 0.5f, 42, 8);
  EXPECT_NE(std::memcmp(u.data(), other.data(), n * sizeof(float)), 0);
  nnrt_fill_uniform(other.data(), n, -0.5f, 0.5f, 43, 7);
  EXPECT_NE(std::memcmp(u.data(), other.data(), n * sizeof(float)), 0);
  nnrt_fill_normal(g.data(), n, 0.0f, 1.0f, 42, 7);
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(u[i], -0.5f + 1.0f * nnrt_uniform_f32(42, 7, i)) << i;
    EXPECT_EQ(g[i], nnrt_normal_f32(42, 7, i)) << i;
  }
  // A fill of a prefix gives the same leading elements (any split works).
  nnrt_fill_uniform(tail.data(), 5, -0.5f, 0.5f, 42, 7);
  nnrt_fill_normal(gTail.data(), 3, 0.0f, 1.0f, 42, 7);
  EXPECT_EQ(std::memcmp(u.data(), tail.data(), 5 * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(g.data(), gTail.data(), 3 * sizeof(float)), 0);
  nnrt_fill_uniform(nullptr, 0, 0, 1, 1, 1); // n == 0 touches nothing
}

TEST(PhiloxTest, UniformMoments) {
  const int64_t n = 1000000;
  std::vector<float> x(n);
  nnrt_fill_uniform(x.data(), n, -2.0f, 3.0f, 12345, 1);
  double sum = 0, sumSq = 0;
  float lo = 1e9f, hi = -1e9f;
  for (float v : x) {
    sum += v;
    sumSq += double(v) * v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double mean = sum / n, var = sumSq / n - mean * mean;
  EXPECT_GE(lo, -2.0f);
  EXPECT_LT(hi, 3.0f);
  EXPECT_LT(lo, -1.99f);
  EXPECT_GT(hi, 2.99f);
  EXPECT_NEAR(mean, 0.5, 0.01);        // sigma of the mean: 0.0014
  EXPECT_NEAR(var, 25.0 / 12.0, 0.02); // 25/12 = 2.083
  for (uint64_t i = 0; i < 100000; ++i) {
    float u = nnrt_uniform_f32(9, 9, i);
    ASSERT_TRUE(u >= 0.0f && u < 1.0f) << u;
  }
}

TEST(PhiloxTest, UniformStaysBelowHi) {
  // With lo = 1 and hi = 1 + 2^-23 every u > 0.5 rounds to hi; the fill must
  // keep those below it.
  const float lo = 1.0f, hi = std::nextafter(1.0f, 2.0f);
  std::vector<float> x(4096);
  nnrt_fill_uniform(x.data(), 4096, lo, hi, 5, 5);
  for (float v : x)
    ASSERT_TRUE(v >= lo && v < hi) << v;
}

TEST(PhiloxTest, NormalMoments) {
  const int64_t n = 1000000;
  std::vector<float> x(n);
  nnrt_fill_normal(x.data(), n, 0.0f, 1.0f, 2024, 3);
  double sum = 0, sumSq = 0, sumCube = 0, sumQuad = 0;
  int64_t within1 = 0;
  for (float v : x) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    sumSq += double(v) * v;
    sumCube += double(v) * v * v;
    sumQuad += double(v) * v * v * v;
    within1 += std::fabs(v) < 1.0f;
  }
  double mean = sum / n, var = sumSq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(std::sqrt(var), 1.0, 0.005);
  EXPECT_NEAR(sumCube / n, 0.0, 0.02); // skewness 0
  EXPECT_NEAR(sumQuad / n, 3.0, 0.05); // kurtosis 3
  EXPECT_NEAR(double(within1) / n, 0.6827, 0.003);

  std::vector<float> y(n);
  nnrt_fill_normal(y.data(), n, 2.0f, 0.5f, 2024, 3);
  double ySum = 0, ySq = 0;
  for (float v : y) {
    ySum += v;
    ySq += double(v) * v;
  }
  double yMean = ySum / n;
  EXPECT_NEAR(yMean, 2.0, 0.0025);
  EXPECT_NEAR(std::sqrt(ySq / n - yMean * yMean), 0.5, 0.0025);
}
