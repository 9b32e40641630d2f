// CircuitBreaker: when one hook's callback endpoint keeps failing (connection refused, timeouts,
// TLS or DNS errors: no HTTP answer at all), stop calling it for a while instead of spending a
// connection, a timeout and a queue slot on every post that triggers it.
//
// Closed (normal): every delivery may start; `trip_after` deliveries in a row that got no answer
// open the breaker. Open: nothing starts until `open_until`; the caller sheds what would have
// gone (Mattermost does not retry failed calls either, so a shed delivery is one that would have
// failed). After that one probe delivery may start (half-open); an answer closes the breaker,
// another failure opens it again for twice as long, up to `max_open_ms`.
//
// Pure: no host, no clock of its own (times are passed in, in ms). Threading: one thread.
#pragma once

#include <cstdint>

namespace pb::outgoing {

class CircuitBreaker {
 public:
  struct Options {
    uint32_t trip_after = 5;
    int64_t first_open_ms = 1000;
    int64_t max_open_ms = 60000;
  };
  enum class State { kClosed, kOpen, kHalfOpen };

  CircuitBreaker() = default;
  explicit CircuitBreaker(Options options) : options_(options) {}

  // May a delivery start now? Closed: yes. Open before open_until: no. Open after it: yes, once
  // (the probe; the breaker is half-open until its result). Half-open: no.
  bool allow(int64_t now_ms);
  // Deliveries that would wait behind an open breaker are better shed now.
  bool rejecting(int64_t now_ms) const { return state_ == State::kOpen && now_ms < open_until_ms_; }

  // The outcome of a delivery that allow() let start: at least one HTTP answer (any status: the
  // endpoint is alive), or none.
  void record_answer();
  void record_no_answer(int64_t now_ms);

  State state() const { return state_; }
  int64_t open_until_ms() const { return open_until_ms_; }
  uint64_t times_opened() const { return times_opened_; }

 private:
  void open(int64_t now_ms);

  Options options_;
  State state_ = State::kClosed;
  uint32_t failures_in_a_row_ = 0;
  int64_t open_ms_ = 0;  // how long the last opening lasted (0: never opened since closing)
  int64_t open_until_ms_ = 0;
  uint64_t times_opened_ = 0;
};

}  // namespace pb::outgoing
