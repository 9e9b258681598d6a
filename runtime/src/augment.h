//===- augment.h - Training-image augmentation ----------------------------===//
//
// The loader's augmentation of training batches (`augment(data, crop,
// flip)`): per example, a random crop of the image zero-padded by `crop`
// pixels on each side (torchvision's RandomCrop(size, padding = crop)) and
// a horizontal flip with probability 1/2 (RandomHorizontalFlip). The
// random numbers are a pure function of (seed, step, example), so a resumed
// run augments exactly as an uninterrupted one.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_AUGMENT_H
#define NNRT_AUGMENT_H

#include <cstdint>
#include <vector>

namespace nnrt {

struct Augmentation {
  int64_t crop = 0; ///< zero padding of the random crop; 0: no crop
  bool flip = false;
  bool any() const { return crop > 0 || flip; }
};

/// Augments \p x (f32 [k, channels, rows, cols]) in place. Example i of
/// the batch of step \p step takes Philox4x32-10 block i of stream (seed,
/// nnrt_fnv1a64("nnrt.augment") + step): word 0 mod (2 crop + 1) is the
/// crop's row offset into the padded image, word 1 likewise its column
/// offset, and bit 0 of word 2 the flip.
void augmentBatch(const Augmentation &a, uint64_t seed, uint64_t step,
                  int64_t k, int64_t channels, int64_t rows, int64_t cols,
                  float *x);

} // namespace nnrt

#endif // NNRT_AUGMENT_H
