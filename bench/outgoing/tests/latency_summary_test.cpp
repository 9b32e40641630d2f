#include "bench/outgoing/latency_summary.h"

#include <gtest/gtest.h>

namespace pb::bench {
namespace {

TEST(LatencySummary, NearestRankPercentiles) {
  std::vector<uint64_t> v;
  for (uint64_t i = 1000; i >= 1; --i) v.push_back(i * 1000);  // 1..1000 µs, descending
  LatencySummary s = summarize(v);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.p50_ns, 500'000u);   // ceil(0.5 * 1000) = 500th
  EXPECT_EQ(s.p99_ns, 990'000u);
  EXPECT_EQ(s.p999_ns, 999'000u);
  EXPECT_EQ(s.max_ns, 1'000'000u);
}

TEST(LatencySummary, OneOutlierInAHundredIsNotTheP99) {
  std::vector<uint64_t> v(99, 1'000'000);
  v.push_back(500'000'000);
  LatencySummary s = summarize(v);
  EXPECT_EQ(s.p99_ns, 1'000'000u);
  EXPECT_EQ(s.max_ns, 500'000'000u);
  v.push_back(500'000'000);  // two in 101: now the p99 is the outlier
  EXPECT_EQ(summarize(v).p99_ns, 500'000'000u);
}

TEST(LatencySummary, SmallAndEmptySets) {
  std::vector<uint64_t> one{42};
  LatencySummary s = summarize(one);
  EXPECT_EQ(s.p50_ns, 42u);
  EXPECT_EQ(s.p999_ns, 42u);
  std::vector<uint64_t> none;
  EXPECT_EQ(summarize(none).count, 0u);
  EXPECT_EQ(format_ms(summarize(none)), "none");
  EXPECT_EQ(percentile(none, 0.5), 0u);
}

TEST(LatencySummary, FormatsMilliseconds) {
  std::vector<uint64_t> v{1'250'000, 20'000'000};
  EXPECT_EQ(format_ms(summarize(v)), "p50 1.2  p99 20.0  p99.9 20.0  max 20.0");
}

}  // namespace
}  // namespace pb::bench
