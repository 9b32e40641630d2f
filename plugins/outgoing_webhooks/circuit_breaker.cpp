#include "plugins/outgoing_webhooks/circuit_breaker.h"

#include <algorithm>

namespace pb::outgoing {

bool CircuitBreaker::allow(int64_t now_ms) {
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (now_ms < open_until_ms_) return false;
      state_ = State::kHalfOpen;  // this delivery is the probe
      return true;
    case State::kHalfOpen:
      return false;
  }
  return false;
}

void CircuitBreaker::record_answer() {
  state_ = State::kClosed;
  failures_in_a_row_ = 0;
  open_ms_ = 0;
}

void CircuitBreaker::record_no_answer(int64_t now_ms) {
  if (state_ == State::kHalfOpen) return open(now_ms);
  // Deliveries started before the breaker opened may still fail while it is open: they say
  // nothing new about the endpoint.
  if (state_ == State::kOpen) return;
  if (++failures_in_a_row_ >= options_.trip_after) open(now_ms);
}

void CircuitBreaker::open(int64_t now_ms) {
  open_ms_ = open_ms_ == 0 ? options_.first_open_ms : std::min(open_ms_ * 2, options_.max_open_ms);
  open_until_ms_ = now_ms + open_ms_;
  state_ = State::kOpen;
  failures_in_a_row_ = 0;
  ++times_opened_;
}

}  // namespace pb::outgoing
