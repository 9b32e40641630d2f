#include "core/util/ids.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <patchbay/ids.hpp>
#include <set>
#include <string>
#include <vector>

TEST(Ids, AreMattermostShaped) {
  ASSERT_GE(sodium_init(), 0);
  const std::string alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = pb::new_id();
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) ASSERT_NE(alphabet.find(c), std::string::npos) << id;
    EXPECT_TRUE(pb::is_valid_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// The pool is refilled every 256 ids (one getrandom for 4 KiB): ids across many refills stay
// distinct, and every position but the last (16 bytes give it 3 bits: one of 8 characters)
// takes every one of the 32 characters, which a pool left short or zeroed would not.
TEST(Ids, StayDistinctAndUniformAcrossPoolRefills) {
  constexpr int kIds = 20000;  // ~78 refills
  std::set<std::string> seen;
  std::vector<std::set<char>> per_position(26);
  for (int i = 0; i < kIds; ++i) {
    std::string id = pb::new_id();
    for (size_t p = 0; p < id.size(); ++p) per_position[p].insert(id[p]);
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kIds));
  for (size_t p = 0; p + 1 < per_position.size(); ++p) {
    EXPECT_EQ(per_position[p].size(), 32u) << p;
  }
}

TEST(Ids, ValidityIsLengthAndAlphanumerics) {
  EXPECT_FALSE(pb::is_valid_id(""));
  EXPECT_FALSE(pb::is_valid_id("abc"));
  EXPECT_FALSE(pb::is_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaa-"));
  EXPECT_FALSE(pb::is_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(pb::is_valid_id("AAAAaaaaaaaaaaaaaaaaaaaa09"));
}

// The run-time check (16 bytes at a time) agrees with the byte rule for every byte value at
// every position; the compile-time one is the byte loop itself.
TEST(Ids, EveryByteAtEveryPositionIsJudgedByTheByteRule) {
  static_assert(pb::sdk::is_valid_id("abcdefghijklmnopqrstuvwxyZ"));
  static_assert(!pb::sdk::is_valid_id("abcdefghijklmnopqrstuvwxy_"));
  auto alnum = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  for (size_t position = 0; position < 26; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string id(26, 'q');
      id[position] = static_cast<char>(byte);
      ASSERT_EQ(pb::is_valid_id(id), alnum(static_cast<unsigned char>(byte)))
          << "byte " << byte << " at " << position;
    }
  }
}

TEST(Ids, TimeOrderedIdsSortInCreationOrderAndStayMattermostShaped) {
  ASSERT_GE(sodium_init(), 0);
  const std::string alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";
  std::set<std::string> seen;
  std::string previous;
  // Spans a carry in the timestamp symbols and the pre-1970 clamp.
  for (int64_t ms : {int64_t{-5}, int64_t{0}, int64_t{31}, int64_t{32}, int64_t{1'700'000'000'000},
                     int64_t{1'700'000'000'001}, int64_t{1'700'000'001'024}}) {
    std::string id = pb::new_time_ordered_id(ms);
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) ASSERT_NE(alphabet.find(c), std::string::npos) << id;
    EXPECT_TRUE(pb::is_valid_id(id));
    if (ms > 0) {
      EXPECT_LT(previous.substr(0, 10), id.substr(0, 10)) << ms;
    }
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(pb::new_time_ordered_id(-5).substr(0, 10), "1111111111");
  EXPECT_EQ(pb::new_time_ordered_id(33).substr(0, 10), "1111111133");
  // The same millisecond: the random part differs, and each id sorts after the one before.
  for (int i = 0; i < 1000; ++i) {
    std::string id = pb::new_time_ordered_id(1'800'000'000'000);
    EXPECT_GT(id, previous);
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1007u);
}
