#include "core/metrics/request_metrics.h"

namespace pb::metrics {
namespace {

constexpr std::array<std::string_view, RequestMetrics::kMethods> kMethodNames = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"};
constexpr std::array<std::string_view, RequestMetrics::kStatusClasses> kClassNames = {
    "1xx", "2xx", "3xx", "4xx", "5xx"};
// kBucketBoundsNs in seconds, as the le label shows them.
constexpr std::array<std::string_view, RequestMetrics::kBuckets> kBucketLabels = {
    "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "10"};

}  // namespace

RequestMetrics::RequestMetrics() {
  routes_.push_back(Route{"unmatched"});
  ids_.emplace("unmatched", kUnmatched);
}

uint32_t RequestMetrics::route_id(std::string_view pattern) {
  if (auto it = ids_.find(pattern); it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(routes_.size());
  routes_.push_back(Route{std::string(pattern)});
  ids_.emplace(std::string(pattern), id);
  return id;
}

size_t RequestMetrics::method_index(std::string_view m) noexcept {
  // llhttp hands out its static upper-case names; compare by length first.
  switch (m.size()) {
    case 3:
      if (m == "GET") return 0;
      if (m == "PUT") return 3;
      break;
    case 4:
      if (m == "HEAD") return 1;
      if (m == "POST") return 2;
      break;
    case 5:
      if (m == "PATCH") return 4;
      break;
    case 6:
      if (m == "DELETE") return 5;
      break;
    case 7:
      if (m == "OPTIONS") return 6;
      break;
    default:
      break;
  }
  return 7;
}

void RequestMetrics::record(uint32_t route, std::string_view method, int status,
                            uint64_t elapsed_ns) noexcept {
  if (in_flight_ > 0) --in_flight_;
  Route& r = routes_[route < routes_.size() ? route : kUnmatched];
  size_t status_class = (status >= 100 && status <= 599) ? static_cast<size_t>(status / 100 - 1) : 4;
  ++r.counts[method_index(method)][status_class];
  size_t bucket = 0;
  while (bucket < kBuckets && elapsed_ns > kBucketBoundsNs[bucket]) ++bucket;
  ++r.buckets[bucket];
  r.sum_ns += elapsed_ns;
}

void RequestMetrics::render(TextWriter& out) const {
  out.family("patchbay_http_requests_total",
             "HTTP requests answered, by method, status class and route pattern.", Type::counter);
  for (const Route& r : routes_) {
    for (size_t m = 0; m < kMethods; ++m) {
      for (size_t c = 0; c < kStatusClasses; ++c) {
        if (r.counts[m][c] == 0) continue;
        out.sample("patchbay_http_requests_total",
                   {{"method", kMethodNames[m]}, {"status", kClassNames[c]}, {"route", r.pattern}},
                   static_cast<double>(r.counts[m][c]));
      }
    }
  }

  out.family("patchbay_http_request_duration_seconds",
             "Time from a request's dispatch to its answer, by route pattern.", Type::histogram);
  for (const Route& r : routes_) {
    uint64_t total = 0;
    for (uint64_t n : r.buckets) total += n;
    if (total == 0) continue;
    const Label route[] = {{"route", r.pattern}};
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      cumulative += r.buckets[b];
      out.sample("patchbay_http_request_duration_seconds_bucket", route, {"le", kBucketLabels[b]},
                 static_cast<double>(cumulative));
    }
    out.sample("patchbay_http_request_duration_seconds_bucket", route, {"le", "+Inf"},
               static_cast<double>(total));
    out.sample("patchbay_http_request_duration_seconds_sum", route,
               static_cast<double>(r.sum_ns) / 1e9);
    out.sample("patchbay_http_request_duration_seconds_count", route, static_cast<double>(total));
  }

  out.family("patchbay_http_requests_in_flight", "Requests dispatched and not yet answered.",
             Type::gauge);
  out.sample("patchbay_http_requests_in_flight", {}, static_cast<double>(in_flight_));
}

}  // namespace pb::metrics
