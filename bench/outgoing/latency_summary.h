// Latency percentiles of a run, from every sample (no histogram buckets, no sampling).
//
// Nearest-rank percentiles, the same definition as bench/lib/patchbay.mjs's `percentile`: the
// q-quantile of n ascending samples is sample ceil(q * n) - 1 (clamped to [0, n - 1]).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pb::bench {

struct LatencySummary {
  size_t count = 0;
  uint64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;  // all 0 when count == 0
};

// The q-quantile (0 < q <= 1) of ascending `sorted`. 0 when empty.
uint64_t percentile(const std::vector<uint64_t>& sorted, double q);

// Sorts `samples` in place and summarises them.
LatencySummary summarize(std::vector<uint64_t>& samples);

// "p50 1.2  p99 3.4  p99.9 5.6  max 7.8" in milliseconds (one decimal), or "none" when empty.
std::string format_ms(const LatencySummary& s);

}  // namespace pb::bench
