//===- JsonTest.cpp - Tests of the runtime's strict JSON parser -----------===//
//
// What the parser accepts (values, escapes, surrogate pairs, the int64
// range, 64 levels of nesting) and what it rejects, with the message and
// byte offset it reports.
//
//===----------------------------------------------------------------------===//

#include "json.h"

#include <gtest/gtest.h>

using namespace nnrt;

static std::string parseError(const std::string &text) {
  json::Value v;
  std::string error;
  EXPECT_FALSE(json::parse(text, v, error)) << text;
  return error;
}

TEST(JsonTest, ParsesValues) {
  json::Value v;
  std::string error;
  ASSERT_TRUE(json::parse(
      " {\"a\": [1, -2, 0, {}], \"b\": \"x\\ty\\u00e9\\ud83d\\ude00\\/\","
      " \"c\": true, \"d\": false, \"e\": null, \"f\": []}\r\n",
      v, error))
      << error;
  ASSERT_EQ(v.kind, json::Value::Kind::Object);
  ASSERT_EQ(v.keys.size(), 6u);
  const json::Value *a = v.find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 4u);
  EXPECT_EQ(a->items[1].integer, -2);
  EXPECT_EQ(a->items[3].kind, json::Value::Kind::Object);
  EXPECT_EQ(v.find("b")->string, "x\ty\xc3\xa9\xf0\x9f\x98\x80/");
  EXPECT_TRUE(v.find("c")->boolean);
  EXPECT_EQ(v.find("d")->kind, json::Value::Kind::Bool);
  EXPECT_EQ(v.find("e")->kind, json::Value::Kind::Null);
  EXPECT_EQ(v.find("zz"), nullptr);
}

TEST(JsonTest, IntegerRange) {
  json::Value v;
  std::string error;
  ASSERT_TRUE(
      json::parse("[9223372036854775807, -9223372036854775808]", v, error))
      << error;
  EXPECT_EQ(v.items[0].integer, INT64_MAX);
  EXPECT_EQ(v.items[1].integer, INT64_MIN);
  EXPECT_EQ(parseError("9223372036854775808"),
            "at byte 0: integer out of range");
  EXPECT_EQ(parseError("[-9223372036854775809]"),
            "at byte 1: integer out of range");
  EXPECT_EQ(parseError("99999999999999999999999"),
            "at byte 0: integer out of range");
}

TEST(JsonTest, FloatsWhenAllowed) {
  json::Value v;
  std::string error;
  ASSERT_TRUE(
      json::parse("[2.236, -0.5, 1e3, 0.1E-2, 7, 1234567890123456789012.5]", v,
                  error, json::kDefaultMaxValues, true))
      << error;
  EXPECT_EQ(v.items[0].kind, json::Value::Kind::Float);
  EXPECT_EQ(v.items[0].number, 2.236);
  EXPECT_EQ(v.items[1].asDouble(), -0.5);
  EXPECT_EQ(v.items[2].asDouble(), 1000.0);
  EXPECT_EQ(v.items[3].asDouble(), 0.001);
  EXPECT_EQ(v.items[4].kind, json::Value::Kind::Int);
  EXPECT_TRUE(v.items[4].isNumber());
  EXPECT_EQ(v.items[4].asDouble(), 7.0);
  EXPECT_EQ(v.items[5].asDouble(), 1234567890123456789012.5);
  auto floatError = [&](const char *text) {
    EXPECT_FALSE(json::parse(text, v, error, json::kDefaultMaxValues, true));
    return error;
  };
  EXPECT_EQ(floatError("1."), "at byte 2: expected a digit after '.'");
  EXPECT_EQ(floatError("[1e+]"), "at byte 4: expected a digit in the exponent");
  EXPECT_EQ(floatError("1e999"), "at byte 0: number out of range");
  EXPECT_EQ(floatError(".5"), "at byte 0: unexpected '.'");
  EXPECT_EQ(floatError("99999999999999999999"),
            "at byte 0: integer out of range");
}

TEST(JsonTest, NestingLimit) {
  json::Value v;
  std::string error;
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(json::parse(ok, v, error)) << error;
  std::string deep = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(parseError(deep),
            "at byte 64: arrays and objects nested deeper than 64 levels");
  // Far deeper input fails at the same place instead of recursing.
  EXPECT_NE(parseError(std::string(100000, '[')).find("nested deeper"),
            std::string::npos);
}

TEST(JsonTest, ValueLimit) {
  json::Value v;
  std::string error;
  EXPECT_TRUE(json::parse("[1, [2], {\"a\": 3}]", v, error, 6)) << error;
  EXPECT_FALSE(json::parse("[1, [2], {\"a\": 3}]", v, error, 5));
  EXPECT_EQ(error, "at byte 15: too many values (the limit is 5)");
  std::string many = "[" + std::string(2 * json::kDefaultMaxValues, '0');
  for (size_t i = 2; i < many.size(); i += 2)
    many[i] = ',';
  EXPECT_FALSE(json::parse(many + "]", v, error));
  EXPECT_NE(error.find("too many values"), std::string::npos) << error;
}

TEST(JsonTest, RejectsMalformedText) {
  EXPECT_EQ(parseError(""), "at byte 0: expected a value, found end of input");
  EXPECT_EQ(parseError("{} x"),
            "at byte 3: unexpected 'x' after the end of the JSON value");
  EXPECT_EQ(parseError("1.5"),
            "at byte 0: expected an integer, found a floating-point number");
  EXPECT_EQ(parseError("[1e3]"),
            "at byte 1: expected an integer, found a floating-point number");
  EXPECT_EQ(parseError("012"), "at byte 0: integer with a leading zero");
  EXPECT_EQ(parseError("-"), "at byte 1: expected a digit after '-'");
  EXPECT_EQ(parseError("+1"), "at byte 0: unexpected '+'");
  EXPECT_EQ(parseError("nul"), "at byte 0: unexpected 'n'");
  EXPECT_EQ(parseError("{\"a\" 1}"),
            "at byte 5: expected ':' after an object key, found '1'");
  EXPECT_EQ(parseError("{\"a\":1,}"),
            "at byte 7: expected a string key, found '}'");
  EXPECT_EQ(parseError("[1,]"), "at byte 3: unexpected ']'");
  EXPECT_EQ(parseError("[1 2]"),
            "at byte 3: expected ',' or ']' after an array element, found '2'");
  EXPECT_EQ(parseError("{\"a\":1,\"a\":2}"), "at byte 7: duplicate key \"a\"");
  EXPECT_EQ(parseError("{'a':1}"), "at byte 1: expected a string key, found "
                                   "'''");
  EXPECT_EQ(parseError("\"abc"), "at byte 4: unterminated string");
  EXPECT_EQ(parseError("\"a\nb\""),
            "at byte 2: control character 0x0a in a string (write it as an "
            "escape)");
  EXPECT_EQ(parseError("\"\\x\""), "at byte 2: invalid escape: 'x' after '\\'");
  EXPECT_EQ(parseError("\"\\u12g4\""),
            "at byte 5: expected four hex digits after '\\u'");
  EXPECT_EQ(parseError("\"\\udc00\""),
            "at byte 7: unpaired low surrogate \\udc00");
  EXPECT_EQ(parseError("\"\\ud800x\""),
            "at byte 7: high surrogate \\ud800 not followed by a low "
            "surrogate");
  EXPECT_EQ(parseError("\"\\ud800\\u0041\""),
            "at byte 13: high surrogate \\ud800 followed by \\u0041, not a low "
            "surrogate");
  EXPECT_EQ(parseError(std::string("\"\0\"", 3)),
            "at byte 1: control character 0x00 in a string (write it as an "
            "escape)");
}

TEST(JsonTest, Utf8Validation) {
  size_t bad = 0;
  EXPECT_TRUE(json::isValidUtf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(json::isValidUtf8("ab\xc0\xaf", &bad)); // overlong '/'
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(json::isValidUtf8("\xed\xa0\x80"));     // surrogate U+D800
  EXPECT_FALSE(json::isValidUtf8("\xf4\x90\x80\x80")); // above U+10FFFF
  EXPECT_FALSE(json::isValidUtf8("\xe0\x80\x80"));     // overlong 3-byte
  EXPECT_FALSE(json::isValidUtf8("\xe2\x82"));         // truncated
  EXPECT_FALSE(json::isValidUtf8("\x80"));             // lone continuation
  EXPECT_EQ(parseError("\"\xff\""), "at byte 1: invalid UTF-8");
}

TEST(JsonTest, QuotesStrings) {
  std::string out;
  json::appendQuoted(out, std::string("a\"b\\c\n\x01\xc3\xa9", 9));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\"");
  json::Value v;
  std::string error;
  ASSERT_TRUE(json::parse(out, v, error)) << error;
  EXPECT_EQ(v.string, std::string("a\"b\\c\n\x01\xc3\xa9", 9));
}
