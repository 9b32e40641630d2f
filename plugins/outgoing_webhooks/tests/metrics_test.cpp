// The plugin's series on the server's GET /metrics (ABI minor 5): registered at init, they read
// the same dispatcher counters as the JSON metrics route, under the plugin's own prefix.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "patchbay/fake_host.hpp"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::outgoing {
namespace {

TEST(OutgoingMetrics, DispatcherCountersAreCollectedUnderThePluginsPrefix) {
  sdk::FakeHost host(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
  ASSERT_EQ(host.init("{}"), PB_OK);
  ASSERT_EQ(host.start(), PB_OK);
  ASSERT_TRUE(host.has_metrics_collect());
  std::map<std::string, sdk::FakeHost::MetricSample> by_name;
  for (auto& s : host.scrape_metrics()) {
    EXPECT_TRUE(s.name.starts_with("patchbay_plugin_outgoing_webhooks_")) << s.name;
    std::string key = s.name;
    for (const auto& [k, v] : s.labels) key += "," + k + "=" + v;
    by_name.emplace(key, s);
  }
  for (const char* name : {"queued", "in_flight", "enqueued_total", "delivered_total",
                           "failed_calls_total", "dropped_total", "shed_total"}) {
    auto it = by_name.find(std::string("patchbay_plugin_outgoing_webhooks_") + name);
    ASSERT_NE(it, by_name.end()) << name;
    EXPECT_EQ(it->second.value, 0) << name;
    EXPECT_EQ(it->second.type,
              std::string_view(name).ends_with("_total") ? PB_METRIC_COUNTER : PB_METRIC_GAUGE);
  }
  EXPECT_EQ(by_name.count("patchbay_plugin_outgoing_webhooks_latency_seconds,stat=p99"), 1u);
  host.stop();
}

}  // namespace
}  // namespace pb::outgoing
