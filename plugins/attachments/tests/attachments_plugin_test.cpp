// The attachments plugin through FakeHost: the post.will_be_created interceptor and the
// attachments.render event (§10 cases 23, 24, 27 at the plugin level).
#include <gtest/gtest.h>

#include <patchbay/fake_host.hpp>

#include "plugins/attachments/attachments_plugin.h"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::attachments {
namespace {

using sdk::FakeHost;

class AttachmentsPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeHost::User alice;
    alice.username = "alice";
    alice.email = "alice@example.com";
    alice_id = host.add_user(alice);
    ASSERT_EQ(host.init("{}"), PB_OK);
    ASSERT_EQ(host.start(), PB_OK);
  }

  const FakeHost::ChainResult& create(std::string message, std::string props,
                                      uint32_t flags = PB_POST_FROM_WEBHOOK,
                                      std::string type = "") {
    FakeHost::Post p;
    p.id = "postpostpostpostpostpostpo";
    p.channel_id = "chanchanchanchanchanchanch";
    p.user_id = alice_id;
    p.message = std::move(message);
    p.props_json = std::move(props);
    p.type = std::move(type);
    p.flags = flags;
    const auto& r = host.create_post(p);
    host.run_pending();
    return r;
  }

  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  std::string alice_id;
};

TEST_F(AttachmentsPluginTest, InterceptsPostCreationAtPriority100) {
  EXPECT_EQ(host.intercept_order(PB_EVENT_POST_WILL_BE_CREATED), std::vector<int32_t>{100});
}

TEST_F(AttachmentsPluginTest, Case27WebhookPostKeepsItsPropsAndGetsProcessedAttachments) {
  const auto& r = create(
      "<!channel> <@" + alice_id + "> <https://mattermost.com|Mattermost>",
      R"({"from_webhook":"true","webhook_display_name":"CI","attachments":[null,{"text":"<!here> <http://x|y>","fields":[{"title":"n","value":1234567,"short":"TRUE"}]}]})",
      PB_POST_FROM_WEBHOOK, "custom_thing");
  ASSERT_TRUE(r.done);
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT) << r.error_id;
  ASSERT_EQ(host.committed_posts().size(), 1u);
  const auto& post = host.committed_posts()[0];
  EXPECT_EQ(post.message, "@channel @alice [Mattermost](https://mattermost.com)");
  EXPECT_EQ(post.type, "slack_attachment");  // forced, even over a sender's type
  EXPECT_EQ(post.props_json,
            R"j({"from_webhook":"true","webhook_display_name":"CI","attachments":[{"text":"@here [y](http://x)","fields":[{"title":"n","value":"1.234567e+06","short":true}]}]})j");
}

TEST_F(AttachmentsPluginTest, PostsNotFromAWebhookAreLeftAlone) {
  std::string props = R"({"attachments":[null,{"text":"<!here>","fields":[{"short":"nope"}]}]})";
  const auto& r = create("<!channel> <http://a|b>", props, PB_POST_TRIGGER_WEBHOOKS);
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT);
  ASSERT_EQ(host.committed_posts().size(), 1u);
  EXPECT_EQ(host.committed_posts()[0].message, "<!channel> <http://a|b>");
  EXPECT_EQ(host.committed_posts()[0].props_json, props);
  EXPECT_EQ(host.committed_posts()[0].type, "");
}

TEST_F(AttachmentsPluginTest, BadShortRejectsWith400ParseData) {
  const auto& r = create("x", R"({"attachments":[{"fields":[{"title":"a","short":"yes"}]}]})");
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, "model.incoming_hook.parse_data.app_error");
  EXPECT_TRUE(host.committed_posts().empty());
}

TEST_F(AttachmentsPluginTest, Case24OnlyNullAttachmentsLeaveNoPropAndKeepTheType) {
  const auto& r = create("hi", R"({"from_webhook":"true","attachments":[null]})");
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT);
  ASSERT_EQ(host.committed_posts().size(), 1u);
  EXPECT_EQ(host.committed_posts()[0].props_json, R"({"from_webhook":"true"})");
  EXPECT_EQ(host.committed_posts()[0].type, "");
}

TEST_F(AttachmentsPluginTest, ValidationWarningsAreLoggedAndThePostStillCreated) {
  const auto& r = create("", R"({"attachments":[{"color":"blue","title_link":"nope"}]})");
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(host.committed_posts().size(), 1u);
  EXPECT_TRUE(host.logged("color 'blue'"));
  EXPECT_TRUE(host.logged("title_link is set without title"));
}

TEST_F(AttachmentsPluginTest, PropsOverThePostLimitAreRejected) {
  std::string big(8100, 'a');
  const auto& r = create("", R"({"attachments":[{"text":")" + big + R"("}]})");
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, "model.post.is_valid.props.app_error");
}

TEST_F(AttachmentsPluginTest, UnknownMentionsStayWhenTheUserDoesNotExist) {
  create("<@nosuchusernosuchusernosuc> hi", "{}");
  ASSERT_EQ(host.committed_posts().size(), 1u);
  EXPECT_EQ(host.committed_posts()[0].message, "<@nosuchusernosuchusernosuc> hi");
}

TEST_F(AttachmentsPluginTest, SlackProcessedPostsAreNotProcessedAgain) {
  std::string props = R"j({"attachments":[{"text":"<!here> [y](http://x)"}]})j";
  const auto& r = create("<!channel> [a](http://b)", props,
                         PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED, "slack_attachment");
  ASSERT_TRUE(r.done);
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT) << r.error_id;
  ASSERT_EQ(host.committed_posts().size(), 1u);
  EXPECT_EQ(host.committed_posts()[0].message, "<!channel> [a](http://b)");
  EXPECT_EQ(host.committed_posts()[0].props_json, props);
}

TEST_F(AttachmentsPluginTest, SlackProcessedPostsStillHaveThePropsLimit) {
  std::string props = R"({"x":")" + std::string(8100, 'a') + R"("})";
  const auto& r = create("m", props, PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, "model.post.is_valid.props.app_error");
  EXPECT_TRUE(host.committed_posts().empty());
}

TEST_F(AttachmentsPluginTest, ThePropsLimitCountsRunesNotBytes) {
  // Over the limit in bytes, within it in runes (each é is two bytes): accepted.
  std::string wide;
  for (int i = 0; i < 4500; ++i) wide += "é";  // 9000 bytes
  std::string props = R"({"x":")" + wide + R"("})";
  const auto& ok = create("m", props, PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED);
  ASSERT_TRUE(ok.done);
  EXPECT_NE(ok.verdict, PB_VERDICT_REJECT) << ok.error_id;
  // Over it in runes too: refused.
  for (int i = 0; i < 3600; ++i) wide += "é";  // 8100 runes
  const auto& over = create("m", R"({"x":")" + wide + R"("})",
                            PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED);
  ASSERT_TRUE(over.done);
  EXPECT_EQ(over.verdict, PB_VERDICT_REJECT);
}

// A draft as a sender hands it to attachments.process: the fields it reads, and one it must
// pass through untouched.
FakeHost::Post draft(std::string message, std::string type, std::string props) {
  FakeHost::Post p;
  p.channel_id = "passed-through";
  p.message = std::move(message);
  p.type = std::move(type);
  p.props_json = std::move(props);
  p.flags = PB_POST_FROM_WEBHOOK;
  return p;
}

TEST_F(AttachmentsPluginTest, ProcessEventAppliesWhatTheInterceptorDoes) {
  const auto& r = host.publish_intercept_post(
      kProcessEvent,
      draft(
          "<!channel> <@" + alice_id + "> <https://mattermost.com|Mattermost>", "custom_thing",
          R"({"webhook_display_name":"CI","n":1.50,"attachments":[null,{"text":"<!here> <http://x|y>","fields":[{"title":"n","value":1234567,"short":"TRUE"}]}]})"));
  host.run_pending();
  ASSERT_TRUE(r.done);
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT) << r.error_id;
  EXPECT_EQ(r.post.message, "@channel @alice [Mattermost](https://mattermost.com)");
  EXPECT_EQ(r.post.type, "slack_attachment");
  EXPECT_EQ(
      r.post.props_json,
      R"j({"webhook_display_name":"CI","n":1.50,"attachments":[{"text":"@here [y](http://x)","fields":[{"title":"n","value":"1.234567e+06","short":true}]}]})j");
  EXPECT_EQ(r.post.channel_id, "passed-through");
  EXPECT_EQ(r.post.flags, PB_POST_FROM_WEBHOOK);
  EXPECT_TRUE(host.committed_posts().empty());
}

TEST_F(AttachmentsPluginTest, ProcessEventWithoutAttachmentsKeepsTheTypeAndProps) {
  const auto& r = host.publish_intercept_post(
      kProcessEvent, draft("a < b || c > d", "custom_x", R"({"k":"é","attachments":[null]})"));
  host.run_pending();
  ASSERT_TRUE(r.done);
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT) << r.error_id;
  EXPECT_EQ(r.post.message, "a < b || c > d");
  EXPECT_EQ(r.post.type, "custom_x");
  EXPECT_EQ(r.post.props_json, R"({"k":"é"})");
  const auto& bare = host.publish_intercept_post(kProcessEvent, draft("hi", "", ""));
  host.run_pending();
  ASSERT_NE(bare.verdict, PB_VERDICT_REJECT) << bare.error_id;
  EXPECT_EQ(bare.post.message, "hi");
  EXPECT_EQ(bare.post.type, "");
  EXPECT_EQ(bare.post.props_json, "{}");
}

TEST_F(AttachmentsPluginTest, ProcessEventRefusesAsTheInterceptorDoes) {
  const auto& bad_short = host.publish_intercept_post(
      kProcessEvent, draft("x", "", R"({"attachments":[{"fields":[{"short":"yes"}]}]})"));
  host.run_pending();
  EXPECT_EQ(bad_short.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(bad_short.http_status, 400);
  EXPECT_EQ(bad_short.error_id, "model.incoming_hook.parse_data.app_error");

  // Over one post's props limit is not refused here: the sender splits (and truncates) the
  // processed post, and each part is checked when it is created (§10 case 16).
  const auto& too_big = host.publish_intercept_post(
      kProcessEvent,
      draft("", "", R"({"attachments":[{"text":")" + std::string(8100, 'a') + R"("}]})"));
  host.run_pending();
  EXPECT_EQ(too_big.verdict, PB_VERDICT_CONTINUE);

  for (const char* props : {"[]", "not json", R"({"a":})", "[1]", "null", R"({"a":1} x)"}) {
    const auto& r = host.publish_intercept_post(kProcessEvent, draft("m", "", props));
    host.run_pending();
    EXPECT_EQ(r.verdict, PB_VERDICT_REJECT) << props;
    EXPECT_EQ(r.http_status, 400) << props;
    EXPECT_EQ(r.error_id, "model.incoming_hook.parse_data.app_error") << props;
  }
}

// Declared with another payload struct, the event is refused to whoever comes second: a blob
// publisher and this plugin's post interceptor would read each other's payloads wrongly.
TEST_F(AttachmentsPluginTest, ProcessEventIsAPostEventForEveryone) {
  EXPECT_EQ(host.event_id(kProcessEvent), 0u);
  EXPECT_NE(host.event_id(kProcessEvent, PB_PAYLOAD_POST), 0u);
}

TEST_F(AttachmentsPluginTest, RenderEventReplacesTheJsonWithMarkdown) {
  const auto& r = host.publish_intercept(
      kRenderEvent, R"([{"color":"good","title":"Deploy","text":"done"}])");
  host.run_pending();
  ASSERT_TRUE(r.done);
  EXPECT_NE(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.blob, "> [#2EB886]\n> **Deploy**\n> done\n");
}

TEST_F(AttachmentsPluginTest, RenderEventRejectsWhatIsNotAnArray) {
  const auto& r = host.publish_intercept(kRenderEvent, "{\"text\":1}");
  host.run_pending();
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, "attachments.render.invalid_json.app_error");
}

}  // namespace
}  // namespace pb::attachments
