//===- model.cpp - Parsing and validating the model descriptor ------------===//
//
// nnrt_model_parse: the JSON text the compiler embeds in every program (see
// abi.h for its grammar) into an nnrt_model_info. The descriptor is the
// compiler's output, not the user's, so it is checked as strictly as the
// checkpoint reader checks its header: every key known, every required key
// present, shapes and initializers consistent with the roles, state results
// matching their state args. A violation is a compiler bug, which the
// driver reports as an internal error. The train section is parsed by
// model_train.cpp with the helpers declared in model_parse.h.
//
//===----------------------------------------------------------------------===//

#include "nnrt/abi.h"

#include "json.h"
#include "model_parse.h"
#include "status.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>

using namespace nnrt;
using namespace nnrt::desc;
using Kind = json::Value::Kind;

static const struct {
  const char *name;
  nnrt_dtype dtype;
} kDtypes[] = {{"F32", NNRT_F32},   {"F64", NNRT_F64},  {"F16", NNRT_F16},
               {"BF16", NNRT_BF16}, {"I32", NNRT_I32},  {"I64", NNRT_I64},
               {"U8", NNRT_U8},     {"BOOL", NNRT_BOOL}};

/// Each initializer with the numbers it takes.
static const struct {
  const char *name;
  nnrt_init_kind kind;
  const char *keys[2];
} kInits[] = {
    {"zeros", NNRT_INIT_ZEROS, {}},
    {"ones", NNRT_INIT_ONES, {}},
    {"constant", NNRT_INIT_CONSTANT, {"value"}},
    {"normal", NNRT_INIT_NORMAL, {"std"}},
    {"uniform", NNRT_INIT_UNIFORM, {"lo", "hi"}},
    {"glorot_uniform", NNRT_INIT_GLOROT_UNIFORM, {}},
    {"glorot_normal", NNRT_INIT_GLOROT_NORMAL, {}},
    {"kaiming_uniform", NNRT_INIT_KAIMING_UNIFORM, {"a"}},
    {"kaiming_normal", NNRT_INIT_KAIMING_NORMAL, {"a"}},
};

/// Each role's spelling, and the lists it may appear in (a bit per
/// ListKind).
static const struct {
  const char *name;
  nnrt_role role;
  unsigned lists;
} kRoles[] = {
    {"input", NNRT_ROLE_INPUT, 1 << kForwardArgs | 1 << kFnArgs},
    {"param", NNRT_ROLE_PARAM,
     1 << kForwardArgs | 1 << kFnArgs | 1 << kFnResults},
    {"output", NNRT_ROLE_OUTPUT, 1 << kForwardResults},
    {"state", NNRT_ROLE_STATE,
     1 << kForwardArgs | 1 << kForwardResults | 1 << kFnArgs | 1 << kFnResults},
    {"opt_state", NNRT_ROLE_OPT_STATE, 1 << kFnArgs | 1 << kFnResults},
    {"step", NNRT_ROLE_STEP, 1 << kFnArgs},
    {"lr", NNRT_ROLE_LR, 1 << kFnArgs},
    {"label", NNRT_ROLE_LABEL, 1 << kFnArgs},
    {"loss", NNRT_ROLE_LOSS, 1 << kFnResults},
    {"metric", NNRT_ROLE_METRIC, 1 << kFnResults},
    {"grad", NNRT_ROLE_GRAD, 1 << kFnResults},
};

const char *nnrt::desc::roleSpelling(nnrt_role role) {
  for (const auto &entry : kRoles) {
    if (entry.role == role)
      return entry.name;
  }
  return "?";
}

nnrt_status nnrt::desc::bad(const std::string &where, const char *fmt, ...) {
  char message[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(message, sizeof(message), fmt, args);
  va_end(args);
  return fail(NNRT_ERR_FORMAT, "model descriptor: %s%s%s", where.c_str(),
              where.empty() ? "" : ": ", message);
}

char *nnrt::desc::copyString(const std::string &s) {
  char *copy = static_cast<char *>(std::malloc(s.size() + 1));
  if (copy)
    std::memcpy(copy, s.c_str(), s.size() + 1);
  return copy;
}

nnrt_status nnrt::desc::checkKeys(const std::string &where,
                                  const json::Value &v,
                                  std::initializer_list<const char *> allowed) {
  if (v.kind != Kind::Object)
    return bad(where, "is %s, expected an object", json::kindName(v.kind));
  for (const std::string &key : v.keys) {
    bool known = false;
    for (const char *a : allowed)
      known = known || key == a;
    if (!known)
      return bad(where, "unexpected key \"%s\"", key.c_str());
  }
  return NNRT_OK;
}

nnrt_status nnrt::desc::getString(const std::string &where,
                                  const json::Value &v, const char *key,
                                  std::string &out) {
  const json::Value *item = v.find(key);
  if (!item)
    return bad(where, "lacks \"%s\"", key);
  if (item->kind != Kind::String || item->string.empty())
    return bad(where, "\"%s\" must be a non-empty string", key);
  out = item->string;
  return NNRT_OK;
}

static nnrt_status parseShape(const std::string &where, const json::Value &v,
                              bool mayBeDynamic, nnrt_arg_info &out) {
  const json::Value *shape = v.find("shape");
  if (!shape)
    return bad(where, "lacks \"shape\"");
  if (shape->kind != Kind::Array || shape->items.size() > NNRT_MAX_RANK)
    return bad(where, "\"shape\" must be an array of at most %d dims",
               NNRT_MAX_RANK);
  out.rank = static_cast<int32_t>(shape->items.size());
  for (int32_t d = 0; d < out.rank; ++d) {
    const json::Value &dim = shape->items[d];
    bool dynamic = (dim.kind == Kind::Int && dim.integer == -1) ||
                   (dim.kind == Kind::String && !dim.string.empty());
    if (dynamic && !mayBeDynamic)
      return bad(where,
                 "shape dim %d is dynamic, which only inputs and "
                 "results may be",
                 d);
    if (!dynamic && (dim.kind != Kind::Int || dim.integer < 0))
      return bad(where, "shape dim %d must be a size >= 0, -1 or a symbol", d);
    out.shape[d] = dynamic ? -1 : dim.integer;
    if (dim.kind == Kind::String &&
        !(out.dim_names[d] = copyString(dim.string)))
      return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
  }
  return NNRT_OK;
}

static nnrt_status getNumber(const std::string &where, const json::Value &v,
                             const char *key, double fallback, double &out) {
  const json::Value *item = v.find(key);
  out = fallback;
  if (!item)
    return NNRT_OK;
  if (!item->isNumber())
    return bad(where, "\"%s\" is %s, expected a number", key,
               json::kindName(item->kind));
  out = item->asDouble();
  return NNRT_OK;
}

static nnrt_status parseInitNumbers(const std::string &where,
                                    const json::Value &v, nnrt_init_spec &out) {
  if (out.kind == NNRT_INIT_CONSTANT && !v.find("value"))
    return bad(where, "constant initializer lacks \"value\"");
  if (nnrt_status s = getNumber(where, v, "value", 0, out.value))
    return s;
  if (nnrt_status s = getNumber(where, v, "std", 1, out.std))
    return s;
  if (nnrt_status s = getNumber(where, v, "lo", 0, out.lo))
    return s;
  if (nnrt_status s = getNumber(where, v, "hi", 1, out.hi))
    return s;
  if (nnrt_status s = getNumber(where, v, "a", 0, out.a))
    return s;
  if (out.kind != NNRT_INIT_NORMAL)
    out.std = 0;
  if (out.kind != NNRT_INIT_UNIFORM)
    out.hi = 0;
  if (out.std < 0)
    return bad(where, "normal initializer has std %g < 0", out.std);
  if (out.lo > out.hi)
    return bad(where, "uniform initializer has lo %g > hi %g", out.lo, out.hi);
  return NNRT_OK;
}

static nnrt_status parseInit(const std::string &where, const json::Value &arg,
                             nnrt_arg_info &out) {
  const json::Value *init = arg.find("init");
  if (!init)
    return bad(where, "lacks \"init\"");
  std::string name;
  std::string initWhere = where + ": init";
  if (init->kind != Kind::Object)
    return bad(initWhere, "is %s, expected an object",
               json::kindName(init->kind));
  if (nnrt_status s = getString(initWhere, *init, "name", name))
    return s;
  for (const auto &entry : kInits) {
    if (name != entry.name)
      continue;
    const char *k0 = entry.keys[0] ? entry.keys[0] : "name";
    const char *k1 = entry.keys[1] ? entry.keys[1] : "name";
    if (nnrt_status s = checkKeys(initWhere, *init, {"name", k0, k1}))
      return s;
    out.init.kind = entry.kind;
    return parseInitNumbers(initWhere, *init, out.init);
  }
  return bad(initWhere, "unknown initializer '%s'", name.c_str());
}

static nnrt_status getFan(const std::string &where, const json::Value &arg,
                          const char *key, int64_t &out) {
  const json::Value *item = arg.find(key);
  out = 0;
  if (!item)
    return NNRT_OK;
  if (item->kind != Kind::Int || item->integer < 0)
    return bad(where, "\"%s\" must be an integer >= 0", key);
  out = item->integer;
  return NNRT_OK;
}

/// The checks between an initializer, the dtype and the fans.
static nnrt_status checkInit(const std::string &where,
                             const nnrt_arg_info &out) {
  nnrt_init_kind kind = out.init.kind;
  if (kind != NNRT_INIT_ZEROS && out.dtype != NNRT_F32)
    return bad(where, "initializer needs dtype F32, not %s",
               nnrt_dtype_name(out.dtype));
  bool glorot =
      kind == NNRT_INIT_GLOROT_UNIFORM || kind == NNRT_INIT_GLOROT_NORMAL;
  bool kaiming =
      kind == NNRT_INIT_KAIMING_UNIFORM || kind == NNRT_INIT_KAIMING_NORMAL;
  if (glorot && out.fan_in + out.fan_out <= 0)
    return bad(where, "glorot initializer needs \"fan_in\" + \"fan_out\" > 0");
  if (kaiming && out.fan_in <= 0)
    return bad(where, "kaiming initializer needs \"fan_in\" > 0");
  return NNRT_OK;
}

static nnrt_status parseRole(const std::string &where, const json::Value &v,
                             ListKind list, nnrt_role &out) {
  std::string role, allowed;
  if (nnrt_status s = getString(where, v, "role", role))
    return s;
  for (const auto &entry : kRoles) {
    if (!(entry.lists & 1u << list))
      continue;
    if (role == entry.name) {
      out = entry.role;
      return NNRT_OK;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(entry.name);
  }
  return bad(where, "role '%s' is not one of %s", role.c_str(),
             allowed.c_str());
}

/// Whether an arg of \p role in an args list carries an initializer.
static bool isInitialized(nnrt_role role) {
  return role == NNRT_ROLE_PARAM || role == NNRT_ROLE_STATE ||
         role == NNRT_ROLE_OPT_STATE;
}

static nnrt_status parseArg(std::string where, const json::Value &v,
                            ListKind list, nnrt_arg_info &out) {
  if (v.kind != Kind::Object)
    return bad(where, "is %s, expected an object", json::kindName(v.kind));
  std::string name, dtype;
  if (nnrt_status s = getString(where, v, "name", name))
    return s;
  where += " ('" + name + "')";
  if (!(out.name = copyString(name)))
    return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
  if (nnrt_status s = parseRole(where, v, list, out.role))
    return s;
  bool isResult = list == kForwardResults || list == kFnResults;
  bool initialized = !isResult && isInitialized(out.role);
  if (nnrt_status s =
          initialized ? checkKeys(where, v,
                                  {"role", "name", "dtype", "shape", "init",
                                   "fan_in", "fan_out"})
                      : checkKeys(where, v, {"role", "name", "dtype", "shape"}))
    return s;
  if (nnrt_status s = getString(where, v, "dtype", dtype))
    return s;
  bool known = false;
  for (const auto &entry : kDtypes) {
    if (dtype == entry.name) {
      out.dtype = entry.dtype;
      known = true;
    }
  }
  if (!known)
    return bad(where, "unknown dtype '%s'", dtype.c_str());
  if (nnrt_status s = parseShape(where, v, !initialized, out))
    return s;
  if (!initialized)
    return NNRT_OK;
  if (nnrt_status s = parseInit(where, v, out))
    return s;
  if (nnrt_status s = getFan(where, v, "fan_in", out.fan_in))
    return s;
  if (nnrt_status s = getFan(where, v, "fan_out", out.fan_out))
    return s;
  return checkInit(where, out);
}

bool nnrt::desc::sameType(const nnrt_arg_info &a, const nnrt_arg_info &b) {
  if (a.dtype != b.dtype || a.rank != b.rank)
    return false;
  return std::memcmp(a.shape, b.shape, sizeof(int64_t) * a.rank) == 0;
}

/// Names unique within \p list; each state result matches its state arg.
static nnrt_status checkNames(const nnrt_model_info &m, bool results) {
  const char *what = results ? "results" : "args";
  size_t n = results ? m.n_results : m.n_args;
  const nnrt_arg_info *list = results ? m.results : m.args;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!std::strcmp(list[i].name, list[j].name))
        return bad(format("%s[%zu]", what, i), "duplicate name '%s'",
                   list[i].name);
    }
    if (!results || list[i].role != NNRT_ROLE_STATE)
      continue;
    const nnrt_arg_info *arg = nullptr;
    for (size_t j = 0; j < m.n_args; ++j) {
      if (m.args[j].role == NNRT_ROLE_STATE &&
          !std::strcmp(m.args[j].name, list[i].name))
        arg = &m.args[j];
    }
    std::string where = format("results[%zu] ('%s')", i, list[i].name);
    if (!arg)
      return bad(where, "a state result needs a state arg of the same name");
    if (!sameType(*arg, list[i]))
      return bad(where, "state result's dtype and shape differ from the arg's");
  }
  return NNRT_OK;
}

nnrt_status nnrt::desc::parseList(const std::string &where,
                                  const json::Value &parent, ListKind kind,
                                  nnrt_arg_info *&infos, size_t &n) {
  bool results = kind == kForwardResults || kind == kFnResults;
  const char *key = results ? "results" : "args";
  const json::Value *list = parent.find(key);
  if (!list || list->kind != Kind::Array)
    return bad(where, "\"%s\" must be an array", key);
  n = list->items.size();
  infos = static_cast<nnrt_arg_info *>(
      std::calloc(n ? n : 1, sizeof(nnrt_arg_info)));
  if (!infos) {
    n = 0;
    return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
  }
  std::string prefix = where.empty() ? "" : where + ": ";
  for (size_t i = 0; i < n; ++i) {
    if (nnrt_status s = parseArg(format("%s%s[%zu]", prefix.c_str(), key, i),
                                 list->items[i], kind, infos[i]))
      return s;
  }
  return NNRT_OK;
}

static nnrt_status parseModel(const char *text, nnrt_model_info &m) {
  if (!text)
    return bad("", "is NULL");
  json::Value root;
  std::string error;
  if (!json::parse(text, root, error, json::kDefaultMaxValues, true))
    return bad("", "invalid JSON: %s", error.c_str());
  if (nnrt_status s = checkKeys(
          "top level", root, {"version", "entry", "args", "results", "train"}))
    return s;
  const json::Value *version = root.find("version");
  if (!version || version->kind != Kind::Int || version->integer != 1)
    return bad("", "\"version\" must be 1");
  m.version = 1;
  std::string entry;
  if (nnrt_status s = getString("top level", root, "entry", entry))
    return s;
  if (!(m.entry = copyString(entry)))
    return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
  if (nnrt_status s = parseList("", root, kForwardArgs, m.args, m.n_args))
    return s;
  if (nnrt_status s =
          parseList("", root, kForwardResults, m.results, m.n_results))
    return s;
  if (nnrt_status s = checkNames(m, false))
    return s;
  if (nnrt_status s = checkNames(m, true))
    return s;
  const json::Value *train = root.find("train");
  return train ? parseTrain(*train, m) : NNRT_OK;
}

nnrt_status nnrt_model_parse(const char *json, nnrt_model_info **out) {
  if (!out)
    return fail(NNRT_ERR_ARG, "nnrt_model_parse: out is NULL");
  *out = nullptr;
  auto *m =
      static_cast<nnrt_model_info *>(std::calloc(1, sizeof(nnrt_model_info)));
  if (!m)
    return fail(NNRT_ERR_NOMEM, "model descriptor: out of memory");
  if (nnrt_status s = parseModel(json, *m)) {
    nnrt_model_free(m);
    return s;
  }
  *out = m;
  return NNRT_OK;
}

void nnrt::desc::freeInfos(nnrt_arg_info *infos, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    std::free(const_cast<char *>(infos[i].name));
    for (const char *dimName : infos[i].dim_names)
      std::free(const_cast<char *>(dimName));
  }
  std::free(infos);
}

void nnrt_model_free(nnrt_model_info *info) {
  if (!info)
    return;
  std::free(const_cast<char *>(info->entry));
  freeInfos(info->args, info->n_args);
  freeInfos(info->results, info->n_results);
  freeTrain(info->train);
  std::free(info);
}

char *nnrt_arg_type_string(const nnrt_arg_info *info, char *buf, size_t size) {
  if (!buf || size == 0)
    return buf;
  std::string text = nnrt_dtype_name(info->dtype);
  text += '[';
  for (int32_t d = 0; d < info->rank; ++d) {
    text += d ? ", " : "";
    if (info->shape[d] >= 0)
      text += std::to_string(info->shape[d]);
    else if (info->dim_names[d])
      text += info->dim_names[d];
    else
      text += d == 0 ? std::string("B") : "N" + std::to_string(d);
  }
  text += ']';
  std::snprintf(buf, size, "%s", text.c_str());
  return buf;
}
