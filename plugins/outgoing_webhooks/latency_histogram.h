// A fixed-size latency histogram (four buckets per doubling from 1 µs), for the p50/p99 the
// metrics route shows. No allocation after construction. Threading: loop thread only.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace pb::outgoing {

class LatencyHistogram {
 public:
  void record(uint64_t micros) {
    ++buckets_[bucket_of(micros)];
    ++count_;
    if (micros > max_) max_ = micros;
  }
  uint64_t count() const { return count_; }
  uint64_t max_micros() const { return max_; }
  // The upper bound of the bucket holding the q-quantile (0 < q <= 1); 0 when empty.
  uint64_t quantile_micros(double q) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) return upper_bound(i) < max_ ? upper_bound(i) : max_;
    }
    return max_;
  }

 private:
  static constexpr size_t kBuckets = 160;  // up to 2^40 µs: far beyond any timeout
  static size_t bucket_of(uint64_t micros) {
    if (micros <= 1) return 0;
    size_t b = static_cast<size_t>(std::ceil(std::log2(static_cast<double>(micros)) * 4.0));
    return b < kBuckets ? b : kBuckets - 1;
  }
  static uint64_t upper_bound(size_t bucket) {
    return static_cast<uint64_t>(std::pow(2.0, static_cast<double>(bucket) / 4.0));
  }
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace pb::outgoing
