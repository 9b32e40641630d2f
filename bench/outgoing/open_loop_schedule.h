// OpenLoopSchedule: when each post of an open-loop run is due. Post i is due at
// start + i / rate, whatever the earlier posts are doing; latencies are measured from that due
// time, so a stall of the server shows in every post due during it (no coordinated omission).
//
// Plain value type, no I/O; times are nanoseconds of one monotonic clock (uv_hrtime).
#pragma once

#include <cstdint>

namespace pb::bench {

class OpenLoopSchedule {
 public:
  // `rate_per_s` > 0; `total`: how many posts the run has.
  OpenLoopSchedule(uint64_t start_ns, double rate_per_s, uint64_t total);

  uint64_t start_ns() const { return start_ns_; }
  uint64_t total() const { return total_; }

  // When post `i` is due: start + floor(i * 1e9 / rate) ns. Strictly increasing in i.
  uint64_t due_ns(uint64_t i) const;

  // How many posts are due at `now_ns` (those i < total with due_ns(i) <= now_ns).
  uint64_t due_by(uint64_t now_ns) const;

 private:
  uint64_t start_ns_;
  long double interval_ns_;
  uint64_t total_;
};

}  // namespace pb::bench
