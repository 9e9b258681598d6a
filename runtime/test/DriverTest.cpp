//===- DriverTest.cpp - Tests of the program driver -----------------------===//
//
// The driver run in-process through nnrt_main, linked with FakeModel.cpp:
// --help and info, `init` determinism and contents, `predict` against hand
// computations. Other fake models defined here go through nnrt_driver_main:
// two inputs sharing a symbolic batch with two outputs, and a result that
// aliases an input buffer (which the driver must not free).
//
//===----------------------------------------------------------------------===//

#include "DriverFixture.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace nnrt::test;

TEST_F(DriverTest, HelpListsCommandsAndFlags) {
  EXPECT_EQ(run({"--help"}), 0);
  for (const char *word : {"usage: prog <command>", "predict", "init", "info",
                           "--load", "--seed", "-o", "\n  train ", "\n  eval ",
                           "\n  gradcheck ", "--epochs", "--steps", "--batch",
                           "--lr", "--data", "--no-shuffle", "--save", "--log"})
    EXPECT_NE(out.find(word), std::string::npos) << word << "\n" << out;
  EXPECT_EQ(err, "");
  EXPECT_EQ(run({"predict", "-h"}), 0);
}

TEST_F(DriverTest, InfoPrintsTheSignature) {
  EXPECT_EQ(run({"info"}), 0) << err;
  EXPECT_EQ(out, "entry: forward\n"
                 "input  x: f32[B, 3]\n"
                 "param  w: f32[2, 3]\n"
                 "param  b: f32[2]\n"
                 "output y: f32[B, 2]\n");
}

TEST_F(DriverTest, InitIsDeterministic) {
  ASSERT_EQ(run({"init", "-o", path("a.safetensors")}), 0) << err;
  ASSERT_EQ(run({"init", "--seed", "0", "-o", path("b.safetensors")}), 0);
  ASSERT_EQ(run({"init", "--seed=1", "--output", path("c.safetensors")}), 0);
  EXPECT_EQ(err, "");
  std::string a = readFile(path("a.safetensors"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, readFile(path("b.safetensors")));
  EXPECT_NE(a, readFile(path("c.safetensors")));
}

TEST_F(DriverTest, InitWritesParamsAndMetadata) {
  ASSERT_EQ(run({"init", "--seed", "5", "-o", path("ckpt.safetensors")}), 0);
  nnrt_st_file *f = nullptr;
  ASSERT_EQ(nnrt_safetensors_read(path("ckpt.safetensors").c_str(), &f),
            NNRT_OK);
  EXPECT_EQ(nnrt_st_count(f), 2u);
  EXPECT_STREQ(nnrt_st_meta_get(f, "format"), "nnc");
  EXPECT_STREQ(nnrt_st_meta_get(f, "step"), "0");
  const nnrt_tensor *w = nnrt_st_get(f, "w");
  const nnrt_tensor *b = nnrt_st_get(f, "b");
  ASSERT_TRUE(w && b);
  EXPECT_EQ(w->rank, 2);
  EXPECT_EQ(w->shape[0], 2);
  EXPECT_EQ(w->shape[1], 3);
  // kaiming_uniform(a = sqrt(5)), fan_in 3: bound 1/sqrt(3), as nn.Linear.
  const float *wv = static_cast<const float *>(w->data);
  for (int i = 0; i < 6; ++i)
    EXPECT_LE(std::fabs(wv[i]), 0.5773503f) << i;
  EXPECT_NE(wv[0], wv[1]);
  const float *bv = static_cast<const float *>(b->data);
  EXPECT_EQ(bv[0], 0.0f);
  EXPECT_EQ(bv[1], 0.0f);
  nnrt_st_free(f);
}

TEST_F(DriverTest, PredictMatchesHandComputation) {
  ASSERT_EQ(run({"init", "--seed", "3", "-o", path("ckpt.safetensors")}), 0);
  std::vector<float> x = {1, 2, 3, -1, 0.5f, 4, 0, 0, 0, 7, -8, 9};
  std::string in = writeNpy("x.npy", {4, 3}, x);
  ASSERT_EQ(run({"predict", "--load", path("ckpt.safetensors"), in, "-o",
                 path("y.npy")}),
            0)
      << err;
  EXPECT_EQ(err, "");
  std::vector<int64_t> shape;
  std::vector<float> y = readNpy(path("y.npy"), &shape);
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 2}));
  nnrt_st_file *f = nullptr;
  ASSERT_EQ(nnrt_safetensors_read(path("ckpt.safetensors").c_str(), &f),
            NNRT_OK);
  const float *w = static_cast<const float *>(nnrt_st_get(f, "w")->data);
  const float *b = static_cast<const float *>(nnrt_st_get(f, "b")->data);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 2; ++j) {
      double expected = b[j];
      for (int k = 0; k < 3; ++k)
        expected += double(x[3 * i + k]) * w[3 * j + k];
      EXPECT_NEAR(y[2 * i + j], expected, 1e-5) << i << "," << j;
    }
  }
  nnrt_st_free(f);
  // Without --load the same seed gives the same parameters.
  ASSERT_EQ(run({"predict", "--seed", "3", in, "-o", path("y2.npy")}), 0);
  EXPECT_EQ(readNpy(path("y2.npy")), y);
  ASSERT_EQ(run({"predict", in, "-o", path("y0.npy")}), 0);
  EXPECT_NE(readNpy(path("y0.npy")), y);
}

TEST_F(DriverTest, PredictWithKnownWeights) {
  // w = [[1, 0, -1], [0.5, 0.5, 0.5]], b = [10, -10]; by hand:
  // x = [1, 2, 3] -> [1 - 3 + 10, 3 - 10] = [8, -7].
  float w[6] = {1, 0, -1, 0.5f, 0.5f, 0.5f}, b[2] = {10, -10};
  nnrt_tensor tensors[2] = {{NNRT_F32, 2, {2, 3}, w}, {NNRT_F32, 1, {2}, b}};
  const char *names[2] = {"w", "b"};
  ASSERT_EQ(nnrt_safetensors_write(path("k.safetensors").c_str(), names,
                                   tensors, 2, nullptr, nullptr, 0),
            NNRT_OK);
  std::string in = writeNpy("x.npy", {1, 3}, {1, 2, 3});
  ASSERT_EQ(run({"predict", "--load", path("k.safetensors"), "-o",
                 path("y.npy"), in}),
            0)
      << err;
  EXPECT_EQ(readNpy(path("y.npy")), (std::vector<float>{8, -7}));
  // An empty batch is an empty output.
  std::string none = writeNpy("none.npy", {0, 3}, {});
  ASSERT_EQ(run({"predict", "--load", path("k.safetensors"), none, "-o",
                 path("e.npy")}),
            0)
      << err;
  std::vector<int64_t> shape;
  EXPECT_TRUE(readNpy(path("e.npy"), &shape).empty());
  EXPECT_EQ(shape, (std::vector<int64_t>{0, 2}));
}

/// Two inputs sharing the symbolic batch "B", two outputs: their sum and
/// difference; no parameters.
static const char kPairModel[] = R"({"version": 1, "entry": "forward",
  "args": [
    {"role": "input", "name": "a", "dtype": "F32", "shape": ["B", 2]},
    {"role": "input", "name": "b", "dtype": "F32", "shape": ["B", 2]}],
  "results": [
    {"role": "output", "name": "sum", "dtype": "F32", "shape": ["B", 2]},
    {"role": "output", "name": "diff", "dtype": "F32", "shape": ["B", 2]}]})";

static void pairForward(void **args) {
  auto *results = static_cast<MemRef<2> *>(args[0]);
  auto *a = static_cast<MemRef<2> *>(args[1]);
  auto *b = static_cast<MemRef<2> *>(args[2]);
  int64_t n = a->sizes[0] * 2;
  auto *sum = static_cast<float *>(_mlir_memref_to_llvm_alloc(n * 4 + 4));
  auto *diff = static_cast<float *>(_mlir_memref_to_llvm_alloc(n * 4 + 4));
  for (int64_t i = 0; i < n; ++i) {
    float x = static_cast<float *>(a->aligned)[i];
    float y = static_cast<float *>(b->aligned)[i];
    sum[i] = x + y;
    diff[i] = x - y;
  }
  results[0] = {sum, sum, 0, {a->sizes[0], 2}, {2, 1}};
  results[1] = {diff, diff, 0, {a->sizes[0], 2}, {2, 1}};
}

TEST_F(DriverTest, MultipleOutputsAndSharedBatch) {
  std::string a = writeNpy("a.npy", {2, 2}, {1, 2, 3, 4});
  std::string b = writeNpy("b.npy", {2, 2}, {10, 20, 30, 40});
  ASSERT_EQ(
      run({"predict", a, b, "-o", path("out.npy")}, kPairModel, pairForward), 0)
      << err;
  EXPECT_EQ(readNpy(path("out.npy")), (std::vector<float>{11, 22, 33, 44}));
  EXPECT_EQ(readNpy(path("out.1.npy")),
            (std::vector<float>{-9, -18, -27, -36}));
  ASSERT_EQ(
      run({"predict", a, b, "-o", path("plain")}, kPairModel, pairForward), 0);
  EXPECT_EQ(readNpy(path("plain.1")).size(), 4u);
  std::string b3 = writeNpy("b3.npy", {3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(
      run({"predict", a, b3, "-o", path("out.npy")}, kPairModel, pairForward),
      1);
  EXPECT_EQ(err, "prog: error: " + b3 +
                     ": expected f32[B, 2] with B = 2 (as "
                     "in " +
                     a + "), found f32[3, 2]\n");
  EXPECT_EQ(run({"predict", a, "-o", path("out.npy")}, kPairModel, pairForward),
            2);
  EXPECT_EQ(err, "prog: error: predict: the model takes 2 input files (a: "
                 "f32[B, 2], b: f32[B, 2]), got 1\n"
                 "run 'prog --help' for usage\n");
}

/// The identity: returns its input's own descriptor, as bufferization may
/// when a function returns an argument unchanged.
static const char kIdentityModel[] = R"({"version": 1, "entry": "forward",
  "args": [{"role": "input", "name": "x", "dtype": "I32", "shape": [-1]}],
  "results": [
    {"role": "output", "name": "y", "dtype": "I32", "shape": [-1]},
    {"role": "output", "name": "z", "dtype": "I32", "shape": [-1]}]})";

static void identityForward(void **args) {
  auto *results = static_cast<MemRef<1> *>(args[0]);
  results[0] = *static_cast<MemRef<1> *>(args[1]);
  results[1] = *static_cast<MemRef<1> *>(args[1]);
}

TEST_F(DriverTest, ResultAliasingAnInputIsNotFreed) {
  int32_t values[3] = {5, -6, 7};
  nnrt_tensor t = {NNRT_I32, 1, {3}, values};
  ASSERT_EQ(nnrt_npy_write(path("x.npy").c_str(), &t), NNRT_OK);
  ASSERT_EQ(run({"predict", path("x.npy"), "-o", path("y.npy")}, kIdentityModel,
                identityForward),
            0)
      << err;
  for (const char *name : {"y.npy", "y.1.npy"}) {
    nnrt_tensor y;
    ASSERT_EQ(nnrt_npy_read(path(name).c_str(), &y), NNRT_OK);
    EXPECT_EQ(std::memcmp(y.data, values, sizeof(values)), 0);
    nnrt_free(y.data);
  }
}

/// A state arg and its new value, and an output that is a constant global
/// (MLIR marks a global's `allocated` with 0xdeadbeef: never freed).
static const char kStatefulModel[] = R"({"version": 1, "entry": "forward",
  "args": [
    {"role": "input", "name": "x", "dtype": "F32", "shape": [-1]},
    {"role": "state", "name": "count", "dtype": "I64", "shape": [],
     "init": {"name": "zeros"}}],
  "results": [
    {"role": "state", "name": "count", "dtype": "I64", "shape": []},
    {"role": "output", "name": "c", "dtype": "F32", "shape": [2]}]})";

static float kConstant[2] = {1.5f, -2.5f};

static void statefulForward(void **args) {
  auto *count = static_cast<int64_t *>(_mlir_memref_to_llvm_alloc(8));
  *count =
      *static_cast<int64_t *>(static_cast<MemRef<1> *>(args[2])->aligned) + 1;
  auto *results = static_cast<char *>(args[0]);
  void *scalar[3] = {count, count, nullptr};
  std::memcpy(results, scalar, sizeof(scalar));
  MemRef<1> constant = {
      reinterpret_cast<void *>(0xdeadbeef), kConstant, 0, {2}, {1}};
  std::memcpy(results + sizeof(scalar), &constant, sizeof(constant));
}

TEST_F(DriverTest, StateResultsAndGlobals) {
  ASSERT_EQ(run({"info"}, kStatefulModel, statefulForward), 0) << err;
  EXPECT_EQ(out, "entry: forward\n"
                 "input  x: f32[B]\n"
                 "state  count: i64[]\n"
                 "state  count: i64[] (new value)\n"
                 "output c: f32[2]\n");
  std::string x = writeNpy("x.npy", {3}, {1, 2, 3});
  ASSERT_EQ(
      run({"predict", x, "-o", path("c.npy")}, kStatefulModel, statefulForward),
      0)
      << err;
  EXPECT_EQ(readNpy(path("c.npy")), (std::vector<float>{1.5f, -2.5f}));
  ASSERT_EQ(run({"init", "-o", path("s.safetensors")}, kStatefulModel,
                statefulForward),
            0);
  nnrt_st_file *f = nullptr;
  ASSERT_EQ(nnrt_safetensors_read(path("s.safetensors").c_str(), &f), NNRT_OK);
  const nnrt_tensor *count = nnrt_st_get(f, "count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->dtype, NNRT_I64);
  EXPECT_EQ(count->rank, 0);
  EXPECT_EQ(*static_cast<int64_t *>(count->data), 0);
  nnrt_st_free(f);
}
