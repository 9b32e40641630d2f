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

}  // namespace
}  // namespace pb::attachments
