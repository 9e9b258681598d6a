//===- SourceScanner.cpp - Checks run before the parser --------------------===//
//
// A byte-level pass that mirrors the lexer's view of strings and comments so
// that brackets inside them are not counted. It stops at the first problem:
// everything after an unterminated string or an invalid byte is noise.
//
//===----------------------------------------------------------------------===//

#include "nnc/Parse/SourceScanner.h"
#include "nnc/Support/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"

using namespace nnc;

/// Length of the valid UTF-8 sequence at `p`, or 0 when it is invalid
/// (truncated, overlong, a surrogate or above U+10FFFF).
static unsigned utf8Length(const unsigned char *p, const unsigned char *end) {
  unsigned char c = p[0];
  if (c < 0x80)
    return 1;
  unsigned len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || end - p < len)
    return 0;
  for (unsigned i = 1; i < len; ++i)
    if ((p[i] & 0xC0) != 0x80)
      return 0;
  uint32_t cp = c & (0x7F >> len);
  for (unsigned i = 1; i < len; ++i)
    cp = (cp << 6) | (p[i] & 0x3F);
  static const uint32_t minForLen[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < minForLen[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

static char closerOf(char open) {
  return open == '(' ? ')' : open == '[' ? ']' : '}';
}

namespace {
struct Scanner {
  const SourceManager &sm;
  uint32_t file;
  DiagnosticEngine &diags;
  llvm::StringRef text;
  llvm::SmallVector<uint32_t, 64> open; ///< offsets of open brackets

  SourceRange at(uint32_t off, uint32_t len = 1) {
    return {{file, off}, {file, off + len}};
  }
  bool run();
  bool bracket(uint32_t i);
  bool skipString(uint32_t &i);
  bool skipBlockComment(uint32_t &i);
};
} // namespace

bool Scanner::run() {
  // Validate every byte first, comments and strings included: ANTLR decodes
  // the whole buffer.
  const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
  for (uint32_t i = 0, e = text.size(); i < e;) {
    unsigned len = utf8Length(bytes + i, bytes + e);
    if (len == 0) {
      diags.error(at(i), "invalid UTF-8: byte 0x" +
                             llvm::Twine::utohexstr(bytes[i]) +
                             " cannot start or continue a character here");
      return false;
    }
    i += len;
  }
  for (uint32_t i = 0, e = text.size(); i < e;) {
    unsigned len = utf8Length(bytes + i, bytes + e);
    char c = text[i];
    if (c == '"') {
      if (!skipString(i))
        return false;
      continue;
    }
    if (text.substr(i).starts_with("//")) {
      while (i < e && text[i] != '\n')
        ++i;
      continue;
    }
    if (text.substr(i).starts_with("/*")) {
      if (!skipBlockComment(i))
        return false;
      continue;
    }
    if (llvm::StringRef("()[]{}").contains(c) && !bracket(i))
      return false;
    i += len;
  }
  if (open.empty())
    return true;
  uint32_t o = open.back();
  // Just past the last character that is not whitespace: the line shown is
  // then the unfinished one.
  diags.error(at(text.rtrim().size(), 0),
              llvm::Twine("expected '") + llvm::Twine(closerOf(text[o])) +
                  "' to close '" + llvm::Twine(text[o]) +
                  "' before the end of the file");
  diags.note(at(o), llvm::Twine("'") + llvm::Twine(text[o]) + "' opened here");
  return false;
}

bool Scanner::bracket(uint32_t i) {
  char c = text[i];
  if (c == '(' || c == '[' || c == '{') {
    if (open.size() >= kMaxNestingDepth) {
      diags.error(at(i), "brackets nested too deeply (the limit is " +
                             llvm::Twine(kMaxNestingDepth) + " levels)");
      return false;
    }
    open.push_back(i);
    return true;
  }
  if (open.empty()) {
    diags.error(at(i), llvm::Twine("unmatched '") + llvm::Twine(c) + "'");
    return false;
  }
  uint32_t o = open.pop_back_val();
  if (closerOf(text[o]) == c)
    return true;
  diags.error(at(i), llvm::Twine("expected '") + llvm::Twine(closerOf(text[o])) +
                         "' to close '" + llvm::Twine(text[o]) + "', found '" +
                         llvm::Twine(c) + "'");
  diags.note(at(o), llvm::Twine("'") + llvm::Twine(text[o]) + "' opened here");
  return false;
}

bool Scanner::skipString(uint32_t &i) {
  uint32_t start = i++;
  while (i < text.size() && text[i] != '"' && text[i] != '\n') {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
      ++i;
    ++i;
  }
  if (i < text.size() && text[i] == '"') {
    ++i;
    return true;
  }
  diags.error(at(start), "unterminated string literal");
  return false;
}

bool Scanner::skipBlockComment(uint32_t &i) {
  size_t close = text.find("*/", i + 2);
  if (close == llvm::StringRef::npos) {
    diags.error(at(i, 2), "unterminated comment: '/*' has no matching '*/'");
    return false;
  }
  i = close + 2;
  return true;
}

bool nnc::scanSource(const SourceManager &sm, uint32_t fileId,
                     DiagnosticEngine &diags) {
  return Scanner{sm, fileId, diags, sm.fileText(fileId), {}}.run();
}
