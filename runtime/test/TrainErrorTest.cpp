//===- TrainErrorTest.cpp - The training commands' errors -----------------===//
//
// Every way the training commands can be misused, each with its exit code
// and message: missing, corrupt or mismatched data (1), bad and mismatched
// checkpoints (1), bad flags (2), a program without a train section or
// without the entry points its descriptor promises (2, 3). Also a model
// whose step returns its arguments' own buffers swapped, which the driver
// must copy as if they were fresh, and which has no learning rate.
//
//===----------------------------------------------------------------------===//

#include "TrainFixture.h"

#include <cstdlib>
#include <cstring>

using namespace nnrt::test;

static std::string usage(const std::string &message) {
  return "prog: error: " + message + "\nrun 'prog --help' for usage\n";
}

TEST_F(TrainTest, MissingData) {
  EXPECT_EQ(train({"train", "--data", path("nowhere")}, false), 1);
  EXPECT_EQ(err, "prog: error: " + path("nowhere") +
                     ": dataset directory not found\n");
  // Without --data, the train section's directory.
  EXPECT_EQ(train({"eval"}, false), 1);
  EXPECT_EQ(err, "prog: error: /nonexistent/fake-data: dataset directory not "
                 "found\n");
  std::remove((data + "/t10k-labels-idx1-ubyte").c_str());
  EXPECT_EQ(train({"train"}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + data + "/t10k-labels-idx1-ubyte", 0),
            0u)
      << err;
}

TEST_F(TrainTest, CorruptData) {
  std::string labels = data + "/t10k-labels-idx1-ubyte";
  std::string bytes = readFile(labels);
  writeFile(labels, bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(train({"eval"}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + labels + ": truncated data", 0), 0u)
      << err;
  std::string images = data + "/train-images-idx3-ubyte.gz";
  bytes = readFile(images);
  bytes[bytes.size() - 9] ^= 1; // a data byte: the CRC-32 no longer matches
  writeFile(images, bytes);
  EXPECT_EQ(train({"train"}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + images, 0), 0u) << err;
  EXPECT_EQ(train({"gradcheck"}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + images, 0), 0u) << err;
}

TEST_F(TrainTest, ImagesOfTheWrongSize) {
  std::string images =
      be32(0x803) + be32(3) + be32(14) + be32(14) + std::string(3 * 196, '\0');
  writeFile(data + "/t10k-images-idx3-ubyte", images);
  writeFile(data + "/t10k-labels-idx1-ubyte", be32(0x801) + be32(3) + "abc");
  EXPECT_EQ(train({"eval"}), 1);
  EXPECT_EQ(err, "prog: error: " + data +
                     ": the images are 14x14, but the step function's input "
                     "'x' is f32[B, 1, 28, 28]\n");
}

TEST_F(TrainTest, BadCheckpoints) {
  ASSERT_EQ(train({"train", "--steps", "2", "--save", path("good")}), 0);
  std::string bytes = readFile(path("good"));
  writeFile(path("cut"), bytes.substr(0, bytes.size() - 4));
  for (const char *command : {"train", "eval", "gradcheck"}) {
    EXPECT_EQ(train({command, "--load", path("cut")}), 1) << command;
    EXPECT_EQ(err.rfind("prog: error: " + path("cut") + ": ", 0), 0u) << err;
  }
  EXPECT_EQ(train({"train", "--load", path("missing")}), 1);
  EXPECT_EQ(err, "prog: error: " + path("missing") +
                     ": cannot open: No such file or directory\n");
  std::string c = writeCheckpoint(
      "c", {{"w", {10, 784}}, {"b", {3}}, {"steps_seen", {}}, {"foo", {1}}});
  EXPECT_EQ(train({"train", "--load", c}), 1);
  EXPECT_EQ(err, "prog: error: " + c +
                     ": 'b' has shape [3], expected [10]\n"
                     "prog: error: " +
                     c +
                     ": 'steps_seen' has dtype f32, expected i64\n"
                     "prog: error: " +
                     c + ": unexpected tensor 'foo'\n");
}

TEST_F(TrainTest, OptimizerStateNeedsTheStep) {
  float w[7840] = {}, b[10] = {}, m[10] = {};
  int64_t seen = 0, step = -1;
  std::vector<const char *> names = {"w", "b", "steps_seen", "optimizer/b/m"};
  std::vector<nnrt_tensor> tensors = {{NNRT_F32, 2, {10, 784}, w},
                                      {NNRT_F32, 1, {10}, b},
                                      {NNRT_I64, 0, {}, &seen},
                                      {NNRT_F32, 1, {10}, m}};
  std::string c = path("c");
  ASSERT_EQ(nnrt_safetensors_write(c.c_str(), names.data(), tensors.data(), 4,
                                   nullptr, nullptr, 0),
            NNRT_OK);
  EXPECT_EQ(train({"train", "--load", c}), 1);
  EXPECT_EQ(err, "prog: error: " + c +
                     ": optimizer state 'optimizer/b/m' without "
                     "'train.step'\n");
  // eval and predict ignore optimizer state.
  EXPECT_EQ(train({"eval", "--load", c}), 0) << err;
  names.push_back("train.step");
  tensors.push_back({NNRT_I64, 0, {}, &step});
  ASSERT_EQ(nnrt_safetensors_write(c.c_str(), names.data(), tensors.data(), 5,
                                   nullptr, nullptr, 0),
            NNRT_OK);
  EXPECT_EQ(train({"train", "--load", c}), 1);
  EXPECT_EQ(err, "prog: error: " + c +
                     ": 'train.step' must be an i64[] >= 0\n"
                     "prog: error: " +
                     c +
                     ": no tensor 'optimizer/w/m' (expected f32[10, 784])\n"
                     "prog: error: " +
                     c +
                     ": no tensor 'optimizer/w/v' (expected f32[10, 784])\n"
                     "prog: error: " +
                     c + ": no tensor 'optimizer/b/v' (expected f32[10])\n");
}

TEST_F(TrainTest, PredictStillRejectsUnknownTensors) {
  std::string c = writeCheckpoint(
      "c", {{"w", {10, 784}}, {"b", {10}}, {"optimizer/w/m", {1}}, {"z", {1}}});
  std::string x = writeNpy("x.npy", {1, 1, 28, 28}, std::vector<float>(784));
  EXPECT_EQ(train({"predict", "--load", c, x, "-o", path("y.npy")}), 1);
  EXPECT_EQ(err, "prog: error: " + c + ": unexpected tensor 'z'\n");
}

TEST_F(TrainTest, BadFlags) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"train", "--epochs", "0"},
       "train: '--epochs' expects an integer >= 1, got '0'"},
      {{"train", "--batch", "-1"},
       "train: '--batch' expects an integer >= 1, got '-1'"},
      {{"eval", "--batch=x"},
       "eval: '--batch' expects an integer >= 1, got "
       "'x'"},
      {{"train", "--steps", "1.5"},
       "train: '--steps' expects an integer >= 1, got '1.5'"},
      {{"train", "--lr", "abc"},
       "train: '--lr' expects a number > 0, got "
       "'abc'"},
      {{"train", "--lr", "0"}, "train: '--lr' expects a number > 0, got '0'"},
      {{"train", "--lr", "inf"},
       "train: '--lr' expects a number > 0, got "
       "'inf'"},
      {{"train", "--frobnicate"},
       "train: unknown flag '--frobnicate' for 'train'"},
      {{"eval", "--epochs", "2"}, "eval: unknown flag '--epochs' for 'eval'"},
      {{"gradcheck", "--save", "x"},
       "gradcheck: unknown flag '--save' for 'gradcheck'"},
      {{"train", "-o", "x"}, "train: unknown flag '-o' for 'train'"},
      {{"train", "--no-shuffle=1"}, "train: '--no-shuffle' takes no value"},
      {{"train", "--no-shuffle", "--no-shuffle"},
       "train: '--no-shuffle' given twice"},
      {{"train", "--epochs", "1", "--epochs", "2"},
       "train: '--epochs' given twice"},
      {{"train", "--save"}, "train: '--save' needs a value"},
      {{"train", "--log="}, "train: '--log' needs a non-empty value"},
      {{"train", "extra.npy"},
       "train: 'train' takes no files, got "
       "'extra.npy'"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(train(c.args, false), 2) << c.args[1];
    EXPECT_EQ(err, usage(c.message));
    EXPECT_EQ(out, "");
  }
}

TEST_F(TrainTest, NoTrainSection) {
  for (const char *command : {"train", "eval", "gradcheck"}) {
    EXPECT_EQ(run({command}), 2);
    EXPECT_EQ(err, usage(std::string(command) + ": '" + command +
                         "' needs a program built from a train block; this "
                         "one has none"));
  }
}

TEST_F(TrainTest, MissingEntryPoints) {
  nnrt_entry_points entries = fakeTrainEntries();
  entries.train_step = nullptr;
  entries.grad = nullptr;
  EXPECT_EQ(train({"train"}, true, entries), 3);
  EXPECT_EQ(err, "prog: internal error: the descriptor has a train section "
                 "but the program lacks nnc_train_step_packed\n");
  EXPECT_EQ(train({"gradcheck"}, true, entries), 3);
  EXPECT_EQ(train({"eval"}, true, entries), 0) << err;
}

TEST_F(TrainTest, UnwritableOutputs) {
  EXPECT_EQ(train({"train", "--steps", "1", "--save", path("no/dir/c")}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + path("no/dir/c"), 0), 0u) << err;
  EXPECT_EQ(train({"train", "--log", path("no/dir")}), 1);
  EXPECT_EQ(err, "prog: error: " + path("no/dir") +
                     ": cannot create the directory: No such file or "
                     "directory\n");
}

/// Params p and q whose step returns each one's own buffer as the other's
/// new value (a swap), a loss that is a constant global, SGD without a
/// learning rate, and an eval metric p0 = p[0].
static const char kSwapModel[] = R"({"version": 1, "entry": "forward",
  "args": [
    {"role": "param", "name": "p", "dtype": "F32", "shape": [2],
     "init": {"name": "constant", "value": 1}},
    {"role": "param", "name": "q", "dtype": "F32", "shape": [2],
     "init": {"name": "constant", "value": 2}}],
  "results": [{"role": "output", "name": "s", "dtype": "F32", "shape": [2]}],
  "train": {"name": "swap", "batch": 50, "epochs": 1, "seed": 0,
    "data": {"kind": "idx", "dir": "/nonexistent"},
    "optimizer": {"name": "SGD"},
    "step": {"args": [
        {"role": "param", "name": "p", "dtype": "F32", "shape": [2],
         "init": {"name": "constant", "value": 1}},
        {"role": "param", "name": "q", "dtype": "F32", "shape": [2],
         "init": {"name": "constant", "value": 2}},
        {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 784]},
        {"role": "label", "name": "y", "dtype": "I32", "shape": [-1]}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []},
        {"role": "param", "name": "p", "dtype": "F32", "shape": [2]},
        {"role": "param", "name": "q", "dtype": "F32", "shape": [2]}]},
    "eval": {"args": [
        {"role": "param", "name": "p", "dtype": "F32", "shape": [2],
         "init": {"name": "constant", "value": 1}},
        {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 784]},
        {"role": "label", "name": "y", "dtype": "I32", "shape": [-1]}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []},
        {"role": "metric", "name": "p0", "dtype": "F32", "shape": []}]},
    "grad": {"args": [
        {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 784]},
        {"role": "label", "name": "y", "dtype": "I32", "shape": [-1]}],
      "results": [
        {"role": "loss", "name": "loss", "dtype": "F32", "shape": []}]}}})";

static float kZero = 0;

/// Writes a rank-0 global (never freed) and a rank-1 view of \p buffer.
static void putScalarGlobal(char *&cursor) {
  void *fields[3] = {reinterpret_cast<void *>(0xdeadbeef), &kZero, nullptr};
  std::memcpy(cursor, fields, sizeof(fields));
  cursor += sizeof(fields);
}

static void swapStep(void **args) {
  auto *results = static_cast<char *>(args[0]);
  putScalarGlobal(results);
  std::memcpy(results, args[2], sizeof(MemRef<1>)); // new p = q's buffer
  std::memcpy(results + sizeof(MemRef<1>), args[1], sizeof(MemRef<1>));
}

static void swapEval(void **args) {
  auto *p = static_cast<MemRef<1> *>(args[1]);
  auto *results = static_cast<char *>(args[0]);
  putScalarGlobal(results);
  auto *p0 = static_cast<float *>(_mlir_memref_to_llvm_alloc(4));
  *p0 = static_cast<float *>(p->aligned)[0];
  void *fields[3] = {p0, p0, nullptr};
  std::memcpy(results, fields, sizeof(fields));
}

static void swapGrad(void **args) {
  auto *results = static_cast<char *>(args[0]);
  putScalarGlobal(results);
}

TEST_F(TrainTest, ResultsInTheArgumentsBuffers) {
  nnrt_entry_points entries = {nullptr, swapStep, swapEval, swapGrad};
  auto swapRun = [&](std::vector<std::string> args) {
    args.push_back("--data=" + data);
    return run(args, kSwapModel, entries);
  };
  // 200 examples, batch 50: 4 steps an epoch.
  ASSERT_EQ(swapRun({"train", "--steps", "3", "--save", path("c")}), 0) << err;
  EXPECT_EQ(out.rfind("epoch 1/1  step 3  loss 0.0000  test_loss 0.0000  "
                      "test_p0 2.0000  ",
                      0),
            0u)
      << out;
  Checkpoint c(path("c"));
  ASSERT_NE(c.get("p"), nullptr);
  EXPECT_EQ(static_cast<const float *>(c.get("p")->data)[1], 2.0f);
  EXPECT_EQ(static_cast<const float *>(c.get("q")->data)[0], 1.0f);
  ASSERT_EQ(swapRun({"eval", "--load", path("c")}), 0) << err;
  EXPECT_EQ(out, "test_loss 0.0000  test_p0 2.0000\n");
  ASSERT_EQ(swapRun({"train"}), 0) << err;
  EXPECT_NE(out.find(" test_p0 1.0000 "), std::string::npos) << out;
  // Its grad function returns no gradient: nothing to check is an error.
  EXPECT_EQ(swapRun({"gradcheck"}), 1);
  EXPECT_NE(err.find("returns no gradient"), std::string::npos) << err;
  EXPECT_EQ(swapRun({"train", "--lr", "0.1"}), 2);
  EXPECT_EQ(err, usage("train: '--lr': the optimizer SGD has no learning "
                       "rate"));
}
