//===- JsonTest.cpp - Tests for the positioned JSON reader ----------------===//
//
// Positions are checked against hand-counted line:col values: every value and
// key must point at its first character, also after comments, inside nested
// arrays, and for numbers (which nlohmann lexes one character past).
//
//===----------------------------------------------------------------------===//
#include "dlc/Frontend/Json.h"

#include <gtest/gtest.h>

using namespace dlc;

namespace {

JValue parseOk(std::string_view text) {
  std::string err;
  SourcePos pos;
  std::optional<JValue> v = parseJson(text, err, pos);
  EXPECT_TRUE(v.has_value()) << err << " at " << pos.str();
  return v ? std::move(*v) : JValue();
}

struct Failure {
  std::string message;
  SourcePos pos;
};

Failure parseBad(std::string_view text) {
  Failure f;
  std::optional<JValue> v = parseJson(text, f.message, f.pos);
  EXPECT_FALSE(v.has_value());
  return f;
}

SourcePos P(unsigned l, unsigned c) { return SourcePos{l, c}; }

} // namespace

TEST(Json, ScalarKinds) {
  JValue v = parseOk(
      R"([null, true, false, -3, 7, 2.5, 1e3, "s", 18446744073709551615])");
  ASSERT_TRUE(v.isArray());
  const auto &e = v.elements();
  ASSERT_EQ(e.size(), 9u);
  EXPECT_TRUE(e[0].isNull());
  EXPECT_TRUE(e[1].isBool() && e[1].getBool());
  EXPECT_TRUE(e[2].isBool() && !e[2].getBool());
  EXPECT_EQ(e[3].kind(), JValue::Kind::Int);
  EXPECT_EQ(e[3].getInt64(), std::optional<int64_t>(-3));
  EXPECT_FALSE(e[3].getUInt64().has_value());
  EXPECT_EQ(e[4].kind(), JValue::Kind::UInt);
  EXPECT_EQ(e[4].getInt64(), std::optional<int64_t>(7));
  EXPECT_EQ(e[5].kind(), JValue::Kind::Float);
  EXPECT_DOUBLE_EQ(*e[5].getDouble(), 2.5);
  EXPECT_FALSE(e[5].getInt64().has_value());
  EXPECT_EQ(e[6].kind(), JValue::Kind::Float);
  EXPECT_EQ(e[7].getString(), "s");
  EXPECT_EQ(e[8].getUInt64(), std::optional<uint64_t>(18446744073709551615ull));
  EXPECT_FALSE(e[8].getInt64().has_value());
}

TEST(Json, PositionsOfValuesAndKeys) {
  //          1234567890123456789012345678901234567890
  const char *text = "{\"a\": 1, \"bb\": [10, -2.5e1, \"x\"],\n"
                     "  \"c\" :{ \"d\":true , \"e\": null}}";
  JValue v = parseOk(text);
  ASSERT_TRUE(v.isObject());
  EXPECT_EQ(v.pos(), P(1, 1));
  const auto &m = v.members();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].key, "a");
  EXPECT_EQ(m[0].keyPos, P(1, 2));
  EXPECT_EQ(m[0].value.pos(), P(1, 7));
  EXPECT_EQ(m[1].keyPos, P(1, 10));
  EXPECT_EQ(m[1].value.pos(), P(1, 16));
  const auto &arr = m[1].value.elements();
  ASSERT_EQ(arr.size(), 3u);
  EXPECT_EQ(arr[0].pos(), P(1, 17));
  EXPECT_EQ(arr[1].pos(), P(1, 21));
  EXPECT_EQ(arr[2].pos(), P(1, 29));
  EXPECT_EQ(m[2].keyPos, P(2, 3));
  EXPECT_EQ(m[2].value.pos(), P(2, 8));
  const auto &inner = m[2].value.members();
  EXPECT_EQ(inner[0].keyPos, P(2, 10));
  EXPECT_EQ(inner[0].value.pos(), P(2, 14));
  EXPECT_EQ(inner[1].keyPos, P(2, 21));
  EXPECT_EQ(inner[1].value.pos(), P(2, 26));
  EXPECT_EQ(v.find("c")->find("e")->pos(), P(2, 26));
}

TEST(Json, PositionsAfterComments) {
  const char *text = "// RUN: dlc %s | FileCheck %s\n"
                     "// CHECK: {\"not\": [\"a\", \"token\"]}\n"
                     "{ /* a, b: [ */ \"k\": // tail, comment\n"
                     "     [ [1,2],\n"
                     "\t[ 3 ] ] }\n";
  JValue v = parseOk(text);
  EXPECT_EQ(v.pos(), P(3, 1));
  const JMember &k = v.members().at(0);
  EXPECT_EQ(k.keyPos, P(3, 17));
  EXPECT_EQ(k.value.pos(), P(4, 6));
  const auto &outer = k.value.elements();
  ASSERT_EQ(outer.size(), 2u);
  EXPECT_EQ(outer[0].pos(), P(4, 8));
  EXPECT_EQ(outer[0].elements()[0].pos(), P(4, 9));
  EXPECT_EQ(outer[0].elements()[1].pos(), P(4, 11));
  EXPECT_EQ(outer[1].pos(), P(5, 2)); // a tab counts as one byte
  EXPECT_EQ(outer[1].elements()[0].pos(), P(5, 4));
}

TEST(Json, StringsWithEscapesAndUtf8) {
  // Escaped quotes and multi-byte characters must not confuse the cursor;
  // columns count bytes ("é" is two).
  const char *text = "[\"a\\\"b\\\\\", \"\xC3\xA9\", 5]";
  JValue v = parseOk(text);
  const auto &e = v.elements();
  EXPECT_EQ(e[0].getString(), "a\"b\\");
  EXPECT_EQ(e[0].pos(), P(1, 2));
  EXPECT_EQ(e[1].pos(), P(1, 12));
  EXPECT_EQ(e[2].pos(), P(1, 18));
}

TEST(Json, ByteOrderMarkAndCrlf) {
  JValue v = parseOk("\xEF\xBB\xBF{\"a\":\r\n 1}");
  EXPECT_EQ(v.pos(), P(1, 1));
  EXPECT_EQ(v.members()[0].value.pos(), P(2, 2));
}

TEST(Json, ObjectKeepsFileOrder) {
  JValue v = parseOk(R"({"z": 1, "a": 2, "m": 3})");
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].key, "z");
  EXPECT_EQ(v.members()[1].key, "a");
  EXPECT_EQ(v.members()[2].key, "m");
  EXPECT_EQ(v.find("a")->getInt64(), std::optional<int64_t>(2));
  EXPECT_EQ(v.find("nope"), nullptr);
}

TEST(Json, DuplicateKeyAtSecondKey) {
  Failure f = parseBad("{\"a\": 1,\n  \"b\": {\"x\": 1, \"x\": 2}}");
  EXPECT_EQ(f.pos, P(2, 17));
  EXPECT_NE(f.message.find("duplicate key 'x'"), std::string::npos)
      << f.message;
  EXPECT_NE(f.message.find("first at 2:9"), std::string::npos) << f.message;
  // The same key in different objects is fine.
  parseOk(R"([{"x": 1}, {"x": 2}])");
}

TEST(Json, ErrorUnexpectedEndOfInput) {
  Failure f = parseBad("{\"a\": 1,\n");
  EXPECT_EQ(f.message, "malformed JSON: syntax error while parsing object key "
                       "- unexpected end of input; expected string literal");
  EXPECT_EQ(f.pos, P(2, 1));
}

TEST(Json, ErrorTrailingCommaPointsAtBrace) {
  Failure f = parseBad("{\"a\": 1,\n   }");
  EXPECT_EQ(f.pos, P(2, 4));
  EXPECT_EQ(f.message.rfind("malformed JSON: ", 0), 0u);
  EXPECT_EQ(f.message.find("[json.exception"), std::string::npos);
  EXPECT_EQ(f.message.find("parse error at line"), std::string::npos);
  EXPECT_NE(f.message.find("unexpected '}'"), std::string::npos) << f.message;
}

TEST(Json, ErrorMissingColonPointsAtValue) {
  Failure f = parseBad("{\"a\"  2}");
  EXPECT_EQ(f.pos, P(1, 7));
  EXPECT_NE(f.message.find("expected ':'"), std::string::npos) << f.message;
}

TEST(Json, ErrorDoubleComma) {
  Failure f = parseBad("[1,\n ,2]");
  EXPECT_EQ(f.pos, P(2, 2));
}

TEST(Json, ErrorWrongSeparatorItself) {
  Failure f = parseBad("[1 : 2]");
  EXPECT_EQ(f.pos, P(1, 4));
  EXPECT_NE(f.message.find("unexpected ':'"), std::string::npos) << f.message;
  // Right after a number, which nlohmann lexes one character past.
  EXPECT_EQ(parseBad("[12:2]").pos, P(1, 4));
  EXPECT_EQ(parseBad("[12 3]").pos, P(1, 5));
  EXPECT_EQ(parseBad("[-]").pos, P(1, 2));
}

TEST(Json, ErrorBadLiteralPointsAtItsStart) {
  Failure f = parseBad("{\"a\": [1,\n   tru]}");
  EXPECT_EQ(f.pos, P(2, 4));
  EXPECT_NE(f.message.find("invalid literal"), std::string::npos) << f.message;
}

TEST(Json, ErrorMissingCommaBetweenMembers) {
  Failure f = parseBad("{\"a\": 1\n \"b\": 2}");
  EXPECT_EQ(f.pos, P(2, 2));
}

TEST(Json, ErrorTrailingGarbage) {
  Failure f = parseBad("{}\n// fine\n  x");
  EXPECT_EQ(f.pos, P(3, 3));
  EXPECT_NE(f.message.find("expected end of input"), std::string::npos)
      << f.message;
}

TEST(Json, ErrorEmptyInput) {
  Failure f = parseBad("");
  EXPECT_EQ(f.pos, P(1, 1));
  EXPECT_NE(f.message.find("unexpected end of input"), std::string::npos);
  Failure g = parseBad("// only a comment\n");
  EXPECT_EQ(g.pos, P(2, 1));
}

TEST(Json, ErrorInsideString) {
  Failure f = parseBad("[1, \"ab\\qc\"]");
  EXPECT_EQ(f.pos, P(1, 5));
  EXPECT_EQ(f.message.rfind("malformed JSON: ", 0), 0u);
}

TEST(Json, ErrorNumberOverflow) {
  Failure f = parseBad("[1,\n 1e999]");
  EXPECT_EQ(f.pos, P(2, 2));
  EXPECT_NE(f.message.find("1e999"), std::string::npos) << f.message;
  EXPECT_EQ(f.message.find("[json.exception"), std::string::npos) << f.message;
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  Failure f = parseBad(deep);
  EXPECT_NE(f.message.find("nesting"), std::string::npos) << f.message;
  EXPECT_EQ(f.pos, P(1, kMaxJsonDepth + 1));
  std::string ok = std::string(100, '[') + std::string(100, ']');
  parseOk(ok);
}
