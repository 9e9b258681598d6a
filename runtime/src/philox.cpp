//===- philox.cpp - Counter-based random numbers (Philox4x32-10) ----------===//
//
// The Random123 Philox4x32 generator with 10 rounds (Salmon et al., "Parallel
// Random Numbers: As Easy as 1, 2, 3", SC'11), and the uniform and normal
// samplers built on it. Element i of stream (seed, stream) is a pure
// function of those three numbers, so weight initialization reproduces bit
// for bit however the work is split across threads. The exact mapping is
// documented in nnrt.h; code that regenerates these numbers elsewhere (e.g.
// on a GPU) must follow it, with floating-point contraction off.
//
//===----------------------------------------------------------------------===//

#include "nnrt/nnrt.h"

#include <cmath>

// An FMA would change the low bits of lo + (hi - lo) * u and make results
// depend on the target's instruction set (CMake also passes
// -ffp-contract=off, for other compilers).
#ifdef __clang__
#pragma clang fp contract(off)
#endif

static constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;
static constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
static constexpr double kTwoPi = 6.283185307179586476925286766559;
static constexpr float kInv24 = 1.0f / 16777216.0f; // 2^-24

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t &hi, uint32_t &lo) {
  uint64_t product = uint64_t(a) * b;
  hi = static_cast<uint32_t>(product >> 32);
  lo = static_cast<uint32_t>(product);
}

void nnrt_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                        uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    // Random123 bumps the key before every round but the first.
    if (round > 0) {
      k0 += kWeyl0;
      k1 += kWeyl1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/// The Philox block holding elements [4 * block, 4 * block + 4) of stream
/// (seed, stream).
static inline void philoxBlock(uint64_t seed, uint64_t stream, uint64_t block,
                               uint32_t out[4]) {
  const uint32_t ctr[4] = {uint32_t(block), uint32_t(block >> 32),
                           uint32_t(stream), uint32_t(stream >> 32)};
  const uint32_t key[2] = {uint32_t(seed), uint32_t(seed >> 32)};
  nnrt_philox4x32_10(ctr, key, out);
}

/// The top 24 bits of \p word as a float in [0, 1).
static inline float toUnit(uint32_t word) {
  return static_cast<float>(word >> 8) * kInv24;
}

/// The two Box-Muller normals of the word pair (\p a, \p b).
static inline void boxMuller(uint32_t a, uint32_t b, float &z0, float &z1) {
  double u1 = (double((a >> 8) + 1)) * (1.0 / 16777216.0); // (0, 1]
  double u2 = double(b >> 8) * (1.0 / 16777216.0);         // [0, 1)
  double r = std::sqrt(-2.0 * std::log(u1));
  double theta = kTwoPi * u2;
  z0 = static_cast<float>(r * std::cos(theta));
  z1 = static_cast<float>(r * std::sin(theta));
}

float nnrt_uniform_f32(uint64_t seed, uint64_t stream, uint64_t index) {
  uint32_t words[4];
  philoxBlock(seed, stream, index >> 2, words);
  return toUnit(words[index & 3]);
}

float nnrt_normal_f32(uint64_t seed, uint64_t stream, uint64_t index) {
  uint32_t words[4];
  philoxBlock(seed, stream, index >> 2, words);
  unsigned pair = (index >> 1) & 1;
  float z[2];
  boxMuller(words[2 * pair], words[2 * pair + 1], z[0], z[1]);
  return z[index & 1];
}

/// lo + (hi - lo) * u, kept inside [lo, hi) when rounding would reach hi.
static inline float scaleUniform(float u, float lo, float hi) {
  float x = lo + (hi - lo) * u;
  return x < hi || !(hi > lo) ? x : std::nextafter(hi, lo);
}

void nnrt_fill_uniform(float *dst, int64_t n, float lo, float hi, uint64_t seed,
                       uint64_t stream) {
  for (int64_t base = 0; base < n; base += 4) {
    uint32_t words[4];
    philoxBlock(seed, stream, uint64_t(base) >> 2, words);
    for (int64_t j = 0; j < 4 && base + j < n; ++j)
      dst[base + j] = scaleUniform(toUnit(words[j]), lo, hi);
  }
}

void nnrt_fill_normal(float *dst, int64_t n, float mean, float stddev,
                      uint64_t seed, uint64_t stream) {
  for (int64_t base = 0; base < n; base += 4) {
    uint32_t words[4];
    philoxBlock(seed, stream, uint64_t(base) >> 2, words);
    float z[4];
    boxMuller(words[0], words[1], z[0], z[1]);
    boxMuller(words[2], words[3], z[2], z[3]);
    for (int64_t j = 0; j < 4 && base + j < n; ++j)
      dst[base + j] = mean + stddev * z[j];
  }
}
