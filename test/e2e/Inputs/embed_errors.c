/* embed_errors.c - the errors of an exported model's C API
 * (test/e2e/export-embed.test): a wrong input shape, a wrong dtype, a wrong
 * number of inputs and a missing checkpoint each give a status and a
 * message. Prints "STATUS: MESSAGE" per call. */

#include "mlp.h"

#include <stdio.h>

static void report(const char *what, nnrt_status status) {
  printf("%s: status %d: %s\n", what, (int)status,
         status ? nnrt_last_error() : "ok");
}

int main(int argc, char **argv) {
  nnrt_model *model;
  report("create", mlp_create(1, &model));
  float pixels[2 * 784] = {0};
  nnrt_tensor flat = {NNRT_F32, 2, {2, 784}, pixels}, y;
  report("shape", mlp_forward(model, &flat, 1, &y, 1));
  nnrt_tensor ints = {NNRT_I32, 4, {2, 1, 28, 28}, pixels};
  report("dtype", mlp_forward(model, &ints, 1, &y, 1));
  nnrt_tensor x = {NNRT_F32, 4, {2, 1, 28, 28}, pixels};
  report("count", mlp_forward(model, &x, 2, &y, 1));
  report("load", mlp_load(model, argc > 1 ? argv[1] : "missing.safetensors"));
  report("ok", mlp_forward(model, &x, 1, &y, 1));
  printf("y: [%lld, %lld]\n", (long long)y.shape[0], (long long)y.shape[1]);
  nnrt_free(y.data);
  mlp_destroy(model);
  return 0;
}
