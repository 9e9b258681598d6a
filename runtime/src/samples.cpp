//===- samples.cpp - Generated images after each epoch --------------------===//

#include "samples.h"

#include "png.h"
#include "status.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/stat.h>

using namespace nnrt;

std::vector<uint8_t> nnrt::tileImages(const float *images, int64_t count,
                                      int64_t channels, int64_t height,
                                      int64_t width, int64_t &gridWidth,
                                      int64_t &gridHeight) {
  const int64_t pad = 2;
  int64_t columns = static_cast<int64_t>(std::ceil(std::sqrt(count)));
  int64_t rows = (count + columns - 1) / columns;
  gridWidth = columns * (width + pad) + pad;
  gridHeight = rows * (height + pad) + pad;
  std::vector<uint8_t> grid(gridWidth * gridHeight * channels, 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t top = pad + (n / columns) * (height + pad);
    int64_t left = pad + (n % columns) * (width + pad);
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
          float v = images[((n * channels + c) * height + y) * width + x];
          v = std::clamp(std::isnan(v) ? 0.0f : v, 0.0f, 1.0f);
          grid[((top + y) * gridWidth + left + x) * channels + c] =
              static_cast<uint8_t>(std::floor(v * 255.0f + 0.5f));
        }
  }
  return grid;
}

int SampleWriter::prepare(const nnrt_model_info &model, int64_t n,
                          uint64_t seed) {
  count = n;
  size_t inputs = 0;
  for (size_t i = 0; i < model.n_args; ++i)
    if (model.args[i].role == NNRT_ROLE_INPUT) {
      input = i;
      ++inputs;
    }
  const nnrt_arg_info *out = nullptr;
  for (size_t i = 0; i < model.n_results && !out; ++i)
    if (model.results[i].role == NNRT_ROLE_OUTPUT) {
      output = i;
      out = &model.results[i];
    }
  const nnrt_arg_info &in = model.args[input];
  bool inputOk = inputs == 1 && in.dtype == NNRT_F32 && in.rank >= 1 &&
                 in.shape[0] == -1;
  for (int32_t d = 1; inputOk && d < in.rank; ++d)
    inputOk = in.shape[d] >= 0;
  bool outputOk = out && out->dtype == NNRT_F32 && out->rank == 4 &&
                  (out->shape[1] == 1 || out->shape[1] == 3) &&
                  out->shape[2] > 0 && out->shape[3] > 0;
  if (!inputOk || !outputOk) {
    printError(format("train: 'samples' needs a model whose forward takes one "
                      "input [B, ...] (the noise) and returns images [B, C, "
                      "H, W] with C 1 or 3; '%s' is %s -> %s",
                      model.entry, inputs == 1 ? typeString(in).c_str() : "?",
                      out ? typeString(*out).c_str() : "?"));
    return kExitInput;
  }
  int64_t perSample = 1;
  for (int32_t d = 1; d < in.rank; ++d)
    perSample *= in.shape[d];
  noise.resize(static_cast<size_t>(count * perSample));
  nnrt_fill_normal(noise.data(), static_cast<int64_t>(noise.size()), 0.0f,
                   1.0f, seed, nnrt_fnv1a64("nnrt.samples"));
  return kExitOk;
}

int SampleWriter::write(const nnrt_model_info &model, nnrt_forward_fn forward,
                        TrainState &state, const std::string &dir,
                        int64_t epoch) {
  TensorSet args;
  args.resize(model.n_args);
  for (size_t i = 0; i < model.n_args; ++i) {
    const nnrt_arg_info &a = model.args[i];
    if (i == input) {
      nnrt_tensor t{NNRT_F32, a.rank, {}, noise.data()};
      t.shape[0] = count;
      for (int32_t d = 1; d < a.rank; ++d)
        t.shape[d] = a.shape[d];
      args.borrow(i, t);
      continue;
    }
    int k = state.find(a.name);
    if (k < 0)
      return internalError(format("samples: the forward's '%s' is not a "
                                  "tensor of the training state",
                                  a.name));
    args.borrow(i, state.tensor(static_cast<size_t>(k)));
  }
  Bindings bindings{{"B", "the samples", count}};
  TensorSet results;
  if (int code = callForward(model, forward, args, bindings, results))
    return code;
  const nnrt_tensor &images = results.tensors[output];
  int64_t width, height;
  std::vector<uint8_t> grid = tileImages(
      static_cast<const float *>(images.data), count, images.shape[1],
      images.shape[2], images.shape[3], width, height);
  std::string folder = dir + "/samples";
  if (mkdir(folder.c_str(), 0777) && errno != EEXIST) {
    printError(format("%s: cannot create the folder: %s", folder.c_str(),
                      std::strerror(errno)));
    return kExitInput;
  }
  std::string path = format("%s/epoch_%03lld.png", folder.c_str(),
                            static_cast<long long>(epoch));
  if (writePng(path.c_str(), width, height,
               static_cast<int>(images.shape[1]), grid.data()))
    return reportError();
  return kExitOk;
}
