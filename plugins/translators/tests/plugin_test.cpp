// The plugin through FakeHost: the translators.translate interceptor answers and rejects.
#include <gtest/gtest.h>

#include <patchbay/fake_host.hpp>

#include "plugins/translators/translators_event.h"
#include "plugins/translators/translators_plugin.h"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::translators {
namespace {

using sdk::FakeHost;

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string settings = std::string(R"({"RulesDir":")") + TRANSLATORS_SOURCE_DIR + "/rules\"}";
    ASSERT_EQ(host.init(settings), PB_OK);
    ASSERT_EQ(host.start(), PB_OK);
  }
  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
};

TEST_F(PluginTest, InterceptsTheTranslateEventAtPriority100) {
  EXPECT_EQ(host.intercept_order(host.event_id(kTranslateEvent)), std::vector<int32_t>{100});
}

TEST_F(PluginTest, DescribeOfABundledTranslator) {
  const auto& r = host.publish_intercept(kTranslateEvent, R"({"op":"describe","translator":"jira"})");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_CONTINUE);
  EXPECT_EQ(r.blob.substr(0, 15), R"({"name":"jira",)");
  EXPECT_NE(r.blob.find(R"("variables":["jira_base_url"])"), std::string::npos) << r.blob;
}

TEST_F(PluginTest, TranslateAnswersInTheBlob) {
  const auto& r = host.publish_intercept(
      kTranslateEvent,
      R"({"op":"translate","translator":"generic","variables":{},"headers":{},"body":{"title":"Hi","a":1}})");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_CONTINUE);
  EXPECT_EQ(r.blob.substr(0, 11), R"({"payload":)");
}

TEST_F(PluginTest, ErrorsRejectWithTheAnswersStatusAndId) {
  const auto& r = host.publish_intercept(
      kTranslateEvent,
      R"({"op":"translate","translator":"github","headers":{"x-github-event":"star"},"body":{}})");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, kErrorNoMatch);
  EXPECT_EQ(r.message, "translator github: no rule matches (X-GitHub-Event: star)");
  EXPECT_EQ(r.blob.substr(0, 9), R"({"error":)");
  const auto& u = host.publish_intercept(kTranslateEvent, R"({"op":"describe","translator":"zzz"})");
  EXPECT_EQ(u.http_status, 404);
  EXPECT_EQ(u.error_id, kErrorUnknown);
}

}  // namespace
}  // namespace pb::translators
