//===- Diagnostics.h - Error reporting in the style of clang -----*- C++ -*-===//
//
// Every user-facing problem goes through DiagnosticEngine:
//   file:line:col: error: message
//   <the source line>
//   <caret at the point, tildes under the highlighted ranges>
// followed by `note:` lines. All errors of a run are collected and printed
// as they come; callers check hasErrors() before going further.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SUPPORT_DIAGNOSTICS_H
#define NNC_SUPPORT_DIAGNOSTICS_H

#include "nnc/Support/SourceManager.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"
#include <set>
#include <string>
#include <tuple>

namespace nnc {

enum class Severity { Error, Warning, Note };

class DiagnosticEngine {
public:
  DiagnosticEngine(const SourceManager &sm, llvm::raw_ostream &os)
      : sm(sm), os(os) {}

  /// Reports an error with the caret at `r.begin` and tildes under `r`.
  void error(SourceRange r, const llvm::Twine &msg) {
    report(Severity::Error, r.begin, {r}, msg);
  }
  /// Reports an error with the caret at `point` and tildes under `ranges`
  /// (e.g. the operator of a binary expression and its two operands).
  void error(SourceLoc point, llvm::ArrayRef<SourceRange> ranges,
             const llvm::Twine &msg) {
    report(Severity::Error, point, ranges, msg);
  }
  void warning(SourceRange r, const llvm::Twine &msg) {
    report(Severity::Warning, r.begin, {r}, msg);
  }
  /// Attaches a note to the last error or warning (dropped if it was).
  void note(SourceRange r, const llvm::Twine &msg) {
    report(Severity::Note, r.begin, {r}, msg);
  }
  /// An error with no source location (a missing file named on the command line).
  void errorNoLoc(const llvm::Twine &msg);

  unsigned numErrors() const { return errors; }
  bool hasErrors() const { return errors != 0; }
  /// True once the error limit is reached; callers may stop early.
  bool tooManyErrors() const { return errors >= errorLimit; }
  void setErrorLimit(unsigned n) { errorLimit = n; }

private:
  void report(Severity sev, SourceLoc point, llvm::ArrayRef<SourceRange> ranges,
              const llvm::Twine &msg);
  void printSnippet(SourceLoc point, llvm::ArrayRef<SourceRange> ranges);

  const SourceManager &sm;
  llvm::raw_ostream &os;
  unsigned errors = 0;
  unsigned errorLimit = 20;
  bool suppressNotes = false;
  /// (file, offset, message) of errors already shown, so a model checked
  /// twice (generically and instantiated) reports each problem once.
  std::set<std::tuple<uint32_t, uint32_t, std::string>> seen;
};

} // namespace nnc

#endif // NNC_SUPPORT_DIAGNOSTICS_H
