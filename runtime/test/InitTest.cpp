//===- InitTest.cpp - Tests of parameter initialization -------------------===//
//
// The FNV-1a stream hash against the reference vectors, each initializer's
// range or spread against PyTorch's formula evaluated by hand, and the
// reproducibility guarantees: same (seed, name) gives the same bits, element
// i does not depend on the tensor's size, and names and seeds decorrelate.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

/// A param called \p name of shape \p shape with initializer \p kind.
static nnrt_arg_info param(const char *name, std::vector<int64_t> shape,
                           nnrt_init_kind kind, int64_t fanIn = 0,
                           int64_t fanOut = 0) {
  nnrt_arg_info info = {};
  info.role = NNRT_ROLE_PARAM;
  info.name = name;
  info.dtype = NNRT_F32;
  info.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    info.shape[i] = shape[i];
  info.init.kind = kind;
  info.fan_in = fanIn;
  info.fan_out = fanOut;
  return info;
}

/// Initializes \p info with \p seed and returns its values.
static std::vector<float> init(const nnrt_arg_info &info, uint64_t seed = 0) {
  nnrt_tensor t;
  EXPECT_EQ(nnrt_init_param(&info, seed, &t), NNRT_OK) << nnrt_last_error();
  int64_t n = nnrt_tensor_numel(&t);
  const float *v = static_cast<const float *>(t.data);
  std::vector<float> values(v, v + (n > 0 ? n : 0));
  nnrt_free(t.data);
  return values;
}

namespace {
struct Stats {
  double min = INFINITY, max = -INFINITY, mean = 0, std = 0;
};
} // namespace

static Stats stats(const std::vector<float> &v) {
  Stats s;
  for (float x : v) {
    s.min = std::min<double>(s.min, x);
    s.max = std::max<double>(s.max, x);
    s.mean += x;
  }
  s.mean /= v.size();
  for (float x : v)
    s.std += (x - s.mean) * (x - s.mean);
  s.std = std::sqrt(s.std / v.size());
  return s;
}

TEST(InitTest, Fnv1a64ReferenceVectors) {
  EXPECT_EQ(nnrt_fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(nnrt_fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(nnrt_fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(InitTest, KaimingUniformBound) {
  // PyTorch's nn.Linear: a = sqrt(5) gives gain sqrt(1/3) and bound
  // sqrt(1/3) * sqrt(3 / fan_in) = 1 / sqrt(fan_in) = 1/sqrt(50).
  nnrt_arg_info w =
      param("fc.w", {1200, 50}, NNRT_INIT_KAIMING_UNIFORM, 50, 1200);
  w.init.a = std::sqrt(5.0);
  Stats s = stats(init(w));
  double bound = 0.1414213562373095;
  EXPECT_GE(s.min, -bound);
  EXPECT_LT(s.max, bound);
  EXPECT_GT(s.max, 0.999 * bound);
  EXPECT_LT(s.min, -0.999 * bound);
  EXPECT_NEAR(s.mean, 0.0, 0.01 * bound);
  EXPECT_NEAR(s.std, bound / std::sqrt(3.0), 0.02 * bound / std::sqrt(3.0));
  // a = 0 (ReLU): bound sqrt(2) * sqrt(3 / 6) = 1.
  nnrt_arg_info relu = param("r", {600, 100}, NNRT_INIT_KAIMING_UNIFORM, 6);
  s = stats(init(relu));
  EXPECT_GE(s.min, -1.0);
  EXPECT_GT(s.max, 0.999);
  EXPECT_LT(s.max, 1.0);
}

TEST(InitTest, GlorotUniformBound) {
  // sqrt(6 / (20 + 30)) = 0.34641016...
  Stats s =
      stats(init(param("g", {300, 200}, NNRT_INIT_GLOROT_UNIFORM, 20, 30)));
  double bound = 0.34641016151377546;
  EXPECT_GE(s.min, -bound);
  EXPECT_LT(s.max, bound);
  EXPECT_GT(s.max, 0.999 * bound);
  EXPECT_NEAR(s.std, bound / std::sqrt(3.0), 0.02 * bound / std::sqrt(3.0));
}

TEST(InitTest, NormalSpreads) {
  // glorot_normal: sqrt(2 / (20 + 30)) = 0.2.
  Stats s =
      stats(init(param("gn", {300, 200}, NNRT_INIT_GLOROT_NORMAL, 20, 30)));
  EXPECT_NEAR(s.mean, 0.0, 0.005);
  EXPECT_NEAR(s.std, 0.2, 0.004);
  // kaiming_normal, a = 1: gain 1, std 1 / sqrt(16) = 0.25.
  nnrt_arg_info kn = param("kn", {300, 200}, NNRT_INIT_KAIMING_NORMAL, 16);
  kn.init.a = 1;
  s = stats(init(kn));
  EXPECT_NEAR(s.std, 0.25, 0.005);
  nnrt_arg_info n = param("n", {60000}, NNRT_INIT_NORMAL);
  n.init.std = 3;
  s = stats(init(n));
  EXPECT_NEAR(s.mean, 0.0, 0.05);
  EXPECT_NEAR(s.std, 3.0, 0.06);
}

TEST(InitTest, UniformAndConstants) {
  nnrt_arg_info u = param("u", {60000}, NNRT_INIT_UNIFORM);
  u.init.lo = -2;
  u.init.hi = 5;
  Stats s = stats(init(u));
  EXPECT_GE(s.min, -2.0);
  EXPECT_LT(s.max, 5.0);
  EXPECT_NEAR(s.mean, 1.5, 0.05);
  nnrt_arg_info c = param("c", {2, 2}, NNRT_INIT_CONSTANT);
  c.init.value = 0.25;
  EXPECT_EQ(init(c), std::vector<float>(4, 0.25f));
  EXPECT_EQ(init(param("o", {3}, NNRT_INIT_ONES)), std::vector<float>(3, 1));
  EXPECT_EQ(init(param("z", {3}, NNRT_INIT_ZEROS)), std::vector<float>(3, 0));
  nnrt_arg_info count = param("steps", {}, NNRT_INIT_ZEROS);
  count.dtype = NNRT_I64;
  nnrt_tensor t;
  ASSERT_EQ(nnrt_init_param(&count, 0, &t), NNRT_OK);
  EXPECT_EQ(*static_cast<int64_t *>(t.data), 0);
  nnrt_free(t.data);
}

TEST(InitTest, Reproducible) {
  nnrt_arg_info w = param("fc1.w", {16, 8}, NNRT_INIT_GLOROT_UNIFORM, 8, 16);
  std::vector<float> first = init(w, 42);
  EXPECT_EQ(init(w, 42), first);
  EXPECT_NE(init(w, 43), first);
  nnrt_arg_info other = w;
  other.name = "fc2.w";
  EXPECT_NE(init(other, 42), first);
  // Element i depends on (seed, name, i) only: a larger tensor of the same
  // name and initializer starts with the same values.
  nnrt_arg_info u = param("u", {10}, NNRT_INIT_UNIFORM);
  u.init.hi = 1;
  nnrt_arg_info bigger = u;
  bigger.rank = 2;
  bigger.shape[0] = 4;
  bigger.shape[1] = 10;
  std::vector<float> small = init(u, 7), big = init(bigger, 7);
  ASSERT_EQ(big.size(), 40u);
  EXPECT_EQ(small, std::vector<float>(big.begin(), big.begin() + 10));
  // The stream is the name's FNV-1a hash.
  std::vector<float> direct(10);
  nnrt_fill_uniform(direct.data(), 10, 0.0f, 1.0f, 7, nnrt_fnv1a64("u"));
  EXPECT_EQ(small, direct);
}

TEST(InitTest, RejectsWhatItCannotInitialize) {
  nnrt_tensor t;
  nnrt_arg_info dynamic = param("d", {-1, 3}, NNRT_INIT_ZEROS);
  EXPECT_EQ(nnrt_init_param(&dynamic, 0, &t), NNRT_ERR_ARG);
  EXPECT_STREQ(nnrt_last_error(),
               "'d': cannot initialize a f32 [-1, 3] tensor");
  EXPECT_EQ(t.data, nullptr);
  nnrt_arg_info ones = param("i", {3}, NNRT_INIT_ONES);
  ones.dtype = NNRT_I32;
  EXPECT_EQ(nnrt_init_param(&ones, 0, &t), NNRT_ERR_DTYPE);
  EXPECT_STREQ(nnrt_last_error(), "'i': only zeros can initialize i32 tensors");
  nnrt_arg_info fanless = param("k", {3, 3}, NNRT_INIT_KAIMING_UNIFORM);
  EXPECT_EQ(nnrt_init_param(&fanless, 0, &t), NNRT_ERR_ARG);
  nnrt_arg_info none = param("n", {3}, NNRT_INIT_NONE);
  EXPECT_EQ(nnrt_init_param(&none, 0, &t), NNRT_ERR_ARG);
  EXPECT_EQ(nnrt_init_param(nullptr, 0, &t), NNRT_ERR_ARG);
}
