// is_json_object without a DOM answers as the DOM-building version it replaced, on a table of
// edge cases and on many mutated inputs; it refuses, by design, the three kinds of input the
// old one let through into unreadable post rows (see json_object.cpp). Its plain scan (the fast
// half) says yes only where RapidJSON does, and does say yes to ordinary props.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/chat/json_object.h"

namespace pb::chat {
namespace {

// The implementation before the SAX reader, verbatim: the oracle.
bool old_is_json_object(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  return !doc.HasParseError() && doc.IsObject();
}

// Inputs where the answers differ by design: a leading BOM byte (the old stream skipped EF, BB
// and BF), a NUL (the old parse ended there), nesting past 512.
bool differs_by_design(std::string_view json) {
  if (!json.empty()) {
    auto first = static_cast<unsigned char>(json[0]);
    if (first == 0xEF || first == 0xBB || first == 0xBF) return true;
  }
  return json.find('\0') != std::string_view::npos;
}

std::string nested(int depth, std::string_view open, std::string_view inner,
                   std::string_view close) {
  std::string out;
  for (int i = 0; i < depth; ++i) out.append(open);
  out.append(inner);
  for (int i = 0; i < depth; ++i) out.append(close);
  return out;
}

using namespace std::string_literals;

// The fast half never says yes where RapidJSON says no, and the whole gives RapidJSON's answer.
void expect_rapidjsons_answer(const std::string& input) {
  bool authority = rapidjson_json_object(input);
  if (plainly_json_object(input)) {
    ASSERT_TRUE(authority) << "the plain scan accepted what RapidJSON refuses: " << input;
  }
  ASSERT_EQ(is_json_object(input), authority) << input;
}

TEST(IsJsonObject, AnswersAsTheDomParseOnATableOfInputs) {
  const std::vector<std::string> inputs = {
      "{}", " {} ", "\t\r\n{}\n", "{\"a\":1}", R"({"a":{"b":[1,2,{"c":null}]},"d":true})",
      "[]", "[{}]", "null", "true", "1", "-0.5e3", "\"s\"", "", " ", "{", "}", "{}}", "{}x",
      "{} {}", "{},", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1,}", "{\"a\":[1,]}",
      "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e400}", "{\"a\":-1e400}",
      "{\"a\":1e308}", "{\"a\":123456789012345678901234567890}", "{\"a\":NaN}",
      "{\"a\":Infinity}", "{\"a\":tru}", "{\"a\":\"\\u00e9\"}", "{\"a\":\"\\ud83d\\ude00\"}",
      "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800x\"}", "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"é日本😀\"}",
      "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
      "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xe6\x97\"}", "{\"\xff\":1}", "{\"a\":\"abc",
      "{\"a\":[1,2", "{\"a\":{\"b\":", "\xff{}", "{}\xff", "/*c*/{}", "{}//c",
      nested(512, "{\"a\":", "1", "}"), nested(511, "[", "{}", "]"),
      nested(100, "{\"a\":[", "{}", "]}"), nested(600, "[", "", "]"),
      "{\"a\":\"" + std::string(5000, 'x') + "\"}",  // outgrows the reader's inline buffer
      "{\"" + std::string(3000, 'k') + "\":\"" + std::string(70000, 'v') + "\"}",
  };
  for (const std::string& input : inputs) {
    ASSERT_FALSE(differs_by_design(input)) << input;
    EXPECT_EQ(is_json_object(input), old_is_json_object(input)) << input.substr(0, 80);
    expect_rapidjsons_answer(input);
  }
}

TEST(IsJsonObject, RefusesWhatWouldMakeAnUnreadablePostRow) {
  // The old answers were "yes": each would have been stored inside the post's JSON as is.
  for (const std::string& input : {"\xef\xbb\xbf{}"s, "\xef{}"s, "\xbb\xbf{}"s, "{}\0"s,
                                   "{}\0garbage"s, "{} \0 {"s}) {
    EXPECT_TRUE(old_is_json_object(input)) << input;
    EXPECT_FALSE(is_json_object(input)) << input;
  }
  // NULs that the old parse also refused stay refused.
  EXPECT_FALSE(is_json_object("\0{}"s));
  EXPECT_FALSE(is_json_object("{\"a\":\"\0\"}"s));
}

TEST(IsJsonObject, NestingIsBoundedAt512) {
  EXPECT_TRUE(is_json_object(nested(512, "{\"a\":", "1", "}")));
  EXPECT_FALSE(is_json_object(nested(513, "{\"a\":", "1", "}")));
  EXPECT_TRUE(is_json_object("{\"a\":" + nested(511, "[", "", "]") + "}"));
  EXPECT_FALSE(is_json_object("{\"a\":" + nested(512, "[", "", "]") + "}"));
  // Far deeper than any stack would take recursively: refused at the bound, no crash.
  EXPECT_FALSE(is_json_object(nested(1000000, "{\"a\":", "1", "}")));
  EXPECT_FALSE(is_json_object(nested(1000000, "[", "", "]")));
}

// Deterministic mutations of valid props (byte flips, cuts, insertions of JSON's own tokens):
// every answer equals the oracle's, apart from the by-design cases.
TEST(IsJsonObject, AnswersAsTheDomParseOnMutatedInputs) {
  const std::vector<std::string> seeds = {
      R"({"attachments":[{"text":"hi","fields":[{"title":"t","value":"v","short":true}]}]})",
      R"({"from_webhook":"true","override_username":"bot","n":-12.5e-3,"u":"\u00e9\ud83d\ude00"})",
      "{\"a\":\"é日本😀\",\"b\":[null,true,false,{}]}",
  };
  const std::string tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "1e999", "-",
                                "\xff", "\xc3", "\xed\xa0\x80", " ", "null", "0"};
  std::mt19937 random(20261127);
  int compared = 0, objects = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[random() % seeds.size()];
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      size_t at = random() % s.size();
      switch (random() % 4) {
        case 0: s[at] = static_cast<char>(random() % 256); break;
        case 1: s.resize(at); break;
        case 2: s.insert(at, tokens[random() % std::size(tokens)]); break;
        default: s.erase(at, 1 + random() % 3); break;
      }
    }
    if (differs_by_design(s)) continue;
    ++compared;
    bool answer = is_json_object(s);
    objects += answer;
    ASSERT_EQ(answer, old_is_json_object(s)) << s;
    expect_rapidjsons_answer(s);
  }
  EXPECT_GT(compared, 19000);
  EXPECT_GT(objects, 100);  // the mutations reach both answers
}

// Every byte sequence of one and two bytes, and every lead and second byte of three- and
// four-byte ones (with continuations and their neighbours after them), inside a string and as a
// key: the plain scan's UTF-8 rule is RapidJSON's, in both directions.
TEST(IsJsonObject, ThePlainScanReadsUtf8AsRapidJsonDoes) {
  const unsigned char tails[] = {0x00, 0x20, 0x22, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  std::vector<std::string> sequences;
  for (int a = 0; a < 256; ++a) {
    sequences.push_back(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      std::string two{static_cast<char>(a), static_cast<char>(b)};
      sequences.push_back(two);
      if (a < 0xE0) continue;
      for (unsigned char c : tails) {
        sequences.push_back(two + static_cast<char>(c));
        if (a < 0xF0) continue;
        for (unsigned char d : tails) sequences.push_back(two + static_cast<char>(c) + static_cast<char>(d));
      }
    }
  }
  int plain = 0;
  for (const std::string& bytes : sequences) {
    for (const std::string& input : {"{\"a\":\"" + bytes + "\"}", "{\"" + bytes + "\":1}"}) {
      bool authority = rapidjson_json_object(input);
      // Inside a string the plain scan decides alone: it must agree both ways.
      ASSERT_EQ(plainly_json_object(input), authority) << testing::PrintToString(input);
      ASSERT_EQ(is_json_object(input), authority);
      plain += authority;
    }
  }
  EXPECT_GT(plain, 2 * (95 + 1920 + 61440 / 12));  // printable ASCII, 2-byte and some 3-byte
}

TEST(IsJsonObject, OrdinaryPropsTakeThePlainScan) {
  for (const std::string& props : {
           R"({"attachments":[{"id":0,"fallback":"Build #42 passed","color":"#36a64f","title":"Job 42","title_link":"https://ci.example.com/job/42","text":"All *green* in 3m12s","fields":[{"title":"Branch","value":"main","short":true}],"ts":null}],"from_webhook":"true","override_username":"ci-bot"})"s,
           "{}"s, " { } "s, "{\"a\":\"line\\nquote\\\"tab\\t\\u00e9\\u0000\\/\"}"s,
           "{\"é\":\"日本😀\",\"n\":[0,-0,1.5,-12.5e-3,1E+99,1e-99,123456789012345678901234567890]}"s,
           "{\"a\":" + nested(511, "[", "", "]") + "}",
           // A backslash, then text: in the Writer's own form, so no false alarm any more.
           "{\"a\":\"\\\\ud800\"}"s,
       }) {
    EXPECT_TRUE(plainly_json_object(props)) << props;
    EXPECT_TRUE(rapidjson_json_object(props)) << props;
  }
  // Where Go's rules and RapidJSON's may part, the plain scan leaves the answer to RapidJSON.
  for (const std::string& props : {
           "{\"a\":\"\\ud83d\\ude00\"}"s,  // a pair: RapidJSON says yes
           "{\"a\":\"\\ud800\"}"s,           // lone: RapidJSON says no, Go U+FFFD
           " {\"a\":\"\\\\ud800\"}"s,      // the same, not in the Writer's form: a false alarm
           "{\"a\":1e100}"s, "{\"a\":1e308}"s, "{\"a\":1e309}"s, "{\"a\":" + std::string(101, '7') + "}",
           "{\"a\":1.7976931348623157e308}"s, "{\"a\":-2e308}"s, "\xef\xbb\xbf{}"s, "{}\0"s,
           "{\"a\":" + nested(512, "[", "", "]") + "}",
       }) {
    EXPECT_FALSE(plainly_json_object(props)) << props;
    expect_rapidjsons_answer(props);
  }
}

// Numbers of every size the plain scan takes, and just past it: each is RapidJSON's answer.
TEST(IsJsonObject, ThePlainScanTakesOnlyNumbersRapidJsonReads) {
  std::mt19937 random(20261128);
  int plain = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string n = random() % 2 ? "-" : "";
    int digits = 1 + static_cast<int>(random() % 110);
    n += static_cast<char>('1' + random() % 9);
    for (int d = 1; d < digits; ++d) n += static_cast<char>('0' + random() % 10);
    if (random() % 2) n.insert(1 + random() % n.size(), ".");
    if (n.back() == '.' || n.find(".") == (n[0] == '-' ? 1u : 0u)) continue;  // not a number
    if (random() % 2) {
      n += random() % 2 ? "e" : "E";
      int sign = static_cast<int>(random() % 3);
      if (sign) n += sign == 1 ? "+" : "-";
      n += std::to_string(random() % 400);
    }
    std::string props = "{\"n\":" + n + "}";
    plain += plainly_json_object(props);
    expect_rapidjsons_answer(props);
  }
  EXPECT_GT(plain, 5000);
}

}  // namespace
}  // namespace pb::chat
