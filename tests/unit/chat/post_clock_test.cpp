// PostClock: create_at never repeats within a channel, follows the wall clock otherwise, and
// its table does not keep channels the wall clock has passed.
#include "core/chat/post_clock.h"

#include <gtest/gtest.h>

#include <string>

namespace pb::chat {
namespace {

TEST(PostClock, SameMillisecondPostsGetIncreasingTimesPerChannel) {
  PostClock clock;
  EXPECT_EQ(clock.next("a", 1000), 1000);
  EXPECT_EQ(clock.next("a", 1000), 1001);
  EXPECT_EQ(clock.next("a", 1000), 1002);
  EXPECT_EQ(clock.next("b", 1000), 1000);  // another channel has its own sequence
}

TEST(PostClock, FollowsTheWallClockOnceItCatchesUp) {
  PostClock clock;
  clock.next("a", 1000);
  clock.next("a", 1000);                   // 1001: one ahead
  EXPECT_EQ(clock.next("a", 1001), 1002);  // still ahead
  EXPECT_EQ(clock.next("a", 5000), 5000);  // the wall clock passed it
  EXPECT_EQ(clock.next("a", 4000), 5001);  // a wall clock stepping back never reorders
}

TEST(PostClock, ManyChannelsStayCorrectAcrossSweeps) {
  PostClock clock;
  for (int i = 0; i < 5000; ++i) EXPECT_EQ(clock.next("c" + std::to_string(i), 100 + i), 100 + i);
  // Swept entries were behind the wall clock, so forgetting them changes no answer.
  EXPECT_EQ(clock.next("c0", 6000), 6000);
  EXPECT_EQ(clock.next("c4999", 5099), 5100);
  EXPECT_EQ(clock.next("c4999", 5099), 5101);
}

}  // namespace
}  // namespace pb::chat
