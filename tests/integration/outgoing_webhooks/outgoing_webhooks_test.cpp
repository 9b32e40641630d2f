// Outgoing webhooks end to end (wire spec §4, §10 cases 33–37): the real server with test_auth,
// outgoing_webhooks and attachments, hooks pointing at RecordingServer on loopback.
//
// The delivery tests need the core's http_fetch (ABI 1.3); on a server without it they skip,
// saying so (the plugin reports "http_fetch_available" in its metrics).
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "tests/integration/chat_support.h"
#include "tests/integration/support/recording_server.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class OutgoingWebhooks : public ChatServer {
 protected:
  void SetUp() override {
    link_plugins(plugins_.path(), PB_BUILT_PLUGIN_DIR, {"outgoing_webhooks", "attachments"});
    config_.plugin_dir = plugins_.path();
    config_.service["AllowedUntrustedInternalConnections"] = "\"127.0.0.1\"";
    config_.service["OutgoingIntegrationRequestsTimeout"] = "2";
    config_.service["EnablePostUsernameOverride"] = "true";
    config_.service["EnablePostIconOverride"] = "true";
    configure();
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
    admin_ = create_user("admin");
    user_ = create_user("alice", admin_);
    team_ = create_team("myteam", admin_);
    add_to_team(team_, user_, admin_);
    channel_ = create_channel(team_, "deploys", "O", admin_);
    private_ = create_channel(team_, "secret", "P", admin_);
    auto joined = call("POST", "/api/v4/channels/" + channel_ + "/members",
                       R"({"user_id":")" + user_ + "\"}", user_);
    ASSERT_EQ(joined.status, 201) << joined.body;
  }
  virtual void configure() {}

  bool can_deliver() {
    auto r = call("GET", "/api/v4/outgoing_webhooks/metrics", "", admin_);
    return r.status == 200 && r.body.find("\"http_fetch_available\":true") != std::string::npos;
  }

  std::string create_hook(const std::string& extra, const std::vector<std::string>& urls) {
    std::string list;
    for (const auto& u : urls) list += (list.empty() ? "\"" : ",\"") + u + "\"";
    auto r = call("POST", "/api/v4/hooks/outgoing",
                  R"({"team_id":")" + team_ + R"(","callback_urls":[)" + list + "]" + extra + "}", admin_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.body;
  }

  // The channel's posts, newest first, as Client4's getPosts sees them.
  rapidjson::Document posts() {
    auto r = call("GET", "/api/v4/channels/" + channel_ + "/posts", "", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }
  // Waits until the channel holds `n` posts.
  bool wait_posts(size_t n, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto p = posts();
      if (p.IsObject() && p["order"].Size() >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  TempDir plugins_;
  RecordingServer callback_;
  std::string admin_, user_, team_, channel_, private_;
};

#define REQUIRE_DELIVERY()                                                                  \
  if (!can_deliver()) GTEST_SKIP() << "the server has no http_fetch yet (core/http_client)"

// ---- management API through the real server -----------------------------------------------

TEST_F(OutgoingWebhooks, ManagementApiLifecycle) {
  auto created = json(Response{201, "", {}, create_hook(R"(,"trigger_words":["deploy"])", {callback_.url()})});
  std::string id = created["id"].GetString();
  std::string token = created["token"].GetString();
  EXPECT_TRUE(is_mattermost_id(id));
  EXPECT_EQ(token.size(), 26u);

  auto got = call("GET", "/api/v4/hooks/outgoing/" + id, "", admin_);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("Content-Type"), "application/json");
  auto listed = call("GET", "/api/v4/hooks/outgoing?team_id=" + team_, "", admin_);
  EXPECT_EQ(json(listed).Size(), 1u);
  EXPECT_EQ(json(call("GET", "/api/v4/hooks/outgoing?channel_id=" + channel_, "", admin_)).Size(), 0u);

  auto updated = call("PUT", "/api/v4/hooks/outgoing/" + id,
                      R"({"id":")" + id + R"(","team_id":")" + team_ + R"(","channel_id":")" + channel_ +
                          R"(","callback_urls":[")" + callback_.url() + R"("]})",
                      admin_);
  EXPECT_EQ(updated.status, 200) << updated.body;
  auto regen = call("POST", "/api/v4/hooks/outgoing/" + id + "/regen_token", "", admin_);
  EXPECT_EQ(regen.status, 200);
  EXPECT_NE(json_string(regen.body, "token"), token);

  // Survives a restart (loaded from the store at start).
  ASSERT_TRUE(server_->stop().has_value());
  ASSERT_TRUE(server_->start());
  EXPECT_EQ(json_string(call("GET", "/api/v4/hooks/outgoing/" + id, "", admin_).body, "token"),
            json_string(regen.body, "token"));

  auto deleted = call("DELETE", "/api/v4/hooks/outgoing/" + id, "", admin_);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, R"({"status":"OK"})");
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/hooks/outgoing/" + id, "", admin_), 404,
                           "app.webhooks.get_outgoing.app_error"));
}

TEST_F(OutgoingWebhooks, ManagementApiFailures) {
  std::string body = R"({"team_id":")" + team_ + R"(","trigger_words":["a"],"callback_urls":["http://x/"]})";
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/hooks/outgoing", body, user_), 403,
                           "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/hooks/outgoing", body, ""), 401,
                           "api.context.session_expired.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/hooks/outgoing", "{", admin_), 400,
                           "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(
      call("POST", "/api/v4/hooks/outgoing",
           R"({"team_id":")" + team_ + R"(","channel_id":")" + private_ + R"(","callback_urls":["http://x/"]})", admin_),
      403, "api.outgoing_webhook.disabled.app_error"));
  EXPECT_TRUE(is_app_error(
      call("POST", "/api/v4/hooks/outgoing",
           R"({"team_id":")" + team_ + R"(","trigger_words":["a"],"callback_urls":["nowhere.com/"]})", admin_),
      400, "model.outgoing_hook.is_valid.url.app_error"));
  EXPECT_EQ(json(call("GET", "/api/v4/hooks/outgoing", "", admin_)).Size(), 0u);  // nothing stored
}

class OutgoingWebhooksDisabled : public OutgoingWebhooks {
  void configure() override { config_.service["EnableOutgoingWebhooks"] = "false"; }
};

TEST_F(OutgoingWebhooksDisabled, ApiAnswers501) {
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/hooks/outgoing", "", admin_), 501,
                           "api.outgoing_webhook.disabled.app_error"));
}

// ---- deliveries -----------------------------------------------------------------------------

TEST_F(OutgoingWebhooks, JsonPayloadFieldByFieldAndACommentReply) {
  REQUIRE_DELIVERY();
  auto hook = create_hook(R"(,"trigger_words":["deploy"],"content_type":"application/json","display_name":"Deployer")",
                          {callback_.url()});
  callback_.answer(200, R"({"text":"deploying","response_type":"comment","username":"bot-x"})");
  std::string post_id = create_post(channel_, "deploy prod", user_);
  ASSERT_TRUE(callback_.wait_for(1));
  auto req = callback_.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hook");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.header("Accept"), "application/json");
  rapidjson::Document body;
  body.Parse(req.body.c_str());
  ASSERT_TRUE(body.IsObject()) << req.body;
  EXPECT_EQ(body.MemberCount(), 12u);
  EXPECT_EQ(std::string(body["token"].GetString()), json_string(hook, "token"));
  EXPECT_EQ(std::string(body["team_id"].GetString()), team_);
  EXPECT_STREQ(body["team_domain"].GetString(), "myteam");  // the team's name
  EXPECT_EQ(std::string(body["channel_id"].GetString()), channel_);
  EXPECT_STREQ(body["channel_name"].GetString(), "deploys");
  EXPECT_EQ(std::string(body["user_id"].GetString()), user_);
  EXPECT_STREQ(body["user_name"].GetString(), "alice");
  EXPECT_EQ(std::string(body["post_id"].GetString()), post_id);
  EXPECT_STREQ(body["text"].GetString(), "deploy prod");
  EXPECT_STREQ(body["trigger_word"].GetString(), "deploy");
  EXPECT_STREQ(body["file_ids"].GetString(), "");
  EXPECT_GT(body["timestamp"].GetInt64(), 1600000000000);

  ASSERT_TRUE(wait_posts(2));
  auto p = posts();
  std::string reply_id = p["order"][0].GetString();
  const auto& reply = p["posts"][reply_id.c_str()];
  EXPECT_STREQ(reply["message"].GetString(), "deploying");
  EXPECT_EQ(std::string(reply["root_id"].GetString()), post_id);
  EXPECT_EQ(std::string(reply["user_id"].GetString()), admin_);
  EXPECT_STREQ(reply["props"]["from_webhook"].GetString(), "true");
  EXPECT_STREQ(reply["props"]["override_username"].GetString(), "bot-x");
  EXPECT_STREQ(reply["props"]["webhook_display_name"].GetString(), "Deployer");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(callback_.count(), 1u);  // the reply fired nothing
}

TEST_F(OutgoingWebhooks, FormPayloadCase33) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["go"])", {callback_.url()});
  callback_.answer(200, "");
  create_post(channel_, "go now", user_);
  ASSERT_TRUE(callback_.wait_for(1));
  auto req = callback_.requests()[0];
  EXPECT_EQ(req.header("Content-Type"), "application/x-www-form-urlencoded");
  for (const char* key : {"channel_id=", "&channel_name=deploys&", "&file_ids=&", "&post_id=",
                          "&team_domain=myteam&", "&team_id=", "&text=go+now&", "&timestamp=", "&token=",
                          "&trigger_word=go&", "&user_id=", "&user_name=alice"}) {
    EXPECT_NE(req.body.find(key), std::string::npos) << key << " in " << req.body;
  }
  // Seconds, not milliseconds: ten digits.
  size_t ts = req.body.find("&timestamp=") + 11;
  EXPECT_EQ(req.body.find('&', ts) - ts, 10u) << req.body;
}

// A reply longer than a post (16383 runes) becomes several posts, in order, as Mattermost's
// CreateWebhookPost splits it.
TEST_F(OutgoingWebhooks, AFortyThousandCharacterReplyBecomesThreePostsInOrder) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["long"])", {callback_.url()});
  const std::string a(16383, 'a'), b(16383, 'b'), c(7234, 'c');
  callback_.answer(200, R"({"text":")" + a + b + c + R"("})");
  create_post(channel_, "long please", user_);
  ASSERT_TRUE(wait_posts(4));
  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 4u);
  std::vector<std::pair<int64_t, std::string>> replies;  // (create_at, message)
  for (const auto& id : p["order"].GetArray()) {
    const auto& post = p["posts"][id.GetString()];
    if (std::string_view(post["message"].GetString()) == "long please") continue;
    EXPECT_STREQ(post["props"]["from_webhook"].GetString(), "true");
    replies.emplace_back(post["create_at"].GetInt64(), post["message"].GetString());
  }
  ASSERT_EQ(replies.size(), 3u);
  // Each part is created once the one before is stored, so no part is older than the one
  // before it. (Parts made in the same millisecond tie; the unit test checks the order itself.)
  auto when = [&](const std::string& message) {
    for (const auto& [at, m] : replies) {
      if (m == message) return at;
    }
    ADD_FAILURE() << "no reply part of " << message.size() << " characters";
    return int64_t{0};
  };
  EXPECT_LE(when(a), when(b));
  EXPECT_LE(when(b), when(c));
}

TEST_F(OutgoingWebhooks, TriggerRulesCase34AndPrivateChannelsNeverFire) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["foo"],"trigger_when":1)", {callback_.url()});
  callback_.answer(200, "");
  create_post(channel_, "barfoo", user_);
  create_post(private_, "foobar", admin_);
  create_post(channel_, "foobar", user_);
  ASSERT_TRUE(callback_.wait_for(1));
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(callback_.count(), 1u);
  EXPECT_NE(callback_.requests()[0].body.find("text=foobar"), std::string::npos);
}

TEST_F(OutgoingWebhooks, TwoCallbackUrlsBothReceiveCase37) {
  REQUIRE_DELIVERY();
  RecordingServer second;
  create_hook(R"(,"trigger_words":["go"])", {callback_.url(), second.url("/other")});
  callback_.answer(200, "");
  second.answer(200, "");
  create_post(channel_, "go", user_);
  ASSERT_TRUE(callback_.wait_for(1));
  ASSERT_TRUE(second.wait_for(1));
  EXPECT_EQ(second.requests()[0].target, "/other");
}

TEST_F(OutgoingWebhooks, GarbageEmptyOversizedAndSlowAnswersPostNothingCase35) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["go"])", {callback_.url()});
  size_t sent = 0;
  for (auto [body, delay] : {std::pair{std::string("aaaaaaaa"), 0ms}, {std::string(""), 0ms},
                             {"{\"text\":\"" + std::string((1 << 20) + 10, 'a') + "\"}", 0ms},
                             {std::string(R"({"text":"late"})"), 3000ms}}) {
    callback_.answer(200, body, delay);
    create_post(channel_, "go", user_);
    ASSERT_TRUE(callback_.wait_for(++sent));
  }
  std::this_thread::sleep_for(2500ms);  // past the 2 s timeout of the slow one
  EXPECT_EQ(posts()["order"].Size(), sent);  // only the triggering posts
  auto m = call("GET", "/api/v4/outgoing_webhooks/metrics", "", admin_);
  EXPECT_NE(m.body.find("\"reply_errors\":1"), std::string::npos) << m.body;
}

TEST_F(OutgoingWebhooks, AcknowledgedDeliveryIsMadeAfterKill9) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["go"])", {callback_.url()});
  callback_.never_answer();
  std::string post_id = create_post(channel_, "go survive", user_);
  ASSERT_TRUE(callback_.wait_for(1));  // in flight, unanswered
  server_->kill();
  callback_.answer(200, "");
  ASSERT_TRUE(server_->start());
  ASSERT_TRUE(callback_.wait_for(2));
  EXPECT_NE(callback_.requests()[1].body.find("post_id=" + post_id), std::string::npos);
}

class OutgoingWebhooksNoAllowList : public OutgoingWebhooks {
  void configure() override { config_.service.erase("AllowedUntrustedInternalConnections"); }
};

TEST_F(OutgoingWebhooksNoAllowList, LoopbackCallbackIsRefusedByTheGuard) {
  REQUIRE_DELIVERY();
  create_hook(R"(,"trigger_words":["go"])", {callback_.url()});
  create_post(channel_, "go", user_);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  std::string body;
  while (std::chrono::steady_clock::now() < deadline) {
    body = call("GET", "/api/v4/outgoing_webhooks/metrics", "", admin_).body;
    if (body.find("\"failed_calls\":1") != std::string::npos) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(body.find("\"failed_calls\":1"), std::string::npos) << body;
  EXPECT_EQ(callback_.count(), 0u);
}

}  // namespace
}  // namespace pb::itest
