//===- train_state.cpp - The tensors a training run keeps -----------------===//
//
// See train_state.h. A training checkpoint is the params and states under
// the names `init` uses, plus the optimizer state and "train.step", so one
// file both resumes training and serves `predict`.
//
//===----------------------------------------------------------------------===//

#include "train_state.h"

#include "status.h"

#include <cstring>
#include <string>

using namespace nnrt;

/// The name under which the step count is saved.
static const char kStepName[] = "train.step";

int TrainState::find(const char *name) const {
  for (size_t i = 0; i < infos.size(); ++i) {
    if (!std::strcmp(infos[i]->name, name))
      return static_cast<int>(i);
  }
  return -1;
}

int TrainState::init(const nnrt_model_info &model, uint64_t seed) {
  auto collect = [&](const nnrt_arg_info *args, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (isPersistent(args[i].role) && find(args[i].name) < 0)
        infos.push_back(&args[i]);
    }
  };
  collect(model.args, model.n_args);
  if (const nnrt_train_info *t = model.train) {
    collect(t->step.args, t->step.n_args);
    collect(t->eval.args, t->eval.n_args);
    collect(t->grad.args, t->grad.n_args);
  }
  tensors.resize(infos.size());
  for (size_t i = 0; i < infos.size(); ++i) {
    nnrt_tensor t;
    if (nnrt_status s = nnrt_init_param(infos[i], seed, &t))
      return s == NNRT_ERR_NOMEM ? reportError()
                                 : internalError(nnrt_last_error());
    tensors.adopt(i, t);
  }
  step = 0;
  return kExitOk;
}

/// Reads "train.step" (an i64 scalar >= 0) into \p step; returns an error
/// message or "".
static std::string readStep(const nnrt_tensor &t, const char *path,
                            int64_t &step) {
  if (t.dtype == NNRT_I64 && t.rank == 0) {
    std::memcpy(&step, t.data, 8);
    if (step >= 0)
      return "";
  }
  return format("%s: '%s' must be an i64[] >= 0", path, kStepName);
}

int TrainState::load(const char *path, LoadMode mode) {
  CheckpointHandle checkpoint;
  if (nnrt_safetensors_read(path, &checkpoint.file))
    return reportError();
  const nnrt_st_file *file = checkpoint.file;
  const nnrt_tensor *stepTensor = nnrt_st_get(file, kStepName);
  bool training = mode == kLoadForTraining;
  bool resumed = training && stepTensor;
  std::vector<std::string> errors;
  int64_t loadedStep = 0;
  if (resumed) {
    std::string error = readStep(*stepTensor, path, loadedStep);
    if (!error.empty())
      errors.push_back(error);
  }
  for (size_t i = 0; i < infos.size(); ++i) {
    const nnrt_arg_info &info = *infos[i];
    const nnrt_tensor *t = nnrt_st_get(file, info.name);
    bool optimizer = info.role == NNRT_ROLE_OPT_STATE;
    if (optimizer && !resumed) {
      if (training && t)
        errors.push_back(format("%s: optimizer state '%s' without '%s'", path,
                                info.name, kStepName));
      continue;
    }
    std::string error = checkCheckpointTensor(info, t, path);
    if (!error.empty()) {
      errors.push_back(error);
      continue;
    }
    std::memcpy(tensors.tensors[i].data, t->data, nnrt_tensor_bytes(t));
  }
  for (size_t i = 0; i < nnrt_st_count(file); ++i) {
    const char *name = nnrt_st_name(file, i);
    bool ignored =
        !std::strcmp(name, kStepName) || (!training && std::strchr(name, '/'));
    if (!ignored && find(name) < 0)
      errors.push_back(format("%s: unexpected tensor '%s'", path, name));
  }
  for (const std::string &error : errors)
    printError(error);
  if (!errors.empty())
    return kExitInput;
  step = loadedStep;
  return kExitOk;
}

int TrainState::save(const char *path, bool withOptimizer) const {
  std::vector<const char *> names;
  std::vector<nnrt_tensor> list;
  for (size_t i = 0; i < infos.size(); ++i) {
    if (infos[i]->role == NNRT_ROLE_OPT_STATE && !withOptimizer)
      continue;
    names.push_back(infos[i]->name);
    list.push_back(tensors.tensors[i]);
  }
  int64_t stepValue = step;
  if (withOptimizer) {
    names.push_back(kStepName);
    list.push_back(nnrt_tensor{NNRT_I64, 0, {}, &stepValue});
  }
  std::string stepText = std::to_string(step);
  const char *metaKeys[] = {"format", "step"};
  const char *metaValues[] = {"nnc", stepText.c_str()};
  if (nnrt_safetensors_write(path, names.data(), list.data(), names.size(),
                             metaKeys, metaValues, 2))
    return reportError();
  return kExitOk;
}
