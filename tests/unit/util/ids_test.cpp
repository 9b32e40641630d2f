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
