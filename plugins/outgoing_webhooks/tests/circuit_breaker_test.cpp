// CircuitBreaker: trips after N deliveries without an answer, sheds while open, probes once,
// closes on an answer, and backs off exponentially (bounded) while the endpoint stays dead.
#include "plugins/outgoing_webhooks/circuit_breaker.h"

#include <gtest/gtest.h>

namespace pb::outgoing {
namespace {

using State = CircuitBreaker::State;

CircuitBreaker breaker() { return CircuitBreaker({3, 1000, 4000}); }

TEST(CircuitBreaker, OpensAfterTripAfterFailuresInARowOnly) {
  auto b = breaker();
  b.record_no_answer(0);
  b.record_no_answer(0);
  b.record_answer();  // an answer resets the count
  b.record_no_answer(0);
  b.record_no_answer(0);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.allow(0));
  b.record_no_answer(10);
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.open_until_ms(), 1010);
  EXPECT_TRUE(b.rejecting(1009));
  EXPECT_FALSE(b.allow(1009));
}

TEST(CircuitBreaker, OneProbeAfterTheOpenPeriodAndAnAnswerCloses) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_no_answer(0);
  EXPECT_FALSE(b.rejecting(1000));
  EXPECT_TRUE(b.allow(1000));   // the probe
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_FALSE(b.allow(1001));  // nothing else while the probe is out
  EXPECT_FALSE(b.rejecting(1001));
  b.record_answer();
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.allow(1002));
}

TEST(CircuitBreaker, AFailedProbeReopensForTwiceAsLongUpToTheMaximum) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_no_answer(0);
  int64_t now = 0;
  for (int64_t expected : {2000, 4000, 4000}) {
    now = b.open_until_ms();
    ASSERT_TRUE(b.allow(now));
    b.record_no_answer(now);
    EXPECT_EQ(b.open_until_ms() - now, expected);
  }
  EXPECT_EQ(b.times_opened(), 4u);
  // Closing resets the backoff: the next opening is short again.
  ASSERT_TRUE(b.allow(b.open_until_ms()));
  b.record_answer();
  for (int i = 0; i < 3; ++i) b.record_no_answer(now);
  EXPECT_EQ(b.open_until_ms() - now, 1000);
}

TEST(CircuitBreaker, FailuresOfDeliveriesStartedBeforeOpeningDoNotExtendIt) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_no_answer(0);
  b.record_no_answer(500);  // one that was already in flight
  EXPECT_EQ(b.open_until_ms(), 1000);
}

}  // namespace
}  // namespace pb::outgoing
