//===- bind.cpp - Binding files to the model's arguments and results ------===//
//
// See bind.h. Inputs and checkpoints come from users, so each is checked
// against the descriptor before the compiled code sees it: the generated
// code trusts its arguments' shapes, and a wrong one would read out of
// bounds instead of failing with a message.
//
//===----------------------------------------------------------------------===//

#include "bind.h"

#include "model_parse.h"
#include "status.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace nnrt;

static std::string programName = "prog";

/// Where messages go instead of stderr while a CaptureErrors lives.
static thread_local std::string *captured = nullptr;

void nnrt::setProgramName(const char *name) { programName = name; }

CaptureErrors::CaptureErrors(std::string &messages) : previous(captured) {
  captured = &messages;
}

CaptureErrors::~CaptureErrors() { captured = previous; }

/// Prints "prog: KIND: message", or appends "[KIND: ]message" as a line of
/// the captured messages ("error" is implied there).
static void emitMessage(const char *kind, const std::string &message) {
  if (!captured) {
    std::fprintf(stderr, "%s: %s: %s\n", programName.c_str(), kind,
                 message.c_str());
    return;
  }
  if (!captured->empty())
    *captured += "\n";
  *captured += std::strcmp(kind, "error") ? kind + (": " + message) : message;
}

void nnrt::printError(const std::string &message) {
  emitMessage("error", message);
}

int nnrt::internalError(const std::string &message) {
  emitMessage("internal error", message);
  return kExitInternal;
}

int nnrt::reportError() {
  printError(nnrt_last_error());
  return kExitInput;
}

TensorSet::~TensorSet() {
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (owned[i])
      nnrt_free(tensors[i].data);
  }
}

void TensorSet::resize(size_t n) {
  tensors.resize(n, nnrt_tensor{});
  owned.resize(n, false);
}

void TensorSet::adopt(size_t i, const nnrt_tensor &t) {
  tensors[i] = t;
  owned[i] = true;
}

void TensorSet::borrow(size_t i, const nnrt_tensor &t) {
  tensors[i] = t;
  owned[i] = false;
}

std::vector<const nnrt_arg_info *>
nnrt::argsWithRole(const nnrt_model_info &model, nnrt_role role) {
  std::vector<const nnrt_arg_info *> found;
  for (size_t i = 0; i < model.n_args; ++i) {
    if (model.args[i].role == role)
      found.push_back(&model.args[i]);
  }
  return found;
}

std::string nnrt::typeString(const nnrt_arg_info &info) {
  char buffer[1024];
  return nnrt_arg_type_string(&info, buffer, sizeof(buffer));
}

const char *nnrt::roleName(nnrt_role role) { return desc::roleSpelling(role); }

std::string nnrt::tensorType(const nnrt_tensor &t) {
  return nnrt_dtype_name(t.dtype) + shapeString(t.shape, t.rank);
}

/// The symbols of \p info's dynamic dims, as typeString shows them.
static std::vector<std::string> dynamicDims(const nnrt_arg_info &info) {
  std::vector<std::string> dims;
  for (int32_t d = 0; d < info.rank; ++d) {
    if (info.shape[d] >= 0)
      continue;
    dims.push_back(info.dim_names[d] ? info.dim_names[d]
                   : d == 0          ? std::string("B")
                                     : "N" + std::to_string(d));
  }
  return dims;
}

bool nnrt::matchesStatic(const nnrt_arg_info &info, const nnrt_tensor &t) {
  if (t.dtype != info.dtype || t.rank != info.rank)
    return false;
  for (int32_t d = 0; d < info.rank; ++d) {
    if (info.shape[d] >= 0 && info.shape[d] != t.shape[d])
      return false;
  }
  return true;
}

static const Binding *findBinding(const Bindings &bindings,
                                  const std::string &symbol) {
  for (const Binding &b : bindings) {
    if (b.symbol == symbol)
      return &b;
  }
  return nullptr;
}

std::string nnrt::checkInput(const nnrt_arg_info &info, const nnrt_tensor &t,
                              const std::string &file, Bindings &bindings) {
  std::string expected = typeString(info);
  if (!matchesStatic(info, t)) {
    std::string any;
    for (const std::string &dim : dynamicDims(info))
      any += (any.empty() ? " (" : ", ") + dim;
    any += any.empty() ? "" : " any)";
    return format("%s: expected %s%s, found %s", file.c_str(), expected.c_str(),
                  any.c_str(), tensorType(t).c_str());
  }
  for (int32_t d = 0; d < info.rank; ++d) {
    if (!info.dim_names[d])
      continue;
    const Binding *b = findBinding(bindings, info.dim_names[d]);
    if (!b) {
      bindings.push_back({info.dim_names[d], file, t.shape[d]});
    } else if (b->size != t.shape[d]) {
      return format("%s: expected %s with %s = %lld (as in %s), found %s",
                    file.c_str(), expected.c_str(), b->symbol.c_str(),
                    (long long)b->size, b->file.c_str(), tensorType(t).c_str());
    }
  }
  return "";
}

int nnrt::bindInputs(const nnrt_model_info &model,
                     const std::vector<std::string> &files, TensorSet &args,
                     Bindings &bindings) {
  size_t k = 0;
  for (size_t i = 0; i < model.n_args; ++i) {
    if (model.args[i].role != NNRT_ROLE_INPUT)
      continue;
    const std::string &file = files[k++];
    nnrt_tensor t;
    if (nnrt_npy_read(file.c_str(), &t))
      return reportError();
    args.adopt(i, t);
    std::string error = checkInput(model.args[i], t, file, bindings);
    if (!error.empty()) {
      printError(error);
      return kExitInput;
    }
  }
  return kExitOk;
}

int nnrt::initParams(const nnrt_model_info &model, uint64_t seed,
                     TensorSet &args) {
  args.resize(model.n_args);
  for (size_t i = 0; i < model.n_args; ++i) {
    if (model.args[i].role == NNRT_ROLE_INPUT)
      continue;
    nnrt_tensor t;
    if (nnrt_status s = nnrt_init_param(&model.args[i], seed, &t))
      return s == NNRT_ERR_NOMEM ? reportError()
                                 : internalError(nnrt_last_error());
    args.adopt(i, t);
  }
  return kExitOk;
}

static bool isNamedIn(const nnrt_arg_info *args, size_t n, const char *name) {
  for (size_t i = 0; i < n; ++i) {
    if (args[i].role != NNRT_ROLE_INPUT && args[i].role != NNRT_ROLE_LABEL &&
        !std::strcmp(args[i].name, name))
      return true;
  }
  return false;
}

/// Whether \p name may be in a checkpoint of \p model: a param or state
/// of the forward, or a tensor of a training checkpoint (see loadParams).
static bool isCheckpointed(const nnrt_model_info &model, const char *name) {
  if (isNamedIn(model.args, model.n_args, name))
    return true;
  const nnrt_train_info *t = model.train;
  if (!std::strcmp(name, "train.step") || std::strchr(name, '/'))
    return true;
  return t && (isNamedIn(t->step.args, t->step.n_args, name) ||
               isNamedIn(t->eval.args, t->eval.n_args, name) ||
               isNamedIn(t->grad.args, t->grad.n_args, name));
}

std::string nnrt::checkCheckpointTensor(const nnrt_arg_info &info,
                                        const nnrt_tensor *t,
                                        const char *path) {
  if (!t)
    return format("%s: no tensor '%s' (expected %s)", path, info.name,
                  typeString(info).c_str());
  if (t->dtype != info.dtype)
    return format("%s: '%s' has dtype %s, expected %s", path, info.name,
                  nnrt_dtype_name(t->dtype), nnrt_dtype_name(info.dtype));
  if (!matchesStatic(info, *t))
    return format("%s: '%s' has shape %s, expected %s", path, info.name,
                  shapeString(t->shape, t->rank).c_str(),
                  shapeString(info.shape, info.rank).c_str());
  return "";
}

int nnrt::loadParams(const nnrt_model_info &model, const char *path,
                     CheckpointHandle &checkpoint, TensorSet &args) {
  if (nnrt_safetensors_read(path, &checkpoint.file))
    return reportError();
  return bindCheckpoint(model, path, checkpoint, args);
}

int nnrt::bindCheckpoint(const nnrt_model_info &model, const char *path,
                         const CheckpointHandle &checkpoint, TensorSet &args) {
  args.resize(model.n_args);
  std::vector<std::string> errors;
  for (size_t i = 0; i < model.n_args; ++i) {
    const nnrt_arg_info &info = model.args[i];
    if (info.role == NNRT_ROLE_INPUT)
      continue;
    const nnrt_tensor *t = nnrt_st_get(checkpoint.file, info.name);
    std::string error = checkCheckpointTensor(info, t, path);
    if (!error.empty())
      errors.push_back(error);
    else
      args.borrow(i, *t);
  }
  for (size_t i = 0; i < nnrt_st_count(checkpoint.file); ++i) {
    const char *name = nnrt_st_name(checkpoint.file, i);
    if (!isCheckpointed(model, name))
      errors.push_back(format("%s: unexpected tensor '%s'", path, name));
  }
  for (const std::string &error : errors)
    printError(error);
  return errors.empty() ? kExitOk : kExitInput;
}

/// Whether \p t has \p info's static dims and the sizes \p bindings gives
/// its named dims.
static bool matchesResult(const nnrt_arg_info &info, const nnrt_tensor &t,
                          const Bindings &bindings) {
  if (!matchesStatic(info, t))
    return false;
  for (int32_t d = 0; d < info.rank; ++d) {
    const Binding *b =
        info.dim_names[d] ? findBinding(bindings, info.dim_names[d]) : nullptr;
    if (b && b->size != t.shape[d])
      return false;
  }
  return true;
}

/// What MLIR's memref.get_global lowering stores as `allocated`, so that
/// freeing a global fails loudly; a global must not be freed at all.
static void *const kGlobalMarker = reinterpret_cast<void *>(0xdeadbeef);

/// Frees each result's buffer once, skipping any that is an argument's
/// (generated code may return an argument, or one buffer twice) or a global.
static void freeResults(const std::vector<void *> &allocated,
                        const TensorSet &args) {
  std::vector<void *> freed;
  for (void *ptr : allocated) {
    bool skip = !ptr || ptr == kGlobalMarker;
    for (const nnrt_tensor &t : args.tensors)
      skip = skip || t.data == ptr;
    for (void *f : freed)
      skip = skip || f == ptr;
    if (skip)
      continue;
    freed.push_back(ptr);
    _mlir_memref_to_llvm_free(ptr);
  }
}

int nnrt::callForward(const nnrt_model_info &model, nnrt_forward_fn forward,
                      TensorSet &args, const Bindings &bindings,
                      TensorSet &results) {
  std::vector<std::vector<int64_t>> argDescs(model.n_args);
  std::vector<void *> packed(1 + model.n_args);
  for (size_t i = 0; i < model.n_args; ++i) {
    argDescs[i].resize(nnrt_memref_size(model.args[i].rank) / 8);
    nnrt_memref_from_tensor(&args.tensors[i], argDescs[i].data());
    packed[1 + i] = argDescs[i].data();
  }
  size_t resultWords = 0;
  for (size_t i = 0; i < model.n_results; ++i)
    resultWords += nnrt_memref_size(model.results[i].rank) / 8;
  std::vector<int64_t> resultDescs(resultWords ? resultWords : 1, 0);
  packed[0] = resultDescs.data();
  nnrt_begin_run();
  forward(packed.data());

  results.resize(model.n_results);
  std::vector<void *> allocated;
  nnrt_status status = NNRT_OK;
  std::string error;
  const int64_t *desc = resultDescs.data();
  for (size_t i = 0; i < model.n_results; ++i) {
    const nnrt_arg_info &info = model.results[i];
    const int64_t *thisDesc = desc;
    desc += nnrt_memref_size(info.rank) / 8;
    allocated.push_back(nnrt_memref_allocated(thisDesc));
    nnrt_tensor t;
    if (status ||
        (status = nnrt_tensor_from_memref(thisDesc, info.rank, info.dtype, &t)))
      continue; // still collect the remaining buffers to free them
    results.adopt(i, t);
    if (error.empty() && !matchesResult(info, t, bindings))
      error = format("result '%s' is %s, expected %s", info.name,
                     tensorType(t).c_str(), typeString(info).c_str());
  }
  freeResults(allocated, args);
  if (status == NNRT_ERR_NOMEM)
    return reportError();
  if (status)
    return internalError(nnrt_last_error());
  return error.empty() ? kExitOk : internalError(error);
}
