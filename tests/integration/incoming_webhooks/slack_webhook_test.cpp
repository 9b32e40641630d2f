// The proof of issue 4: Slack's official sender (@slack/webhook from npm, pinned by
// package-lock.json, installed with npm ci into the build directory) posts link markup, overrides
// and one attachment to a real patchbay, and the post read back through the REST API has the
// converted link, from_webhook, the overrides and the attachment. Skips only when node is absent.
#include <filesystem>
#include <optional>

#include "tests/integration/incoming_webhooks/webhook_server.h"
#include "tests/integration/support/child_process.h"
#include "tests/integration/support/node_tools.h"

namespace pb::incoming_webhooks::itest {
namespace {

namespace fs = std::filesystem;
const fs::path kDir = SLACK_WEBHOOK_DIR;

// Loopback requests must not go through a proxy the environment may name.
pb::itest::Env no_proxy() { return {{"NO_PROXY", "*"}, {"no_proxy", "*"}}; }

class SlackSender : public WebhookServer {
 protected:
  void SetUp() override {
    config_.service["EnablePostUsernameOverride"] = "true";
    config_.service["EnablePostIconOverride"] = "true";
    WebhookServer::SetUp();
  }
};

TEST_F(SlackSender, OfficialSlackWebhookPostsAndTheStoredPostIsRight) {
  auto node = pb::itest::find_on_path("node");
  if (!node) GTEST_SKIP() << "node is not installed";
  auto npm = pb::itest::find_on_path("npm");
  ASSERT_TRUE(npm) << "node is installed but npm is not";
  ASSERT_EQ(pb::itest::npm_ci_once(*npm, kDir,
                                   fs::path("node_modules") / "@slack" / "webhook" / "package.json"),
            "");

  pb::itest::SpawnOptions send;
  send.program = node->string();
  send.args = {(kDir / "slack_webhook.mjs").string(),
               "http://" + server_->host() + ":" + std::to_string(server_->port()) + "/hooks/" +
                   hook_id_};
  send.cwd = kDir;
  send.env = no_proxy();
  auto r = pb::itest::run_command(send, std::chrono::minutes(1));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_NE(r.out.find("PASS"), std::string::npos) << r.out;

  auto listed = posts();
  ASSERT_EQ(listed.Size(), 1u);
  // Read the post back on its own, as a client would.
  auto got = api("GET", "/api/v4/posts/" + std::string(listed[0]["id"].GetString()));
  ASSERT_EQ(got.status, 200) << got.body;
  auto post = json(got);
  EXPECT_EQ(std::string(post["message"].GetString()),
            "Build [#42](https://ci.example.com/job/42) passed on @here");
  EXPECT_EQ(std::string(post["type"].GetString()), "slack_attachment");
  EXPECT_EQ(std::string(post["user_id"].GetString()), admin_id_);
  const auto& props = post["props"];
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_STREQ(props["override_username"].GetString(), "ci-bot");
  EXPECT_STREQ(props["override_icon_url"].GetString(), "https://ci.example.com/icon.png");
  EXPECT_STREQ(props["webhook_display_name"].GetString(), "CI");
  ASSERT_TRUE(props["attachments"].IsArray());
  ASSERT_EQ(props["attachments"].Size(), 1u);
  const auto& a = props["attachments"][0];
  EXPECT_STREQ(a["title"].GetString(), "Job 42");
  EXPECT_STREQ(a["color"].GetString(), "#36a64f");
  EXPECT_STREQ(a["text"].GetString(), "See [the log](https://ci.example.com/job/42/log)");
  EXPECT_STREQ(a["fields"][0]["value"].GetString(), "main");
  EXPECT_TRUE(a["fields"][0]["short"].GetBool());
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
