#include "bench/outgoing/open_loop_schedule.h"

#include <gtest/gtest.h>

namespace pb::bench {
namespace {

TEST(OpenLoopSchedule, PostIIsDueAtStartPlusIOverRate) {
  OpenLoopSchedule s(1'000'000, 5000, 100);
  EXPECT_EQ(s.due_ns(0), 1'000'000u);
  EXPECT_EQ(s.due_ns(1), 1'000'000u + 200'000u);
  EXPECT_EQ(s.due_ns(5000), 1'000'000u + 1'000'000'000u);
}

TEST(OpenLoopSchedule, NonIntegralIntervalsDoNotDrift) {
  OpenLoopSchedule s(0, 3, 10);  // 333,333,333.3 ns apart: after 3 posts exactly one second
  EXPECT_EQ(s.due_ns(3), 1'000'000'000u);
  EXPECT_EQ(s.due_ns(1), 333'333'333u);
  EXPECT_EQ(s.due_ns(300'000), 100'000'000'000'000u);
}

TEST(OpenLoopSchedule, DueByCountsExactlyThePostsDueSoFar) {
  OpenLoopSchedule s(500, 7000, 50'000);
  EXPECT_EQ(s.due_by(0), 0u);
  EXPECT_EQ(s.due_by(499), 0u);
  EXPECT_EQ(s.due_by(500), 1u);  // post 0 is due at the start itself
  for (uint64_t now = 0; now < 2'000'000'000; now += 123'457) {
    uint64_t n = s.due_by(now);
    if (n > 0) {
      EXPECT_LE(s.due_ns(n - 1), now) << now;
    }
    if (n < s.total()) {
      EXPECT_GT(s.due_ns(n), now) << now;
    }
  }
}

TEST(OpenLoopSchedule, DueByStopsAtTheTotal) {
  OpenLoopSchedule s(0, 1000, 10);
  EXPECT_EQ(s.due_by(9'000'000), 10u);
  EXPECT_EQ(s.due_by(5'000'000'000), 10u);
  OpenLoopSchedule empty(0, 1000, 0);
  EXPECT_EQ(empty.due_by(5'000'000'000), 0u);
}

}  // namespace
}  // namespace pb::bench
