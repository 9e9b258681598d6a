//===- augment.cpp - Training-image augmentation --------------------------===//

#include "augment.h"

#include "nnrt/abi.h"
#include "nnrt/nnrt.h"

#include <algorithm>

void nnrt::augmentBatch(const Augmentation &a, uint64_t seed, uint64_t step,
                        int64_t k, int64_t channels, int64_t rows,
                        int64_t cols, float *x) {
  if (!a.any())
    return;
  const uint64_t stream = nnrt_fnv1a64("nnrt.augment") + step;
  const uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  const uint32_t span = static_cast<uint32_t>(2 * a.crop + 1);
  std::vector<float> plane(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < k; ++i) {
    const uint32_t ctr[4] = {uint32_t(i), uint32_t(uint64_t(i) >> 32),
                             uint32_t(stream), uint32_t(stream >> 32)};
    uint32_t words[4];
    nnrt_philox4x32_10(ctr, key, words);
    // Output pixel (r, c) reads input pixel (r + dr, c + dc), zero outside.
    int64_t dr = static_cast<int64_t>(words[0] % span) - a.crop;
    int64_t dc = static_cast<int64_t>(words[1] % span) - a.crop;
    bool flip = a.flip && (words[2] & 1);
    if (dr == 0 && dc == 0 && !flip)
      continue;
    for (int64_t ch = 0; ch < channels; ++ch) {
      float *img = x + (i * channels + ch) * rows * cols;
      std::copy(img, img + rows * cols, plane.begin());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
          int64_t sr = r + dr, sc = (flip ? cols - 1 - c : c) + dc;
          bool inside = sr >= 0 && sr < rows && sc >= 0 && sc < cols;
          img[r * cols + c] = inside ? plane[sr * cols + sc] : 0.0f;
        }
    }
  }
}
