#include "bench/outgoing/open_loop_schedule.h"

#include <algorithm>

namespace pb::bench {

OpenLoopSchedule::OpenLoopSchedule(uint64_t start_ns, double rate_per_s, uint64_t total)
    : start_ns_(start_ns), interval_ns_(1e9L / static_cast<long double>(rate_per_s)), total_(total) {}

uint64_t OpenLoopSchedule::due_ns(uint64_t i) const {
  return start_ns_ + static_cast<uint64_t>(static_cast<long double>(i) * interval_ns_);
}

uint64_t OpenLoopSchedule::due_by(uint64_t now_ns) const {
  if (now_ns < start_ns_ || total_ == 0) return 0;
  // The estimate can be off by one either way (rounding of the product): correct it against
  // due_ns(), the definition.
  auto n = static_cast<uint64_t>(static_cast<long double>(now_ns - start_ns_) / interval_ns_) + 1;
  n = std::min(n, total_);
  while (n > 0 && due_ns(n - 1) > now_ns) --n;
  while (n < total_ && due_ns(n) <= now_ns) ++n;
  return n;
}

}  // namespace pb::bench
