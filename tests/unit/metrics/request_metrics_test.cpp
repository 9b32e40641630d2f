// The request counters: route patterns as labels, status classes, method folding, the histogram
// (cumulative buckets, +Inf == count), in-flight, and unknown route ids.
#include "core/metrics/request_metrics.h"

#include <gtest/gtest.h>

#include "tests/integration/metrics/prometheus_text.h"

namespace pb::metrics {
namespace {

test::prom::Page render(const RequestMetrics& m) {
  std::string page;
  TextWriter out(page);
  m.render(out);
  std::string error;
  auto parsed = test::prom::parse(page, &error);
  EXPECT_TRUE(parsed) << error << "\n" << page;
  return parsed ? *parsed : test::prom::Page{};
}

TEST(RequestMetrics, CountsByMethodStatusClassAndPattern) {
  RequestMetrics m;
  uint32_t hook = m.route_id("/hooks/{id}");
  EXPECT_EQ(m.route_id("/hooks/{id}"), hook);  // POST and GET on one pattern share it
  uint32_t ping = m.route_id("/api/v4/system/ping");
  EXPECT_NE(hook, ping);
  for (int i = 0; i < 3; ++i) {
    m.started();
    m.record(hook, "POST", 200, 1'000);
  }
  m.started();
  m.record(hook, "POST", 400, 1'000);
  m.started();
  m.record(ping, "GET", 200, 1'000);
  m.started();
  m.record(RequestMetrics::kUnmatched, "BREW", 404, 1'000);
  m.started();
  m.record(9999, "GET", 999, 1'000);  // an unknown route and a nonsense status
  auto page = render(m);
  EXPECT_EQ(page.value("patchbay_http_requests_total",
                       {{"route", "/hooks/{id}"}, {"method", "POST"}, {"status", "2xx"}}),
            3);
  EXPECT_EQ(page.value("patchbay_http_requests_total",
                       {{"route", "/hooks/{id}"}, {"method", "POST"}, {"status", "4xx"}}),
            1);
  EXPECT_EQ(page.value("patchbay_http_requests_total",
                       {{"route", "unmatched"}, {"method", "other"}, {"status", "4xx"}}),
            1);
  EXPECT_EQ(page.value("patchbay_http_requests_total",
                       {{"route", "unmatched"}, {"method", "GET"}, {"status", "5xx"}}),
            1);
  EXPECT_EQ(page.label_values("patchbay_http_requests_total", "route"),
            (std::set<std::string>{"/hooks/{id}", "/api/v4/system/ping", "unmatched"}));
  EXPECT_EQ(page.value("patchbay_http_requests_in_flight"), 0);
  EXPECT_EQ(page.value("patchbay_http_request_duration_seconds_count", {{"route", "/hooks/{id}"}}),
            4);
}

TEST(RequestMetrics, HistogramBucketsAreCumulativeAndBoundsInclusive) {
  RequestMetrics m;
  uint32_t r = m.route_id("/r");
  const uint64_t samples_ns[] = {100, 250'000, 250'001, 3'000'000, 20'000'000'000ull};
  for (uint64_t ns : samples_ns) {
    m.started();
    m.record(r, "GET", 200, ns);
  }
  auto page = render(m);
  auto bucket = [&](const char* le) {
    return page.value("patchbay_http_request_duration_seconds_bucket", {{"route", "/r"}, {"le", le}});
  };
  EXPECT_EQ(bucket("0.00025"), 2);  // 100 ns and exactly 250 us (le is "less or equal")
  EXPECT_EQ(bucket("0.0005"), 3);
  EXPECT_EQ(bucket("0.005"), 4);
  EXPECT_EQ(bucket("10"), 4);
  EXPECT_EQ(bucket("+Inf"), 5);  // 20 s is over every bound
  auto sum = page.value("patchbay_http_request_duration_seconds_sum", {{"route", "/r"}});
  ASSERT_TRUE(sum);
  EXPECT_NEAR(*sum, 20.003500351, 1e-6);
}

TEST(RequestMetrics, InFlightCountsStartedButUnanswered) {
  RequestMetrics m;
  m.started();
  m.started();
  m.record(RequestMetrics::kUnmatched, "GET", 200, 1);
  EXPECT_EQ(m.in_flight(), 1u);
  EXPECT_EQ(render(m).value("patchbay_http_requests_in_flight"), 1);
}

TEST(RequestMetrics, MethodFolding) {
  EXPECT_EQ(RequestMetrics::method_index("GET"), 0u);
  EXPECT_EQ(RequestMetrics::method_index("DELETE"), 5u);
  EXPECT_EQ(RequestMetrics::method_index("OPTIONS"), 6u);
  EXPECT_EQ(RequestMetrics::method_index("get"), 7u);
  EXPECT_EQ(RequestMetrics::method_index("PROPFIND"), 7u);
  EXPECT_EQ(RequestMetrics::method_index(""), 7u);
}

}  // namespace
}  // namespace pb::metrics
