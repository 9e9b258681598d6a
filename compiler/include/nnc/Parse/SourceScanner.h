//===- SourceScanner.h - Checks run before the parser ------------*- C++ -*-===//
//
// One linear pass over the raw bytes that rejects what ANTLR handles badly:
// invalid UTF-8 (Debian's ANTLR 4.9 runtime aborts on it), unterminated
// strings and block comments, unbalanced brackets (reported with the opening
// bracket, which ANTLR cannot do), and nesting deeper than the parser's
// recursion can take.
//
//===----------------------------------------------------------------------===//

#ifndef NNC_PARSE_SOURCESCANNER_H
#define NNC_PARSE_SOURCESCANNER_H

#include <cstdint>

namespace nnc {
class DiagnosticEngine;
class SourceManager;

/// The deepest bracket nesting accepted (clang's limit for parentheses).
constexpr unsigned kMaxNestingDepth = 256;

/// Scans file `fileId`; reports problems and returns false when the parser
/// must not run on it.
bool scanSource(const SourceManager &sm, uint32_t fileId,
                DiagnosticEngine &diags);

} // namespace nnc

#endif // NNC_PARSE_SOURCESCANNER_H
