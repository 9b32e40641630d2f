// The Generic Cell Rate Algorithm, with the arithmetic of the "throttled" Go library that
// Mattermost's rate limiter uses, so a client sees the same limits and the same X-Ratelimit-*
// numbers from patchbay as from Mattermost (wire spec §8).
//
// A key's whole state is one number, its theoretical arrival time (TAT): the instant at which
// the key would be back to "no debt" if requests kept arriving exactly at the permitted rate.
// Pure functions over that number; times are nanoseconds on any monotonic clock the caller
// chooses (tests pass their own). Thread-safe: no shared state.
#pragma once

#include <cstdint>

namespace pb::ratelimit {

struct Quota {
  int64_t emission_ns = 0;   // 1 s / PerSec (integer division, as Go's time.Second / n)
  int64_t tolerance_ns = 0;  // emission_ns * (MaxBurst + 1): how far ahead the TAT may run
  int limit = 0;             // MaxBurst + 1, the X-Ratelimit-Limit value

  // per_sec >= 1, max_burst >= 0 (the config checks guarantee both).
  static Quota per_second(int64_t per_sec, int64_t max_burst);
};

// What one request learned. The *_ns fields are durations from `now`.
struct Decision {
  bool limited = false;
  int limit = 0;
  int remaining = 0;            // requests that could still go through right now
  int64_t reset_ns = 0;         // until the key is fully replenished
  int64_t retry_after_ns = -1;  // until this request would be allowed; -1 when not limited
};

// A key never seen (or forgotten) has no TAT.
constexpr int64_t kNoTat = INT64_MIN;

// One request of weight 1 for a key whose TAT is `tat` (kNoTat if unknown) at time `now`.
// When allowed, `tat` is advanced to the new TAT; when limited it is left alone (a refused
// request costs nothing, as in throttled).
Decision gcra_take(const Quota& quota, int64_t& tat, int64_t now);

// ceil(ns / 1 s) for ns >= 0: the header values are whole seconds rounded up.
int64_t ceil_seconds(int64_t ns);

}  // namespace pb::ratelimit
