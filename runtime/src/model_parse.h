//===- model_parse.h - Helpers of the descriptor parser ---------*- C++ -*-===//
//
// What model.cpp (the forward's args and results) and model_train.cpp (the
// train section) share: failing with "model descriptor: WHERE: MESSAGE",
// strict key checks, and parsing an args or results list whose allowed
// roles depend on where it sits.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_MODEL_PARSE_H
#define NNRT_SRC_MODEL_PARSE_H

#include "nnrt/abi.h"

#include "json.h"

#include <initializer_list>
#include <string>

namespace nnrt::desc {

/// Which list an arg or result sits in; it decides the roles allowed.
enum ListKind { kForwardArgs, kForwardResults, kFnArgs, kFnResults };

/// Fails with NNRT_ERR_FORMAT and "model descriptor: WHERE: MESSAGE".
nnrt_status bad(const std::string &where, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/// How the descriptor spells \p role ("opt_state").
const char *roleSpelling(nnrt_role role);

/// A malloc'd copy of \p s, or NULL when out of memory.
char *copyString(const std::string &s);

/// Whether \p v is an object whose keys are all in \p allowed; otherwise
/// fails naming the first other key.
nnrt_status checkKeys(const std::string &where, const json::Value &v,
                      std::initializer_list<const char *> allowed);

/// The required non-empty string member \p key of \p v.
nnrt_status getString(const std::string &where, const json::Value &v,
                      const char *key, std::string &out);

/// Parses the "args" or "results" member of \p parent (as \p kind says)
/// into a calloc'd array \p infos of \p n entries, each checked for its
/// keys, role, dtype, shape and initializer. Messages name the entry as
/// "WHERE: args[i] ('name')". \p infos is set even on failure (to free).
nnrt_status parseList(const std::string &where, const json::Value &parent,
                      ListKind kind, nnrt_arg_info *&infos, size_t &n);

/// Whether \p a and \p b have the same dtype and shape.
bool sameType(const nnrt_arg_info &a, const nnrt_arg_info &b);

/// Frees \p n infos from parseList and the array.
void freeInfos(nnrt_arg_info *infos, size_t n);

/// Parses and checks the "train" member \p v into m.train (model_train.cpp);
/// the forward's args are already parsed.
nnrt_status parseTrain(const json::Value &v, nnrt_model_info &m);

/// Frees a train section; NULL is ignored.
void freeTrain(nnrt_train_info *train);

} // namespace nnrt::desc

#endif // NNRT_SRC_MODEL_PARSE_H
