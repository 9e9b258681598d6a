//===- SourceManager.h - Source files and locations --------------*- C++ -*-===//
//
// Owns the text of every file a compilation reads and maps byte offsets to
// line:column. Locations are (file id, byte offset) pairs so AST nodes stay
// small; the manager turns them into what a person reads.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_SUPPORT_SOURCEMANAGER_H
#define NNC_SUPPORT_SOURCEMANAGER_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>
#include <vector>

namespace nnc {

/// A point in a source file: file id (1-based; 0 = no location) and offset.
struct SourceLoc {
  uint32_t file = 0;
  uint32_t offset = 0;
  bool isValid() const { return file != 0; }
};

/// A half-open byte range [begin, end) within one file.
struct SourceRange {
  SourceLoc begin, end;
  SourceRange() = default;
  SourceRange(SourceLoc b, SourceLoc e) : begin(b), end(e) {}
  explicit SourceRange(SourceLoc b) : begin(b), end(b) {}
  bool isValid() const { return begin.isValid(); }
};

/// Joins two ranges of the same file into the range covering both.
SourceRange joinRanges(SourceRange a, SourceRange b);

/// A resolved location: 1-based line and column (columns count bytes).
struct LineCol {
  unsigned line = 0, col = 0;
};

class SourceManager {
public:
  /// Adds a file's text; returns its id.
  uint32_t addFile(std::string name, std::string text);
  /// The id of an already added file with this (canonical) name, or 0.
  uint32_t findFile(llvm::StringRef name) const;

  llvm::StringRef fileName(uint32_t id) const { return files[id - 1].name; }
  llvm::StringRef fileText(uint32_t id) const { return files[id - 1].text; }
  LineCol lineCol(SourceLoc loc) const;
  /// The location of 1-based `line`:`col` in file `file` (clamped to the
  /// file), the inverse of lineCol.
  SourceLoc locAt(uint32_t file, unsigned line, unsigned col) const;
  /// The text of the line holding `loc`, without its newline.
  llvm::StringRef lineText(SourceLoc loc) const;
  /// The source text a range covers.
  llvm::StringRef rangeText(SourceRange r) const;

private:
  struct File {
    std::string name, text;
    std::vector<uint32_t> lineStarts;
  };
  std::vector<File> files;
};

} // namespace nnc

#endif // NNC_SUPPORT_SOURCEMANAGER_H
