//===- DriverErrorTest.cpp - The driver's errors and exit codes -----------===//
//
// Every way a user can get the command line or a file wrong, each with its
// exit code (1 bad input, 2 bad usage) and the whole message, which names
// the file and says what was expected and what was found; and the internal
// errors (exit 3) for a malformed descriptor or a result that contradicts
// it. Runs the driver linked with FakeModel.cpp (x: f32[B, 3], w: f32[2, 3],
// b: f32[2]).
//
//===----------------------------------------------------------------------===//

#include "DriverFixture.h"

#include <cstdlib>

using namespace nnrt::test;

namespace {
/// The fixture with an input and a good checkpoint already written.
class DriverErrorTest : public DriverTest {
protected:
  std::string x, ckpt;

  void SetUp() override {
    x = writeNpy("x.npy", {4, 3}, std::vector<float>(12, 1.0f));
    ckpt = path("ckpt.safetensors");
    ASSERT_EQ(run({"init", "-o", ckpt}), 0) << err;
  }

  /// Runs predict with --load \p checkpoint on \p input.
  int predict(const std::string &checkpoint, const std::string &input) {
    return run({"predict", "--load", checkpoint, input, "-o", path("y.npy")});
  }
};
} // namespace

static std::string usage(const std::string &message) {
  return "prog: error: " + message + "\nrun 'prog --help' for usage\n";
}

TEST_F(DriverErrorTest, MissingCheckpoint) {
  std::string missing = path("missing.safetensors");
  EXPECT_EQ(predict(missing, x), 1);
  EXPECT_EQ(err, "prog: error: " + missing +
                     ": cannot open: No such file or directory\n");
}

TEST_F(DriverErrorTest, CorruptAndTruncatedCheckpoint) {
  std::string bytes = readFile(ckpt);
  writeFile(path("cut.safetensors"), bytes.substr(0, bytes.size() - 4));
  EXPECT_EQ(predict(path("cut.safetensors"), x), 1);
  EXPECT_NE(err.find("prog: error: " + path("cut.safetensors") + ": "),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("data section"), std::string::npos) << err;
  writeFile(path("junk.safetensors"), "junk");
  EXPECT_EQ(predict(path("junk.safetensors"), x), 1);
  EXPECT_EQ(err, "prog: error: " + path("junk.safetensors") +
                     ": file is 4 bytes, too short for the 8-byte header "
                     "length\n");
}

TEST_F(DriverErrorTest, CheckpointMissingATensor) {
  std::string c = writeCheckpoint("c.safetensors", {{"w", {2, 3}}});
  EXPECT_EQ(predict(c, x), 1);
  EXPECT_EQ(err, "prog: error: " + c + ": no tensor 'b' (expected f32[2])\n");
}

TEST_F(DriverErrorTest, CheckpointWithWrongShape) {
  std::string c = writeCheckpoint("c.safetensors", {{"w", {3, 2}}, {"b", {2}}});
  EXPECT_EQ(predict(c, x), 1);
  EXPECT_EQ(err,
            "prog: error: " + c + ": 'w' has shape [3, 2], expected [2, 3]\n");
}

TEST_F(DriverErrorTest, CheckpointWithWrongDtype) {
  std::string c =
      writeCheckpoint("c.safetensors", {{"w", {2, 3}}, {"b", {2}}}, NNRT_F64);
  EXPECT_EQ(predict(c, x), 1);
  EXPECT_EQ(err, "prog: error: " + c +
                     ": 'w' has dtype f64, expected f32\n"
                     "prog: error: " +
                     c + ": 'b' has dtype f64, expected f32\n");
}

TEST_F(DriverErrorTest, CheckpointWithExtraTensor) {
  std::string c = writeCheckpoint(
      "c.safetensors", {{"w", {2, 3}}, {"b", {2}}, {"foo", {1}}, {"x", {1}}});
  EXPECT_EQ(predict(c, x), 1);
  EXPECT_EQ(err, "prog: error: " + c +
                     ": unexpected tensor 'foo'\n"
                     "prog: error: " +
                     c + ": unexpected tensor 'x'\n");
}

TEST_F(DriverErrorTest, WrongInputShapeRankAndDtype) {
  std::string wide = writeNpy("wide.npy", {4, 784}, std::vector<float>(3136));
  EXPECT_EQ(predict(ckpt, wide), 1);
  EXPECT_EQ(err, "prog: error: " + wide +
                     ": expected f32[B, 3] (B any), found f32[4, 784]\n");
  std::string flat = writeNpy("flat.npy", {3}, {1, 2, 3});
  EXPECT_EQ(predict(ckpt, flat), 1);
  EXPECT_EQ(err, "prog: error: " + flat +
                     ": expected f32[B, 3] (B any), found f32[3]\n");
  std::string f64 =
      writeNpy("f64.npy", {4, 3}, std::vector<float>(12), NNRT_F64);
  EXPECT_EQ(predict(ckpt, f64), 1);
  EXPECT_EQ(err, "prog: error: " + f64 +
                     ": expected f32[B, 3] (B any), found f64[4, 3]\n");
}

TEST_F(DriverErrorTest, CorruptAndMissingNpy) {
  std::string bad = path("bad.npy");
  writeFile(bad, "this is not an NPY file");
  EXPECT_EQ(predict(ckpt, bad), 1);
  EXPECT_EQ(err, "prog: error: " + bad +
                     ": not an NPY file (bad magic; expected \\x93NUMPY)\n");
  std::string bytes = readFile(x);
  writeFile(path("cut.npy"), bytes.substr(0, bytes.size() - 1));
  EXPECT_EQ(predict(ckpt, path("cut.npy")), 1);
  EXPECT_EQ(err.rfind("prog: error: " + path("cut.npy") + ": ", 0), 0u) << err;
  EXPECT_EQ(predict(ckpt, path("none.npy")), 1);
  EXPECT_EQ(err, "prog: error: " + path("none.npy") +
                     ": cannot open: No such file or directory\n");
}

TEST_F(DriverErrorTest, UnwritableOutput) {
  EXPECT_EQ(run({"predict", x, "-o", path("no/such/dir/y.npy")}), 1);
  EXPECT_EQ(err.rfind("prog: error: " + path("no/such/dir/y.npy"), 0), 0u)
      << err;
  EXPECT_EQ(run({"init", "-o", path("no/such/dir/c.safetensors")}), 1);
}

TEST_F(DriverErrorTest, BadUsage) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(err, usage("no command given"));
  EXPECT_EQ(run({"train"}), 2);
  EXPECT_EQ(err, usage("train: 'train' needs a program built from a train "
                       "block; this one has none"));
  EXPECT_EQ(run({"frobnicate"}), 2);
  EXPECT_EQ(err, usage("unknown command 'frobnicate'"));
  EXPECT_EQ(run({"predict", "--frobnicate", x, "-o", path("y.npy")}), 2);
  EXPECT_EQ(err, usage("predict: unknown flag '--frobnicate' for 'predict'"));
  EXPECT_EQ(run({"init", "--load", ckpt, "-o", ckpt}), 2);
  EXPECT_EQ(err, usage("init: unknown flag '--load' for 'init'"));
  EXPECT_EQ(run({"init", "-o", ckpt, "--seed"}), 2);
  EXPECT_EQ(err, usage("init: '--seed' needs a value"));
  EXPECT_EQ(run({"init", "--seed", "-3", "-o", ckpt}), 2);
  EXPECT_EQ(err, usage("init: '--seed' expects an integer in [0, 2^64), got "
                       "'-3'"));
  EXPECT_EQ(run({"init", "--seed", "18446744073709551616", "-o", ckpt}), 2);
  EXPECT_EQ(run({"init", "--seed", "1", "--seed", "2", "-o", ckpt}), 2);
  EXPECT_EQ(err, usage("init: '--seed' given twice"));
  EXPECT_EQ(run({"init"}), 2);
  EXPECT_EQ(err, usage("init: 'init' needs -o CKPT.safetensors"));
  EXPECT_EQ(run({"init", "-o", ckpt, x}), 2);
  EXPECT_EQ(err, usage("init: 'init' takes no files, got '" + x + "'"));
  EXPECT_EQ(run({"predict", x}), 2);
  EXPECT_EQ(err, usage("predict: 'predict' needs -o OUT.npy"));
  EXPECT_EQ(run({"predict", "-o", path("y.npy")}), 2);
  EXPECT_EQ(err, usage("predict: the model takes 1 input file (x: f32[B, 3]), "
                       "got 0"));
  EXPECT_EQ(run({"predict", "--output=", x}), 2);
  EXPECT_EQ(err, usage("predict: '--output' needs a non-empty value"));
  // After "--", a name that looks like a flag is a file.
  EXPECT_EQ(run({"predict", "-o", path("y.npy"), "--", "--help"}), 1);
  EXPECT_EQ(err, "prog: error: --help: cannot open: No such file or "
                 "directory\n");
}

TEST_F(DriverErrorTest, MalformedDescriptorIsInternal) {
  EXPECT_EQ(run({"info"}, R"({"version": 1})", nullptr), 3);
  EXPECT_EQ(err, "prog: internal error: model descriptor: top level: lacks "
                 "\"entry\"\n");
  EXPECT_EQ(run({"info"}, "not json", nullptr), 3);
  EXPECT_EQ(
      err.rfind("prog: internal error: model descriptor: invalid JSON", 0), 0u)
      << err;
}

/// Returns a [B, 5] result where the descriptor says [B, 2].
static void wrongShapeForward(void **args) {
  auto *y = static_cast<MemRef<2> *>(args[0]);
  auto *x = static_cast<MemRef<2> *>(args[1]);
  auto *data = static_cast<float *>(std::calloc(x->sizes[0] * 5, 4));
  *y = {data, data, 0, {x->sizes[0], 5}, {5, 1}};
}

TEST_F(DriverErrorTest, ResultContradictingDescriptorIsInternal) {
  EXPECT_EQ(run({"predict", "--load", ckpt, x, "-o", path("y.npy")},
                nnc_model_descriptor, wrongShapeForward),
            3);
  EXPECT_EQ(err, "prog: internal error: result 'y' is f32[4, 5], expected "
                 "f32[B, 2]\n");
}
