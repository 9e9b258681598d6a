//===- embed.cpp - Running a compiled model from a C or C++ program -------===//
//
// See embed.h. The steps are the program driver's (bind.h): parameters are
// initialized and checkpoints checked by the same code, and its messages,
// captured instead of printed, become nnrt_last_error(). Inputs come from
// the caller rather than NPY files, so they are checked here with the
// driver's checkInput under the name "input 'x'".
//
//===----------------------------------------------------------------------===//

#include "nnrt/embed.h"

#include "bind.h"
#include "status.h"

#include <new>
#include <utility>

using namespace nnrt;

/// The parsed descriptor, the entry point, and the parameters (borrowed from
/// `checkpoint` once one is loaded).
struct nnrt_model {
  nnrt_model_info *info = nullptr;
  nnrt_forward_fn forward = nullptr;
  TensorSet params;
  CheckpointHandle checkpoint;

  ~nnrt_model() { nnrt_model_free(info); }
};

/// Sets the captured \p messages as the last error and returns \p code.
static nnrt_status failWith(nnrt_status code, const std::string &messages) {
  return fail(code, "%s", messages.c_str());
}

nnrt_status nnrt_model_create(const char *descriptor,
                              void (*forward_packed)(void **args),
                              uint64_t seed, nnrt_model **out) {
  if (!out)
    return fail(NNRT_ERR_ARG, "nnrt_model_create: 'out' is NULL");
  *out = nullptr;
  if (!descriptor || !forward_packed)
    return fail(NNRT_ERR_ARG,
                "nnrt_model_create: NULL descriptor or entry point");
  auto *model = new (std::nothrow) nnrt_model;
  if (!model)
    return fail(NNRT_ERR_NOMEM, "out of memory creating a model");
  model->forward = forward_packed;
  if (nnrt_status s = nnrt_model_parse(descriptor, &model->info)) {
    delete model;
    return s;
  }
  std::string messages;
  int code;
  {
    CaptureErrors capture(messages);
    code = initParams(*model->info, seed, model->params);
  }
  if (code) {
    delete model;
    return failWith(code == kExitInput ? NNRT_ERR_NOMEM : NNRT_ERR_FORMAT,
                    messages);
  }
  // The random ops of later forwards draw from the same seed (abi.h).
  nnrt_set_run_seed(seed);
  *out = model;
  return NNRT_OK;
}

nnrt_status nnrt_model_load(nnrt_model *model, const char *path) {
  if (!model || !path)
    return fail(NNRT_ERR_ARG, "nnrt_model_load: NULL model or path");
  CheckpointHandle checkpoint;
  if (nnrt_status s = nnrt_safetensors_read(path, &checkpoint.file))
    return s;
  TensorSet params;
  std::string messages;
  int code;
  {
    CaptureErrors capture(messages);
    code = bindCheckpoint(*model->info, path, checkpoint, params);
  }
  if (code)
    return failWith(NNRT_ERR_SHAPE, messages);
  // The new parameters borrow from the new checkpoint: swap both in.
  std::swap(model->params.tensors, params.tensors);
  std::swap(model->params.owned, params.owned);
  std::swap(model->checkpoint.file, checkpoint.file);
  return NNRT_OK;
}

/// Whether \p t has \p info's dtype (else the mismatch is a shape's).
static nnrt_status mismatchStatus(const nnrt_arg_info &info,
                                  const nnrt_tensor &t) {
  return t.dtype == info.dtype ? NNRT_ERR_SHAPE : NNRT_ERR_DTYPE;
}

/// Borrows the parameters and checks and borrows \p inputs into \p args.
static nnrt_status bindArgs(const nnrt_model &model, const nnrt_tensor *inputs,
                            size_t n_in, TensorSet &args, Bindings &bindings) {
  const nnrt_model_info &info = *model.info;
  std::vector<const nnrt_arg_info *> expected =
      argsWithRole(info, NNRT_ROLE_INPUT);
  if (n_in != expected.size())
    return fail(NNRT_ERR_ARG, "the model takes %zu input%s, got %zu",
                expected.size(), expected.size() == 1 ? "" : "s", n_in);
  if (n_in && !inputs)
    return fail(NNRT_ERR_ARG, "nnrt_model_forward: 'inputs' is NULL");
  args.resize(info.n_args);
  size_t k = 0;
  for (size_t i = 0; i < info.n_args; ++i) {
    const nnrt_arg_info &arg = info.args[i];
    if (arg.role != NNRT_ROLE_INPUT) {
      args.borrow(i, model.params.tensors[i]);
      continue;
    }
    const nnrt_tensor &t = inputs[k++];
    std::string source = format("input '%s'", arg.name);
    std::string error = checkInput(arg, t, source, bindings);
    if (!error.empty())
      return fail(mismatchStatus(arg, t), "%s", error.c_str());
    if (!t.data && nnrt_tensor_numel(&t) != 0)
      return fail(NNRT_ERR_ARG, "%s: data is NULL", source.c_str());
    args.borrow(i, t);
  }
  return NNRT_OK;
}

nnrt_status nnrt_model_forward(nnrt_model *model, const nnrt_tensor *inputs,
                               size_t n_in, nnrt_tensor *outputs,
                               size_t n_out) {
  if (!model)
    return fail(NNRT_ERR_ARG, "nnrt_model_forward: 'model' is NULL");
  const nnrt_model_info &info = *model->info;
  size_t nOutputs = 0;
  for (size_t i = 0; i < info.n_results; ++i)
    nOutputs += info.results[i].role == NNRT_ROLE_OUTPUT;
  if (n_out != nOutputs || (n_out && !outputs))
    return fail(NNRT_ERR_ARG, "the model has %zu output%s, got room for %zu",
                nOutputs, nOutputs == 1 ? "" : "s", outputs ? n_out : 0);
  for (size_t k = 0; k < n_out; ++k)
    outputs[k] = nnrt_tensor{};
  TensorSet args, results;
  Bindings bindings;
  if (nnrt_status s = bindArgs(*model, inputs, n_in, args, bindings))
    return s;
  std::string messages;
  int code;
  {
    CaptureErrors capture(messages);
    code = callForward(info, model->forward, args, bindings, results);
  }
  if (code)
    return failWith(code == kExitInput ? NNRT_ERR_NOMEM : NNRT_ERR_FORMAT,
                    messages);
  // Hand the outputs over; the new values of states are dropped, as
  // `prog predict` drops them.
  size_t k = 0;
  for (size_t i = 0; i < info.n_results; ++i) {
    if (info.results[i].role != NNRT_ROLE_OUTPUT)
      continue;
    outputs[k++] = results.tensors[i];
    results.owned[i] = false;
  }
  return NNRT_OK;
}

void nnrt_model_destroy(nnrt_model *model) { delete model; }
