// The SDK's UTF-8 rules (patchbay/utf8.hpp), Go's utf8.DecodeRune: what is a valid sequence,
// where the first invalid byte is, and that repair replaces each invalid byte by U+FFFD.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "patchbay/utf8.hpp"

namespace {

using pb::sdk::append_valid_utf8;
using pb::sdk::count_code_points;
using pb::sdk::first_invalid_utf8;
using pb::sdk::utf8_length_at;

std::string repaired(std::string_view s) {
  std::string out = "<";
  append_valid_utf8(out, s);
  return out;
}

TEST(Utf8, SequenceLengthsFollowGosRules) {
  EXPECT_EQ(utf8_length_at("a", 0), 1u);
  EXPECT_EQ(utf8_length_at("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(utf8_length_at("\xE2\x82\xAC", 0), 3u);      // €
  EXPECT_EQ(utf8_length_at("\xF0\x9F\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(utf8_length_at("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(utf8_length_at("\xE0\x80\xAF", 0), 0u);      // overlong, three bytes
  EXPECT_EQ(utf8_length_at("\xED\xA0\x80", 0), 0u);      // a surrogate (U+D800)
  EXPECT_EQ(utf8_length_at("\xF4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(utf8_length_at("\xE2\x82", 0), 0u);          // cut short
  EXPECT_EQ(utf8_length_at("\x80", 0), 0u);              // a lone continuation byte
  EXPECT_EQ(utf8_length_at("\xFF", 0), 0u);
}

TEST(Utf8, FirstInvalidByteIsFoundPastTheAsciiFastPath) {
  EXPECT_EQ(first_invalid_utf8(""), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("plain ascii, longer than eight bytes"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC 12345678"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("0123456789abcdef\xFFtail"), 16u);
  EXPECT_EQ(first_invalid_utf8("01234567\xE2\x82"), 8u);
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);
}

// The ASCII skip (16 bytes, then 8, then 1 at a time) stops at the first high byte wherever it
// falls, for every length around the block sizes, and only there.
TEST(Utf8, AsciiSkipStopsAtTheFirstHighByteInEveryPosition) {
  for (size_t size = 0; size <= 40; ++size) {
    std::string text(size, 'a');
    EXPECT_EQ(pb::sdk::skip_ascii(text, 0), size);
    EXPECT_TRUE(pb::sdk::is_ascii(text));
    for (size_t at = 0; at < size; ++at) {
      std::string high = text;
      high[at] = '\x80';
      high[size - 1] = static_cast<char>(at + 1 == size ? 0x80 : 0xFF);  // a later one as well
      for (size_t from = 0; from <= at; ++from) {
        ASSERT_EQ(pb::sdk::skip_ascii(high, from), at) << size << " " << at << " " << from;
      }
      EXPECT_FALSE(pb::sdk::is_ascii(high));
      EXPECT_EQ(first_invalid_utf8(high), at);
    }
  }
}

TEST(Utf8, RepairReplacesEachInvalidByteAndKeepsTheRest) {
  EXPECT_EQ(repaired("ok \xC3\xA9"), "<ok \xC3\xA9");
  EXPECT_EQ(repaired("a\xFF" "b"), "<a\xEF\xBF\xBD" "b");
  // Go replaces byte by byte: a cut-short three-byte sequence is two replacements.
  EXPECT_EQ(repaired("\xE2\x82"), "<\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repaired("\xED\xA0\x80" "x"), "<\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "x");
}

TEST(Utf8, CodePointsAreCountedAcrossWordsAndTails) {
  EXPECT_EQ(count_code_points(""), 0u);
  EXPECT_EQ(count_code_points("h\xC3\xA9llo"), 5u);  // héllo: the é is one
  // 8-byte words and the tail both count: 3 + 3 + 4 + 1 + 16 code points.
  std::string mixed = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E" "abc" "\xF0\x9F\x98\x80"
                      "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" "\xC3\xA9"
                      "0123456789abcdef";
  EXPECT_EQ(count_code_points(mixed), 27u);
  // Against the byte-by-byte definition, every offset and length of random bytes (invalid
  // text included: a byte counts unless it is 10xxxxxx).
  std::mt19937 rng(7);
  std::string bytes(300, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  for (size_t from = 0; from < 16; ++from) {
    for (size_t len = 0; from + len <= bytes.size(); len += 7) {
      std::string_view s(bytes.data() + from, len);
      size_t expected = 0;
      for (unsigned char c : s) expected += (c & 0xC0) != 0x80;
      ASSERT_EQ(count_code_points(s), expected) << from << "+" << len;
    }
  }
}

}  // namespace
