//===- EmbedTest.cpp - The embedding API on the fake model ----------------===//
//
// nnrt_model_* (embed.h) driven with FakeModel.cpp's descriptor and entry
// point, as an exported library's NAME_* wrappers drive them: parameters
// from a seed match nnrt_init_param, checkpoints replace them, and bad
// inputs or checkpoints fail with the driver's messages.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"
#include "nnrt/embed.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <string>

namespace {

/// The fake model created from \p seed; destroyed with the fixture.
class EmbedTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(nnrt_model_create(nnc_model_descriptor, nnc_forward_packed, 5,
                                &model),
              NNRT_OK);
  }
  void TearDown() override { nnrt_model_destroy(model); }

  /// Runs the model on x: f32[2, 3] = {1..6}; returns the status.
  nnrt_status run(nnrt_tensor &y) {
    nnrt_tensor x = {NNRT_F32, 2, {2, 3}, xs};
    return nnrt_model_forward(model, &x, 1, &y, 1);
  }

  nnrt_model *model = nullptr;
  float xs[6] = {1, 2, 3, 4, 5, 6};
};

} // namespace

TEST_F(EmbedTest, ForwardUsesParamsFromTheSeed) {
  nnrt_model_info *info;
  ASSERT_EQ(nnrt_model_parse(nnc_model_descriptor, &info), NNRT_OK);
  nnrt_tensor w;
  ASSERT_EQ(nnrt_init_param(&info->args[1], 5, &w), NNRT_OK);
  nnrt_tensor y;
  ASSERT_EQ(run(y), NNRT_OK);
  ASSERT_EQ(y.rank, 2);
  EXPECT_EQ(y.shape[0], 2);
  EXPECT_EQ(y.shape[1], 2);
  const float *ws = static_cast<const float *>(w.data);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      float expected = 0; // b is zeros
      for (int k = 0; k < 3; ++k)
        expected += xs[i * 3 + k] * ws[j * 3 + k];
      EXPECT_FLOAT_EQ(static_cast<float *>(y.data)[i * 2 + j], expected);
    }
  nnrt_free(y.data);
  nnrt_free(w.data);
  nnrt_model_free(info);
}

TEST_F(EmbedTest, LoadReplacesParams) {
  nnrt::test::TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  float w[6] = {1, 0, 0, 0, 1, 0}, b[2] = {10, 20};
  const char *names[] = {"b", "w"};
  nnrt_tensor tensors[] = {{NNRT_F32, 1, {2}, b}, {NNRT_F32, 2, {2, 3}, w}};
  ASSERT_EQ(nnrt_safetensors_write(path.c_str(), names, tensors, 2, nullptr,
                                   nullptr, 0),
            NNRT_OK);
  ASSERT_EQ(nnrt_model_load(model, path.c_str()), NNRT_OK);
  nnrt_tensor y;
  ASSERT_EQ(run(y), NNRT_OK);
  const float *ys = static_cast<const float *>(y.data);
  EXPECT_EQ(ys[0], 11); // x[0][0] + 10
  EXPECT_EQ(ys[1], 22); // x[0][1] + 20
  EXPECT_EQ(ys[2], 14);
  EXPECT_EQ(ys[3], 25);
  nnrt_free(y.data);
}

TEST_F(EmbedTest, BadCheckpointLeavesTheModelUnchanged) {
  nnrt_tensor before;
  ASSERT_EQ(run(before), NNRT_OK);
  nnrt::test::TempDir dir;
  std::string path = dir.file("bad.safetensors");
  float w[6] = {0};
  const char *names[] = {"w"};
  nnrt_tensor tensors[] = {{NNRT_F32, 2, {3, 2}, w}};
  ASSERT_EQ(nnrt_safetensors_write(path.c_str(), names, tensors, 1, nullptr,
                                   nullptr, 0),
            NNRT_OK);
  EXPECT_EQ(nnrt_model_load(model, path.c_str()), NNRT_ERR_SHAPE);
  EXPECT_EQ(std::string(nnrt_last_error()),
            path + ": 'w' has shape [3, 2], expected [2, 3]\n" + path +
                ": no tensor 'b' (expected f32[2])");
  EXPECT_EQ(nnrt_model_load(model, dir.file("none").c_str()), NNRT_ERR_IO);
  nnrt_tensor after;
  ASSERT_EQ(run(after), NNRT_OK);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(static_cast<float *>(after.data)[i],
              static_cast<float *>(before.data)[i]);
  nnrt_free(before.data);
  nnrt_free(after.data);
}

TEST_F(EmbedTest, BadInputsFailWithTheDriversMessages) {
  nnrt_tensor x = {NNRT_F32, 2, {2, 4}, xs}, y;
  EXPECT_EQ(nnrt_model_forward(model, &x, 1, &y, 1), NNRT_ERR_SHAPE);
  EXPECT_STREQ(nnrt_last_error(),
               "input 'x': expected f32[B, 3] (B any), found f32[2, 4]");
  nnrt_tensor ints = {NNRT_I32, 2, {2, 3}, xs};
  EXPECT_EQ(nnrt_model_forward(model, &ints, 1, &y, 1), NNRT_ERR_DTYPE);
  EXPECT_EQ(nnrt_model_forward(model, &x, 0, &y, 1), NNRT_ERR_ARG);
  EXPECT_STREQ(nnrt_last_error(), "the model takes 1 input, got 0");
  nnrt_tensor ok = {NNRT_F32, 2, {2, 3}, xs};
  EXPECT_EQ(nnrt_model_forward(model, &ok, 1, &y, 2), NNRT_ERR_ARG);
  EXPECT_STREQ(nnrt_last_error(), "the model has 1 output, got room for 2");
  EXPECT_EQ(nnrt_model_forward(nullptr, &ok, 1, &y, 1), NNRT_ERR_ARG);
}
