//===- SourceManager.cpp - Source files and locations ----------------------===//
//
// File texts and the offset -> line:column mapping (line starts are computed
// once per file and searched by bisection).
//
//===----------------------------------------------------------------------===//

#include "nnc/Support/SourceManager.h"
#include <algorithm>

using namespace nnc;

SourceRange nnc::joinRanges(SourceRange a, SourceRange b) {
  if (!a.isValid())
    return b;
  if (!b.isValid() || a.begin.file != b.begin.file)
    return a;
  return {a.begin.offset <= b.begin.offset ? a.begin : b.begin,
          a.end.offset >= b.end.offset ? a.end : b.end};
}

uint32_t SourceManager::addFile(std::string name, std::string text) {
  File f{std::move(name), std::move(text), {0}};
  for (uint32_t i = 0, e = f.text.size(); i < e; ++i)
    if (f.text[i] == '\n')
      f.lineStarts.push_back(i + 1);
  files.push_back(std::move(f));
  return files.size();
}

uint32_t SourceManager::findFile(llvm::StringRef name) const {
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i].name == name)
      return i + 1;
  return 0;
}

LineCol SourceManager::lineCol(SourceLoc loc) const {
  if (!loc.isValid())
    return {};
  const File &f = files[loc.file - 1];
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(),
                             loc.offset);
  unsigned line = it - f.lineStarts.begin();
  return {line, loc.offset - f.lineStarts[line - 1] + 1};
}

SourceLoc SourceManager::locAt(uint32_t file, unsigned line,
                                unsigned col) const {
  const File &f = files[file - 1];
  line = std::clamp(line, 1u, static_cast<unsigned>(f.lineStarts.size()));
  uint64_t offset = f.lineStarts[line - 1] + (col ? col - 1 : 0);
  return {file, static_cast<uint32_t>(std::min<uint64_t>(offset, f.text.size()))};
}

llvm::StringRef SourceManager::lineText(SourceLoc loc) const {
  const File &f = files[loc.file - 1];
  LineCol lc = lineCol(loc);
  uint32_t start = f.lineStarts[lc.line - 1];
  llvm::StringRef rest = llvm::StringRef(f.text).substr(start);
  llvm::StringRef line = rest.take_until([](char c) { return c == '\n'; });
  return line.ends_with("\r") ? line.drop_back() : line;
}

llvm::StringRef SourceManager::rangeText(SourceRange r) const {
  if (!r.isValid())
    return {};
  llvm::StringRef text = files[r.begin.file - 1].text;
  return text.slice(r.begin.offset, r.end.offset);
}
