//===- dataset.h - Datasets in memory ---------------------------*- C++ -*-===//
//
// A split of a dataset in memory, whatever file it came from: IDX images
// (MNIST, Fashion-MNIST: plain or gzipped) kept as bytes, or CSV and NPY
// examples kept as floats (csv.h, data_source.h). Shuffled per epoch
// reproducibly; batches are converted to the f32 examples and the i32 or
// f32 labels a model takes, images scaled as torchvision's ToTensor does.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_DATASET_H
#define NNRT_SRC_DATASET_H

#include "nnrt/nnrt.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnrt {

/// One split of a dataset.
struct Dataset {
  int64_t count = 0;    // examples
  int64_t features = 0; // values per example
  /// Images ([channels, rows, cols] per example, for augmentation); 0 when
  /// the examples are not images.
  int64_t channels = 0, rows = 0, cols = 0;
  std::vector<uint8_t> images; // IDX: count*features bytes, scaled by 1/255
  std::vector<float> values;   // otherwise: count*features floats
  /// Labels: class indices (I32, one per example) or targets (F32,
  /// labelSize per example).
  nnrt_dtype labelType = NNRT_I32;
  int64_t labelSize = 1;
  std::vector<int32_t> classes; // I32: count
  std::vector<float> targets;   // F32: count*labelSize
};

/// Keeps the training (\p train) or the test split of \p d: the test
/// split is the last round(\p test * count) examples, in file order (as
/// Keras's validation_split). Fails (NNRT_ERR_FORMAT, naming \p source)
/// when either split would be empty.
nnrt_status keepSplit(Dataset &d, double test, bool train,
                      const std::string &source);

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

/// Fills \p x (f32 [k, features]: IDX pixels as float(pixel) / 255.0f, as
/// torchvision's ToTensor, other values as they are) and \p y (k labels of
/// d.labelType, labelSize each) with the examples order[first], ...,
/// order[first + k - 1], which must be valid indices. x and y are
/// caller-owned buffers of k * features and k * labelSize elements.
void fillBatch(const Dataset &d, const std::vector<int64_t> &order,
               int64_t first, int64_t k, float *x, void *y);

} // namespace nnrt

#endif // NNRT_SRC_DATASET_H
