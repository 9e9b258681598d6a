//===- ModelTrainTest.cpp - Tests of the descriptor's train section -------===//
//
// A descriptor with a train section parsed into nnrt_train_info (defaults,
// optimizer and its hyperparameters, the three functions' roles), and one
// broken copy of it per validation rule with its message.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include <gtest/gtest.h>

#include <string>

namespace {
/// Frees the parsed descriptor at the end of the scope.
struct Model {
  nnrt_model_info *info = nullptr;
  ~Model() { nnrt_model_free(info); }
};
} // namespace

#define X                                                                      \
  R"({"role": "input", "name": "x", "dtype": "F32", "shape": ["B", 1, 2, 2]})"
#define Y R"({"role": "label", "name": "y", "dtype": "I32", "shape": ["B"]})"
#define W                                                                      \
  R"({"role": "param", "name": "w", "dtype": "F32", "shape": [2, 4],
      "init": {"name": "glorot_uniform"}, "fan_in": 4, "fan_out": 2})"
#define M                                                                      \
  R"({"role": "opt_state", "name": "opt/w/m", "dtype": "F32",
      "shape": [2, 4], "init": {"name": "zeros"}})"
#define S                                                                      \
  R"({"role": "state", "name": "n", "dtype": "I64", "shape": [],
      "init": {"name": "zeros"}})"
#define T R"({"role": "step", "name": "t", "dtype": "F32", "shape": []})"
#define LR R"({"role": "lr", "name": "lr", "dtype": "F32", "shape": []})"
#define LOSS R"({"role": "loss", "name": "loss", "dtype": "F32", "shape": []})"

static const std::string kTrain =
    std::string(R"({"version": 1, "entry": "forward", "args": [)" X ", " W R"(],
  "results": [{"role": "output", "name": "y", "dtype": "F32",
               "shape": ["B", 2]}],
  "train": {"name": "tiny", "batch": 4, "epochs": 2, "seed": 9,
    "data": {"kind": "idx", "dir": "/d"},
    "optimizer": {"name": "Adam", "lr": 0.01, "beta1": 0.9},
    "step": {"args": [)" W ", " M ", " T ", " LR ", " X ", " Y R"(],
      "results": [)" LOSS R"(,
        {"role": "param", "name": "w", "dtype": "F32", "shape": [2, 4]},
        {"role": "opt_state", "name": "opt/w/m", "dtype": "F32",
         "shape": [2, 4]}]},
    "eval": {"args": [)" W ", " X ", " Y R"(],
      "results": [)" LOSS R"(,
        {"role": "metric", "name": "accuracy", "dtype": "F32",
         "shape": []}]},
    "grad": {"args": [)" X ", " Y ", " W ", " S R"(],
      "results": [)" LOSS R"(,
        {"role": "state", "name": "n", "dtype": "I64", "shape": []},
        {"role": "grad", "name": "w", "dtype": "F32", "shape": [2, 4]}]}}})");

/// kTrain with the one occurrence of \p from (after \p after) replaced.
static std::string mutate(const std::string &from, const std::string &to,
                          const std::string &after = "") {
  size_t start = kTrain.find(after);
  size_t at = kTrain.find(from, start);
  EXPECT_NE(at, std::string::npos) << from;
  std::string text = kTrain;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

/// The message for \p text, which must fail to parse.
static std::string parseError(const std::string &text) {
  Model m;
  EXPECT_EQ(nnrt_model_parse(text.c_str(), &m.info), NNRT_ERR_FORMAT) << text;
  EXPECT_EQ(m.info, nullptr);
  return nnrt_last_error();
}

TEST(ModelTrainTest, ParsesCsvAndNpyData) {
  Model csv;
  std::string text = mutate(R"("kind": "idx", "dir": "/d")",
                            R"("kind": "csv", "path": "/d.csv", "label": )"
                            R"("price", "classes": 1, "test": 0.25)");
  ASSERT_EQ(nnrt_model_parse(text.c_str(), &csv.info), NNRT_OK)
      << nnrt_last_error();
  const nnrt_train_info *t = csv.info->train;
  EXPECT_STREQ(t->data_kind, "csv");
  EXPECT_STREQ(t->data_dir, "/d.csv");
  EXPECT_STREQ(t->data_label, "price");
  EXPECT_EQ(t->data_classes, 1);
  EXPECT_EQ(t->data_test, 0.25);
  Model npy;
  text = mutate(R"("kind": "idx", "dir": "/d")",
                R"("kind": "npy", "x": "/x.npy", "y": "/y.npy", "test": 0.5)");
  ASSERT_EQ(nnrt_model_parse(text.c_str(), &npy.info), NNRT_OK)
      << nnrt_last_error();
  t = npy.info->train;
  EXPECT_STREQ(t->data_kind, "npy");
  EXPECT_STREQ(t->data_dir, "/x.npy");
  EXPECT_STREQ(t->data_y, "/y.npy");
  EXPECT_EQ(t->data_test, 0.5);
}

TEST(ModelTrainTest, ParsesTheTrainSection) {
  Model m;
  ASSERT_EQ(nnrt_model_parse(kTrain.c_str(), &m.info), NNRT_OK)
      << nnrt_last_error();
  const nnrt_train_info *t = m.info->train;
  ASSERT_NE(t, nullptr);
  EXPECT_STREQ(t->name, "tiny");
  EXPECT_EQ(t->batch, 4);
  EXPECT_EQ(t->epochs, 2);
  EXPECT_EQ(t->seed, 9u);
  EXPECT_STREQ(t->data_kind, "idx");
  EXPECT_STREQ(t->data_dir, "/d");
  EXPECT_EQ(t->data_y, nullptr);
  EXPECT_EQ(t->data_label, nullptr);
  EXPECT_STREQ(t->optimizer, "Adam");
  EXPECT_EQ(t->has_lr, 1);
  EXPECT_EQ(t->lr, 0.01);
  ASSERT_EQ(t->n_hparams, 1u);
  EXPECT_STREQ(t->hparams[0].name, "beta1");
  EXPECT_EQ(t->hparams[0].value, 0.9);
  ASSERT_EQ(t->step.n_args, 6u);
  nnrt_role stepRoles[] = {NNRT_ROLE_PARAM, NNRT_ROLE_OPT_STATE,
                           NNRT_ROLE_STEP,  NNRT_ROLE_LR,
                           NNRT_ROLE_INPUT, NNRT_ROLE_LABEL};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(t->step.args[i].role, stepRoles[i]) << i;
  EXPECT_EQ(t->step.args[1].init.kind, NNRT_INIT_ZEROS);
  EXPECT_STREQ(t->step.args[4].dim_names[0], "B");
  ASSERT_EQ(t->step.n_results, 3u);
  EXPECT_EQ(t->step.results[0].role, NNRT_ROLE_LOSS);
  EXPECT_EQ(t->step.results[2].role, NNRT_ROLE_OPT_STATE);
  ASSERT_EQ(t->eval.n_results, 2u);
  EXPECT_EQ(t->eval.results[1].role, NNRT_ROLE_METRIC);
  ASSERT_EQ(t->grad.n_args, 4u);
  EXPECT_EQ(t->grad.args[3].role, NNRT_ROLE_STATE); // not in the forward
  EXPECT_EQ(t->grad.results[2].role, NNRT_ROLE_GRAD);
  // No lr: the optimizer has none, and the step takes none.
  Model sgd;
  std::string noLr = mutate(R"("lr": 0.01, )", "");
  noLr = noLr.replace(noLr.find(LR ", "), sizeof(LR ", ") - 1, "");
  ASSERT_EQ(nnrt_model_parse(noLr.c_str(), &sgd.info), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(sgd.info->train->has_lr, 0);
}

TEST(ModelTrainTest, NoTrainSection) {
  Model m;
  std::string text = kTrain.substr(0, kTrain.find(",\n  \"train\"")) + "}";
  ASSERT_EQ(nnrt_model_parse(text.c_str(), &m.info), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(m.info->train, nullptr);
}

TEST(ModelTrainTest, RejectsMalformedSettings) {
  const std::string p = "model descriptor: ";
  EXPECT_EQ(parseError(mutate(R"("seed": 9,)", R"("seed": 9, "extra": 1,)")),
            p + "train: unexpected key \"extra\"");
  EXPECT_EQ(parseError(mutate(R"("batch": 4)", R"("batch": 0)")),
            p + "train: \"batch\" must be an integer >= 1");
  EXPECT_EQ(parseError(mutate(R"("epochs": 2)", R"("epochs": 1.5)")),
            p + "train: \"epochs\" must be an integer >= 1");
  EXPECT_EQ(parseError(mutate(R"("seed": 9,)", "")),
            p + "train: lacks \"seed\"");
  EXPECT_EQ(parseError(mutate(R"("kind": "idx")", R"("kind": "tsv")")),
            p + "train: data: kind 'tsv' is not 'idx', 'csv' or 'npy'");
  EXPECT_EQ(parseError(mutate(R"("kind": "idx", "dir": "/d")",
                              R"("kind": "csv", "path": "/d.csv", "label": )"
                              R"("y", "classes": 0, "test": 1)")),
            p + "train: data: \"test\" must be a number in (0, 1)");
  EXPECT_EQ(parseError(mutate(R"("kind": "idx", "dir": "/d")",
                              R"("kind": "npy", "x": "/x.npy", "test": 0.2)")),
            p + "train: data: lacks \"y\"");
  EXPECT_EQ(parseError(mutate(R"("dir": "/d")", R"("dir": "/d", "x": 1)")),
            p + "train: data: unexpected key \"x\"");
  EXPECT_EQ(parseError(mutate(R"("beta1": 0.9)", R"("beta1": "0.9")")),
            p + "train: optimizer: \"beta1\" is a string, expected a number");
  EXPECT_EQ(parseError(mutate(R"("lr": 0.01)", R"("lr": 0)")),
            p + "train: optimizer: \"lr\" must be > 0, not 0");
  EXPECT_EQ(parseError(mutate(R"("name": "Adam", )", "")),
            p + "train: optimizer: lacks \"name\"");
  EXPECT_EQ(parseError(mutate(R"("lr": 0.01, )", "")),
            p + "train: step: needs no lr arg, as the optimizer has no "
                "\"lr\"");
  std::string noEval = mutate(R"("eval": {"args")", R"("evil": {"args")");
  EXPECT_EQ(parseError(noEval), p + "train: unexpected key \"evil\"");
  EXPECT_EQ(
      parseError(mutate(R"("step": {"args")", R"("step": {"x": 1, "args")")),
      p + "train: step: unexpected key \"x\"");
}

TEST(ModelTrainTest, ParsesScheduleAndClipping) {
  const std::string opt = R"("beta1": 0.9},)";
  Model m;
  std::string text = mutate(opt, opt + R"( "schedule": {"kind": "step_decay",
      "every": 2, "gamma": 0.5, "warmup": 0.25}, "clip_norm": 1.5,)");
  ASSERT_EQ(nnrt_model_parse(text.c_str(), &m.info), NNRT_OK)
      << nnrt_last_error();
  const nnrt_train_info &t = *m.info->train;
  EXPECT_EQ(t.schedule.kind, NNRT_SCHEDULE_STEP_DECAY);
  EXPECT_EQ(t.schedule.every, 2);
  EXPECT_EQ(t.schedule.gamma, 0.5);
  EXPECT_EQ(t.schedule.warmup, 0.25);
  EXPECT_EQ(t.clip_norm, 1.5);
  // Without the keys: a constant rate and no clipping.
  Model plain;
  ASSERT_EQ(nnrt_model_parse(kTrain.c_str(), &plain.info), NNRT_OK);
  EXPECT_EQ(plain.info->train->schedule.kind, NNRT_SCHEDULE_CONSTANT);
  EXPECT_EQ(plain.info->train->clip_norm, 0);

  const std::string p = "model descriptor: train";
  auto withSchedule = [&](const std::string &schedule) {
    return mutate(opt, opt + R"( "schedule": )" + schedule + ",");
  };
  EXPECT_EQ(parseError(withSchedule(R"({"kind": "linear"})")),
            p + ": schedule: unknown kind 'linear'");
  EXPECT_EQ(parseError(withSchedule(R"({"kind": "cosine", "warmup": 0})")),
            p + ": schedule: \"final\" must be a number");
  EXPECT_EQ(parseError(withSchedule(
                R"({"kind": "cosine", "warmup": 0, "final": 0, "every": 1})")),
            p + ": schedule: unknown key \"every\" for kind 'cosine'");
  EXPECT_EQ(parseError(withSchedule(R"({"kind": "step_decay", "every": 1,
      "gamma": 0, "warmup": 0})")),
            p + ": schedule: \"gamma\" must be > 0, not 0");
  EXPECT_EQ(parseError(withSchedule(R"({"kind": "warmup", "epochs": -1})")),
            p + ": schedule: \"epochs\" must be > 0, not -1");
  EXPECT_EQ(parseError(withSchedule("3")),
            p + ": \"schedule\" is an integer, expected an object");
  EXPECT_EQ(parseError(mutate(opt, opt + R"( "clip_norm": 0,)")),
            p + ": \"clip_norm\" must be a number > 0");
}

TEST(ModelTrainTest, RejectsMalformedArgs) {
  const std::string p = "model descriptor: train: ";
  EXPECT_EQ(
      parseError(mutate(W ", " X ", " Y, W ", " M ", " X ", " Y, "\"eval\"")),
      p + "eval: args[1] ('opt/w/m'): the eval function takes no "
          "opt_state arg");
  EXPECT_EQ(parseError(mutate(X ", " Y ", " W, Y ", " W, "\"grad\"")),
            p + "grad: needs exactly one input and one label arg");
  EXPECT_EQ(parseError(mutate(R"("name": "opt/w/m")", R"("name": "m")")),
            p + "step: args[1] ('m'): an opt_state's name must hold a '/'");
  EXPECT_EQ(parseError(mutate(R"({"name": "zeros"}})", R"({"name": "ones"}})",
                              "opt/w/m")),
            p + "step: args[1] ('opt/w/m'): an opt_state's init must be "
                "zeros");
  EXPECT_EQ(parseError(mutate(R"("name": "t", "dtype": "F32", "shape": [])",
                              R"("name": "t", "dtype": "I64", "shape": [])")),
            p + "step: args[2] ('t'): must be F32 with shape []");
  EXPECT_EQ(parseError(mutate(R"("shape": ["B", 1, 2, 2])",
                              R"("shape": [4, 1, 2, 2])", "\"step\"")),
            p + "step: args[4] ('x'): the input must be F32 [B, ...] with "
                "rank >= 2 and only dim 0 dynamic");
  EXPECT_EQ(parseError(mutate(R"("dtype": "I32", "shape": ["B"])",
                              R"("dtype": "I64", "shape": ["B"])")),
            p + "step: args[5] ('y'): the label must be I32 [B] or F32 "
                "[B, ...]");
  EXPECT_EQ(
      parseError(mutate(
          R"("role": "param", "name": "w", "dtype": "F32", "shape": [2, 4])",
          R"("role": "param", "name": "w", "dtype": "F32", "shape": [2, 5])",
          "\"eval\"")),
      p + "eval: args[0] ('w'): role, dtype, shape or init differs "
          "from args[1]");
  EXPECT_EQ(parseError(mutate(W ", " M, W ", " W, "\"step\"")),
            p + "step: args[1]: duplicate name 'w'");
}

TEST(ModelTrainTest, RejectsMalformedResults) {
  const std::string p = "model descriptor: train: ";
  EXPECT_EQ(
      parseError(mutate(
          R"("role": "param", "name": "w", "dtype": "F32", "shape": [2, 4]})",
          R"("role": "param", "name": "v", "dtype": "F32", "shape": [2, 4]})",
          "\"results\"")),
      p + "step: results[1] ('v'): no param arg of this name");
  EXPECT_EQ(parseError(mutate(
                R"("role": "opt_state", "name": "opt/w/m", "dtype": "F32",
         "shape": [2, 4]})",
                R"("role": "opt_state", "name": "opt/w/m", "dtype": "F32",
         "shape": [2, 3]})")),
            p + "step: results[2] ('opt/w/m'): dtype or shape differs from "
                "the arg's");
  EXPECT_EQ(parseError(mutate(R"("role": "metric")", R"("role": "grad")")),
            p + "eval: results[1] ('accuracy'): the eval function returns no "
                "grad result");
  EXPECT_EQ(parseError(mutate(R"("role": "metric")", R"("role": "output")")),
            p + "eval: results[1] ('accuracy'): role 'output' is not one of "
                "param, state, opt_state, loss, metric, grad");
  EXPECT_EQ(parseError(mutate(R"("name": "accuracy", "dtype": "F32",
         "shape": [])",
                              R"("name": "accuracy", "dtype": "F32",
         "shape": ["B"])")),
            p + "eval: results[1] ('accuracy'): a train function's results "
                "must have static shapes");
  // A param without a grad is another objective's model's (a GAN's).
  {
    Model m;
    EXPECT_EQ(nnrt_model_parse(mutate(R"(,
        {"role": "grad", "name": "w", "dtype": "F32", "shape": [2, 4]})", "")
                                   .c_str(),
                               &m.info),
              NNRT_OK)
        << nnrt_last_error();
  }
  EXPECT_EQ(
      parseError(mutate(
          R"("role": "grad", "name": "w", "dtype": "F32", "shape": [2, 4])",
          R"("role": "grad", "name": "w", "dtype": "F32", "shape": [4, 2])")),
      p + "grad: results[2] ('w'): dtype or shape differs from the "
          "arg's");
  EXPECT_EQ(parseError(mutate(LOSS, R"({"role": "metric", "name": "acc0",
                                    "dtype": "F32", "shape": []})",
                              "\"eval\"")),
            p + "eval: results[0] must be the loss, F32 []");
  EXPECT_EQ(parseError(mutate(R"("role": "metric")", R"("role": "loss")")),
            p + "eval: results[1] ('accuracy'): the loss must be results[0], "
                "and only it");
}
