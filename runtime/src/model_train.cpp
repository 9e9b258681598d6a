//===- model_train.cpp - Parsing the descriptor's train section -----------===//
//
// The "train" member of the model descriptor (abi.h): the defaults of `prog
// train` and the three training functions, each an args and a results list
// whose roles are checked against what that function may take and return.
// Like the rest of the descriptor it is the compiler's output, so every
// inconsistency (an unknown key, a result without its arg, a param whose
// type differs between functions, a param without its gradient) is an
// NNRT_ERR_FORMAT that the driver reports as an internal error.
//
//===----------------------------------------------------------------------===//

#include "model_parse.h"
#include "status.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace nnrt;
using namespace nnrt::desc;
using Kind = json::Value::Kind;

namespace {
/// Which training function an FN is.
enum FnKind { kStepFn, kEvalFn, kGradFn };
} // namespace

static const char *const kFnNames[] = {"step", "eval", "grad"};

/// Each FnKind's member of nnrt_train_info.
static nnrt_fn_info nnrt_train_info::*const kFns[] = {
    &nnrt_train_info::step, &nnrt_train_info::eval, &nnrt_train_info::grad};

static nnrt_status outOfMemory() {
  return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
}

static nnrt_status getInt(const std::string &where, const json::Value &v,
                          const char *key, int64_t min, int64_t &out) {
  const json::Value *item = v.find(key);
  if (!item)
    return bad(where, "lacks \"%s\"", key);
  if (item->kind != Kind::Int || item->integer < min)
    return bad(where, "\"%s\" must be an integer >= %lld", key,
               static_cast<long long>(min));
  out = item->integer;
  return NNRT_OK;
}

static nnrt_status getObject(const std::string &where, const json::Value &v,
                             const char *key, const json::Value *&out) {
  out = v.find(key);
  if (!out)
    return bad(where, "lacks \"%s\"", key);
  if (out->kind != Kind::Object)
    return bad(where, "\"%s\" is %s, expected an object", key,
               json::kindName(out->kind));
  return NNRT_OK;
}

/// A number in (0, 1): the fraction of a csv or npy file held out.
static nnrt_status getFraction(const char *where, const json::Value &v,
                               const char *key, double &out) {
  const json::Value *item = v.find(key);
  if (!item)
    return bad(where, "lacks \"%s\"", key);
  if (!item->isNumber() || !(item->asDouble() > 0 && item->asDouble() < 1))
    return bad(where, "\"%s\" must be a number in (0, 1)", key);
  out = item->asDouble();
  return NNRT_OK;
}

/// "kind" and that kind's keys: idx "dir"; csv "path", "label", "classes",
/// "test"; npy "x", "y", "test".
static nnrt_status parseData(const json::Value &train, nnrt_train_info &t) {
  const json::Value *data;
  std::string kind, dir, y, label;
  const char *where = "train: data";
  if (nnrt_status s = getObject("train", train, "data", data))
    return s;
  if (nnrt_status s = getString(where, *data, "kind", kind))
    return s;
  if (kind == "idx") {
    if (nnrt_status s = checkKeys(where, *data, {"kind", "dir"}))
      return s;
    if (nnrt_status s = getString(where, *data, "dir", dir))
      return s;
  } else if (kind == "csv") {
    int64_t classes = 0;
    if (nnrt_status s = checkKeys(where, *data,
                                  {"kind", "path", "label", "classes", "test"}))
      return s;
    if (nnrt_status s = getString(where, *data, "path", dir))
      return s;
    if (nnrt_status s = getString(where, *data, "label", label))
      return s;
    if (nnrt_status s = getInt(where, *data, "classes", 0, classes))
      return s;
    if (classes > 1)
      return bad(where, "\"classes\" must be 0 or 1");
    t.data_classes = static_cast<int32_t>(classes);
    if (!(t.data_label = copyString(label)))
      return outOfMemory();
  } else if (kind == "npy") {
    if (nnrt_status s = checkKeys(where, *data, {"kind", "x", "y", "test"}))
      return s;
    if (nnrt_status s = getString(where, *data, "x", dir))
      return s;
    if (nnrt_status s = getString(where, *data, "y", y))
      return s;
    if (!(t.data_y = copyString(y)))
      return outOfMemory();
  } else {
    return bad(where, "kind '%s' is not 'idx', 'csv' or 'npy'", kind.c_str());
  }
  if (kind != "idx") {
    if (nnrt_status s = getFraction(where, *data, "test", t.data_test))
      return s;
  }
  if (!(t.data_kind = copyString(kind)) || !(t.data_dir = copyString(dir)))
    return outOfMemory();
  return NNRT_OK;
}

/// "name", an optional "lr" > 0, and any other numbers as hyperparameters.
static nnrt_status parseOptimizer(const json::Value &train,
                                  nnrt_train_info &t) {
  const json::Value *opt;
  std::string name;
  if (nnrt_status s = getObject("train", train, "optimizer", opt))
    return s;
  if (nnrt_status s = getString("train: optimizer", *opt, "name", name))
    return s;
  if (!(t.optimizer = copyString(name)))
    return outOfMemory();
  t.hparams = static_cast<nnrt_hparam *>(
      std::calloc(opt->keys.size() + 1, sizeof(nnrt_hparam)));
  if (!t.hparams)
    return outOfMemory();
  for (size_t i = 0; i < opt->keys.size(); ++i) {
    const std::string &key = opt->keys[i];
    const json::Value &value = opt->items[i];
    if (key == "name")
      continue;
    if (!value.isNumber())
      return bad("train: optimizer", "\"%s\" is %s, expected a number",
                 key.c_str(), json::kindName(value.kind));
    if (key == "lr") {
      t.has_lr = 1;
      t.lr = value.asDouble();
      if (!(t.lr > 0))
        return bad("train: optimizer", "\"lr\" must be > 0, not %g", t.lr);
      continue;
    }
    nnrt_hparam &h = t.hparams[t.n_hparams++];
    h.value = value.asDouble();
    if (!(h.name = copyString(key)))
      return outOfMemory();
  }
  return NNRT_OK;
}

/// The optional "schedule": a kind and exactly that kind's settings, each
/// within its range.
static nnrt_status parseSchedule(const json::Value &train,
                                 nnrt_train_info &t) {
  const json::Value *v = train.find("schedule");
  if (!v)
    return NNRT_OK;
  if (v->kind != Kind::Object)
    return bad("train", "\"schedule\" is %s, expected an object",
               json::kindName(v->kind));
  std::string kind;
  if (nnrt_status s = getString("train: schedule", *v, "kind", kind))
    return s;
  struct Setting {
    const char *key;
    double *out;
    double min;
    bool minExclusive;
  };
  nnrt_schedule &sc = t.schedule;
  std::vector<Setting> settings;
  if (kind == "cosine") {
    sc.kind = NNRT_SCHEDULE_COSINE;
    settings = {{"warmup", &sc.warmup, 0, false},
                {"final", &sc.final_factor, 0, false}};
  } else if (kind == "step_decay") {
    sc.kind = NNRT_SCHEDULE_STEP_DECAY;
    settings = {{"every", &sc.every, 0, true},
                {"gamma", &sc.gamma, 0, true},
                {"warmup", &sc.warmup, 0, false}};
  } else if (kind == "warmup") {
    sc.kind = NNRT_SCHEDULE_WARMUP;
    settings = {{"epochs", &sc.warmup, 0, true}};
  } else {
    return bad("train: schedule", "unknown kind '%s'", kind.c_str());
  }
  for (const std::string &key : v->keys) {
    bool known = key == "kind";
    for (const Setting &s : settings)
      known |= key == s.key;
    if (!known)
      return bad("train: schedule", "unknown key \"%s\" for kind '%s'",
                 key.c_str(), kind.c_str());
  }
  for (const Setting &s : settings) {
    const json::Value *item = v->find(s.key);
    if (!item || !item->isNumber())
      return bad("train: schedule", "\"%s\" must be a number", s.key);
    *s.out = item->asDouble();
    bool ok = s.minExclusive ? *s.out > s.min : *s.out >= s.min;
    if (!ok || !std::isfinite(*s.out))
      return bad("train: schedule", "\"%s\" must be %s %g, not %g", s.key,
                 s.minExclusive ? ">" : ">=", s.min, *s.out);
  }
  if (sc.kind == NNRT_SCHEDULE_COSINE && sc.final_factor > 1)
    return bad("train: schedule", "\"final\" must be <= 1, not %g",
               sc.final_factor);
  return NNRT_OK;
}

/// The optional "clip_norm", a number > 0.
static nnrt_status parseClipNorm(const json::Value &train,
                                 nnrt_train_info &t) {
  const json::Value *v = train.find("clip_norm");
  if (!v)
    return NNRT_OK;
  if (!v->isNumber() || !(v->asDouble() > 0))
    return bad("train", "\"clip_norm\" must be a number > 0");
  t.clip_norm = v->asDouble();
  return NNRT_OK;
}

/// The optional "augment": integers "crop" >= 0 and "flip" 0 or 1.
static nnrt_status parseAugment(const json::Value &train,
                                nnrt_train_info &t) {
  const json::Value *v = train.find("augment");
  if (!v)
    return NNRT_OK;
  if (v->kind != Kind::Object)
    return bad("train", "\"augment\" is %s, expected an object",
               json::kindName(v->kind));
  if (nnrt_status s = checkKeys("train: augment", *v, {"crop", "flip"}))
    return s;
  if (v->find("crop")) {
    if (nnrt_status s = getInt("train: augment", *v, "crop", 0, t.augment_crop))
      return s;
  }
  if (const json::Value *flip = v->find("flip")) {
    if (flip->kind != Kind::Int || (flip->integer != 0 && flip->integer != 1))
      return bad("train: augment", "\"flip\" must be 0 or 1");
    t.augment_flip = static_cast<int32_t>(flip->integer);
  }
  return NNRT_OK;
}

/// Whether role \p role may be an arg of \p fn.
static bool argRoleAllowed(FnKind fn, nnrt_role role) {
  switch (role) {
  case NNRT_ROLE_PARAM:
  case NNRT_ROLE_STATE:
  case NNRT_ROLE_INPUT:
  case NNRT_ROLE_LABEL:
    return true;
  case NNRT_ROLE_OPT_STATE:
  case NNRT_ROLE_STEP:
  case NNRT_ROLE_LR:
    return fn == kStepFn;
  default:
    return false;
  }
}

/// Whether role \p role may be a result of \p fn after the loss.
static bool resultRoleAllowed(FnKind fn, nnrt_role role) {
  switch (role) {
  case NNRT_ROLE_PARAM:
  case NNRT_ROLE_OPT_STATE:
    return fn == kStepFn;
  case NNRT_ROLE_STATE:
    return fn != kEvalFn;
  case NNRT_ROLE_METRIC:
    return fn != kGradFn;
  case NNRT_ROLE_GRAD:
    return fn == kGradFn;
  default:
    return false;
  }
}

static bool isScalar(const nnrt_arg_info &a, nnrt_dtype dtype) {
  return a.dtype == dtype && a.rank == 0;
}

/// The batch and label args: dim 0 dynamic, the rest static.
static bool isBatched(const nnrt_arg_info &a) {
  if (a.rank < 1 || a.shape[0] != -1)
    return false;
  for (int32_t d = 1; d < a.rank; ++d) {
    if (a.shape[d] < 0)
      return false;
  }
  return true;
}

/// The checks on one FN arg beyond its list's (role, type, initializer).
static nnrt_status checkFnArg(const std::string &where, FnKind fn,
                              const nnrt_arg_info &a) {
  if (!argRoleAllowed(fn, a.role))
    return bad(where, "the %s function takes no %s arg", kFnNames[fn],
               roleSpelling(a.role));
  switch (a.role) {
  case NNRT_ROLE_OPT_STATE:
    if (!std::strchr(a.name, '/'))
      return bad(where, "an opt_state's name must hold a '/'");
    if (a.init.kind != NNRT_INIT_ZEROS)
      return bad(where, "an opt_state's init must be zeros");
    return NNRT_OK;
  case NNRT_ROLE_STEP:
  case NNRT_ROLE_LR:
    return isScalar(a, NNRT_F32) ? NNRT_OK
                                 : bad(where, "must be F32 with shape []");
  case NNRT_ROLE_INPUT:
    return a.dtype == NNRT_F32 && a.rank >= 2 && isBatched(a)
               ? NNRT_OK
               : bad(where, "the input must be F32 [B, ...] with rank >= 2 "
                            "and only dim 0 dynamic");
  case NNRT_ROLE_LABEL:
    return isBatched(a) && ((a.dtype == NNRT_I32 && a.rank == 1) ||
                            a.dtype == NNRT_F32)
               ? NNRT_OK
               : bad(where, "the label must be I32 [B] or F32 [B, ...]");
  default:
    return NNRT_OK;
  }
}

/// The arg of \p fn with role \p role and name \p name, or NULL.
static const nnrt_arg_info *findArg(const nnrt_fn_info &fn, nnrt_role role,
                                    const char *name) {
  for (size_t i = 0; i < fn.n_args; ++i) {
    if (fn.args[i].role == role && !std::strcmp(fn.args[i].name, name))
      return &fn.args[i];
  }
  return nullptr;
}

static size_t countRole(const nnrt_arg_info *list, size_t n, nnrt_role role) {
  size_t count = 0;
  for (size_t i = 0; i < n; ++i)
    count += list[i].role == role;
  return count;
}

static nnrt_status checkUnique(const std::string &where, const char *what,
                               const nnrt_arg_info *list, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!std::strcmp(list[i].name, list[j].name))
        return bad(format("%s: %s[%zu]", where.c_str(), what, i),
                   "duplicate name '%s'", list[i].name);
    }
  }
  return NNRT_OK;
}

static nnrt_status checkFnArgs(const std::string &where, FnKind fnKind,
                               const nnrt_fn_info &fn,
                               const nnrt_train_info &t) {
  if (nnrt_status s = checkUnique(where, "args", fn.args, fn.n_args))
    return s;
  for (size_t i = 0; i < fn.n_args; ++i) {
    std::string argWhere =
        format("%s: args[%zu] ('%s')", where.c_str(), i, fn.args[i].name);
    if (nnrt_status s = checkFnArg(argWhere, fnKind, fn.args[i]))
      return s;
  }
  const nnrt_arg_info *list = fn.args;
  if (countRole(list, fn.n_args, NNRT_ROLE_INPUT) != 1 ||
      countRole(list, fn.n_args, NNRT_ROLE_LABEL) != 1)
    return bad(where, "needs exactly one input and one label arg");
  if (countRole(list, fn.n_args, NNRT_ROLE_STEP) > 1)
    return bad(where, "has more than one step arg");
  size_t lrs = countRole(list, fn.n_args, NNRT_ROLE_LR);
  if (fnKind == kStepFn && lrs != (t.has_lr ? 1u : 0u))
    return bad(where, "needs %s lr arg, as the optimizer %s \"lr\"",
               t.has_lr ? "one" : "no", t.has_lr ? "has" : "has no");
  return NNRT_OK;
}

/// The result \p r of \p fn after the loss: its role, and the arg it is
/// the new value or the gradient of.
static nnrt_status checkFnResult(const std::string &where, FnKind fnKind,
                                 const nnrt_fn_info &fn,
                                 const nnrt_arg_info &r) {
  if (r.role == NNRT_ROLE_LOSS)
    return bad(where, "the loss must be results[0], and only it");
  if (!resultRoleAllowed(fnKind, r.role))
    return bad(where, "the %s function returns no %s result", kFnNames[fnKind],
               roleSpelling(r.role));
  if (r.role == NNRT_ROLE_METRIC)
    return isScalar(r, NNRT_F32) ? NNRT_OK
                                 : bad(where, "a metric must be F32 []");
  nnrt_role argRole = r.role == NNRT_ROLE_GRAD ? NNRT_ROLE_PARAM : r.role;
  const nnrt_arg_info *arg = findArg(fn, argRole, r.name);
  if (!arg)
    return bad(where, "no %s arg of this name", roleSpelling(argRole));
  if (r.role == NNRT_ROLE_GRAD && r.dtype != NNRT_F32)
    return bad(where, "a grad must be F32");
  if (r.role == NNRT_ROLE_GRAD
          ? std::memcmp(r.shape, arg->shape, sizeof(int64_t) * r.rank) ||
                r.rank != arg->rank
          : !sameType(*arg, r))
    return bad(where, "dtype or shape differs from the arg's");
  return NNRT_OK;
}

static nnrt_status checkFnResults(const std::string &where, FnKind fnKind,
                                  const nnrt_fn_info &fn) {
  if (nnrt_status s = checkUnique(where, "results", fn.results, fn.n_results))
    return s;
  if (fn.n_results == 0 || fn.results[0].role != NNRT_ROLE_LOSS ||
      !isScalar(fn.results[0], NNRT_F32))
    return bad(where, "results[0] must be the loss, F32 []");
  for (size_t i = 1; i < fn.n_results; ++i) {
    std::string resultWhere =
        format("%s: results[%zu] ('%s')", where.c_str(), i, fn.results[i].name);
    if (nnrt_status s = checkFnResult(resultWhere, fnKind, fn, fn.results[i]))
      return s;
  }
  return NNRT_OK;
}

static nnrt_status parseFn(const json::Value &train, FnKind fnKind,
                           nnrt_train_info &t) {
  nnrt_fn_info &fn = t.*kFns[fnKind];
  std::string where = std::string("train: ") + kFnNames[fnKind];
  const json::Value *v;
  if (nnrt_status s = getObject("train", train, kFnNames[fnKind], v))
    return s;
  if (nnrt_status s = checkKeys(where, *v, {"args", "results"}))
    return s;
  if (nnrt_status s = parseList(where, *v, kFnArgs, fn.args, fn.n_args))
    return s;
  if (nnrt_status s =
          parseList(where, *v, kFnResults, fn.results, fn.n_results))
    return s;
  for (size_t i = 0; i < fn.n_results; ++i) {
    for (int32_t d = 0; d < fn.results[i].rank; ++d) {
      if (fn.results[i].shape[d] < 0)
        return bad(format("%s: results[%zu] ('%s')", where.c_str(), i,
                          fn.results[i].name),
                   "a train function's results must have static shapes");
    }
  }
  if (nnrt_status s = checkFnArgs(where, fnKind, fn, t))
    return s;
  return checkFnResults(where, fnKind, fn);
}

/// Whether two persistent args of one name agree in everything.
static bool samePersistent(const nnrt_arg_info &a, const nnrt_arg_info &b) {
  return a.role == b.role && sameType(a, b) && a.init.kind == b.init.kind &&
         a.init.value == b.init.value && a.init.std == b.init.std &&
         a.init.lo == b.init.lo && a.init.hi == b.init.hi &&
         a.init.a == b.init.a && a.fan_in == b.fan_in && a.fan_out == b.fan_out;
}

/// Every param, state and opt_state of one name, wherever listed, is the
/// same tensor.
static nnrt_status checkPersistent(const nnrt_model_info &m) {
  std::vector<std::pair<std::string, const nnrt_arg_info *>> seen;
  auto visit = [&](const std::string &where, const nnrt_arg_info *list,
                   size_t n) {
    for (size_t i = 0; i < n; ++i) {
      if (list[i].role == NNRT_ROLE_INPUT || list[i].role == NNRT_ROLE_LABEL ||
          list[i].role == NNRT_ROLE_STEP || list[i].role == NNRT_ROLE_LR)
        continue;
      for (const auto &[first, arg] : seen) {
        if (!std::strcmp(arg->name, list[i].name) &&
            !samePersistent(*arg, list[i]))
          return bad(format("%s[%zu] ('%s')", where.c_str(), i, list[i].name),
                     "role, dtype, shape or init differs from %s",
                     first.c_str());
      }
      seen.push_back({format("%s[%zu]", where.c_str(), i), &list[i]});
    }
    return NNRT_OK;
  };
  if (nnrt_status s = visit("args", m.args, m.n_args))
    return s;
  for (FnKind k : {kStepFn, kEvalFn, kGradFn}) {
    const nnrt_fn_info &fn = m.train->*kFns[k];
    std::string where = std::string("train: ") + kFnNames[k] + ": args";
    if (nnrt_status s = visit(where, fn.args, fn.n_args))
      return s;
  }
  return NNRT_OK;
}

nnrt_status nnrt::desc::parseTrain(const json::Value &v, nnrt_model_info &m) {
  if (nnrt_status s = checkKeys("train", v,
                                {"name", "batch", "epochs", "seed", "data",
                                 "optimizer", "schedule", "clip_norm",
                                 "augment", "samples", "step", "eval",
                                 "grad"}))
    return s;
  m.train =
      static_cast<nnrt_train_info *>(std::calloc(1, sizeof(nnrt_train_info)));
  if (!m.train)
    return outOfMemory();
  nnrt_train_info &t = *m.train;
  std::string name;
  int64_t seed = 0;
  if (nnrt_status s = getString("train", v, "name", name))
    return s;
  if (!(t.name = copyString(name)))
    return outOfMemory();
  if (nnrt_status s = getInt("train", v, "batch", 1, t.batch))
    return s;
  if (nnrt_status s = getInt("train", v, "epochs", 1, t.epochs))
    return s;
  if (nnrt_status s = getInt("train", v, "seed", 0, seed))
    return s;
  t.seed = static_cast<uint64_t>(seed);
  if (nnrt_status s = parseData(v, t))
    return s;
  if (nnrt_status s = parseOptimizer(v, t))
    return s;
  if (nnrt_status s = parseSchedule(v, t))
    return s;
  if (nnrt_status s = parseClipNorm(v, t))
    return s;
  if (nnrt_status s = parseAugment(v, t))
    return s;
  if (v.find("samples")) {
    if (nnrt_status s = getInt("train", v, "samples", 1, t.samples))
      return s;
  }
  for (FnKind k : {kStepFn, kEvalFn, kGradFn}) {
    if (nnrt_status s = parseFn(v, k, t))
      return s;
  }
  return checkPersistent(m);
}

static void freeFn(nnrt_fn_info &fn) {
  freeInfos(fn.args, fn.n_args);
  freeInfos(fn.results, fn.n_results);
}

void nnrt::desc::freeTrain(nnrt_train_info *train) {
  if (!train)
    return;
  for (const char *s :
       {train->name, train->data_kind, train->data_dir, train->data_y,
        train->data_label, train->optimizer})
    std::free(const_cast<char *>(s));
  for (size_t i = 0; i < train->n_hparams; ++i)
    std::free(const_cast<char *>(train->hparams[i].name));
  std::free(train->hparams);
  freeFn(train->step);
  freeFn(train->eval);
  freeFn(train->grad);
  std::free(train);
}
