//===- json.h - A small strict JSON parser -----------------------*- C++
//-*-===//
//
// Parses the JSON the runtime reads (safetensors headers) into a tree of
// Values. Strict on purpose, because its input comes from files anyone can
// craft: the text must be valid UTF-8, strings may not hold raw control
// characters or lone surrogates, numbers must be integers that fit int64_t
// (no fraction, exponent or leading zeros; fractions and exponents only
// where the caller allows floats), objects may not repeat a key,
// nesting stops at 64 levels, and nothing but whitespace may follow the
// value. true/false/null parse; callers reject them where a schema does not
// allow them.
//
//===----------------------------------------------------------------------===//

#ifndef NNRT_SRC_JSON_H
#define NNRT_SRC_JSON_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnrt::json {

/// The deepest nesting of arrays and objects parse() accepts.
constexpr int kMaxDepth = 64;

/// The default bound on the number of values in a document. A Value takes
/// about 100 bytes for as little as 2 bytes of text ("0,"), so without a
/// bound a 100 MB header could make the parser allocate gigabytes.
constexpr size_t kDefaultMaxValues = 1000000;

/// One JSON value. Arrays keep their elements in `items`; objects keep their
/// keys in `keys` and the matching values in `items`, in file order.
struct Value {
  enum class Kind { Null, Bool, Int, Float, String, Array, Object };

  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0; ///< a Float's value

  std::string string;
  std::vector<std::string> keys;
  std::vector<Value> items;

  /// The member called \p key of an object, or nullptr.
  const Value *find(std::string_view key) const;
  /// Whether the value is a number (Int or Float).
  bool isNumber() const { return kind == Kind::Int || kind == Kind::Float; }
  /// An Int or Float as a double (0 for other kinds).
  double asDouble() const;
};

/// The kind's name for messages: "an object", "a string", ...
const char *kindName(Value::Kind kind);

/// Parses \p text as one JSON value into \p out. On failure returns false
/// and sets \p error to a message such as "at byte 17: expected ':' after
/// an object key". Documents with more than \p maxValues values (counting
/// every nested one) are rejected. With \p allowFloats, numbers with a
/// fraction or an exponent parse as Float (finite doubles only, rounded to
/// nearest); without it they are an error.
bool parse(std::string_view text, Value &out, std::string &error,
           size_t maxValues = kDefaultMaxValues, bool allowFloats = false);

/// Whether \p text is well-formed UTF-8 (no overlong forms, surrogates or
/// code points above U+10FFFF). On failure \p badOffset is the first bad
/// byte's offset.
bool isValidUtf8(std::string_view text, size_t *badOffset = nullptr);

/// Appends \p text to \p out as a JSON string literal, quotes included.
void appendQuoted(std::string &out, std::string_view text);

} // namespace nnrt::json

#endif // NNRT_SRC_JSON_H
