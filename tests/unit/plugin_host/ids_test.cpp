// sdk/include/patchbay/ids.hpp: the shape of new_id()'s ids (Mattermost's NewId), that they do
// not repeat and use the whole alphabet, and is_valid_id()'s rules.
#include "patchbay/ids.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace pb::sdk {
namespace {

constexpr std::string_view kAlphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

TEST(SdkIds, NewIdIsTwentySixSymbolsOfTheAlphabet) {
  for (int i = 0; i < 200; ++i) {
    std::string id = new_id();
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) ASSERT_NE(kAlphabet.find(c), std::string_view::npos) << id;
    EXPECT_TRUE(is_valid_id(id)) << id;
  }
}

// 128 bits leave 3 for the last symbol, shifted up: only alphabet positions 0, 4, ..., 28.
TEST(SdkIds, LastSymbolCarriesThreeBitsLikeNewId) {
  std::set<char> last;
  for (int i = 0; i < 2000; ++i) last.insert(new_id().back());
  std::set<char> allowed;
  for (size_t k = 0; k < 32; k += 4) allowed.insert(kAlphabet[k]);
  EXPECT_EQ(last, allowed);  // each of 8 values missed in 2000 draws: p < 1e-100
}

TEST(SdkIds, EveryPositionUsesTheWholeAlphabet) {
  std::vector<std::set<char>> seen(25);
  for (int i = 0; i < 2000; ++i) {
    std::string id = new_id();
    for (size_t p = 0; p < 25; ++p) seen[p].insert(id[p]);
  }
  for (size_t p = 0; p < 25; ++p) EXPECT_EQ(seen[p].size(), 32u) << "position " << p;
}

TEST(SdkIds, IdsDoNotRepeatAcrossThreads) {
  constexpr int kPerThread = 5000;
  std::array<std::vector<std::string>, 4> made;
  std::vector<std::thread> threads;
  for (auto& out : made) {
    threads.emplace_back([&out] {
      for (int i = 0; i < kPerThread; ++i) out.push_back(new_id());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), made.size() * kPerThread);
}

TEST(SdkIds, BufferFormWritesExactlyTwentySixBytes) {
  char buf[28];
  std::memset(buf, '#', sizeof buf);
  new_id(buf + 1);
  EXPECT_EQ(buf[0], '#');
  EXPECT_EQ(buf[27], '#');
  EXPECT_TRUE(is_valid_id(std::string_view(buf + 1, 26)));
}

// Known answers: all-zero bytes are all 'y' (symbol 0); all-one bytes are symbol 31 ('9') but
// for the last, which holds 3 one-bits shifted up (symbol 28, 'h'); one bit set at the top of
// the first byte is symbol 16 ('o') first.
TEST(SdkIds, EncodeIdIsBase32WithTheIdAlphabet) {
  uint8_t zeros[16] = {}, ones[16], top[16] = {0x80};
  std::memset(ones, 0xff, sizeof ones);
  char out[26];
  encode_id(zeros, out);
  EXPECT_EQ(std::string_view(out, 26), std::string(26, 'y'));
  encode_id(ones, out);
  EXPECT_EQ(std::string_view(out, 26), std::string(25, '9') + "h");
  encode_id(top, out);
  EXPECT_EQ(std::string_view(out, 26), "o" + std::string(25, 'y'));
}

// encode_id against RFC 4648 base32 spelled out bit by bit: every single bit (each lands in one
// symbol, across the word boundary too) and random bytes.
TEST(SdkIds, EncodeIdMatchesBitByBitBase32) {
  auto reference = [](const uint8_t(&raw)[16]) {
    std::string out;
    for (int symbol = 0; symbol < 26; ++symbol) {
      int value = 0;
      for (int b = 0; b < 5; ++b) {
        const int bit = symbol * 5 + b;  // past 127: the zero padding
        const int set = bit < 128 ? (raw[bit / 8] >> (7 - bit % 8)) & 1 : 0;
        value = value * 2 + set;
      }
      out += "ybndrfg8ejkmcpqxot1uwisza345h769"[value];
    }
    return out;
  };
  char out[26];
  for (int bit = 0; bit < 128; ++bit) {
    uint8_t raw[16] = {};
    raw[bit / 8] = static_cast<uint8_t>(0x80 >> (bit % 8));
    encode_id(raw, out);
    EXPECT_EQ(std::string_view(out, 26), reference(raw)) << "bit " << bit;
  }
  uint32_t seed = 12345;
  for (int round = 0; round < 1000; ++round) {
    uint8_t raw[16];
    for (uint8_t& byte : raw) byte = static_cast<uint8_t>((seed = seed * 1103515245 + 12345) >> 16);
    encode_id(raw, out);
    ASSERT_EQ(std::string_view(out, 26), reference(raw)) << "round " << round;
  }
}

TEST(SdkIds, IsValidIdFollowsTheWireSpec) {
  static_assert(is_valid_id("abcdefghijklmnopqrstuvwxyz"));
  EXPECT_TRUE(is_valid_id("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
  EXPECT_TRUE(is_valid_id("01234567890123456789012345"));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id(std::string(25, 'a')));
  EXPECT_FALSE(is_valid_id(std::string(27, 'a')));
  EXPECT_FALSE(is_valid_id(std::string(25, 'a') + "-"));
  EXPECT_FALSE(is_valid_id(std::string(25, 'a') + "_"));
  EXPECT_FALSE(is_valid_id(std::string(25, 'a') + " "));
  EXPECT_FALSE(is_valid_id(std::string(25, 'a') + '\0'));
  EXPECT_FALSE(is_valid_id(std::string(24, 'a') + "\xc3\xa9"));  // 26 bytes, a non-ASCII letter
}

}  // namespace
}  // namespace pb::sdk
