//===- DatasetTest.cpp - Tests of the IDX reader and batching -------------===//
//
// Small IDX files written here (plain and gzipped), one crafted file per
// error, each message naming the file; the real Fashion-MNIST files
// against facts computed independently with Python; the per-epoch shuffle
// against a Python implementation of what dataset.h documents; and batches
// against ToTensor's float(p) / 255.
//
//===----------------------------------------------------------------------===//

#include "dataset.h"
#include "TestUtil.h"
#include "inflate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <sys/stat.h>

using namespace nnrt::test;

static const char kFashionMnist[] = "/usr/share/datasets/fashion-mnist";

/// \p value as 4 big-endian bytes.
static std::string be32(uint32_t value) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes += char((value >> shift) & 0xFF);
  return bytes;
}

/// An IDX file: magic, dimensions, data.
static std::string idx(uint32_t magic, std::vector<uint32_t> dims,
                       const std::string &data) {
  std::string bytes = be32(magic);
  for (uint32_t d : dims)
    bytes += be32(d);
  return bytes + data;
}

/// \p data as a gzip member of one stored block (RFC 1951 3.2.4), which
/// needs no compressor to write.
static std::string storedGzip(const std::string &data) {
  std::string gz("\x1f\x8b\x08\x00\0\0\0\0\0\3", 10);
  gz += '\x01' + le(data.size(), 2) + le(~data.size() & 0xFFFF, 2) + data;
  uint32_t crc =
      nnrt::crc32(reinterpret_cast<const uint8_t *>(data.data()), data.size());
  return gz + le(crc, 4) + le(data.size(), 4);
}

/// Three 2x4 images with bytes 0, 10, ..., and their labels 7, 0, 255.
static std::string smallImages() {
  std::string pixels;
  for (int i = 0; i < 3 * 8; ++i)
    pixels += char(i * 10);
  return idx(0x803, {3, 2, 4}, pixels);
}
static std::string smallLabels() {
  return idx(0x801, {3}, std::string("\x07\x00\xff", 3));
}

static bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(DatasetTest, ReadsPlainAndGzippedFiles) {
  for (bool gz : {false, true}) {
    SCOPED_TRACE(gz);
    TempDir dir;
    std::string suffix = gz ? ".gz" : "";
    auto encode = [&](const std::string &s) { return gz ? storedGzip(s) : s; };
    writeFile(dir.file("t10k-images-idx3-ubyte" + suffix),
              encode(smallImages()));
    writeFile(dir.file("t10k-labels-idx1-ubyte" + suffix),
              encode(smallLabels()));
    nnrt::Dataset d;
    ASSERT_EQ(nnrt::loadIdxSplit(dir.dir(), false, d), NNRT_OK)
        << nnrt_last_error();
    EXPECT_EQ(d.count, 3);
    EXPECT_EQ(d.rows, 2);
    EXPECT_EQ(d.cols, 4);
    ASSERT_EQ(d.images.size(), 24u);
    EXPECT_EQ(d.images[23], 230);
    EXPECT_EQ(d.classes, (std::vector<int32_t>{7, 0, 255}));
    // The train split is not there.
    EXPECT_EQ(nnrt::loadIdxSplit(dir.dir(), true, d), NNRT_ERR_IO);
    EXPECT_TRUE(contains(nnrt_last_error(), "train-images-idx3-ubyte"));
  }
}

TEST(DatasetTest, PrefersThePlainFile) {
  TempDir dir;
  writeFile(dir.file("train-images-idx3-ubyte"), smallImages());
  writeFile(dir.file("train-images-idx3-ubyte.gz"), "not gzip");
  writeFile(dir.file("train-labels-idx1-ubyte.gz"), storedGzip(smallLabels()));
  // A trailing slash is fine too.
  nnrt::Dataset d;
  ASSERT_EQ(nnrt::loadIdxSplit(dir.dir() + "/", true, d), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(d.count, 3);
}

TEST(DatasetTest, ErrorsNameTheFile) {
  std::string images = smallImages(), labels = smallLabels();
  const struct {
    const char *name;
    std::string images, labels; // "" leaves the file out
    bool gzipImages;
    nnrt_status status;
    const char *file; // the file the message names, in the directory
    const char *message;
  } cases[] = {
      {"no images", "", labels, false, NNRT_ERR_IO, "train-images-idx3-ubyte",
       "/train-images-idx3-ubyte: no such file (nor "},
      {"no labels", images, "", false, NNRT_ERR_IO, "train-labels-idx1-ubyte",
       "/train-labels-idx1-ubyte: no such file (nor "},
      {"images with the labels' magic", labels, labels, false, NNRT_ERR_FORMAT,
       "train-images-idx3-ubyte",
       "bad magic number 0x00000801 (expected 0x00000803 for IDX images)"},
      {"labels with the images' magic", images, images, false, NNRT_ERR_FORMAT,
       "train-labels-idx1-ubyte",
       "bad magic number 0x00000803 (expected 0x00000801 for IDX labels)"},
      {"not IDX at all", "GIF89a...", labels, false, NNRT_ERR_FORMAT,
       "train-images-idx3-ubyte", "bad magic number 0x47494638"},
      {"float images", idx(0xD03, {1, 1, 1}, "abcd"), labels, false,
       NNRT_ERR_FORMAT, "train-images-idx3-ubyte",
       "IDX dtype code 0x0d is not 0x08 (unsigned byte)"},
      {"too short for the magic", std::string("\0\0", 2), labels, false,
       NNRT_ERR_FORMAT, "train-images-idx3-ubyte", "truncated: 2 bytes"},
      {"header cut", images.substr(0, 10), labels, false, NNRT_ERR_FORMAT,
       "train-images-idx3-ubyte",
       "truncated header: 10 bytes, the header needs 16"},
      {"data cut", images.substr(0, images.size() - 1), labels, false,
       NNRT_ERR_FORMAT, "train-images-idx3-ubyte",
       "truncated data: the header describes 24 bytes, the file has 23"},
      {"bytes after the data", images, labels + "x", false, NNRT_ERR_FORMAT,
       "train-labels-idx1-ubyte",
       "1 bytes after the 3 bytes of data the header describes"},
      {"counts differ", images, idx(0x801, {2}, "ab"), false, NNRT_ERR_FORMAT,
       "train-labels-idx1-ubyte", "2 labels, but "},
      {"corrupt gzip", images, labels, true, NNRT_ERR_FORMAT,
       "train-images-idx3-ubyte.gz", "CRC-32 mismatch"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    if (!c.images.empty()) {
      std::string bytes = c.images;
      if (c.gzipImages) {
        bytes = storedGzip(bytes);
        bytes[bytes.size() - 5] ^= 1; // the CRC's last byte
      }
      writeFile(dir.file(std::string("train-images-idx3-ubyte") +
                         (c.gzipImages ? ".gz" : "")),
                bytes);
    }
    if (!c.labels.empty())
      writeFile(dir.file("train-labels-idx1-ubyte"), c.labels);
    nnrt::Dataset d;
    EXPECT_EQ(nnrt::loadIdxSplit(dir.dir(), true, d), c.status);
    std::string message = nnrt_last_error();
    EXPECT_TRUE(contains(message, dir.file(c.file) + ": ") ||
                contains(message, dir.file(c.file) + " ")) // "... (nor X.gz)"
        << message;
    EXPECT_TRUE(contains(message, c.message)) << message;
    EXPECT_EQ(d.count, 0);
  }
}

TEST(DatasetTest, MissingOrWrongDirectory) {
  TempDir dir;
  nnrt::Dataset d;
  std::string missing = dir.file("nowhere");
  EXPECT_EQ(nnrt::loadIdxSplit(missing, true, d), NNRT_ERR_IO);
  EXPECT_EQ(std::string(nnrt_last_error()),
            missing + ": dataset directory not found");
  writeFile(dir.file("file"), "x");
  EXPECT_EQ(nnrt::loadIdxSplit(dir.file("file"), true, d), NNRT_ERR_IO);
  EXPECT_EQ(std::string(nnrt_last_error()),
            dir.file("file") + ": dataset path is not a directory");
  // An empty directory names both names tried for the images.
  EXPECT_EQ(nnrt::loadIdxSplit(dir.dir(), false, d), NNRT_ERR_IO);
  EXPECT_EQ(std::string(nnrt_last_error()),
            dir.file("t10k-images-idx3-ubyte") + ": no such file (nor " +
                dir.file("t10k-images-idx3-ubyte.gz") + ")");
}

TEST(DatasetTest, FashionMnist) {
  struct stat info;
  if (stat(kFashionMnist, &info) != 0)
    GTEST_SKIP() << kFashionMnist << " not found";
  nnrt::Dataset train, test;
  ASSERT_EQ(nnrt::loadIdxSplit(kFashionMnist, true, train), NNRT_OK)
      << nnrt_last_error();
  ASSERT_EQ(nnrt::loadIdxSplit(kFashionMnist, false, test), NNRT_OK)
      << nnrt_last_error();
  EXPECT_EQ(train.count, 60000);
  EXPECT_EQ(test.count, 10000);
  for (const nnrt::Dataset *d : {&train, &test}) {
    EXPECT_EQ(d->rows, 28);
    EXPECT_EQ(d->cols, 28);
    EXPECT_EQ(d->images.size(), size_t(d->count * 28 * 28));
    EXPECT_EQ(d->classes.size(), size_t(d->count));
    EXPECT_LT(*std::max_element(d->classes.begin(), d->classes.end()), 10);
  }

  // Computed independently with Python (numpy 1.24, gzip module):
  //   b = lambda f: numpy.frombuffer(gzip.open(f).read(), numpy.uint8)
  //   b("train-labels-idx1-ubyte.gz")[8:18]            first train labels
  //   b("t10k-labels-idx1-ubyte.gz")[8:18]             first test labels
  //   b("t10k-images-idx3-ubyte.gz")[16:].astype(int).sum()
  //   numpy.bincount(b("train-labels-idx1-ubyte.gz")[8:])
  //   b("train-images-idx3-ubyte.gz")[16:].reshape(-1, 28, 28)[0, 14]
  const std::vector<int32_t> firstTrain = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
  const std::vector<int32_t> firstTest = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
  EXPECT_EQ(
      std::vector<int32_t>(train.classes.begin(), train.classes.begin() + 10),
      firstTrain);
  EXPECT_EQ(
      std::vector<int32_t>(test.classes.begin(), test.classes.begin() + 10),
      firstTest);
  uint64_t testSum = 0;
  for (uint8_t p : test.images)
    testSum += p;
  EXPECT_EQ(testSum, 573469082u);
  for (int label = 0; label < 10; ++label)
    EXPECT_EQ(std::count(train.classes.begin(), train.classes.end(), label),
              6000);
  const uint8_t row14[28] = {0,   0,   1,   4,   6,   7,   2,   0,   0,   0,
                             0,   0,   237, 226, 217, 223, 222, 219, 222, 221,
                             216, 223, 229, 215, 218, 255, 77,  0};
  EXPECT_EQ(std::memcmp(train.images.data() + 14 * 28, row14, 28), 0);

  // The same row through a batch of the first two examples.
  std::vector<int64_t> order = {0, 1};
  std::vector<float> x(2 * 28 * 28);
  int32_t y[2];
  nnrt::fillBatch(train, order, 0, 2, x.data(), y);
  EXPECT_EQ(y[0], 9);
  EXPECT_EQ(y[1], 0);
  for (int c = 0; c < 28; ++c)
    EXPECT_EQ(x[14 * 28 + c], float(row14[c]) / 255.0f);
}

TEST(DatasetTest, FillBatch) {
  nnrt::Dataset d;
  d.count = 4;
  d.rows = 1;
  d.cols = 3;
  d.features = 3;
  for (int i = 0; i < 12; ++i)
    d.images.push_back(uint8_t(i == 11 ? 255 : i * 17));
  d.classes = {3, 1, 4, 1};
  std::vector<int64_t> order = {2, 3, 0, 1};
  float x[2 * 3];
  int32_t y[2];
  nnrt::fillBatch(d, order, 1, 2, x, y); // examples 3 and 0
  EXPECT_EQ(y[0], 1);
  EXPECT_EQ(y[1], 3);
  const float expected[6] = {153.0f / 255.0f, 170.0f / 255.0f, 1.0f, 0.0f,
                             17.0f / 255.0f,  34.0f / 255.0f};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(x[i], expected[i]) << i;
  // Exactly ToTensor's float division, for every byte value.
  d.count = 256;
  d.images.resize(256);
  d.classes.assign(256, 0);
  for (int p = 0; p < 256; ++p)
    d.images[p] = uint8_t(p);
  d.rows = d.cols = d.features = 1;
  std::vector<float> all(256);
  std::vector<int32_t> labels(256);
  order = nnrt::shuffledOrder(256, 0, 0);
  std::sort(order.begin(), order.end());
  nnrt::fillBatch(d, order, 0, 256, all.data(), labels.data());
  for (int p = 0; p < 256; ++p) {
    volatile float pixel = float(p), divisor = 255.0f;
    EXPECT_EQ(all[p], pixel / divisor) << p;
  }
}

TEST(DatasetTest, ShuffledOrderIsAPermutationOfSeedAndEpoch) {
  for (int64_t n : {0, 1, 2, 7, 1000}) {
    std::vector<int64_t> order = nnrt::shuffledOrder(n, 5, 1);
    ASSERT_EQ(order.size(), size_t(n));
    std::vector<int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(sorted[i], i);
    EXPECT_EQ(nnrt::shuffledOrder(n, 5, 1), order);
  }
  std::vector<int64_t> base = nnrt::shuffledOrder(1000, 5, 1);
  EXPECT_NE(nnrt::shuffledOrder(1000, 5, 2), base);
  EXPECT_NE(nnrt::shuffledOrder(1000, 6, 1), base);
  EXPECT_TRUE(nnrt::shuffledOrder(-3, 5, 1).empty());

  // Every element should land in each half about equally often.
  int firstHalf = 0;
  for (uint64_t epoch = 0; epoch < 400; ++epoch) {
    std::vector<int64_t> order = nnrt::shuffledOrder(10, 1, epoch);
    firstHalf += std::find(order.begin(), order.end(), 0) - order.begin() < 5;
  }
  EXPECT_GT(firstHalf, 150);
  EXPECT_LT(firstHalf, 250);
}

/// The shuffle as dataset.h documents it, written from that text and the
/// Random123 paper (Philox4x32-10), not from the runtime's code. Prints one
/// line per (n, seed, epoch) case.
static const char kPythonShuffle[] = R"PY(
import sys

M32, M64 = 0xFFFFFFFF, (1 << 64) - 1


def philox(ctr, key):
    x, k = list(ctr), list(key)
    for rnd in range(10):
        if rnd:
            k = [(k[0] + 0x9E3779B9) & M32, (k[1] + 0xBB67AE85) & M32]
        p0, p1 = 0xD2511F53 * x[0], 0xCD9E8D57 * x[2]
        x = [(p1 >> 32) ^ x[1] ^ k[0], p1 & M32,
             (p0 >> 32) ^ x[3] ^ k[1], p0 & M32]
    return x


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for c in text.encode():
        h = ((h ^ c) * 0x100000001B3) & M64
    return h


def shuffled(n, seed, epoch):
    stream = (fnv1a64("nnrt.shuffle") + epoch) & M64
    key = (seed & M32, seed >> 32)
    state = {"k": 0}

    def draw():
        k = state["k"]
        state["k"] += 1
        block = k // 2
        w = philox((block & M32, block >> 32, stream & M32, stream >> 32), key)
        h = 2 * (k % 2)
        return w[h] | (w[h + 1] << 32)

    def bounded(s):
        m = draw() * s
        while (m & M64) < ((1 << 64) - s) % s:
            m = draw() * s
        return m >> 64

    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = bounded(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


# Random123's known answer for counter 0, key 0.
assert philox((0, 0, 0, 0), (0, 0)) == [
    0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
for n, seed, epoch in ((10, 0, 0), (1000, 42, 3), (5, 2**64 - 1, 2**40)):
    print(" ".join(map(str, shuffled(n, seed, epoch))))
)PY";

TEST(DatasetTest, ShuffledOrderMatchesAnIndependentPython) {
  std::string python = findPython("");
  if (python.empty())
    GTEST_SKIP() << "no python3 found (set NNRT_TEST_PYTHON)";
  TempDir dir;
  std::string output;
  ASSERT_TRUE(runPython(python, kPythonShuffle, dir.dir(), dir, output))
      << output;
  const struct {
    int64_t n;
    uint64_t seed, epoch;
  } cases[] = {{10, 0, 0}, {1000, 42, 3}, {5, ~0ull, 1ull << 40}};
  std::istringstream lines(output);
  for (const auto &c : cases) {
    std::string line, ours;
    std::getline(lines, line);
    for (int64_t i : nnrt::shuffledOrder(c.n, c.seed, c.epoch))
      ours += (ours.empty() ? "" : " ") + std::to_string(i);
    EXPECT_EQ(ours, line) << "n " << c.n << " seed " << c.seed;
  }
}
