// Limiter: GCRA per key, keys independent, a forgotten key starts over.
#include "core/ratelimit/limiter.h"

#include <gtest/gtest.h>

namespace pb::ratelimit {
namespace {

constexpr int64_t kLimiterT0 = 5'000'000'000;

TEST(Limiter, KeysAreIndependent) {
  Limiter limiter(Quota::per_second(1, 1), 100);  // two requests, then one per second
  EXPECT_FALSE(limiter.take("a", kLimiterT0).limited);
  EXPECT_FALSE(limiter.take("a", kLimiterT0).limited);
  EXPECT_TRUE(limiter.take("a", kLimiterT0).limited);
  Decision b = limiter.take("b", kLimiterT0);
  EXPECT_FALSE(b.limited);
  EXPECT_EQ(b.remaining, 1);
  EXPECT_TRUE(limiter.take("a", kLimiterT0).limited) << "b's requests do not refill a";
}

TEST(Limiter, EvictionForgetsALimitedKey) {
  Limiter limiter(Quota::per_second(1, 0), 2);
  EXPECT_FALSE(limiter.take("a", kLimiterT0).limited);
  EXPECT_TRUE(limiter.take("a", kLimiterT0).limited);
  limiter.take("b", kLimiterT0);
  limiter.take("c", kLimiterT0);  // the store holds two keys: a is the least recent and goes
  EXPECT_FALSE(limiter.store().contains("a"));
  EXPECT_FALSE(limiter.take("a", kLimiterT0).limited) << "as in Mattermost's memstore";
}

TEST(Limiter, ALimitedRequestStillCountsAsUse) {
  // A refused lookup refreshes recency (golang-lru's Get does), so a client that keeps
  // hammering while limited is not the one evicted.
  Limiter limiter(Quota::per_second(1, 0), 2);
  limiter.take("a", kLimiterT0);
  limiter.take("b", kLimiterT0);
  EXPECT_TRUE(limiter.take("a", kLimiterT0).limited);
  limiter.take("c", kLimiterT0);
  EXPECT_TRUE(limiter.store().contains("a"));
  EXPECT_FALSE(limiter.store().contains("b"));
}

}  // namespace
}  // namespace pb::ratelimit
