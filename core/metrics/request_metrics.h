// Counters of the HTTP requests the server answered: by route pattern, method and status class,
// and a latency histogram per route pattern, rendered as Prometheus text.
//
// Cardinality is bounded by construction: the route label is the router's PATTERN
// ("/api/v4/hooks/incoming/{hook_id}"), never the raw path, and requests that matched no route
// (404, 405, answered before routing such as 429) share the one route "unmatched". Methods
// outside the usual seven count as "other".
//
// Recording cost (on every answered request): a few array increments and one bucket search over
// a fixed table; no lock (loop thread only), no allocation, no formatting. All formatting happens
// in render(), on a scrape.
//
// Threading: loop thread only (registration, recording and rendering alike).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/text_format.h"

namespace pb::metrics {

class RequestMetrics {
 public:
  static constexpr uint32_t kUnmatched = 0;  // the route id of requests that matched no route
  static constexpr size_t kMethods = 8;      // GET HEAD POST PUT PATCH DELETE OPTIONS other
  static constexpr size_t kStatusClasses = 5;  // 1xx .. 5xx
  // Upper bounds of the latency buckets, in seconds as rendered and in nanoseconds as counted.
  static constexpr size_t kBuckets = 14;
  static constexpr std::array<uint64_t, kBuckets> kBucketBoundsNs = {
      250'000,     500'000,     1'000'000,     2'500'000,     5'000'000,
      10'000'000,  25'000'000,  50'000'000,    100'000'000,   250'000'000,
      500'000'000, 1'000'000'000, 2'500'000'000, 10'000'000'000};

  RequestMetrics();

  // The id of the route `pattern`, registering it on first use (the same pattern registered
  // for several methods shares one id, so each label set is rendered once). Start-up only.
  uint32_t route_id(std::string_view pattern);

  // A request was handed to the host (in_flight until record()).
  void started() noexcept { ++in_flight_; }
  // A started request was answered with `status` after `elapsed_ns`. An unknown route id counts
  // as kUnmatched; a status outside 100..599 as 5xx.
  void record(uint32_t route, std::string_view method, int status, uint64_t elapsed_ns) noexcept;

  uint64_t in_flight() const { return in_flight_; }

  // patchbay_http_requests_total, patchbay_http_request_duration_seconds and
  // patchbay_http_requests_in_flight. Series whose count is 0 are left out.
  void render(TextWriter& out) const;

  static size_t method_index(std::string_view method) noexcept;

 private:
  struct Route {
    std::string pattern;
    std::array<std::array<uint64_t, kStatusClasses>, kMethods> counts{};
    std::array<uint64_t, kBuckets + 1> buckets{};  // NOT cumulative; the last is +Inf only
    uint64_t sum_ns = 0;
  };
  std::vector<Route> routes_;
  std::map<std::string, uint32_t, std::less<>> ids_;
  uint64_t in_flight_ = 0;
};

}  // namespace pb::metrics
