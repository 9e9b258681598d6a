/*===- main.c - Running an exported nnc model from a C program ------------===//
//
// Classifies a small batch of 28x28 images with the MLP of examples/mlp.nn,
// compiled into a shared library with the C header mlp.h:
//
//   nnc build examples/mlp.nn --export MLP -o out/libmlp.so   (+ out/mlp.h)
//   clang-19 -I out -I runtime/include examples/embed/main.c out/libmlp.so \
//       -Wl,-rpath,out -o out/embed
//   out/embed [--seed N] [--load CKPT.safetensors] [--rows N]
//             [--save-input X.npy] [--save-output Y.npy]
//
// The parameters come from the seed (as `mlp init --seed N` makes them) or
// from a checkpoint; the images are a fixed pattern. It prints the argmax of
// each row's logits; --save-input and --save-output write the batch and the
// logits as NPY files, so `mlp predict` can be run on the same input.
//
//===----------------------------------------------------------------------===*/

#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Prints the runtime's message for a failed call and returns 1.
static int fail(const char *what) {
  fprintf(stderr, "embed: %s: %s\n", what, nnrt_last_error());
  return 1;
}

/// A deterministic batch of `rows` images in [0, 1].
static nnrt_tensor makeBatch(int64_t rows) {
  nnrt_tensor x = {NNRT_F32, 4, {rows, 1, 28, 28}, NULL};
  x.data = nnrt_alloc(nnrt_tensor_bytes(&x));
  float *pixels = (float *)x.data;
  for (int64_t i = 0; pixels && i < rows * 28 * 28; ++i)
    pixels[i] = (float)((i * 37 + (i / 784) * 101) % 256) / 255.0f;
  return x;
}

/// Prints the argmax of each row of the [rows, classes] logits.
static void printClasses(const nnrt_tensor *y) {
  const float *logits = (const float *)y->data;
  for (int64_t r = 0; r < y->shape[0]; ++r) {
    int64_t best = 0;
    for (int64_t c = 1; c < y->shape[1]; ++c)
      if (logits[r * y->shape[1] + c] > logits[r * y->shape[1] + best])
        best = c;
    printf("row %lld: class %lld\n", (long long)r, (long long)best);
  }
}

int main(int argc, char **argv) {
  unsigned long long seed = 0;
  long long rows = 4;
  const char *load = NULL, *saveInput = NULL, *saveOutput = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--seed"))
      seed = strtoull(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--rows"))
      rows = strtoll(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "--load"))
      load = argv[i + 1];
    else if (!strcmp(argv[i], "--save-input"))
      saveInput = argv[i + 1];
    else if (!strcmp(argv[i], "--save-output"))
      saveOutput = argv[i + 1];
  }
  nnrt_model *model;
  if (mlp_create(seed, &model))
    return fail("create");
  if (load && mlp_load(model, load))
    return fail("load");
  nnrt_tensor x = makeBatch(rows), y;
  if (saveInput && nnrt_npy_write(saveInput, &x))
    return fail("save input");
  if (mlp_forward(model, &x, 1, &y, 1))
    return fail("forward");
  printClasses(&y);
  if (saveOutput && nnrt_npy_write(saveOutput, &y))
    return fail("save output");
  nnrt_free(x.data);
  nnrt_free(y.data);
  mlp_destroy(model);
  return 0;
}
