#include "bench/outgoing/run_latencies.h"

#include <gtest/gtest.h>

namespace pb::bench {
namespace {

constexpr uint64_t kMs = 1'000'000;

// Post n: due at (n+1) s; the caller fills in the rest.
struct FakeRun {
  explicit FakeRun(size_t posts) : times(posts), received(posts) {
    for (size_t n = 0; n < posts; ++n) times.due[n] = (n + 1) * 1000 * kMs;
  }
  void post(size_t n, uint64_t issued_ms, uint64_t sent_ms, uint64_t acked_ms, uint64_t callback_ms) {
    const uint64_t due = times.due[n];
    times.issued[n] = due + issued_ms * kMs;
    times.sent[n] = due + sent_ms * kMs;
    times.acked[n] = acked_ms ? due + acked_ms * kMs : 0;
    received[n] = callback_ms ? due + callback_ms * kMs : 0;
  }
  PostTimes times;
  SampleArray received;
};

TEST(RunLatencies, EveryLatencyCountsFromTheDueTime) {
  FakeRun r(1);
  r.post(0, /*issued*/ 2, /*sent*/ 5, /*acked*/ 12, /*callback*/ 15);
  RunLatencies l = collect_latencies(r.times, r.received, 1);
  EXPECT_EQ(l.issuer_lag, std::vector<uint64_t>{2 * kMs});
  EXPECT_EQ(l.connection_wait, std::vector<uint64_t>{3 * kMs});
  EXPECT_EQ(l.scheduled_to_ack, std::vector<uint64_t>{12 * kMs});  // not from the send
  EXPECT_EQ(l.ack_to_callback, std::vector<uint64_t>{3 * kMs});
  EXPECT_EQ(l.scheduled_to_callback, std::vector<uint64_t>{15 * kMs});
}

TEST(RunLatencies, ACallbackBeforeTheAckCountsAsZero) {
  FakeRun r(1);
  r.post(0, 0, 0, 10, 8);
  RunLatencies l = collect_latencies(r.times, r.received, 1);
  EXPECT_EQ(l.ack_to_callback, std::vector<uint64_t>{0});
  EXPECT_EQ(l.callbacks_before_ack, 1u);
}

TEST(RunLatencies, MissingDeliveriesAndFailedPostsAreCountedNotMeasured) {
  FakeRun r(4);
  r.post(0, 0, 0, 10, 0);   // acknowledged, never delivered
  r.post(1, 0, 0, 0, 0);    // failed
  r.post(2, 0, 0, 10, 20);
  r.post(3, 0, 0, 10, 20);  // issued beyond the count asked for: ignored
  RunLatencies l = collect_latencies(r.times, r.received, 3);
  EXPECT_EQ(l.acknowledged, 2u);
  EXPECT_EQ(l.delivered, 1u);
  EXPECT_EQ(l.acked_not_delivered, 1u);
  EXPECT_EQ(l.scheduled_to_ack.size(), 2u);
  EXPECT_EQ(l.ack_to_callback.size(), 1u);
  EXPECT_EQ(l.issuer_lag.size(), 3u);
}

TEST(RunLatencies, WindowsShowALatencyThatGrowsWithTheRun) {
  FakeRun r(6);  // due at 1..6 s
  for (size_t n = 0; n < 6; ++n) r.post(n, 0, 0, (n + 1) * 10, (n + 1) * 10 + n);
  auto w = latencies_by_window(r.times, r.received, 6, /*start*/ 1000 * kMs, /*window*/ 2000 * kMs);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].posts, 2u);
  EXPECT_EQ(w[0].p99_scheduled_to_ack_ns, 20 * kMs);
  EXPECT_EQ(w[1].p99_scheduled_to_ack_ns, 40 * kMs);
  EXPECT_EQ(w[2].p99_scheduled_to_ack_ns, 60 * kMs);
  EXPECT_EQ(w[2].p99_ack_to_callback_ns, 5 * kMs);
}

TEST(RunLatencies, AnEmptyWindowInTheMiddleIsKept) {
  FakeRun r(3);
  r.post(0, 0, 0, 5, 6);
  r.post(1, 0, 0, 0, 0);  // failed: its window has no acknowledged post
  r.post(2, 0, 0, 7, 8);
  auto w = latencies_by_window(r.times, r.received, 3, 1000 * kMs, 1000 * kMs);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[1].posts, 0u);
  EXPECT_EQ(w[2].p99_scheduled_to_ack_ns, 7 * kMs);
}

}  // namespace
}  // namespace pb::bench
