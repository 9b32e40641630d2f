// The Prometheus text writer: HELP/TYPE lines, label escaping, value spelling, name rules.
#include "core/metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/integration/metrics/prometheus_text.h"

namespace pb::metrics {
namespace {

TEST(TextFormat, FamilyAndSamplesReadBackThroughAStrictParser) {
  std::string page;
  TextWriter out(page);
  out.family("patchbay_x_total", "Things.\nWith a \\ in the help.", Type::counter);
  out.sample("patchbay_x_total", {{"route", "/a/{id}"}, {"who", "quote \" back \\ nl \n end"}}, 3);
  out.sample("patchbay_x_total", {}, 0.25);
  EXPECT_EQ(page,
            "# HELP patchbay_x_total Things.\\nWith a \\\\ in the help.\n"
            "# TYPE patchbay_x_total counter\n"
            "patchbay_x_total{route=\"/a/{id}\",who=\"quote \\\" back \\\\ nl \\n end\"} 3\n"
            "patchbay_x_total 0.25\n");
  std::string error;
  auto parsed = test::prom::parse(page, &error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->samples[0].labels.at("who"), "quote \" back \\ nl \n end");
}

TEST(TextFormat, ValuesAreSpelledAsTheFormatWants) {
  auto spell = [](double v) {
    std::string s;
    append_value(s, v);
    return s;
  };
  EXPECT_EQ(spell(0), "0");
  EXPECT_EQ(spell(12345678901234), "12345678901234");
  EXPECT_EQ(spell(-3), "-3");
  EXPECT_EQ(spell(0.001), "0.001");
  EXPECT_EQ(spell(1e300), "1e+300");
  EXPECT_EQ(spell(INFINITY), "+Inf");
  EXPECT_EQ(spell(-INFINITY), "-Inf");
  EXPECT_EQ(spell(NAN), "NaN");
}

TEST(TextFormat, NameRules) {
  EXPECT_TRUE(valid_metric_name("patchbay_http_requests_total"));
  EXPECT_TRUE(valid_metric_name("a:b_c9"));
  EXPECT_TRUE(valid_metric_name(":x"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("9abc"));
  EXPECT_FALSE(valid_metric_name("a-b"));
  EXPECT_FALSE(valid_metric_name("a b"));
  EXPECT_FALSE(valid_metric_name("a{b}"));
  EXPECT_TRUE(valid_label_name("route"));
  EXPECT_TRUE(valid_label_name("_x1"));
  EXPECT_FALSE(valid_label_name("__name__"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_FALSE(valid_label_name("1a"));
  EXPECT_FALSE(valid_label_name(""));
}

}  // namespace
}  // namespace pb::metrics
