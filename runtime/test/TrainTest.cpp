//===- TrainTest.cpp - Tests of train, eval and gradcheck -----------------===//
//
// The training commands run in-process against FakeTrainModel.cpp on the
// synthetic quadrant dataset of TrainFixture.h: learning, determinism,
// resuming bit for bit, --steps, a nan loss, the log files (the TensorBoard
// framing checked by an independent Python decoder), gradcheck catching a
// wrong gradient, and training checkpoints in predict and eval.
//
//===----------------------------------------------------------------------===//

#include "TrainFixture.h"

#include "json.h"

#include <algorithm>
#include <cstring>

using namespace nnrt::test;

TEST_F(TrainTest, LearnsTheQuadrants) {
  ASSERT_EQ(train({"train", "--save", path("c.safetensors")}), 0) << err;
  EXPECT_EQ(err, "");
  std::vector<std::string> lines = linesStarting("epoch ");
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0].rfind("epoch 1/3  step 10  loss ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2].rfind("epoch 3/3  step 30  loss ", 0), 0u) << lines[2];
  for (const std::string &line : lines) {
    EXPECT_NE(line.find(" samples/s  "), std::string::npos) << line;
    EXPECT_EQ(line.substr(line.size() - 2), " s") << line;
  }
  // Chance is 25% (4 quadrants) and the initial loss about ln 10; the
  // quadrant is 24 levels brighter on average, amid noise of 0-127.
  EXPECT_LT(field(lines[1], "loss"), field(lines[0], "loss"));
  EXPECT_LT(field(lines[2], "loss"), field(lines[1], "loss"));
  EXPECT_LT(field(lines[2], "test_loss"), 0.8) << lines[2];
  EXPECT_GE(field(lines[2], "test_accuracy"), 0.9) << lines[2];
  Checkpoint c(path("c.safetensors"));
  EXPECT_EQ(c.i64("train.step"), 30);
  EXPECT_EQ(c.i64("steps_seen"), 30);
  EXPECT_EQ(nnrt_st_count(c.file), 8u); // w b steps_seen, 4 opt_state, step
  ASSERT_NE(c.get("optimizer/w/v"), nullptr);
  EXPECT_STREQ(nnrt_st_meta_get(c.file, "step"), "30");
}

TEST_F(TrainTest, SameSeedSameCheckpoint) {
  ASSERT_EQ(train({"train", "--epochs", "2", "--save", path("a")}), 0) << err;
  ASSERT_EQ(train({"train", "--epochs", "2", "--save", path("b")}), 0) << err;
  std::string a = readFile(path("a"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, readFile(path("b")));
  ASSERT_EQ(train({"train", "--epochs=2", "--seed=8", "--save", path("c")}), 0);
  EXPECT_NE(a, readFile(path("c")));
  ASSERT_EQ(
      train({"train", "--epochs", "2", "--no-shuffle", "--save", path("d")}),
      0);
  EXPECT_NE(a, readFile(path("d")));
}

TEST_F(TrainTest, ResumingEqualsTrainingThrough) {
  // --batch 30 makes 7 steps an epoch, the last one of 20 examples.
  ASSERT_EQ(train({"train", "--epochs", "2", "--batch", "30", "--save",
                   path("whole")}),
            0)
      << err;
  EXPECT_EQ(linesStarting("epoch 2/2  step 14 ").size(), 1u) << out;
  ASSERT_EQ(train({"train", "--epochs", "1", "--batch", "30", "--save",
                   path("half")}),
            0);
  ASSERT_EQ(train({"train", "--epochs", "2", "--batch", "30", "--load",
                   path("half"), "--save", path("resumed")}),
            0)
      << err;
  EXPECT_EQ(linesStarting("epoch ").size(), 1u) << out;
  EXPECT_EQ(linesStarting("epoch 2/2  step 14 ").size(), 1u) << out;
  std::string whole = readFile(path("whole"));
  EXPECT_EQ(whole, readFile(path("resumed")));
  // From the middle of an epoch: 10 steps, then the remaining 4.
  ASSERT_EQ(train({"train", "--epochs", "2", "--batch", "30", "--steps", "10",
                   "--save", path("part")}),
            0);
  EXPECT_EQ(linesStarting("epoch 2/2  step 10 ").size(), 1u) << out;
  ASSERT_EQ(train({"train", "--epochs", "2", "--batch", "30", "--load",
                   path("part"), "--save", path("rest")}),
            0)
      << err;
  EXPECT_EQ(whole, readFile(path("rest")));
  // A finished run has nothing left to do.
  ASSERT_EQ(train({"train", "--epochs", "2", "--batch", "30", "--load",
                   path("whole")}),
            0);
  EXPECT_EQ(out.rfind("nothing to train", 0), 0u) << out;
}

TEST_F(TrainTest, FineTuningStartsAtStepZero) {
  // An init checkpoint holds what the seed gives: fine-tuning from it is
  // training from the seed.
  ASSERT_EQ(train({"init", "--seed", "7", "-o", path("init")}), 0) << err;
  {
    Checkpoint c(path("init"));
    EXPECT_EQ(nnrt_st_count(c.file), 3u); // w, b, steps_seen
    EXPECT_EQ(c.get("train.step"), nullptr);
  }
  ASSERT_EQ(train({"train", "--epochs", "1", "--load", path("init"), "--save",
                   path("tuned")}),
            0)
      << err;
  ASSERT_EQ(train({"train", "--epochs", "1", "--save", path("fresh")}), 0);
  EXPECT_EQ(readFile(path("tuned")), readFile(path("fresh")));
}

TEST_F(TrainTest, StepsStopsEarly) {
  ASSERT_EQ(train({"train", "--steps", "5", "--save", path("c")}), 0) << err;
  std::vector<std::string> lines = linesStarting("epoch ");
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(lines[0].rfind("epoch 1/3  step 5  loss ", 0), 0u) << lines[0];
  Checkpoint c(path("c"));
  EXPECT_EQ(c.i64("train.step"), 5);
  EXPECT_EQ(c.i64("steps_seen"), 5);
  ASSERT_EQ(train({"train", "--steps", "25"}), 0) << err;
  EXPECT_EQ(linesStarting("epoch ").size(), 3u) << out;
  EXPECT_EQ(linesStarting("epoch 3/3  step 25 ").size(), 1u) << out;
}

TEST_F(TrainTest, NanLossStopsWithoutSaving) {
  writeFile(path("c"), "previous");
  // Adam moves every weight by about lr in the first step: the logits
  // overflow in the second.
  EXPECT_EQ(train({"train", "--lr", "1e38", "--save", path("c")}), 1);
  // The fake model reports no places (it calls no nnrt_check_finite_f32).
  EXPECT_EQ(err, "prog: error: the loss is nan at step 2 (epoch 1, batch 2); "
                 "nothing was saved from this step\n");
  EXPECT_EQ(readFile(path("c")), "previous");
  EXPECT_EQ(linesStarting("epoch ").size(), 0u) << out;
}

TEST_F(TrainTest, MetricsJsonlHasAnEpochPerLine) {
  std::string log = path("logs/run1");
  ASSERT_EQ(mkdir(path("logs").c_str(), 0777), 0);
  ASSERT_EQ(train({"train", "--log", log}), 0) << err;
  std::string text = readFile(log + "/metrics.jsonl");
  std::vector<std::string> lines;
  for (size_t pos = 0, end; pos < text.size(); pos = end + 1) {
    end = text.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "unterminated line";
    lines.push_back(text.substr(pos, end - pos));
  }
  ASSERT_EQ(lines.size(), 3u) << text;
  std::vector<std::string> printed = linesStarting("epoch ");
  for (size_t i = 0; i < lines.size(); ++i) {
    nnrt::json::Value v;
    std::string error;
    ASSERT_TRUE(nnrt::json::parse(lines[i], v, error, 1000, true))
        << error << "\n"
        << lines[i];
    EXPECT_EQ(v.keys, (std::vector<std::string>{"epoch", "step", "loss",
                                                "test_loss", "test_accuracy",
                                                "samples_per_s", "seconds"}));
    EXPECT_EQ(v.find("epoch")->integer, int64_t(i + 1));
    EXPECT_EQ(v.find("step")->integer, int64_t(10 * (i + 1)));
    EXPECT_NEAR(v.find("test_accuracy")->asDouble(),
                field(printed[i], "test_accuracy"), 1e-4);
    EXPECT_NEAR(v.find("loss")->asDouble(), field(printed[i], "loss"), 1e-4);
    EXPECT_GT(v.find("samples_per_s")->asDouble(), 0);
  }
  // A second run appends.
  ASSERT_EQ(train({"train", "--steps", "1", "--log", log}), 0) << err;
  text = readFile(log + "/metrics.jsonl");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
}

/// Decodes every TFRecord in the event files of argv[1] with its own
/// CRC-32C, and prints one line per event: its step, then file_version or
/// each summary value as "tag=value". With the tensorboard package, also
/// reads the files with TensorBoard's own loader.
static const char kEventReader[] = R"(
import glob, struct, sys

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

def varint(buf, pos):
    value = shift = 0
    while True:
        b = buf[pos]; pos += 1
        value |= (b & 0x7F) << shift; shift += 7
        if b < 0x80:
            return value, pos

def fields(buf):
    pos, out = 0, []
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = varint(buf, pos)
        elif wire == 1:
            v = buf[pos:pos + 8]; pos += 8
        elif wire == 5:
            v = buf[pos:pos + 4]; pos += 4
        elif wire == 2:
            n, pos = varint(buf, pos); v = buf[pos:pos + n]; pos += n
        else:
            raise ValueError('wire type %d' % wire)
        out.append((num, wire, v))
    assert pos == len(buf), 'trailing bytes'
    return out

files = sorted(glob.glob(sys.argv[1] + '/events.out.tfevents.*.nnc'))
assert len(files) == 1, files
data = open(files[0], 'rb').read()
pos = 0
while pos < len(data):
    header = data[pos:pos + 8]
    (length,) = struct.unpack('<Q', header)
    (hcrc,) = struct.unpack('<I', data[pos + 8:pos + 12])
    assert hcrc == masked(header), 'bad length crc'
    body = data[pos + 12:pos + 12 + length]
    (dcrc,) = struct.unpack('<I', data[pos + 12 + length:pos + 16 + length])
    assert len(body) == length and dcrc == masked(body), 'bad data crc'
    pos += 16 + length
    words = []
    for num, wire, v in fields(body):
        if num == 1:
            assert wire == 1 and struct.unpack('<d', v)[0] > 1.5e9
        elif num == 2:
            words.insert(0, 'step=%d' % v)
        elif num == 3:
            words.append('version=' + v.decode())
        elif num == 5:
            for vnum, _, value in fields(v):
                assert vnum == 1
                parts = dict((n, x) for n, _, x in fields(value))
                words.append('%s=%.6g' % (parts[1].decode(),
                                          struct.unpack('<f', parts[2])[0]))
        else:
            raise ValueError('unexpected field %d' % num)
    print(' '.join(words))
try:
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator)
except ImportError:
    sys.exit(0)
acc = EventAccumulator(sys.argv[1])
acc.Reload()
print('tensorboard', ' '.join(sorted(acc.Tags()['scalars'])),
      len(acc.Scalars('test_accuracy')))
)";

TEST_F(TrainTest, TensorBoardEventsDecode) {
  std::string python = findPython("struct");
  if (python.empty())
    GTEST_SKIP() << "no Python";
  ASSERT_EQ(train({"train", "--log", path("tb")}), 0) << err;
  std::vector<std::string> printed = linesStarting("epoch ");
  ASSERT_EQ(printed.size(), 3u);
  std::string decoded;
  ASSERT_TRUE(runPython(python, kEventReader, path("tb"), dir, decoded))
      << decoded;
  std::vector<std::string> events;
  for (size_t pos = 0, end; pos < decoded.size(); pos = end + 1) {
    end = decoded.find('\n', pos);
    events.push_back(decoded.substr(pos, end - pos));
  }
  ASSERT_GE(events.size(), 4u) << decoded;
  EXPECT_EQ(events[0], "step=0 version=brain.Event:2");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(events[i].rfind("step=" + std::to_string(10 * i) + " loss=", 0),
              0u)
        << events[i];
    for (const char *tag :
         {" test_loss=", " test_accuracy=", " samples_per_s=", " seconds="})
      EXPECT_NE(events[i].find(tag), std::string::npos) << events[i];
    size_t at = events[i].find("test_accuracy=");
    EXPECT_NEAR(std::strtod(events[i].c_str() + at + 14, nullptr),
                field(printed[i - 1], "test_accuracy"), 1e-4);
  }
  if (events.size() > 4)
    EXPECT_EQ(events[4], "tensorboard loss samples_per_s seconds "
                         "test_accuracy test_loss 3");
}

TEST_F(TrainTest, GradcheckPassesOnTheRightGradient) {
  ASSERT_EQ(train({"gradcheck"}), 0) << err << out;
  EXPECT_EQ(out.rfind("gradcheck: 8 examples, loss ", 0), 0u) << out;
  EXPECT_NE(out.find("\nw "), std::string::npos) << out;
  EXPECT_NE(out.find("\nb "), std::string::npos) << out;
  EXPECT_EQ(err, "");
  ASSERT_EQ(train({"gradcheck", "--batch", "50", "--seed", "3"}), 0) << err;
}

TEST_F(TrainTest, GradcheckCatchesAWrongGradient) {
  EXPECT_EQ(train({"gradcheck"}, true, fakeTrainEntriesWrongGrad()), 1);
  EXPECT_EQ(err.rfind("prog: error: gradcheck: 'b' has relative error ", 0), 0u)
      << err;
  EXPECT_EQ(err.find("'w'"), std::string::npos) << err;
}

TEST_F(TrainTest, EvalAndPredictTakeATrainingCheckpoint) {
  ASSERT_EQ(train({"train", "--epochs", "2", "--save", path("c")}), 0) << err;
  std::string last = linesStarting("epoch 2/2")[0];
  ASSERT_EQ(train({"eval", "--load", path("c")}), 0) << err;
  EXPECT_EQ(out, "test_loss " + last.substr(last.find("test_loss ") + 10, 6) +
                     "  test_accuracy " +
                     last.substr(last.find("test_accuracy ") + 14, 6) + "\n");
  std::string x = writeNpy("x.npy", {2, 1, 28, 28}, std::vector<float>(1568));
  ASSERT_EQ(train({"predict", "--load", path("c"), x, "-o", path("y.npy")}), 0)
      << err;
  std::vector<int64_t> shape;
  std::vector<float> y = readNpy(path("y.npy"), &shape);
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 10}));
  // A zero image gives the biases.
  Checkpoint c(path("c"));
  const float *b = static_cast<const float *>(c.get("b")->data);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(y[i], b[i]);
}

TEST_F(TrainTest, InfoShowsTheTrainSection) {
  ASSERT_EQ(train({"info"}), 0) << err;
  EXPECT_EQ(out, "entry: forward\n"
                 "input  x: f32[B, 1, 28, 28]\n"
                 "param  w: f32[10, 784]\n"
                 "param  b: f32[10]\n"
                 "output logits: f32[B, 10]\n"
                 "train: softmax\n"
                 "  optimizer: Adam (lr 0.005, beta1 0.9, beta2 0.999, "
                 "eps 1e-08)\n"
                 "  batch: 20\n"
                 "  epochs: 3\n"
                 "  seed: 7\n"
                 "  data: /nonexistent/fake-data (idx)\n"
                 "  metrics: accuracy\n");
}
