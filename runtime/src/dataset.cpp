//===- dataset.cpp - Datasets in memory -----------------------------------===//
//
// loadIdxSplit, keepSplit, shuffledOrder and fillBatch (see dataset.h). IDX files are
// untrusted like every other input: the header's sizes are checked against
// the bytes that follow before anything is indexed with them, and gzipped
// files go through our own gunzip with a bound on the decompressed size.
//
//===----------------------------------------------------------------------===//

#include "dataset.h"
#include "file.h"
#include "inflate.h"
#include "status.h"

#include "nnrt/abi.h"

#include <algorithm>
#include <cmath>

#include <sys/stat.h>

using namespace nnrt;

/// The most an IDX file may decompress to: far above any MNIST-format
/// dataset (Fashion-MNIST's train images are 47 MB), low enough that a
/// gzip bomb fails with a message instead of exhausting memory.
static constexpr size_t kMaxIdxBytes = size_t(2) << 30;

static bool isRegularFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

/// Reads DIR/NAME, or DIR/NAME.gz decompressed, into \p bytes; \p path is
/// set to the file read, for messages.
static nnrt_status readIdxFile(const std::string &dir, const std::string &name,
                               std::vector<uint8_t> &bytes, std::string &path) {
  std::string plain =
      dir + (dir.empty() || dir.back() == '/' ? "" : "/") + name;
  std::string gzipped = plain + ".gz";
  bool gz = !isRegularFile(plain);
  if (gz && !isRegularFile(gzipped))
    return fail(NNRT_ERR_IO, "%s: no such file (nor %s)", plain.c_str(),
                gzipped.c_str());
  path = gz ? gzipped : plain;

  InputFile file;
  if (nnrt_status status = file.open(path.c_str()))
    return status;
  std::vector<uint8_t> raw(file.size());
  if (nnrt_status status = file.read(raw.data(), raw.size(), "the file"))
    return status;
  if (!gz) {
    bytes.swap(raw);
    return NNRT_OK;
  }
  return gunzip(raw.data(), raw.size(), bytes, path.c_str(), kMaxIdxBytes);
}

static uint32_t load32be(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

/// Checks the header of an IDX file of unsigned bytes with \p rank
/// dimensions (big-endian magic 0x0000 08 <rank>, then the dimensions as
/// big-endian u32) and that exactly the bytes the dimensions describe
/// follow it. Sets \p dims and \p headerSize.
static nnrt_status parseIdx(const std::string &path,
                            const std::vector<uint8_t> &bytes, int rank,
                            const char *kind, int64_t dims[3],
                            size_t &headerSize) {
  const char *p = path.c_str();
  uint32_t expected = 0x0800u | uint32_t(rank);
  if (bytes.size() < 4)
    return fail(NNRT_ERR_FORMAT,
                "%s: truncated: %zu bytes, too short for an IDX magic number",
                p, bytes.size());
  uint32_t magic = load32be(bytes.data());
  if ((magic >> 16) != 0 || (magic & 0xFF) != uint32_t(rank))
    return fail(NNRT_ERR_FORMAT,
                "%s: bad magic number 0x%08x (expected 0x%08x for IDX %s)", p,
                magic, expected, kind);
  if (((magic >> 8) & 0xFF) != 0x08)
    return fail(NNRT_ERR_FORMAT,
                "%s: IDX dtype code 0x%02x is not 0x08 (unsigned byte)", p,
                (magic >> 8) & 0xFF);
  headerSize = 4 + 4 * size_t(rank);
  if (bytes.size() < headerSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: truncated header: %zu bytes, the header needs %zu", p,
                bytes.size(), headerSize);
  // Dimensions are below 2^32, so the product of three fits in 96 bits;
  // the overflow check keeps it to a size we can hold.
  uint64_t dataSize = 1;
  for (int i = 0; i < rank; ++i) {
    dims[i] = load32be(bytes.data() + 4 + 4 * i);
    if (__builtin_mul_overflow(dataSize, uint64_t(dims[i]), &dataSize))
      return fail(NNRT_ERR_FORMAT, "%s: the header's sizes overflow", p);
  }
  uint64_t actual = bytes.size() - headerSize;
  if (actual < dataSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: truncated data: the header describes %llu bytes, the "
                "file has %llu",
                p, (unsigned long long)dataSize, (unsigned long long)actual);
  if (actual > dataSize)
    return fail(NNRT_ERR_FORMAT,
                "%s: %llu bytes after the %llu bytes of data the header "
                "describes",
                p, (unsigned long long)(actual - dataSize),
                (unsigned long long)dataSize);
  return NNRT_OK;
}

nnrt_status nnrt::loadIdxSplit(const std::string &dir, bool train,
                               Dataset &out) {
  struct stat info;
  if (stat(dir.c_str(), &info) != 0)
    return fail(NNRT_ERR_IO, "%s: dataset directory not found", dir.c_str());
  if (!S_ISDIR(info.st_mode))
    return fail(NNRT_ERR_IO, "%s: dataset path is not a directory",
                dir.c_str());

  std::string prefix = train ? "train" : "t10k";
  std::vector<uint8_t> images, labels;
  std::string imagePath, labelPath;
  int64_t imageDims[3], labelDims[3];
  size_t imageHeader, labelHeader;
  if (nnrt_status status =
          readIdxFile(dir, prefix + "-images-idx3-ubyte", images, imagePath))
    return status;
  if (nnrt_status status =
          parseIdx(imagePath, images, 3, "images", imageDims, imageHeader))
    return status;
  if (nnrt_status status =
          readIdxFile(dir, prefix + "-labels-idx1-ubyte", labels, labelPath))
    return status;
  if (nnrt_status status =
          parseIdx(labelPath, labels, 1, "labels", labelDims, labelHeader))
    return status;
  if (imageDims[0] != labelDims[0])
    return fail(NNRT_ERR_FORMAT, "%s: %lld labels, but %s has %lld images",
                labelPath.c_str(), (long long)labelDims[0], imagePath.c_str(),
                (long long)imageDims[0]);

  // Dropping the headers moves the data down once rather than copying it.
  images.erase(images.begin(), images.begin() + imageHeader);
  labels.erase(labels.begin(), labels.begin() + labelHeader);
  out = Dataset{};
  out.count = imageDims[0];
  out.channels = 1;
  out.rows = imageDims[1];
  out.cols = imageDims[2];
  out.features = out.rows * out.cols;
  out.images = std::move(images);
  out.classes.assign(labels.begin(), labels.end());
  return NNRT_OK;
}

nnrt_status nnrt::keepSplit(Dataset &d, double test, bool train,
                            const std::string &source) {
  int64_t held = static_cast<int64_t>(std::llround(test * double(d.count)));
  if (held < 1 || held >= d.count)
    return fail(NNRT_ERR_FORMAT,
                "%s: %lld examples are too few to hold out %g of them for "
                "testing and train on the rest",
                source.c_str(), (long long)d.count, test);
  int64_t first = train ? 0 : d.count - held;
  int64_t n = train ? d.count - held : held;
  auto keep = [&](auto &v, int64_t width) {
    if (v.empty())
      return;
    v.erase(v.begin() + (first + n) * width, v.end());
    v.erase(v.begin(), v.begin() + first * width);
  };
  keep(d.images, d.features);
  keep(d.values, d.features);
  keep(d.classes, 1);
  keep(d.targets, d.labelSize);
  d.count = n;
  return NNRT_OK;
}

namespace {
/// Successive 64-bit draws from Philox stream (seed, stream): draw k is
/// words 2(k % 2) and 2(k % 2) + 1 of block k / 2, low word first.
class Draws {
public:
  Draws(uint64_t seed, uint64_t stream)
      : key{uint32_t(seed), uint32_t(seed >> 32)}, stream(stream) {}

  uint64_t next() {
    unsigned half = unsigned(k & 1);
    if (half == 0) {
      uint64_t block = k >> 1;
      const uint32_t ctr[4] = {uint32_t(block), uint32_t(block >> 32),
                               uint32_t(stream), uint32_t(stream >> 32)};
      nnrt_philox4x32_10(ctr, key, words);
    }
    ++k;
    return uint64_t(words[2 * half]) | uint64_t(words[2 * half + 1]) << 32;
  }

private:
  uint32_t key[2];
  uint64_t stream;
  uint64_t k = 0;
  uint32_t words[4] = {};
};
} // namespace

/// A uniform integer in [0, s), s > 0, without modulo bias (Lemire, "Fast
/// Random Integer Generation in an Interval", 2019).
static uint64_t bounded(Draws &draws, uint64_t s) {
  unsigned __int128 m = (unsigned __int128)draws.next() * s;
  if (uint64_t(m) < s) {
    uint64_t threshold = (0 - s) % s; // (2^64 - s) mod s
    while (uint64_t(m) < threshold)
      m = (unsigned __int128)draws.next() * s;
  }
  return uint64_t(m >> 64);
}

std::vector<int64_t> nnrt::shuffledOrder(int64_t n, uint64_t seed,
                                         uint64_t epoch) {
  std::vector<int64_t> order(n > 0 ? size_t(n) : 0);
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  // A stream of its own, apart from the parameters' (FNV-1a of their names)
  // and the random ops' ((call << 32) | site).
  static const uint64_t kShuffleStream = nnrt_fnv1a64("nnrt.shuffle");
  Draws draws(seed, kShuffleStream + epoch);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = int64_t(bounded(draws, uint64_t(i) + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

void nnrt::fillBatch(const Dataset &d, const std::vector<int64_t> &order,
                     int64_t first, int64_t k, float *x, void *y) {
  // float(p) / 255.0f for every byte, computed once: a division per pixel,
  // exactly as ToTensor divides, without paying for it per pixel.
  static const struct Scale {
    float value[256];
    Scale() {
      for (int p = 0; p < 256; ++p)
        value[p] = float(p) / 255.0f;
    }
  } scale;
  const int64_t n = d.features;
  for (int64_t b = 0; b < k; ++b) {
    int64_t index = order[size_t(first + b)];
    float *dst = x + b * n;
    if (!d.images.empty()) {
      const uint8_t *src = d.images.data() + index * n;
      for (int64_t p = 0; p < n; ++p)
        dst[p] = scale.value[src[p]];
    } else {
      std::copy_n(d.values.data() + index * n, n, dst);
    }
    if (d.labelType == NNRT_I32)
      static_cast<int32_t *>(y)[b] = d.classes[size_t(index)];
    else
      std::copy_n(d.targets.data() + index * d.labelSize, d.labelSize,
                  static_cast<float *>(y) + b * d.labelSize);
  }
}
