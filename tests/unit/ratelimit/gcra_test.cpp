// GCRA arithmetic against hand-computed values (throttled's formulas, wire spec §8).
#include "core/ratelimit/gcra.h"

#include <gtest/gtest.h>

namespace pb::ratelimit {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'000 * kSec;  // an arbitrary clock origin: no zero special-casing

TEST(Quota, PerSecondMatchesThrottled) {
  Quota q = Quota::per_second(10, 100);
  EXPECT_EQ(q.emission_ns, 100 * kMs);
  EXPECT_EQ(q.limit, 101);
  EXPECT_EQ(q.tolerance_ns, 10'100 * kMs);

  // time.Second / 3 truncates.
  Quota third = Quota::per_second(3, 0);
  EXPECT_EQ(third.emission_ns, 333'333'333);
  EXPECT_EQ(third.limit, 1);
  EXPECT_EQ(third.tolerance_ns, 333'333'333);
}

TEST(Gcra, FirstRequestOfAnUnknownKey) {
  Quota q = Quota::per_second(10, 100);
  int64_t tat = kNoTat;
  Decision d = gcra_take(q, tat, kT0);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.limit, 101);
  EXPECT_EQ(d.remaining, 100);
  EXPECT_EQ(d.reset_ns, 100 * kMs);
  EXPECT_EQ(d.retry_after_ns, -1);
  EXPECT_EQ(tat, kT0 + 100 * kMs);
}

TEST(Gcra, BurstOfLimitThenRefused) {
  Quota q = Quota::per_second(10, 100);
  int64_t tat = kNoTat;
  for (int i = 1; i <= 101; ++i) {
    Decision d = gcra_take(q, tat, kT0);
    ASSERT_FALSE(d.limited) << "request " << i;
    EXPECT_EQ(d.remaining, 101 - i) << "request " << i;
    EXPECT_EQ(d.reset_ns, i * 100 * kMs) << "request " << i;
  }
  const int64_t full = tat;
  Decision d = gcra_take(q, tat, kT0);
  EXPECT_TRUE(d.limited);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after_ns, 100 * kMs);  // one emission interval until a slot frees
  EXPECT_EQ(d.reset_ns, 10'100 * kMs);
  EXPECT_EQ(tat, full) << "a refused request must not cost anything";
  EXPECT_EQ(ceil_seconds(d.retry_after_ns), 1);
  EXPECT_EQ(ceil_seconds(d.reset_ns), 11);
}

TEST(Gcra, RefillsOneRequestPerEmissionInterval) {
  Quota q = Quota::per_second(10, 2);  // limit 3, tolerance 300 ms
  int64_t tat = kNoTat;
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(gcra_take(q, tat, kT0).limited);
  Decision retry = gcra_take(q, tat, kT0 + 40 * kMs);
  EXPECT_TRUE(retry.limited);
  EXPECT_EQ(retry.retry_after_ns, 60 * kMs);
  retry = gcra_take(q, tat, kT0 + 99 * kMs);
  EXPECT_TRUE(retry.limited);
  EXPECT_EQ(retry.retry_after_ns, 1 * kMs);

  Decision d = gcra_take(q, tat, kT0 + 100 * kMs);  // exactly one interval later
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_TRUE(gcra_take(q, tat, kT0 + 100 * kMs).limited);

  // 250 ms later two intervals have passed (and a half, which is not yet a request).
  d = gcra_take(q, tat, kT0 + 350 * kMs);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.remaining, 1);
  d = gcra_take(q, tat, kT0 + 350 * kMs);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_TRUE(gcra_take(q, tat, kT0 + 350 * kMs).limited);
}

TEST(Gcra, IdleTimeIsNotBankedBeyondAFullBucket) {
  Quota q = Quota::per_second(10, 2);
  int64_t tat = kNoTat;
  ASSERT_FALSE(gcra_take(q, tat, kT0).limited);
  // An hour of silence buys no more than MaxBurst + 1 requests.
  const int64_t later = kT0 + 3600 * kSec;
  Decision d = gcra_take(q, tat, later);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.remaining, 2);
  EXPECT_EQ(d.reset_ns, 100 * kMs);
  EXPECT_FALSE(gcra_take(q, tat, later).limited);
  EXPECT_FALSE(gcra_take(q, tat, later).limited);
  EXPECT_TRUE(gcra_take(q, tat, later).limited);
}

TEST(Gcra, NoBurstMeansOneRequestPerInterval) {
  Quota q = Quota::per_second(2, 0);  // 500 ms apart
  int64_t tat = kNoTat;
  Decision d = gcra_take(q, tat, kT0);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.remaining, 0);
  d = gcra_take(q, tat, kT0 + 499 * kMs);
  EXPECT_TRUE(d.limited);
  EXPECT_EQ(d.retry_after_ns, 1 * kMs);
  EXPECT_EQ(ceil_seconds(d.retry_after_ns), 1);
  EXPECT_FALSE(gcra_take(q, tat, kT0 + 500 * kMs).limited);
}

TEST(Gcra, RemainingTruncatesPartialIntervals) {
  Quota q = Quota::per_second(10, 4);  // limit 5
  int64_t tat = kNoTat;
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(gcra_take(q, tat, kT0).limited);
  // 150 ms later one interval and a half have drained: the next request is allowed and
  // leaves half an interval of headroom, which counts as zero.
  Decision d = gcra_take(q, tat, kT0 + 150 * kMs);
  EXPECT_FALSE(d.limited);
  EXPECT_EQ(d.reset_ns, 450 * kMs);
  EXPECT_EQ(d.remaining, 0);
}

TEST(CeilSeconds, RoundsUpWholeSeconds) {
  EXPECT_EQ(ceil_seconds(0), 0);
  EXPECT_EQ(ceil_seconds(-5), 0);
  EXPECT_EQ(ceil_seconds(1), 1);
  EXPECT_EQ(ceil_seconds(kSec), 1);
  EXPECT_EQ(ceil_seconds(kSec + 1), 2);
}

}  // namespace
}  // namespace pb::ratelimit
