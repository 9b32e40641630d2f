// The raw-preserving JSON reader the plugin parses props and attachments with.
#include <gtest/gtest.h>

#include "plugins/attachments/json_value.h"

namespace pb::attachments {
namespace {

TEST(JsonValue, KeepsRawTextAndDecodesStrings) {
  std::string text = R"( {"a" : 1.50e1, "b\u0041":"x\"\n\u00e9\ud83d\ude00", "c":[true,null]} )";
  auto v = parse_json(text);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->kind, JsonValue::Kind::Object);
  ASSERT_EQ(v->members.size(), 3u);
  EXPECT_EQ(v->members[0].value.raw, "1.50e1");
  EXPECT_EQ(v->members[1].key, "bA");
  EXPECT_EQ(v->members[1].raw_key, R"("b\u0041")");
  EXPECT_EQ(v->members[1].value.text, "x\"\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v->members[2].value.raw, "[true,null]");
}

TEST(JsonValue, RefusesMalformedInput) {
  for (std::string_view bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"a\nb\"", "nul",
                               "[1] x", "\"\\x\"", "{\"a\":1,}", "-", "\"\\u12\""}) {
    std::string error;
    EXPECT_FALSE(parse_json(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(JsonValue, RefusesNestingBeyondTheLimit) {
  std::string deep(kMaxJsonDepth + 2, '[');
  deep += std::string(kMaxJsonDepth + 2, ']');
  EXPECT_FALSE(parse_json(deep));
  std::string ok(100, '[');
  ok += std::string(100, ']');
  EXPECT_TRUE(parse_json(ok));
}

TEST(JsonValue, InvalidUtf8AndLoneSurrogatesBecomeReplacementCharacters) {
  auto v = parse_json("\"a\xFF" "b\\ud800c\"");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
}

TEST(JsonValue, WritesEscapedStringsAndCountsRunes) {
  std::string out;
  append_json_string(out, "q\"b\\\n\t\x01\xC3\xA9");
  EXPECT_EQ(out, "\"q\\\"b\\\\\\n\\t\\u0001\xC3\xA9\"");
  EXPECT_EQ(count_runes("a\xC3\xA9\xF0\x9F\x98\x80"), 3u);
  EXPECT_EQ(count_runes("\xFF\xFE"), 2u);
}

// Strings are appended in runs between escapes and bad bytes: every boundary must be exact.
TEST(JsonValue, StringRunsAroundEscapesAndBadBytesDecodeExactly) {
  const std::string kBad = "\xEF\xBF\xBD";  // U+FFFD
  struct Case {
    std::string json, text;
  };
  const Case cases[] = {
      {R"("plain ascii only")", "plain ascii only"},
      {R"("")", ""},
      {R"("\n")", "\n"},
      {R"("ab\"cd\\ef\/gh\bij\fkl\nmn\rop\tqr")", "ab\"cd\\ef/gh\bij\fkl\nmn\rop\tqr"},
      {R"("\u0041BC\u00e9D")", "ABC\xC3\xA9" "D"},
      {"\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x\"", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80x"},
      // Invalid bytes at the start, middle and end of a run: one U+FFFD per byte, as Go.
      {"\"\xFF" "ab\xFE" "cd\xC3\"", kBad + "ab" + kBad + "cd" + kBad},
      // Overlong, encoded surrogate, past U+10FFFF: every byte of them is one U+FFFD.
      {"\"\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80\"", kBad + kBad + kBad + kBad + kBad + kBad +
                                                      kBad + kBad + kBad},
      // Surrogate escapes: a pair, a lone high (then an ordinary escape), a lone low.
      {R"("\ud83d\ude00|\ud800\u0041|\udc00")", "\xF0\x9F\x98\x80|" + kBad + "A|" + kBad},
      {R"("\ud800\ud800\udc00")", kBad + "\xF0\x90\x80\x80"},
  };
  for (const auto& c : cases) {
    auto v = parse_json(c.json);
    ASSERT_TRUE(v) << c.json;
    EXPECT_EQ(v->text, c.text) << c.json;
    EXPECT_EQ(v->raw, c.json);
  }
}

TEST(JsonValue, BadEscapesAndRawControlCharactersFailAtTheirOffset) {
  std::string error;
  EXPECT_FALSE(parse_json(R"("abc\qdef")", &error));
  EXPECT_EQ(error, "invalid escape at offset 5");
  EXPECT_FALSE(parse_json("\"abc\x01\"", &error));
  EXPECT_EQ(error, "control character in string at offset 4");
  EXPECT_FALSE(parse_json(R"("abc\u12x4")", &error));
  EXPECT_FALSE(parse_json(R"("abc\ud800\u12")", &error));
  EXPECT_FALSE(parse_json("\"abc", &error));
  EXPECT_EQ(error, "unterminated string at offset 4");
  EXPECT_FALSE(parse_json("\"abc\\", &error));
}

TEST(JsonValue, ObjectsAndArraysOfAnySizeKeepOrderAndDuplicates) {
  std::string object = "{", array = "[";
  for (int i = 0; i < 20; ++i) {
    if (i > 0) object += ',', array += ',';
    object += "\"k" + std::to_string(i % 7) + "\":" + std::to_string(i);
    array += "[" + std::to_string(i) + "]";
  }
  object += '}', array += ']';
  auto o = parse_json(object);
  auto a = parse_json(array);
  ASSERT_TRUE(o && a);
  ASSERT_EQ(o->members.size(), 20u);
  ASSERT_EQ(a->items.size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(o->members[i].key, "k" + std::to_string(i % 7));
    EXPECT_EQ(o->members[i].value.raw, std::to_string(i));
    EXPECT_EQ(a->items[i].items.at(0).raw, std::to_string(i));
  }
}

TEST(JsonValue, HugeNumbersKeepTheirTextAndNestingIsBoundedInObjectsToo) {
  std::string huge = "-" + std::string(400, '9') + ".5e+99999";
  std::string array = "[" + huge + "]";
  auto v = parse_json(array);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->items.at(0).raw, huge);
  std::string deep;
  for (int i = 0; i <= kMaxJsonDepth; ++i) deep += "{\"a\":";
  deep += "1" + std::string(kMaxJsonDepth + 1, '}');
  std::string error;
  EXPECT_FALSE(parse_json(deep, &error));
  EXPECT_NE(error.find("nesting too deep"), std::string::npos);
}

TEST(JsonValue, EscapedStringsRunsAndControlCharacters) {
  std::string out;
  append_json_string(out, "");
  append_json_string(out, "plain");
  append_json_string(out, "\"lead and trail\\");
  append_json_string(out, std::string("\x00\x1f\x7f\b\f", 5));
  EXPECT_EQ(out, R"("""plain""\"lead and trail\\""\u0000\u001f)" "\x7f" R"(\u0008\u000c")");
}

TEST(JsonValue, CountsRunesAcrossTheAsciiFastPath) {
  EXPECT_EQ(count_runes(""), 0u);
  EXPECT_EQ(count_runes("12345678"), 8u);
  EXPECT_EQ(count_runes("1234567\xC3\xA9" "12345678"), 16u);
  EXPECT_EQ(count_runes(std::string(1000, 'a') + "\xFF" + std::string(7, 'b')), 1008u);
  EXPECT_EQ(count_runes("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), 2u);
}

// Children are parsed onto per-thread stacks: a parse that fails half-way, or one with more
// children than the stacks keep, must leave nothing behind for the next parse.
TEST(JsonValue, EveryParseStartsCleanAfterFailuresAndLargeDocuments) {
  const std::string good = R"({"a":[1,{"b":[2,3]},[]],"c":{"d":"e"}})";
  auto reference = parse_json(good);
  ASSERT_TRUE(reference);
  std::string big = "[";
  for (int i = 0; i < 2000; ++i) big += (i ? ",{\"k\":[" : "{\"k\":[") + std::to_string(i) + "]}";
  big += "]";
  const std::string failing[] = {R"({"a":[1,{"b":[2,3)", R"({"a":[1,{"b":[2,3]},[]],"c":{"d":})",
                                 big.substr(0, big.size() - 1)};
  for (const auto& bad : failing) {
    EXPECT_FALSE(parse_json(bad));
    auto again = parse_json(good);
    ASSERT_TRUE(again);
    ASSERT_EQ(again->members.size(), 2u);
    EXPECT_EQ(again->members[0].value.items.size(), 3u);
    EXPECT_EQ(again->members[0].value.items[1].members[0].value.items[1].raw, "3");
    EXPECT_EQ(again->members[1].value.members[0].value.text, "e");
  }
  auto parsed_big = parse_json(big);
  ASSERT_TRUE(parsed_big);
  ASSERT_EQ(parsed_big->items.size(), 2000u);
  EXPECT_EQ(parsed_big->items[1999].members[0].value.items[0].raw, "1999");
  EXPECT_EQ(parse_json(good)->members.size(), 2u);
}

}  // namespace
}  // namespace pb::attachments
