#include "core/ratelimit/gcra.h"

#include <algorithm>

namespace pb::ratelimit {
namespace {
constexpr int64_t kSecond = 1'000'000'000;
}

Quota Quota::per_second(int64_t per_sec, int64_t max_burst) {
  Quota q;
  q.emission_ns = kSecond / std::max<int64_t>(per_sec, 1);
  q.limit = static_cast<int>(std::max<int64_t>(max_burst, 0) + 1);
  q.tolerance_ns = q.emission_ns * q.limit;
  return q;
}

Decision gcra_take(const Quota& quota, int64_t& tat, int64_t now) {
  Decision d;
  d.limit = quota.limit;
  const int64_t current = tat == kNoTat ? now : tat;
  // Requests that arrive after the TAT start from now: idle time is not banked beyond a full
  // bucket.
  const int64_t new_tat = std::max(current, now) + quota.emission_ns;
  const int64_t allow_at = new_tat - quota.tolerance_ns;

  int64_t ttl;
  if (now < allow_at) {
    d.limited = true;
    d.retry_after_ns = allow_at - now;
    ttl = current - now;
  } else {
    tat = new_tat;
    ttl = new_tat - now;
  }
  // Capacity left = whole emission intervals between the TAT and the tolerance horizon;
  // truncated toward zero like Go's Duration division, never negative.
  const int64_t headroom = quota.tolerance_ns - ttl;
  d.remaining = headroom > -quota.emission_ns ? static_cast<int>(headroom / quota.emission_ns) : 0;
  d.reset_ns = ttl;
  return d;
}

int64_t ceil_seconds(int64_t ns) { return ns <= 0 ? 0 : (ns + kSecond - 1) / kSecond; }

}  // namespace pb::ratelimit
