//===- FakeModel.cpp - A hand-written "generated model" for the driver ----===//
//
// What nnc would emit for y = x @ w.T + b with x: f32[B, 3], w: f32[2, 3]
// (kaiming_uniform, as nn.Linear) and b: f32[2] (zeros): the descriptor and
// the packed entry point, here in C++. The result is returned transposed and
// one element into its buffer, so the driver must follow its offset and
// strides rather than assume a dense layout.
//
//===----------------------------------------------------------------------===//

#include "DriverFixture.h"

#include <cstdlib>

using nnrt::test::MemRef;

extern "C" const char nnc_model_descriptor[] = R"({
  "version": 1, "entry": "forward",
  "args": [
    {"role": "input", "name": "x", "dtype": "F32", "shape": [-1, 3]},
    {"role": "param", "name": "w", "dtype": "F32", "shape": [2, 3],
     "init": {"name": "kaiming_uniform", "a": 2.23606797749979},
     "fan_in": 3, "fan_out": 2},
    {"role": "param", "name": "b", "dtype": "F32", "shape": [2],
     "init": {"name": "zeros"}}],
  "results": [
    {"role": "output", "name": "y", "dtype": "F32", "shape": [-1, 2]}]})";

/// y = x @ w.T + b, stored column-major one element into a malloc'd block:
/// y[i][j] lives at aligned + 1 + i + B j.
extern "C" void nnc_forward_packed(void **args) {
  auto *y = static_cast<MemRef<2> *>(args[0]);
  auto *x = static_cast<MemRef<2> *>(args[1]);
  auto *w = static_cast<MemRef<2> *>(args[2]);
  auto *b = static_cast<MemRef<1> *>(args[3]);
  int64_t batch = x->sizes[0];
  auto *out = static_cast<float *>(_mlir_memref_to_llvm_alloc((1 + 2 * batch) * 4));
  auto at = [](MemRef<2> *m, int64_t i, int64_t j) {
    return static_cast<float *>(
        m->aligned)[m->offset + i * m->strides[0] + j * m->strides[1]];
  };
  for (int64_t i = 0; i < batch; ++i) {
    for (int64_t j = 0; j < 2; ++j) {
      float sum = static_cast<float *>(b->aligned)[b->offset + j];
      for (int64_t k = 0; k < 3; ++k)
        sum += at(x, i, k) * at(w, j, k);
      out[1 + i + batch * j] = sum;
    }
  }
  *y = {out, out, 1, {batch, 2}, {1, batch}};
}
