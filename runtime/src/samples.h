//===- samples.h - Generated images after each epoch -----------*- C++ -*-===//
//
// A train block's `samples = N` (a generator, such as the GAN example's):
// after each epoch the driver runs the model's forward on N fixed
// standard-normal inputs with the current parameters and tiles the N output
// images into one PNG, LOGDIR/samples/epoch_NNN.png, to look at. The inputs
// are the same every epoch, so the grids show how the same latent points
// evolve; the random numbers come from a stream of their own, so training
// takes the same steps with or without samples.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_SAMPLES_H
#define NNRT_SRC_SAMPLES_H

#include "bind.h"
#include "train_state.h"

#include <string>
#include <vector>

namespace nnrt {

class SampleWriter {
public:
  /// Checks that \p model's forward takes one F32 input [B, ...] and returns
  /// first an F32 output [B, C, H, W] with C 1 (gray) or 3 (RGB), and draws
  /// the \p count inputs under \p seed. Returns the exit code.
  int prepare(const nnrt_model_info &model, int64_t count, uint64_t seed);

  /// Runs \p forward with \p state's tensors and writes the grid of epoch
  /// \p epoch (from 1) to \p dir/samples. Returns the exit code.
  int write(const nnrt_model_info &model, nnrt_forward_fn forward,
            TrainState &state, const std::string &dir, int64_t epoch);

private:
  int64_t count = 0;
  size_t input = 0, output = 0; ///< the forward's arg and result indices
  std::vector<float> noise;
};

/// Tiles \p count images of \p channels x \p height x \p width floats (NCHW)
/// into an 8-bit image of ceil(sqrt(count)) columns with 2 black pixels
/// between and around them (torchvision's make_grid), each value v becoming
/// floor(clamp(v, 0, 1) * 255 + 0.5) (save_image). Returns the pixels (HWC)
/// and sets the grid's width and height.
std::vector<uint8_t> tileImages(const float *images, int64_t count,
                                int64_t channels, int64_t height,
                                int64_t width, int64_t &gridWidth,
                                int64_t &gridHeight);

} // namespace nnrt

#endif // NNRT_SRC_SAMPLES_H
