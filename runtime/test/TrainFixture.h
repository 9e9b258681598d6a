//===- TrainFixture.h - Running the training commands in tests --*- C++ -*-===//
//
// The driver fixture with a synthetic dataset: 28x28 IDX images whose
// label (0-3) is the quadrant that is bright, so a softmax regression can
// learn it (well above the 25% of chance) in a few epochs. The training
// split (200 examples) is gzipped, the test split (50) plain. Commands run
// against FakeTrainModel.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_TEST_TRAINFIXTURE_H
#define NNRT_TEST_TRAINFIXTURE_H

#include "DriverFixture.h"
#include "FakeTrainModel.h"

#include <cmath>
#include <cstdlib>
#include <sys/stat.h>

namespace nnrt::test {

/// \p value as 4 big-endian bytes (IDX headers are big-endian).
inline std::string be32(uint32_t value) {
  std::string bytes;
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes += static_cast<char>((value >> shift) & 0xFF);
  return bytes;
}

/// The CRC-32 of gzip, bit by bit (independent of the runtime's).
inline uint32_t gzipCrc(const std::string &data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k)
      crc = crc & 1 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

/// \p data as a gzip file of stored (uncompressed) DEFLATE blocks.
inline std::string gzipStored(const std::string &data) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  size_t pos = 0;
  do {
    size_t n = std::min<size_t>(65535, data.size() - pos);
    bool last = pos + n == data.size();
    out += static_cast<char>(last ? 1 : 0);
    out += le(n, 2) + le(~n & 0xFFFF, 2) + data.substr(pos, n);
    pos += n;
  } while (pos < data.size());
  return out + le(gzipCrc(data), 4) + le(data.size() & 0xFFFFFFFFu, 4);
}

/// The images and labels of \p count synthetic examples.
inline void syntheticSplit(int count, uint32_t seed, std::string &images,
                           std::string &labels) {
  images = be32(0x803) + be32(count) + be32(28) + be32(28);
  labels = be32(0x801) + be32(count);
  uint32_t state = seed;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int e = 0; e < count; ++e) {
    int label = static_cast<int>(next() % 4);
    labels += static_cast<char>(label);
    for (int r = 0; r < 28; ++r)
      for (int c = 0; c < 28; ++c) {
        int quadrant = (r >= 14) * 2 + (c >= 14);
        int value =
            static_cast<int>(next() % 128) + (quadrant == label ? 24 : 0);
        images += static_cast<char>(value);
      }
  }
}

/// A DriverTest with the synthetic dataset in data/.
class TrainTest : public DriverTest {
protected:
  std::string data;

  void SetUp() override {
    data = path("data");
    ASSERT_EQ(mkdir(data.c_str(), 0777), 0);
    std::string images, labels;
    syntheticSplit(200, 1, images, labels);
    writeFile(data + "/train-images-idx3-ubyte.gz", gzipStored(images));
    writeFile(data + "/train-labels-idx1-ubyte.gz", gzipStored(labels));
    syntheticSplit(50, 2, images, labels);
    writeFile(data + "/t10k-images-idx3-ubyte", images);
    writeFile(data + "/t10k-labels-idx1-ubyte", labels);
  }

  /// Runs the fake training model with \p args (and --data for the
  /// commands that read data, unless \p withData is false).
  int train(std::vector<std::string> args, bool withData = true,
            nnrt_entry_points entries = fakeTrainEntries()) {
    if (withData &&
        (args[0] == "train" || args[0] == "eval" || args[0] == "gradcheck")) {
      args.push_back("--data");
      args.push_back(data);
    }
    return run(args, kFakeTrainDescriptor, entries);
  }

  /// The lines of stdout that start with \p prefix.
  std::vector<std::string> linesStarting(const std::string &prefix) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < out.size()) {
      size_t end = out.find('\n', pos);
      std::string line = out.substr(pos, end - pos);
      if (line.rfind(prefix, 0) == 0)
        lines.push_back(line);
      pos = end == std::string::npos ? out.size() : end + 1;
    }
    return lines;
  }

  /// The number after "KEY " in \p line (NaN when absent).
  static double field(const std::string &line, const std::string &key) {
    std::string padded = " " + line;
    size_t at = padded.find(" " + key + " ");
    if (at == std::string::npos)
      return NAN;
    return std::strtod(padded.c_str() + at + key.size() + 2, nullptr);
  }
};

/// A checkpoint read for inspection, freed at the end of the scope.
struct Checkpoint {
  nnrt_st_file *file = nullptr;
  explicit Checkpoint(const std::string &path) {
    EXPECT_EQ(nnrt_safetensors_read(path.c_str(), &file), NNRT_OK)
        << nnrt_last_error();
  }
  ~Checkpoint() { nnrt_st_free(file); }
  const nnrt_tensor *get(const char *name) const {
    return file ? nnrt_st_get(file, name) : nullptr;
  }
  int64_t i64(const char *name) const {
    const nnrt_tensor *t = get(name);
    return t ? *static_cast<const int64_t *>(t->data) : -1;
  }
};

} // namespace nnrt::test

#endif // NNRT_TEST_TRAINFIXTURE_H
