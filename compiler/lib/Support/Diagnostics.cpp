//===- Diagnostics.cpp - Error reporting in the style of clang -------------===//
//
// Prints diagnostics with the source line and a caret/tilde marker line.
// Long lines are shown whole (the marker follows tabs so it lines up), the
// error count is capped so a garbage file cannot flood the terminal, and an
// identical error at the same place is shown once.
//
//===----------------------------------------------------------------------===//

#include "nnc/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"

using namespace nnc;

static const char *severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  llvm_unreachable("unknown severity");
}

void DiagnosticEngine::errorNoLoc(const llvm::Twine &msg) {
  ++errors;
  os << "nnc: error: " << msg << "\n";
}

void DiagnosticEngine::report(Severity sev, SourceLoc point,
                              llvm::ArrayRef<SourceRange> ranges,
                              const llvm::Twine &msg) {
  if (sev == Severity::Note) {
    if (suppressNotes)
      return;
  } else {
    std::string text = msg.str();
    suppressNotes = !seen.insert({point.file, point.offset, text}).second;
    if (suppressNotes)
      return;
    if (sev == Severity::Error) {
      if (errors == errorLimit) {
        suppressNotes = true;
        return;
      }
      if (++errors == errorLimit) {
        os << "nnc: fatal error: too many errors emitted, stopping now\n";
        suppressNotes = true;
        return;
      }
    }
  }
  if (point.isValid()) {
    LineCol lc = sm.lineCol(point);
    os << sm.fileName(point.file) << ":" << lc.line << ":" << lc.col << ": ";
  } else {
    os << "nnc: ";
  }
  os << severityName(sev) << ": " << msg << "\n";
  if (point.isValid())
    printSnippet(point, ranges);
}

/// Lines longer than this are shown as a window around the caret.
static constexpr unsigned kMaxSnippetColumns = 120;

void DiagnosticEngine::printSnippet(SourceLoc point,
                                    llvm::ArrayRef<SourceRange> ranges) {
  llvm::StringRef line = sm.lineText(point);
  unsigned lineStart = point.offset - (sm.lineCol(point).col - 1);
  unsigned lineEnd = lineStart + line.size();
  std::string marker(line.size() + 1, ' ');
  for (const SourceRange &r : ranges) {
    if (!r.isValid() || r.begin.file != point.file)
      continue;
    unsigned b = std::max(r.begin.offset, lineStart);
    unsigned e = std::min(std::max(r.end.offset, r.begin.offset + 1), lineEnd);
    for (unsigned i = b; i < e; ++i)
      marker[i - lineStart] = '~';
  }
  // A point past the shown text (a '\r' in mid-line) marks its end.
  size_t caret = std::min<size_t>(point.offset - lineStart, line.size());
  marker[caret] = '^';
  // Keep tabs where the source has them so the marker lines up.
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == '\t' && marker[i] == ' ')
      marker[i] = '\t';
  std::string text = line.str();
  if (text.size() > kMaxSnippetColumns) {
    size_t from = caret > kMaxSnippetColumns / 2 ? caret - kMaxSnippetColumns / 2
                                                 : 0;
    text = (from ? "..." : "") + text.substr(from, kMaxSnippetColumns) + "...";
    marker = std::string(from ? 3 : 0, ' ') +
             marker.substr(from, kMaxSnippetColumns);
  }
  while (!marker.empty() && marker.back() == ' ')
    marker.pop_back();
  os << text << "\n" << marker << "\n";
}
