#include "bench/outgoing/latency_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace pb::bench {

uint64_t percentile(const std::vector<uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<long long>(std::ceil(q * static_cast<double>(sorted.size()))) - 1;
  rank = std::clamp<long long>(rank, 0, static_cast<long long>(sorted.size()) - 1);
  return sorted[static_cast<size_t>(rank)];
}

LatencySummary summarize(std::vector<uint64_t>& samples) {
  std::sort(samples.begin(), samples.end());
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  s.p50_ns = percentile(samples, 0.5);
  s.p99_ns = percentile(samples, 0.99);
  s.p999_ns = percentile(samples, 0.999);
  s.max_ns = samples.back();
  return s;
}

std::string format_ms(const LatencySummary& s) {
  if (s.count == 0) return "none";
  auto ms = [](uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return fmt::format("p50 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  max {:.1f}", ms(s.p50_ns), ms(s.p99_ns),
                     ms(s.p999_ns), ms(s.max_ns));
}

}  // namespace pb::bench
