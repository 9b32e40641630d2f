// What a plugin may add to /metrics: its own prefix only, valid names and labels, sane values,
// one type and help per name, no duplicate series, a bound on the count; and whatever it adds,
// the page still parses.
#include "core/metrics/plugin_samples.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "patchbay/plugin.h"
#include "tests/integration/metrics/prometheus_text.h"

namespace pb::metrics {
namespace {

constexpr Type kC = Type::counter;
constexpr Type kG = Type::gauge;

int code(const Result<void>& r) { return r.ok() ? PB_OK : r.error().code; }

TEST(PluginSamples, PrefixIsTheSanitisedId) {
  EXPECT_EQ(plugin_metric_prefix("outgoing_webhooks"), "patchbay_plugin_outgoing_webhooks_");
  EXPECT_EQ(plugin_metric_prefix("com.acme-x"), "patchbay_plugin_com_acme_x_");
}

TEST(PluginSamples, AcceptsWellFormedSamplesAndRendersThemByFamily) {
  PluginSamples s("outgoing_webhooks");
  const Label hook[] = {{"hook", "h1"}};
  const Label hook2[] = {{"hook", "we\"ird\\\n"}};
  EXPECT_EQ(code(s.add("patchbay_plugin_outgoing_webhooks_queue_depth", "Queued.", kG, hook, 2)), PB_OK);
  EXPECT_EQ(code(s.add("patchbay_plugin_outgoing_webhooks_deliveries_total", "Sent.", kC, {}, 7)), PB_OK);
  EXPECT_EQ(code(s.add("patchbay_plugin_outgoing_webhooks_queue_depth", "Queued.", kG, hook2, 0)), PB_OK);
  EXPECT_EQ(code(s.add("patchbay_plugin_outgoing_webhooks_temp", "", kG, {}, -INFINITY)), PB_OK);
  EXPECT_EQ(s.size(), 4u);
  std::string page;
  TextWriter out(page);
  s.render(out);
  std::string error;
  auto parsed = test::prom::parse(page, &error);
  ASSERT_TRUE(parsed) << error << "\n" << page;
  EXPECT_EQ(parsed->value("patchbay_plugin_outgoing_webhooks_queue_depth", {{"hook", "h1"}}), 2);
  EXPECT_EQ(parsed->value("patchbay_plugin_outgoing_webhooks_queue_depth", {{"hook", "we\"ird\\\n"}}), 0);
  EXPECT_EQ(parsed->types.at("patchbay_plugin_outgoing_webhooks_deliveries_total"), "counter");
}

TEST(PluginSamples, RefusesWhatWouldBreakThePageOrPoseAsSomeoneElse) {
  PluginSamples s("acme");
  const std::string p = "patchbay_plugin_acme_";
  EXPECT_EQ(code(s.add("patchbay_http_requests_total", "", kC, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add("patchbay_plugin_other_x", "", kC, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p, "", kC, {}, 1)), PB_E_INVALID);  // nothing after the prefix
  EXPECT_EQ(code(s.add(p + "a b", "", kC, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "x\n# TYPE y counter", "", kC, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "lat_bucket", "", kG, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "lat_count", "", kG, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "h", "", Type::histogram, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "c", "", kC, {}, -1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "c", "", kC, {}, INFINITY)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "g", "", kG, {}, NAN)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "g", std::string("\xff\xfe", 2), kG, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "g", std::string(600, 'h'), kG, {}, 1)), PB_E_INVALID);
  const Label bad_name[] = {{"a-b", "x"}};
  const Label reserved[] = {{"__name__", "x"}};
  const Label le[] = {{"le", "1"}};
  const Label repeated[] = {{"a", "1"}, {"a", "2"}};
  const Label bad_utf8[] = {{"a", std::string_view("\xc3", 1)}};
  const std::string long_value(300, 'v');
  const Label too_long[] = {{"a", long_value}};
  const Label nine[] = {{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}, {"e", ""},
                        {"f", ""}, {"g", ""}, {"h", ""}, {"i", ""}};
  for (auto labels : {std::span<const Label>(bad_name), std::span<const Label>(reserved),
                      std::span<const Label>(le), std::span<const Label>(repeated),
                      std::span<const Label>(bad_utf8), std::span<const Label>(too_long),
                      std::span<const Label>(nine)}) {
    EXPECT_EQ(code(s.add(p + "g", "", kG, labels, 1)), PB_E_INVALID) << labels[0].name;
  }
  EXPECT_EQ(s.size(), 0u);

  // One type and help per name; one value per series.
  const Label a1[] = {{"a", "1"}};
  EXPECT_EQ(code(s.add(p + "g", "help", kG, a1, 1)), PB_OK);
  EXPECT_EQ(code(s.add(p + "g", "help", kC, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "g", "other help", kG, {}, 1)), PB_E_INVALID);
  EXPECT_EQ(code(s.add(p + "g", "help", kG, a1, 2)), PB_E_EXISTS);
}

TEST(PluginSamples, CountIsBoundedPerScrape) {
  PluginSamples s("acme");
  for (size_t i = 0; i < PluginSamples::kMaxSamples; ++i) {
    std::string v = std::to_string(i);
    const Label l[] = {{"i", v}};
    ASSERT_EQ(code(s.add("patchbay_plugin_acme_n", "", kG, l, 1)), PB_OK);
  }
  EXPECT_EQ(code(s.add("patchbay_plugin_acme_m", "", kG, {}, 1)), PB_E_LIMIT);
}

// Random names, labels and values: whatever is accepted, the rendered page parses strictly.
TEST(PluginSamples, RandomInputNeverBreaksThePage) {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("abz_AZ09:-{}\"\\\n #=,. ") + "\xc3\xa9\xff";
  auto random_text = [&](size_t max) {
    std::string s;
    size_t n = rng() % (max + 1);
    for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  const double values[] = {0, 1, -1, 0.5, 1e300, INFINITY, -INFINITY, NAN};
  PluginSamples s("fuzz");
  size_t accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string name = (rng() % 2 ? "patchbay_plugin_fuzz_" : "") + random_text(6);
    std::string help = rng() % 4 == 0 ? random_text(10) : "";
    std::vector<std::string> texts;
    size_t nl = rng() % 4;
    for (size_t k = 0; k < 2 * nl; ++k) texts.push_back(random_text(5));
    std::vector<Label> labels;
    for (size_t k = 0; k < nl; ++k) labels.push_back({texts[2 * k], texts[2 * k + 1]});
    Type t = rng() % 2 ? kG : kC;
    if (s.add(name, help, t, labels, values[rng() % 8]).ok()) ++accepted;
  }
  EXPECT_GT(accepted, 10u);  // the generator does produce valid samples
  std::string page;
  TextWriter out(page);
  s.render(out);
  std::string error;
  EXPECT_TRUE(test::prom::parse(page, &error)) << error << "\n" << page;
}

}  // namespace
}  // namespace pb::metrics
