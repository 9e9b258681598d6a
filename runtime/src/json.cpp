//===- json.cpp - A small strict JSON parser ------------------------------===//
//
// A recursive-descent parser over a byte buffer (see json.h for what it
// accepts). The whole text is checked to be UTF-8 first, so the string
// scanner only has to handle escapes and control characters; recursion is
// bounded by kMaxDepth, so a crafted header cannot exhaust the stack.
//
//===----------------------------------------------------------------------===//

#include "json.h"
#include "status.h"

#include <charconv>
#include <cstdarg>
#include <cstdio>

using namespace nnrt;
using namespace nnrt::json;

const Value *Value::find(std::string_view key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key)
      return &items[i];
  }
  return nullptr;
}

double Value::asDouble() const {
  if (kind == Kind::Int)
    return static_cast<double>(integer);
  return kind == Kind::Float ? number : 0.0;
}

const char *json::kindName(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::Null:
    return "null";
  case Value::Kind::Bool:
    return "a boolean";
  case Value::Kind::Int:
    return "an integer";
  case Value::Kind::Float:
    return "a floating-point number";
  case Value::Kind::String:
    return "a string";
  case Value::Kind::Array:
    return "an array";
  case Value::Kind::Object:
    return "an object";
  }
  return "a value";
}

/// The length of the UTF-8 sequence starting at text[i], or 0 when the bytes
/// there are not a well-formed sequence.
static size_t utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80)
    return 1;
  size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (len == 0 || lead > 0xF4 || i + len > text.size())
    return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  }
  // Overlong 3- and 4-byte forms, UTF-16 surrogates and code points above
  // U+10FFFF are all decided by the second byte.
  unsigned char second = byte(i + 1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
      (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
    return 0;
  return len;
}

bool json::isValidUtf8(std::string_view text, size_t *badOffset) {
  for (size_t i = 0; i < text.size();) {
    size_t len = utf8SequenceLength(text, i);
    if (len == 0) {
      if (badOffset)
        *badOffset = i;
      return false;
    }
    i += len;
  }
  return true;
}

void json::appendQuoted(std::string &out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

namespace {
/// One parse: the text, the position, and the first error.
class Parser {
public:
  Parser(std::string_view text, size_t maxValues, bool allowFloats)
      : text(text), valuesLeft(maxValues), limitForMessage(maxValues),
        allowFloats(allowFloats) {}

  bool parseDocument(Value &out, std::string &error);

private:
  bool error(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  std::string describeHere() const;
  void skipSpace();
  bool expect(char c, const char *context);

  bool parseValue(Value &out, int depth);
  bool parseObject(Value &out, int depth);
  bool parseArray(Value &out, int depth);
  bool parseString(std::string &out);
  bool parseEscape(std::string &out);
  bool parseHex4(uint32_t &out);
  bool parseInteger(Value &out);
  bool parseFloat(size_t start, Value &out);
  bool skipDigits();
  bool parseLiteral(Value &out);

  std::string_view text;
  size_t pos = 0;
  size_t valuesLeft;
  size_t limitForMessage;
  bool allowFloats;
  std::string message;
};
} // namespace

bool Parser::error(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char buffer[256];
  std::vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  if (message.empty())
    message = format("at byte %zu: %s", pos, buffer);
  return false;
}

/// The character at the current position, quoted, for messages.
std::string Parser::describeHere() const {
  if (atEnd())
    return "end of input";
  unsigned char c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x21 && c < 0x7F)
    return format("'%c'", c);
  return format("byte 0x%02x", c);
}

void Parser::skipSpace() {
  while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                      text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
}

bool Parser::expect(char c, const char *context) {
  if (peek() != c || atEnd())
    return error("expected '%c' %s, found %s", c, context,
                 describeHere().c_str());
  ++pos;
  return true;
}

bool Parser::parseDocument(Value &out, std::string &errorOut) {
  size_t bad;
  if (!isValidUtf8(text, &bad)) {
    errorOut = format("at byte %zu: invalid UTF-8", bad);
    return false;
  }
  skipSpace();
  bool ok = parseValue(out, 0);
  if (ok) {
    skipSpace();
    if (!atEnd())
      ok = error("unexpected %s after the end of the JSON value",
                 describeHere().c_str());
  }
  if (!ok)
    errorOut = message;
  return ok;
}

bool Parser::parseValue(Value &out, int depth) {
  char c = peek();
  if (atEnd())
    return error("expected a value, found end of input");
  if (valuesLeft-- == 0)
    return error("too many values (the limit is %zu)", limitForMessage);
  if (c == '{' || c == '[') {
    if (depth >= kMaxDepth)
      return error("arrays and objects nested deeper than %d levels",
                   kMaxDepth);
    return c == '{' ? parseObject(out, depth + 1) : parseArray(out, depth + 1);
  }
  if (c == '"') {
    out.kind = Value::Kind::String;
    return parseString(out.string);
  }
  if (c == '-' || (c >= '0' && c <= '9'))
    return parseInteger(out);
  return parseLiteral(out);
}

bool Parser::parseObject(Value &out, int depth) {
  out.kind = Value::Kind::Object;
  ++pos; // '{'
  skipSpace();
  if (peek() == '}' && !atEnd()) {
    ++pos;
    return true;
  }
  while (true) {
    skipSpace();
    if (peek() != '"' || atEnd())
      return error("expected a string key, found %s", describeHere().c_str());
    size_t keyPos = pos;
    std::string key;
    if (!parseString(key))
      return false;
    if (out.find(key)) {
      pos = keyPos;
      return error("duplicate key \"%s\"", key.c_str());
    }
    skipSpace();
    if (!expect(':', "after an object key"))
      return false;
    skipSpace();
    out.keys.push_back(std::move(key));
    out.items.emplace_back();
    if (!parseValue(out.items.back(), depth))
      return false;
    skipSpace();
    if (peek() == '}' && !atEnd()) {
      ++pos;
      return true;
    }
    if (!expect(',', "or '}' after an object member"))
      return false;
  }
}

bool Parser::parseArray(Value &out, int depth) {
  out.kind = Value::Kind::Array;
  ++pos; // '['
  skipSpace();
  if (peek() == ']' && !atEnd()) {
    ++pos;
    return true;
  }
  while (true) {
    skipSpace();
    out.items.emplace_back();
    if (!parseValue(out.items.back(), depth))
      return false;
    skipSpace();
    if (peek() == ']' && !atEnd()) {
      ++pos;
      return true;
    }
    if (!expect(',', "or ']' after an array element"))
      return false;
  }
}

bool Parser::parseString(std::string &out) {
  ++pos; // '"'
  while (true) {
    if (atEnd())
      return error("unterminated string");
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c == '"') {
      ++pos;
      return true;
    }
    if (c < 0x20)
      return error("control character 0x%02x in a string (write it as an "
                   "escape)",
                   c);
    if (c == '\\') {
      if (!parseEscape(out))
        return false;
      continue;
    }
    out += static_cast<char>(c);
    ++pos;
  }
}

static void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool Parser::parseEscape(std::string &out) {
  ++pos; // '\'
  if (atEnd())
    return error("unterminated string");
  char c = text[pos++];
  switch (c) {
  case '"':
    out += '"';
    return true;
  case '\\':
    out += '\\';
    return true;
  case '/':
    out += '/';
    return true;
  case 'b':
    out += '\b';
    return true;
  case 'f':
    out += '\f';
    return true;
  case 'n':
    out += '\n';
    return true;
  case 'r':
    out += '\r';
    return true;
  case 't':
    out += '\t';
    return true;
  case 'u':
    break;
  default:
    --pos;
    return error("invalid escape: %s after '\\'", describeHere().c_str());
  }
  uint32_t cp;
  if (!parseHex4(cp))
    return false;
  if (cp >= 0xDC00 && cp <= 0xDFFF)
    return error("unpaired low surrogate \\u%04x", cp);
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    uint32_t low;
    if (text.substr(pos, 2) != "\\u")
      return error("high surrogate \\u%04x not followed by a low surrogate",
                   cp);
    pos += 2;
    if (!parseHex4(low))
      return false;
    if (low < 0xDC00 || low > 0xDFFF)
      return error("high surrogate \\u%04x followed by \\u%04x, not a low "
                   "surrogate",
                   cp, low);
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  appendUtf8(out, cp);
  return true;
}

bool Parser::parseHex4(uint32_t &out) {
  out = 0;
  for (int i = 0; i < 4; ++i, ++pos) {
    char c = peek();
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (atEnd() || digit < 0)
      return error("expected four hex digits after '\\u'");
    out = out * 16 + static_cast<uint32_t>(digit);
  }
  return true;
}

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool Parser::parseInteger(Value &out) {
  size_t start = pos;
  bool negative = peek() == '-';
  if (negative)
    ++pos;
  if (atEnd() || !isDigit(peek()))
    return error("expected a digit after '-'");
  if (peek() == '0' && pos + 1 < text.size() && isDigit(text[pos + 1]))
    return error("integer with a leading zero");
  uint64_t magnitude = 0;
  bool overflow = false;
  for (; !atEnd() && isDigit(peek()); ++pos) {
    uint64_t digit = static_cast<uint64_t>(peek() - '0');
    overflow = overflow || __builtin_mul_overflow(magnitude, 10, &magnitude) ||
               __builtin_add_overflow(magnitude, digit, &magnitude);
  }
  if (peek() == '.' || peek() == 'e' || peek() == 'E') {
    if (allowFloats)
      return parseFloat(start, out);
    pos = start;
    return error("expected an integer, found a floating-point number");
  }
  uint64_t limit = negative ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
  if (overflow || magnitude > limit) {
    pos = start;
    return error("integer out of range");
  }
  out.kind = Value::Kind::Int;
  out.integer = negative ? static_cast<int64_t>(0 - magnitude)
                         : static_cast<int64_t>(magnitude);
  return true;
}

/// Skips one or more digits; false when there is none.
bool Parser::skipDigits() {
  size_t start = pos;
  while (!atEnd() && isDigit(peek()))
    ++pos;
  return pos > start;
}

/// The fraction and exponent of a number whose integer part (from \p start)
/// has been scanned, then the whole text converted with from_chars, which
/// rounds correctly and ignores the locale.
bool Parser::parseFloat(size_t start, Value &out) {
  if (peek() == '.') {
    ++pos;
    if (!skipDigits())
      return error("expected a digit after '.'");
  }
  if (peek() == 'e' || peek() == 'E') {
    ++pos;
    if (peek() == '+' || peek() == '-')
      ++pos;
    if (!skipDigits())
      return error("expected a digit in the exponent");
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos,
                                   value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + pos) {
    pos = start;
    return error("number out of range");
  }
  out.kind = Value::Kind::Float;
  out.number = value;
  return true;
}

bool Parser::parseLiteral(Value &out) {
  std::string_view rest = text.substr(pos);
  for (std::string_view word : {"true", "false", "null"}) {
    if (rest.substr(0, word.size()) != word)
      continue;
    pos += word.size();
    out.kind = word == "null" ? Value::Kind::Null : Value::Kind::Bool;
    out.boolean = word == "true";
    return true;
  }
  return error("unexpected %s", describeHere().c_str());
}

bool json::parse(std::string_view text, Value &out, std::string &error,
                 size_t maxValues, bool allowFloats) {
  out = Value();
  return Parser(text, maxValues, allowFloats).parseDocument(out, error);
}
