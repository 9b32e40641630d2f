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
    EXPECT_EQ(a->items[i].items[0].raw, std::to_string(i));
  }
}

TEST(JsonValue, HugeNumbersKeepTheirTextAndNestingIsBoundedInObjectsToo) {
  std::string huge = "-" + std::string(400, '9') + ".5e+99999";
  std::string array = "[" + huge + "]";
  auto v = parse_json(array);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->items[0].raw, huge);
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

// A string is borrowed from the input when it needs no decoding, decoded into the document's
// arena otherwise; either way its text is what Go decodes.
TEST(JsonValue, PlainStringsAreBorrowedAndDecodedOnesLiveInTheDocument) {
  const std::string text = R"({"plain":"abc é","esc\u0041ped":"a\tb","bad":")" "x\xFF" R"(","":""})";
  auto v = parse_json(text);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->members.size(), 4u);
  auto borrowed = [&](std::string_view s) {
    return s.data() >= text.data() && s.data() + s.size() <= text.data() + text.size();
  };
  EXPECT_EQ(v->members[0].key, "plain");
  EXPECT_TRUE(borrowed(v->members[0].key));
  EXPECT_EQ(v->members[0].value.text, "abc \xC3\xA9");
  EXPECT_TRUE(borrowed(v->members[0].value.text));
  EXPECT_EQ(v->members[1].key, "escAped");
  EXPECT_FALSE(borrowed(v->members[1].key));
  EXPECT_EQ(v->members[1].value.text, "a\tb");
  EXPECT_FALSE(borrowed(v->members[1].value.text));
  EXPECT_EQ(v->members[2].value.text, "x\xEF\xBF\xBD");
  EXPECT_FALSE(borrowed(v->members[2].value.text));
  EXPECT_EQ(v->members[3].key, "");
  EXPECT_EQ(v->members[3].value.text, "");
  EXPECT_EQ(v->members[3].value.raw, "\"\"");
}

// Invalid UTF-8 in keys and at a string's very start or end, next to escapes.
TEST(JsonValue, InvalidUtf8InKeysAndAtStringEdges) {
  auto v = parse_json("{\"\xC0k\\n\":\"\xFF\",\"k\xE2\x82\":\"\\u00e9\xF5\"}");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->members.size(), 2u);
  EXPECT_EQ(v->members[0].key, "\xEF\xBF\xBDk\n");
  EXPECT_EQ(v->members[0].value.text, "\xEF\xBF\xBD");
  EXPECT_EQ(v->members[1].key, "k\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(v->members[1].value.text, "\xC3\xA9\xEF\xBF\xBD");
}

// The tree lives in the document: moving it keeps every view valid, and documents alive at the
// same time do not share memory.
TEST(JsonValue, DocumentsOwnTheirTreesAndMoveWithThem) {
  const std::string a_text = R"({"k":["\u0061",{"n":1}]})";
  const std::string b_text = R"({"k":["\u0062",{"n":2}]})";
  auto a = parse_json(a_text);
  auto b = parse_json(b_text);
  ASSERT_TRUE(a && b);
  JsonDocument moved = std::move(a);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->members[0].value.items[0].text, "a");
  EXPECT_EQ(moved->members[0].value.items[1].members[0].value.raw, "1");
  EXPECT_EQ(b->members[0].value.items[0].text, "b");
  EXPECT_EQ(b->members[0].value.items[1].members[0].value.raw, "2");
  JsonDocument assigned;
  EXPECT_FALSE(assigned);
  assigned = std::move(b);
  EXPECT_EQ(assigned->members[0].value.items[0].text, "b");
}

// Parsing one document after another reuses the same arena blocks: a thread in its steady state
// (the loop thread, one attachments.process per webhook) makes no heap call for the tree.
TEST(JsonValue, ArenaBlocksAreReusedFromOneDocumentToTheNext) {
  const std::string text =
      R"({"attachments":[{"fallback":"f\u00e9","color":"#36a64f","pretext":"p","title":"t",)"
      R"("text":"a long text with an escape\n and more","fields":[{"title":"T","value":"v",)"
      R"("short":true}]}],"k":[1,2,3]})";
  { auto warm = parse_json(text); }
  const size_t cached = JsonArena::cached_blocks();
  ASSERT_GE(cached, 1u);
  for (int i = 0; i < 3; ++i) {
    auto doc = parse_json(text);
    ASSERT_TRUE(doc);
    EXPECT_EQ(JsonArena::cached_blocks(), cached - 1);  // its one block came from the cache
    EXPECT_EQ(doc->members[0].value.items[0].members[0].value.text, "f\xC3\xA9");
    EXPECT_EQ(doc->members[0].value.items[0].members[4].value.text,
              "a long text with an escape\n and more");
  }
  EXPECT_EQ(JsonArena::cached_blocks(), cached);
  // A failed parse gives its blocks back too.
  EXPECT_FALSE(parse_json(text.substr(0, text.size() - 1)));
  EXPECT_EQ(JsonArena::cached_blocks(), cached);
}

// A document bigger than one block: node arrays past the block size get blocks of their own,
// smaller ones keep filling standard blocks; every value reads back.
TEST(JsonValue, DocumentsLargerThanABlockReadBackWhole) {
  std::string text = "[";
  const int n = 3000;  // 3000 nodes: an array far past kBlockSize
  for (int i = 0; i < n; ++i) {
    if (i > 0) text += ',';
    text += i % 2 ? "{\"k\\u0030\":\"v" + std::to_string(i) + "\\n\"}" : std::to_string(i);
  }
  text += ']';
  auto v = parse_json(text);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->items.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const JsonValue& item = v->items[i];
    if (i % 2) {
      ASSERT_EQ(item.members.size(), 1u);
      EXPECT_EQ(item.members[0].key, "k0");
      EXPECT_EQ(item.members[0].value.text, "v" + std::to_string(i) + "\n");
    } else {
      EXPECT_EQ(item.raw, std::to_string(i));
    }
  }
}

// The escaper is the SDK's, run-based: it must give what escaping byte by byte gives, for every
// byte value and at every run boundary.
TEST(JsonValue, TheSharedEscaperMatchesAByteByByteEscape) {
  auto reference = [](std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20) out += std::string("\\u00") + kHex[c >> 4] + kHex[c & 0xF];
      else out += static_cast<char>(c);
    }
    return out + "\"";
  };
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (const std::string& s : {all, std::string("plain"), std::string("\"x\""),
                               std::string("ab\ncd\\"), std::string(1, '\0')}) {
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out, reference(s));
    std::string inner = "prefix";
    sdk::append_json_escaped(inner, s);
    EXPECT_EQ(inner, "prefix" + reference(s).substr(1, reference(s).size() - 2));
  }
}

// The reader parse_json stands on: values read one by one, skipped (checked, no tree) or as trees.
TEST(JsonReader, WalksAnObjectReadingSkippingAndBuildingValues) {
  std::string text = R"( {"s" : "a\u0041", "skip":[1,{"x":null}], "tree":{"k":[true]}, "n":null} )";
  JsonArena arena;
  JsonReader in(text, arena);
  std::vector<std::string> seen;
  bool ok = in.object(0, [&](std::string_view key, std::string_view raw_key, int depth) {
    EXPECT_EQ(depth, 1);
    seen.push_back(std::string(key) + "=" + std::string(raw_key));
    if (key == "s") {
      std::string_view s, raw;
      EXPECT_EQ(in.peek_kind(), JsonValue::Kind::String);
      EXPECT_TRUE(in.string(s, raw));
      EXPECT_EQ(s, "aA");
      EXPECT_EQ(raw, R"("a\u0041")");
      return true;
    }
    if (key == "skip") {
      std::string_view raw;
      EXPECT_TRUE(in.skip(raw, depth));
      EXPECT_EQ(raw, R"([1,{"x":null}])");
      return true;
    }
    if (key == "tree") {
      JsonValue v;
      EXPECT_TRUE(in.value(v, depth));
      EXPECT_EQ(v.kind, JsonValue::Kind::Object);
      EXPECT_EQ(v.members[0].value.items[0].kind, JsonValue::Kind::Bool);
      return true;
    }
    EXPECT_EQ(in.peek_kind(), JsonValue::Kind::Null);
    return in.null();
  });
  EXPECT_TRUE(ok) << in.error();
  EXPECT_TRUE(in.finish());
  EXPECT_EQ(seen,
            (std::vector<std::string>{R"(s="s")", R"(skip="skip")", R"(tree="tree")", R"(n="n")"}));
}

// skip() refuses what parse_json refuses, at the same offset, and accepts what it accepts.
TEST(JsonReader, SkipChecksAsParseDoes) {
  for (std::string_view text :
       {"1", "-0.5e+3", "\"a\xFF\\ud800\"", R"({"a":[1,{"b":"\u00e9"}]})", "", "{", "[1,]",
        "{\"a\" 1}", "01", "1.", "\"a\nb\"", "nul", "[1] x", "\"\\x\"", "{\"a\":1,}", "-",
        "\"\\u12\"", "\"\\ud800\\u12\"", "\"\\uZZZZ\""}) {
    std::string parse_error;
    const bool parsed = static_cast<bool>(parse_json(text, &parse_error));
    JsonArena arena;
    JsonReader in(text, arena);
    std::string_view raw;
    const bool skipped = in.skip(raw, 0) && in.finish();
    EXPECT_EQ(skipped, parsed) << text;
    EXPECT_EQ(in.error(), parse_error) << text;
  }
  // Too deep, with white space before the value that is one level too many: the same offset.
  for (std::string_view innermost : {"[]", "1", "{}"}) {
    std::string deep;
    for (int i = 0; i <= kMaxJsonDepth; ++i) deep += "[ ";
    deep += innermost;
    for (int i = 0; i <= kMaxJsonDepth; ++i) deep += " ]";
    std::string parse_error;
    EXPECT_FALSE(parse_json(deep, &parse_error));
    EXPECT_NE(parse_error.find("nesting too deep"), std::string::npos);
    JsonArena arena;
    JsonReader in(deep, arena);
    std::string_view raw;
    EXPECT_FALSE(in.skip(raw, 0));
    EXPECT_EQ(in.error(), parse_error) << innermost;
  }
}

// A callback that stops the walk is not the reader's error: error() stays empty, and the reader
// can go back to a value's start and skip it.
TEST(JsonReader, ACallbackThatStopsLeavesNoErrorAndSeekAllowsASkip) {
  std::string text = R"({"a":[1,2],"b":3})";
  JsonArena arena;
  JsonReader in(text, arena);
  size_t at = 0;
  EXPECT_FALSE(in.object(0, [&](std::string_view, std::string_view, int) {
    at = in.pos();
    return false;
  }));
  EXPECT_TRUE(in.error().empty());
  in.seek(at);
  std::string_view raw;
  EXPECT_TRUE(in.skip(raw, 1));
  EXPECT_EQ(raw, "[1,2]");
}

}  // namespace
}  // namespace pb::attachments
