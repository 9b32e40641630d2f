#include "core/util/ids.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

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

TEST(Ids, ValidityIsLengthAndAlphanumerics) {
  EXPECT_FALSE(pb::is_valid_id(""));
  EXPECT_FALSE(pb::is_valid_id("abc"));
  EXPECT_FALSE(pb::is_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaa-"));
  EXPECT_FALSE(pb::is_valid_id("aaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(pb::is_valid_id("AAAAaaaaaaaaaaaaaaaaaaaa09"));
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
    if (ms > 0) EXPECT_LT(previous.substr(0, 10), id.substr(0, 10)) << ms;
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
