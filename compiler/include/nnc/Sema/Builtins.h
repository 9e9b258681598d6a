//===- Builtins.h - The primitive ops' signatures and type rules -*- C++ -*-===//
//
// One table entry per primitive of LANGUAGE.md: its name, its parameters
// (positional order = keyword names) and the rule computing its result from
// its arguments, through the shape rules of nnc/Shape. Parameter initializers
// (`zeros()`, `glorot_uniform()`, ...) have their own table: as initializers
// they take the declared shape instead of a shape argument.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SEMA_BUILTINS_H
#define NNC_SEMA_BUILTINS_H

#include "nnc/Sema/Value.h"
#include "nnc/Support/SourceManager.h"
#include "llvm/ADT/Twine.h"
#include <vector>

namespace nnc {
class DiagnosticEngine;
}

namespace nnc::sema {

/// The arguments of one builtin call, matched to the entry's parameters.
struct BuiltinCall {
  llvm::StringRef name;
  std::vector<const Value *> args; ///< per parameter; null when not given
  std::vector<SourceRange> ranges; ///< per parameter (the call when not given)
  SourceRange callRange;
  DiagnosticEngine &diags;
  /// For the file a call is in (dataset paths are relative to it).
  const SourceManager &sm;
  /// Set when an int argument that the shape rule needs (an axis, a stride)
  /// is symbolic, as in a model checked generically over its
  /// hyperparameters: the result's dims are then unknown.
  bool symbolic = false;

  bool has(unsigned i) const { return args[i] != nullptr; }
  const Value &arg(unsigned i) const { return *args[i]; }
  /// Reports `msg` at argument `i` and returns an error value.
  Value fail(unsigned i, const llvm::Twine &msg);
  /// Reports `msg` at the whole call and returns an error value.
  Value failCall(const llvm::Twine &msg);
};

using BuiltinRule = Value (*)(BuiltinCall &);

struct BuiltinSpec {
  const char *name;
  std::vector<const char *> params;
  unsigned required; ///< the first `required` parameters must be given
  BuiltinRule rule;
};

/// The primitive op called `name`, or null.
const BuiltinSpec *lookupBuiltin(llvm::StringRef name);
/// The parameter initializer called `name`, or null. Its rule returns an
/// error value on bad arguments and anything else on success.
const BuiltinSpec *lookupInitializer(llvm::StringRef name);
/// All builtin names (for "did you mean" suggestions).
std::vector<llvm::StringRef> builtinNames();

} // namespace nnc::sema

#endif // NNC_SEMA_BUILTINS_H
