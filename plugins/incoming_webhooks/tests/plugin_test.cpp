// The plugin through FakeHost (with its chat model): the management API's success
// and failure paths and POST /hooks/{id}'s pipeline, without a server.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <patchbay/fake_host.hpp>

#include "plugins/incoming_webhooks/tests/plugin_test_support.h"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::incoming_webhooks::test {
namespace {

using sdk::FakeHost;

constexpr const char* kOther = "otherteam01234567890123456";
constexpr const char* kSecret = "secret01234567890123456789";
constexpr const char* kElse = "elsewhere01234567890123456";

FakeHost::User user(std::string id, std::string name) {
  FakeHost::User u;
  u.id = std::move(id);
  u.username = std::move(name);
  return u;
}

std::string config(bool enabled = true, bool username = false, bool icon = false) {
  return std::string(R"({"ServiceSettings":{"EnableIncomingWebhooks":)") +
         (enabled ? "true" : "false") + R"(,"EnablePostUsernameOverride":)" +
         (username ? "true" : "false") + R"(,"EnablePostIconOverride":)" +
         (icon ? "true" : "false") + "}}";
}

class Plugin : public ::testing::Test {
 protected:
  void SetUp() override { boot(config()); }

  void boot(const std::string& cfg) {
    host_.reset();
    host_ = std::make_unique<FakeHost>(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
    host_->set_config_json(cfg);
    for (auto& [k, v] : saved_kv_) host_->kv()[k] = v;
    admin_ = host_->add_user(user("admin012345678901234567890", "admin"));
    bob_ = host_->add_user(user("bob45678901234567890123456", "bob"));
    carol_ = host_->add_user(user("carol678901234567890123456", "carol"));
    host_->add_channel(kTown, kTeam, "O", "town-square");
    host_->add_channel(kOff, kTeam, "O", "off-topic");
    host_->add_channel(kSecret, kTeam, "P", "secret");
    host_->add_channel(kElse, kOther, "O", "elsewhere");
    // The admin acts with system_admin in the session but is a plain team member in the model,
    // so posting to the private channel still needs membership.
    host_->add_team_member(kTeam, admin_, "team_user");
    host_->add_team_member(kOther, admin_, "team_user");
    host_->add_team_member(kTeam, bob_, "team_user");
    host_->add_team_member(kTeam, carol_, "team_user team_admin");
    ASSERT_EQ(host_->init(), PB_OK);
    ASSERT_EQ(host_->start(), PB_OK);
    as(admin_, "system_user system_admin");
  }
  void restart() {
    saved_kv_ = host_->kv();
    boot(config());
  }
  void as(const std::string& user, const std::string& roles) {
    host_->set_fallback_identity(FakeHost::Identity{user, "session", roles});
  }

  FakeHost::Response call(const std::string& method, const std::string& target,
                          const std::string& body = "",
                          const std::string& content_type = "application/json") {
    FakeHost::Headers headers;
    if (!content_type.empty()) headers.push_back({"Content-Type", content_type});
    const auto& r = host_->request(method, target, headers, body);
    host_->run_pending();
    EXPECT_TRUE(r.answered) << method << " " << target;
    return r;
  }

  std::string create_hook(const std::string& body) {
    auto r = call("POST", "/api/v4/hooks/incoming", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r.body)["id"].GetString();
  }

  std::unique_ptr<FakeHost> host_;
  std::map<std::string, std::string> saved_kv_;
  std::string admin_, bob_, carol_;
};

// ---- management API --------------------------------------------------------------------------

TEST_F(Plugin, CreateTakesTeamFromChannelAndOwnerFromSession) {
  auto r = call("POST", "/api/v4/hooks/incoming",
                std::string(R"({"channel_id":")") + kTown + R"(","display_name":"CI"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = json(r.body);
  EXPECT_EQ(std::string(d["team_id"].GetString()), kTeam);
  EXPECT_EQ(std::string(d["user_id"].GetString()), admin_);
  EXPECT_EQ(std::string(d["display_name"].GetString()), "CI");
  EXPECT_EQ(std::string(d["id"].GetString()).size(), 26u);
  EXPECT_GT(d["create_at"].GetInt64(), 0);
  EXPECT_EQ(host_->kv().count(std::string("hook/") + d["id"].GetString()), 1u);
}

TEST_F(Plugin, CreateAnswersOnlyOnceDurable) {
  const auto& r = host_->request("POST", "/api/v4/hooks/incoming", {},
                                 std::string(R"({"channel_id":")") + kTown + "\"}");
  EXPECT_FALSE(r.answered);
  host_->run_pending();
  EXPECT_EQ(r.status, 201);
  host_->fail_next_kv_writes(PB_E_IO);
  const auto& failed = host_->request("POST", "/api/v4/hooks/incoming", {},
                                      std::string(R"({"channel_id":")") + kTown + "\"}");
  host_->run_pending();
  EXPECT_EQ(failed.status, 500);
  auto list = call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam);
  EXPECT_EQ(json(list.body).Size(), 1u);
}

TEST_F(Plugin, CreateFailures) {
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming", "{"), 400,
                       "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming", "{}"), 400,
                       "model.incoming_hook.channel_id.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            R"({"channel_id":"nochannel12345678901234567"})"),
                       404, "app.channel.get.existing.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kTown + R"(","display_name":")" +
                                std::string(65, 'x') + "\"}"),
                       400, "model.incoming_hook.display_name.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kTown +
                                R"(","user_id":"nouser78901234567890123456"})"),
                       404, "app.user.missing_account.const"));
  as(bob_, "system_user");  // plain team_user
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kTown + "\"}"),
                       403, "api.context.permissions.app_error"));
  EXPECT_TRUE(host_->kv().empty());
}

TEST_F(Plugin, TeamAdminManagesTheTeamsHooksButNotPrivateChannelsItCannotRead) {
  as(carol_, "system_user");
  create_hook(std::string(R"({"channel_id":")") + kTown + "\"}");
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kSecret + "\"}"),
                       403, "api.context.permissions.app_error"));
  host_->add_channel_member(kSecret, carol_);
  create_hook(std::string(R"({"channel_id":")") + kSecret + "\"}");
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kElse + "\"}"),
                       403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_error(call("GET", "/api/v4/hooks/incoming"), 403,
                       "api.context.permissions.app_error"));
  EXPECT_EQ(json(call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam).body).Size(),
            2u);
}

TEST_F(Plugin, OverridesDisabledBlankUsernameAndIconCase49) {
  auto r = call("POST", "/api/v4/hooks/incoming",
                std::string(R"({"channel_id":")") + kTown +
                    R"(","username":":invalid and ignored:","icon_url":"http://i"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_STREQ(json(r.body)["username"].GetString(), "");
  EXPECT_STREQ(json(r.body)["icon_url"].GetString(), "");
  boot(config(true, true, true));
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kTown +
                                R"(","username":":invalid:"})"),
                       400, "api.incoming_webhook.invalid_username.app_error"));
  auto ok = call("POST", "/api/v4/hooks/incoming",
                 std::string(R"({"channel_id":")") + kTown +
                     R"(","username":"ci-bot","icon_url":"http://i"})");
  EXPECT_STREQ(json(ok.body)["username"].GetString(), "ci-bot");
  EXPECT_STREQ(json(ok.body)["icon_url"].GetString(), "http://i");
}

TEST_F(Plugin, ListPagesAndCounts) {
  for (int i = 0; i < 5; ++i) create_hook(std::string(R"({"channel_id":")") + kTown + "\"}");
  create_hook(std::string(R"({"channel_id":")") + kElse + "\"}");
  EXPECT_EQ(json(call("GET", "/api/v4/hooks/incoming").body).Size(), 6u);
  auto page = json(call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam +
                                   "&page=1&per_page=2").body);
  EXPECT_EQ(page.Size(), 2u);
  auto counted = json(call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam +
                                      "&per_page=3&include_total_count=true").body);
  EXPECT_EQ(counted["incoming_webhooks"].Size(), 3u);
  EXPECT_EQ(counted["total_count"].GetInt(), 5);
  EXPECT_EQ(call("GET", "/api/v4/hooks/incoming?team_id=x&page=9").status, 400);
  EXPECT_EQ(call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam + "&page=9").body,
            "[]");
}

TEST_F(Plugin, GetUpdateDeleteMove) {
  std::string id = create_hook(std::string(R"({"channel_id":")") + kTown +
                               R"(","display_name":"old","channel_locked":true})");
  auto got = call("GET", "/api/v4/hooks/incoming/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_STREQ(json(got.body)["display_name"].GetString(), "old");

  EXPECT_TRUE(is_error(call("PUT", "/api/v4/hooks/incoming/" + id,
                            std::string(R"({"id":"other","channel_id":")") + kTown + "\"}"),
                       400, "api.context.invalid_param.app_error"));
  EXPECT_TRUE(is_error(call("PUT", "/api/v4/hooks/incoming/" + id,
                            R"({"id":")" + id + R"(","team_id":")" + kOther +
                                R"(","channel_id":")" + kTown + "\"}"),
                       400, "api.webhook.team_mismatch.app_error"));
  EXPECT_TRUE(is_error(call("PUT", "/api/v4/hooks/incoming/" + id,
                            R"({"id":")" + id + R"(","channel_id":")" + kElse + "\"}"),
                       400, "api.context.invalid_param.app_error"));
  auto updated = call("PUT", "/api/v4/hooks/incoming/" + id,
                      R"({"id":")" + id + R"(","channel_id":")" + kOff +
                          R"(","display_name":"new"})");
  ASSERT_EQ(updated.status, 201) << updated.body;
  EXPECT_STREQ(json(updated.body)["channel_id"].GetString(), kOff);
  EXPECT_FALSE(json(updated.body)["channel_locked"].GetBool());

  auto moved = call("POST", "/api/v4/hooks/incoming/" + id + "/move/" + bob_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(json(moved.body)["user_id"].GetString(), bob_);
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming/" + id +
                                        "/move/nouser78901234567890123456"),
                       404, "app.user.missing_account.const"));

  as(bob_, "system_user");
  EXPECT_TRUE(is_error(call("GET", "/api/v4/hooks/incoming/" + id), 403,
                       "api.context.permissions.app_error"));
  EXPECT_TRUE(is_error(call("DELETE", "/api/v4/hooks/incoming/" + id), 403,
                       "api.context.permissions.app_error"));
  as(admin_, "system_user system_admin");
  auto deleted = call("DELETE", "/api/v4/hooks/incoming/" + id);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, R"({"status":"OK"})");
  EXPECT_TRUE(is_error(call("GET", "/api/v4/hooks/incoming/" + id), 404,
                       "app.webhooks.get_incoming.app_error"));
  EXPECT_TRUE(is_error(call("GET", "/api/v4/hooks/incoming/bad"), 400,
                       "api.context.invalid_url_param.app_error"));
  // Soft delete: the record stays, marked deleted, and a restart does not bring the hook back.
  EXPECT_NE(host_->kv()["hook/" + id].find("\"delete_at\":0,"), 0u);
  restart();
  EXPECT_EQ(call("GET", "/api/v4/hooks/incoming/" + id).status, 404);
}

TEST_F(Plugin, HooksSurviveARestart) {
  std::string id = create_hook(std::string(R"({"channel_id":")") + kTown + "\"}");
  restart();
  EXPECT_EQ(call("GET", "/api/v4/hooks/incoming/" + id).status, 200);
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"after restart"})").body, "ok");
}

TEST_F(Plugin, DisabledIs501OnBothSurfaces) {
  std::string id = create_hook(std::string(R"({"channel_id":")") + kTown + "\"}");
  boot(config(false));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"text":"x"})"), 501,
                       "web.incoming_webhook.disabled.app_error"));
  EXPECT_TRUE(is_error(call("GET", "/api/v4/hooks/incoming"), 501,
                       "api.incoming_webhook.disabled.app_error"));
}

// ---- POST /hooks/{id} -------------------------------------------------------------------------

class Hooks : public Plugin {
 protected:
  void SetUp() override {
    Plugin::SetUp();
    hook_ = create_hook(std::string(R"({"channel_id":")") + kTown +
                        R"(","display_name":"CI","username":"hooky"})");
  }
  FakeHost::Response post(const std::string& body, const std::string& ct = "application/json") {
    return call("POST", "/hooks/" + hook_, body, ct);
  }
  std::string hook_;
};

TEST_F(Hooks, PostsAsTheOwnerWithServerPropsAndFlags) {
  const auto& r = host_->request("POST", "/hooks/" + hook_, {}, R"({"text":"hello"})");
  EXPECT_FALSE(r.answered);  // "ok" only once the post is durable
  host_->run_pending();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.body, "ok");
  ASSERT_EQ(host_->committed_posts().size(), 1u);
  const auto& p = host_->committed_posts()[0];
  EXPECT_EQ(p.channel_id, kTown);
  EXPECT_EQ(p.user_id, admin_);
  EXPECT_EQ(p.message, "hello");
  EXPECT_EQ(p.flags, PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED);
  auto props = json(p.props_json);
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_STREQ(props["webhook_display_name"].GetString(), "CI");
  EXPECT_FALSE(props.HasMember("override_username"));  // overrides disabled by default
}

TEST_F(Hooks, OverridesOnlyWhenEnabled) {
  boot(config(true, true, true));
  std::string id = create_hook(std::string(R"({"channel_id":")") + kTown +
                               R"(","username":"hooky","icon_url":"http://hook"})");
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"text":"a","icon_emoji":":tada:"})").status, 200);
  ASSERT_EQ(call("POST", "/hooks/" + id,
                 R"({"text":"b","username":"sent","icon_url":"http://sent",)"
                 R"("props":{"override_username":"smuggled","from_webhook":"no"}})")
                .status,
            200);
  auto a = json(host_->committed_posts().at(0).props_json);
  EXPECT_STREQ(a["override_username"].GetString(), "hooky");
  EXPECT_STREQ(a["override_icon_url"].GetString(), "http://hook");
  EXPECT_STREQ(a["override_icon_emoji"].GetString(), ":tada:");
  auto b = json(host_->committed_posts().at(1).props_json);
  EXPECT_STREQ(b["override_username"].GetString(), "sent");
  EXPECT_STREQ(b["override_icon_url"].GetString(), "http://sent");
  EXPECT_STREQ(b["from_webhook"].GetString(), "true");
}

TEST_F(Hooks, ChecksInOrderWithTheirStatuses) {
  EXPECT_TRUE(is_error(post(R"({"text":""})"), 400, "web.incoming_webhook.text.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/hooks/abc123", R"({"text":"x"})"), 400,
                       "web.incoming_webhook.invalid.app_error"));
  EXPECT_TRUE(is_error(post("payload={\"text\":\"x\"}"), 400,
                       "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_error(post(R"({"text":"x","channel":"junk"})"), 404,
                       "web.incoming_webhook.channel.app_error"));
  EXPECT_TRUE(is_error(post(R"({"text":"x","channel":"@nobody"})"), 400,
                       "web.incoming_webhook.user.app_error"));
  EXPECT_TRUE(is_error(post(R"({"text":"x","type":"system_generic"})"), 400,
                       "api.context.invalid_param.app_error"));
  EXPECT_TRUE(is_error(post(R"({"text":"x","channel":"secret"})"), 403,
                       "web.incoming_webhook.permissions.app_error"));
  EXPECT_TRUE(host_->committed_posts().empty());
}

TEST_F(Hooks, ChannelOverridesCase7) {
  ASSERT_EQ(post(R"({"text":"a","channel":"off-topic"})").status, 200);
  ASSERT_EQ(post(R"({"text":"b","channel":"#off-topic"})").status, 200);
  ASSERT_EQ(post(R"({"text":"c","channel":"@bob"})").status, 200);
  const auto& posts = host_->committed_posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(posts[0].channel_id, kOff);
  EXPECT_EQ(posts[1].channel_id, kOff);
  EXPECT_NE(posts[2].channel_id, kTown);
  EXPECT_NE(posts[2].channel_id, kOff);
  host_->add_channel_member(kSecret, admin_);
  EXPECT_EQ(post(R"({"text":"d","channel":"secret"})").status, 200);
}

TEST_F(Hooks, LockedHookCase17) {
  std::string id = create_hook(std::string(R"({"channel_id":")") + kTown +
                               R"(","channel_locked":true})");
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"x"})").status, 200);
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"x","channel":"town-square"})").status, 200);
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"text":"x","channel":"off-topic"})"), 403,
                       "web.incoming_webhook.channel_locked.app_error"));
}

TEST_F(Hooks, AttachmentsMakeASlackAttachmentPost) {
  ASSERT_EQ(post(R"({"attachments":[{}]})").status, 200);  // [{}] is enough (§2.4 step 2)
  const auto& p = host_->committed_posts().at(0);
  EXPECT_EQ(p.type, "slack_attachment");
  EXPECT_TRUE(json(p.props_json)["attachments"].IsArray());
}

TEST_F(Hooks, LongTextIsSplitIntoPostsInOrder) {
  std::string text(20000, 'a');
  text[16383] = 'b';
  ASSERT_EQ(post(R"({"text":")" + text + "\"}").status, 200);
  const auto& posts = host_->committed_posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].message.size(), 16383u);
  EXPECT_EQ(posts[1].message.size(), 20000u - 16383u);
  EXPECT_EQ(posts[1].message[0], 'b');
}

TEST_F(Hooks, DeletedHookIsInvalid) {
  ASSERT_EQ(call("DELETE", "/api/v4/hooks/incoming/" + hook_).status, 200);
  EXPECT_TRUE(is_error(post(R"({"text":"x"})"), 400, "web.incoming_webhook.invalid.app_error"));
}

TEST_F(Hooks, IdsOutsideTheRoutePatternAreNoRoute) {
  EXPECT_EQ(call("POST", "/hooks/abc-def", R"({"text":"x"})").status, 404);
}

}  // namespace
}  // namespace pb::incoming_webhooks::test
