// sdk/include/patchbay/json_guard.hpp: the numbers RapidJSON 1.1's full-precision parse reads
// wrong (or crashes on) are rewritten so that the parse gives what strtod gives.
#include <patchbay/json_guard.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// The double the guarded full-precision parse gives for `number`, or nullopt when refused.
std::optional<double> guarded_parse(const std::string& number) {
  const std::string json = "[" + number + "]";
  std::string scratch;
  auto text = pb::sdk::json_full_precision_safe(json, scratch);
  if (!text) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text->data(), text->size());
  if (doc.HasParseError()) return std::nullopt;
  return doc[0].GetDouble();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(JsonGuardNumbers, MisreadNumbersParseAsStrtodReadsThem) {
  const std::string zeros400(400, '0');
  for (const std::string& number :
       {std::string("0e308"), std::string("0e-23"), std::string("-0e-30"), std::string("0.0e100"),
        "0." + std::string(23, '0'), "0." + zeros400, "0." + zeros400 + "1",
        "0." + std::string(330, '0') + "1", std::string("0.0001e-320"), std::string("0.01e-322"),
        std::string("7508468652652e-337"), std::string("7.0218640e-326"), std::string("1e-400"),
        std::string("-944e301"), std::string("2.2250738585072011e-308"), std::string("5e-324")}) {
    auto got = guarded_parse(number);
    ASSERT_TRUE(got) << number.substr(0, 40);
    EXPECT_TRUE(same_bits(*got, std::strtod(number.c_str(), nullptr)))
        << number.substr(0, 40) << " read as " << *got;
  }
}

TEST(JsonGuardNumbers, NumbersPastDblMaxAreRefusedNotInfinite) {
  EXPECT_FALSE(guarded_parse("2e308"));
  EXPECT_FALSE(guarded_parse("-1" + std::string(400, '0')));
  EXPECT_FALSE(guarded_parse("6180451389134918967.438081531621867741601549824050303856e+293"));
  EXPECT_TRUE(guarded_parse("1.7976931348623157e308"));
}

TEST(JsonGuardNumbers, UsualTextIsGivenBackUncopied) {
  const std::string json =
      R"({"a":0,"b":-0.0,"c":[1.5,-12.25e3,9007199254740993.0,1e300],"s":"0e308 in a string"})";
  std::string scratch;
  auto text = pb::sdk::json_full_precision_safe(json, scratch);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->data(), json.data());  // no copy
  EXPECT_TRUE(scratch.empty());
}

TEST(JsonGuardNumbers, RewritesKeepTheLengthAndTheRestOfTheText) {
  std::string json = R"({"n":0e308,"s":"0e308","m":[1E+301,-0e-23]})";
  const size_t size = json.size();
  ASSERT_TRUE(pb::sdk::json_rewrite_misread_numbers(json.data(), json.size()));
  EXPECT_EQ(json.size(), size);
  EXPECT_EQ(json, R"({"n":0.0  ,"s":"0e308","m":[1e301 ,-0.0  ]})");
}

}  // namespace

// The scans every guarded parse starts with, against the byte-by-byte loops they replaced, on
// random text made of the bytes they look for (quotes, backslashes, brackets, a surrogate's
// lead and second bytes) at every offset, so the eight-byte steps meet them on every boundary.
namespace {
namespace reference {

std::size_t too_deep_at(std::string_view text, int max_depth) {
  bool in_string = false;
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::string_view::npos;
}

void replace_surrogates(char* bytes, std::size_t size) {
  auto* b = reinterpret_cast<unsigned char*>(bytes);
  for (std::size_t i = 0; i + 2 < size; ++i) {
    if (b[i] == 0xED && b[i + 1] >= 0xA0) {
      b[i] = 0xEF;
      b[i + 1] = 0xBF;
      b[i + 2] = 0xBD;
      i += 2;
    }
  }
}

}  // namespace reference
}  // namespace

TEST(JsonGuardScans, AnswerAsTheByteLoopsTheyReplaced) {
  const char alphabet[] = {'"', '\\', '[', ']', '{', '}', 'a', ' ', '\xED', '\xA0', '\x9F',
                          '\x1F', '\x20', '\x7F', '\x80', '\n', '\0'};
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;  // fixed seed: the same inputs on every run
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int n = 0; n < 50000; ++n) {
    std::string text(next() % 48, ' ');
    for (char& c : text) c = alphabet[next() % sizeof alphabet];
    const int max_depth = static_cast<int>(next() % 4);
    ASSERT_EQ(pb::sdk::json_too_deep_at(text, max_depth), reference::too_deep_at(text, max_depth))
        << text;
    std::string fast = text, slow = text;
    pb::sdk::json_replace_surrogates(fast.data(), fast.size());
    reference::replace_surrogates(slow.data(), slow.size());
    ASSERT_EQ(fast, slow) << text;
    const std::size_t from = text.empty() ? 0 : next() % text.size();
    std::size_t expected = from;
    while (expected < text.size() && text[expected] != '"' && text[expected] != '\\') ++expected;
    ASSERT_EQ(pb::sdk::json_string_stop<pb::sdk::kJsonStopQuoteBackslash>(text, from), expected)
        << text;
    auto stop_at = [&](auto is_stop) {
      std::size_t at = from;
      while (at < text.size() && !is_stop(static_cast<unsigned char>(text[at]))) ++at;
      return at;
    };
    auto quote_backslash = [](unsigned char c) { return c == '"' || c == '\\'; };
    ASSERT_EQ(pb::sdk::json_string_stop<pb::sdk::kJsonStopControl>(text, from),
              stop_at([&](unsigned char c) { return quote_backslash(c) || c < 0x20; }))
        << text;
    ASSERT_EQ(pb::sdk::json_string_stop<pb::sdk::kJsonStopControl | pb::sdk::kJsonStopNonAscii>(
                  text, from),
              stop_at([&](unsigned char c) { return quote_backslash(c) || c < 0x20 || c >= 0x80; }))
        << text;
  }
}

