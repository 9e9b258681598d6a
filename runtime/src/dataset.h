//===- dataset.h - MNIST-format (IDX) datasets in memory ---------*- C++
//-*-===//
//
// Reads one split of an MNIST-format dataset (MNIST, Fashion-MNIST: IDX
// files, plain or gzipped) into memory as bytes, shuffles it per epoch
// reproducibly, and converts batches to the f32 images and i32 labels a
// model takes, as torchvision's ToTensor does.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_DATASET_H
#define NNRT_SRC_DATASET_H

#include "nnrt/nnrt.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// One split of an MNIST-format dataset kept as bytes (converted per batch).
struct Dataset {
  int64_t count = 0;           // examples
  int64_t rows = 0, cols = 0;  // image size (28, 28)
  std::vector<uint8_t> images; // count*rows*cols, row-major
  std::vector<uint8_t> labels; // count
};

/// Reads DIR/train-images-idx3-ubyte and DIR/train-labels-idx1-ubyte
/// (\p train) or the t10k-* pair, each either plain or with ".gz" (the plain
/// file is preferred when both exist). Fails (NNRT_ERR_IO, NNRT_ERR_FORMAT)
/// with a message naming the file: a missing directory or file (naming the
/// names tried), a bad magic number (0x00000803 for images, 0x00000801 for
/// labels), a dtype code other than 0x08 (unsigned byte), a size that does
/// not match the header, or image and label counts that differ. Labels are
/// not range-checked: the caller knows the number of classes.
nnrt_status loadIdxSplit(const std::string &dir, bool train, Dataset &out);

/// A permutation of [0, n) for epoch \p epoch under \p seed, a pure function
/// of (seed, epoch, n). Fisher-Yates from the back: for i = n-1 down to 1,
/// swap elements i and j = bounded(i + 1), where bounded(s) is Lemire's
/// multiply-and-reject: draw a 64-bit r, let m = r * s (128 bits); while
/// low64(m) < (2^64 - s) mod s, draw again; j = m >> 64. Draw k is
///   words[2k % 4] | words[2k % 4 + 1] << 32
/// of the Philox4x32-10 block k / 2 of stream (seed, S + epoch), with
/// S = nnrt_fnv1a64("nnrt.shuffle") and the counter and key layout of
/// nnrt_uniform_f32.
std::vector<int64_t> shuffledOrder(int64_t n, uint64_t seed, uint64_t epoch);

/// Fills \p x (f32 [k, 1, rows, cols], float(pixel) / 255.0f, as
/// torchvision's ToTensor) and \p y (i32 [k]) with the examples
/// order[first], ..., order[first + k - 1], which must be valid indices.
/// x and y are caller-owned buffers of k * rows * cols and k elements.
void fillBatch(const Dataset &d, const std::vector<int64_t> &order,
               int64_t first, int64_t k, float *x, int32_t *y);

} // namespace nnrt

#endif // NNRT_SRC_DATASET_H
