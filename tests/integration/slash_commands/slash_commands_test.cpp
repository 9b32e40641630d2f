// Slash commands end to end (wire spec §5, §10 cases 38-46): the real server with test_auth,
// slash_commands and attachments; commands pointing at a RecordingServer on loopback.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <filesystem>

#include "tests/integration/chat_support.h"
#include "tests/integration/support/recording_server.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;

class SlashCommands : public ChatServer {
 protected:
  void SetUp() override {
    endpoint_.close_after_each();
    link_plugins(plugins_.path(), PB_BUILT_PLUGIN_DIR, {"slash_commands", "attachments", "outgoing_webhooks"});
    config_.plugin_dir = plugins_.path();
    config_.service["AllowedUntrustedInternalConnections"] = "\"127.0.0.1\"";
    config_.service["OutgoingIntegrationRequestsTimeout"] = "2";
    config_.service["SiteURL"] = "\"http://chat.example.com\"";
    configure();
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
    admin_ = create_user("admin");
    user_ = create_user("alice", admin_);
    outsider_ = create_user("bob", admin_);
    team_ = create_team("myteam", admin_);
    add_to_team(team_, user_, admin_);
    channel_ = create_channel(team_, "deploys", "O", admin_);
  }
  virtual void configure() {}

  // Creates a command as the admin pointing at the command server; returns the response.
  Response create_command(const std::string& trigger, const std::string& method = "P",
                          const std::string& path = "/cmd", const std::string& extra = "") {
    return call("POST", "/api/v4/commands",
                R"({"team_id":")" + team_ + R"(","trigger":")" + trigger + R"(","method":")" +
                    method + R"(","url":")" + endpoint_.url(path) + "\"" + extra + "}",
                admin_);
  }

  Response execute(const std::string& command, const std::string& as = "") {
    return call("POST", "/api/v4/commands/execute",
                R"({"command":")" + command + R"(","channel_id":")" + channel_ + R"(","team_id":")" +
                    team_ + "\"}",
                as.empty() ? user_ : as);
  }

  rapidjson::Document posts() {
    auto r = call("GET", "/api/v4/channels/" + channel_ + "/posts", "", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }

  Response post_raw(const std::string& path, const std::string& content_type,
                    const std::string& body) {
    std::string raw = "POST " + path + " HTTP/1.1\r\nHost: patchbay\r\nContent-Type: " +
                      content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body;
    auto r = round_trip(server_->host(), server_->port(), raw);
    EXPECT_TRUE(r);
    return r ? *r : Response{};
  }

  // What the command endpoint answers next (one connection per call: no test depends on reuse).
  void answer(int status, std::string content_type, std::string body) {
    endpoint_.answer(status, std::move(body), {}, std::move(content_type));
  }

  // The path of the response_url the endpoint got in its only request ("" when not one).
  std::string response_url_path() {
    auto requests = endpoint_.requests();
    std::string key = "hooks%2Fcommands%2F";
    size_t at = requests.size() == 1 ? requests[0].body.find(key) : std::string::npos;
    if (at == std::string::npos) return "";
    return "/hooks/commands/" + requests[0].body.substr(at + key.size(), 26);
  }

  TempDir plugins_;
  RecordingServer endpoint_;
  std::string admin_, user_, outsider_, team_, channel_;
};

// §10 cases 40 and 41 through the API.
TEST_F(SlashCommands, ManagementLifecycle) {
  auto denied = call("POST", "/api/v4/commands",
                     R"({"team_id":")" + team_ + R"(","trigger":"x","method":"P","url":"https://e.com"})",
                     user_);
  EXPECT_EQ(denied.status, 403);
  auto created = create_command("Deploy");
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = json(created);
  std::string id = c["id"].GetString();
  EXPECT_STREQ(c["trigger"].GetString(), "deploy");
  EXPECT_EQ(error_id(create_command("deploy")), "api.command.duplicate_trigger.app_error");
  EXPECT_EQ(error_id(create_command("shrug")), "api.command.duplicate_trigger.app_error");
  EXPECT_EQ(error_id(create_command("other", "Wrong")), "model.command.is_valid.method.app_error");

  auto list = call("GET", "/api/v4/commands?team_id=" + team_ + "&custom_only=true", "", admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json(list).Size(), 1u);
  EXPECT_EQ(call("GET", "/api/v4/commands?team_id=" + team_ + "&custom_only=true", "", user_).status,
            403);
  EXPECT_EQ(call("GET", "/api/v4/commands/" + id, "", user_).status, 404);
  EXPECT_EQ(call("GET", "/api/v4/commands/" + id, "", admin_).status, 200);

  auto regen = call("PUT", "/api/v4/commands/" + id + "/regen_token", "", admin_);
  ASSERT_EQ(regen.status, 200);
  EXPECT_NE(json_string(regen.body, "token"), json_string(created.body, "token"));

  auto updated = call("PUT", "/api/v4/commands/" + id,
                      R"({"id":")" + id + R"(","trigger":"SHIP","method":"G","url":"https://e.com/x"})",
                      admin_);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json_string(updated.body, "trigger"), "ship");

  auto deleted = call("DELETE", "/api/v4/commands/" + id, "", admin_);
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(call("GET", "/api/v4/commands/" + id, "", admin_).status, 404);
}

// §10 case 38.
TEST_F(SlashCommands, ExecuteErrors) {
  for (std::string bad : {"", "/", "getcommand"}) {
    auto r = execute(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(error_id(r), "api.command.execute_command.start.app_error");
  }
  EXPECT_EQ(execute("/junk").status, 404);
  EXPECT_EQ(execute("/me hi", outsider_).status, 403);
  auto anonymous = call("POST", "/api/v4/commands/execute",
                        R"({"command":"/me hi","channel_id":")" + channel_ + "\"}");
  EXPECT_EQ(anonymous.status, 401);
}

// §10 case 39 (POST) and §5.5 in_channel: the post is the invoking user's.
TEST_F(SlashCommands, PostCommandInChannelAnswer) {
  auto created = create_command("deploy");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = json_string(created.body, "token");
  answer(200, "application/json",
                   R"({"response_type":"in_channel","text":"deployed <!here>","trigger_id":"x"})");
  auto r = execute("/deploy prod now");
  ASSERT_EQ(r.status, 200) << r.body;
  auto answer = json(r);
  EXPECT_STREQ(answer["text"].GetString(), "deployed <!here>");
  EXPECT_EQ(std::string(answer["trigger_id"].GetString()).size(), 26u);

  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.header("Authorization"), "Token " + token);
  EXPECT_EQ(req.header("Content-Type"), "application/x-www-form-urlencoded");
  for (std::string part : {std::string("token=") + token, std::string("team_domain=myteam&"),
                           std::string("command=%2Fdeploy"), std::string("text=prod+now"),
                           std::string("user_name=alice"), std::string("channel_name=deploys"),
                           std::string("response_url=http%3A%2F%2Fchat.example.com%2Fhooks%2Fcommands%2F")}) {
    EXPECT_NE(req.body.find(part), std::string::npos) << part << " in " << req.body;
  }

  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 1u);
  const auto& post = p["posts"][p["order"][0].GetString()];
  EXPECT_EQ(std::string(post["user_id"].GetString()), user_);
  EXPECT_STREQ(post["message"].GetString(), "deployed @here");  // Slack markup converted
  EXPECT_STREQ(post["props"]["from_webhook"].GetString(), "true");
}

// §5.5: in_channel posts go through the user-post path with outgoing webhooks on.
TEST_F(SlashCommands, InChannelAnswerFiresOutgoingWebhooks) {
  if (!fs::exists(fs::path(PB_BUILT_PLUGIN_DIR) / "outgoing_webhooks")) {
    GTEST_SKIP() << "the outgoing_webhooks plugin is not built";
  }
  ASSERT_EQ(create_command("deploy").status, 201);
  auto hook = call("POST", "/api/v4/hooks/outgoing",
                   R"({"team_id":")" + team_ + R"(","channel_id":")" + channel_ +
                       R"(","callback_urls":[")" + endpoint_.url("/outgoing") + R"("]})",
                   admin_);
  ASSERT_EQ(hook.status, 201) << hook.body;
  answer(200, "application/json", R"({"response_type":"in_channel","text":"deployed"})");
  ASSERT_EQ(execute("/deploy prod").status, 200);
  ASSERT_TRUE(endpoint_.wait_for(2)) << "no outgoing-webhook delivery for the command's post";
  auto delivery = endpoint_.requests()[1];
  EXPECT_EQ(delivery.target, "/outgoing");
  EXPECT_NE(delivery.body.find("deployed"), std::string::npos) << delivery.body;
}

// §10 case 39 (GET) and an ephemeral answer, never stored.
TEST_F(SlashCommands, GetCommandEphemeralAnswer) {
  ASSERT_EQ(create_command("report", "G", "/cmd?cmd=ourCommand").status, 201);
  answer(200, "text/plain", "all good");
  auto r = execute("/report");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string(r.body, "text"), "all good");
  auto requests = endpoint_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_TRUE(requests[0].target.starts_with("/cmd?cmd=ourCommand&")) << requests[0].target;
  EXPECT_NE(requests[0].target.find("&token="), std::string::npos);
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

TEST_F(SlashCommands, FailingEndpointsAnswer500) {
  ASSERT_EQ(create_command("deploy").status, 201);
  answer(201, "application/json", R"({"text":"x"})");
  auto non200 = execute("/deploy");
  EXPECT_EQ(non200.status, 500);
  EXPECT_EQ(error_id(non200), "api.command.execute_command.failed_resp.app_error");
  answer(200, "application/json", R"({"text": })");
  auto garbage = execute("/deploy");
  EXPECT_EQ(garbage.status, 500);
  EXPECT_EQ(error_id(garbage), "api.command.execute_command.failed.app_error");
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

TEST_F(SlashCommands, OversizedAnswerIs500) {
  ASSERT_EQ(create_command("deploy").status, 201);
  answer(200, "text/plain", std::string(1024 * 1024 + 1, 'a'));
  auto r = execute("/deploy");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_id(r), "api.command.execute_command.failed.app_error");
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

// §10 case 44: attachments of the answer and of its extra responses go through the
// attachments plugin (field values stringified, type slack_attachment).
TEST_F(SlashCommands, AttachmentsAreNormalised) {
  ASSERT_EQ(create_command("deploy").status, 201);
  answer(200, "application/json",
                   R"({"response_type":"in_channel","text":"main","attachments":[{"fields":[{"title":"t","value":[]}]}],
                       "extra_responses":[{"response_type":"in_channel","text":"extra","attachments":[{"text":"<!channel> x"}]}]})");
  auto r = execute("/deploy");
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 2u);
  const auto& extra = p["posts"][p["order"][0].GetString()];
  const auto& main = p["posts"][p["order"][1].GetString()];
  // The answer's post was made before its extra response, in the same millisecond.
  ASSERT_STREQ(main["message"].GetString(), "main");
  ASSERT_STREQ(extra["message"].GetString(), "extra");
  EXPECT_STREQ(main["type"].GetString(), "slack_attachment");
  EXPECT_STREQ(main["props"]["attachments"][0]["fields"][0]["value"].GetString(), "[]");
  EXPECT_STREQ(extra["props"]["attachments"][0]["text"].GetString(), "@channel x");
}

// §10 case 45.
TEST_F(SlashCommands, ResponseUrlFiveUses) {
  ASSERT_EQ(create_command("deploy").status, 201);
  answer(200, "text/plain", "");
  ASSERT_EQ(execute("/deploy").status, 200);
  std::string path = response_url_path();
  ASSERT_FALSE(path.empty());

  EXPECT_EQ(post_raw("/hooks/commands/" + std::string(26, 'z'), "application/json",
                     R"({"text":"x"})").status,
            404);
  auto broken = post_raw(path, "application/json", R"({"text":"invalid)");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(error_id(broken), "web.command_webhook.parse.app_error");
  for (int i = 0; i < 5; ++i) {
    auto r = post_raw(path, "application/json", R"({"response_type":"in_channel","text":"later"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "ok");
  }
  auto sixth = post_raw(path, "application/json", R"({"response_type":"in_channel","text":"later"})");
  EXPECT_EQ(sixth.status, 400);
  EXPECT_EQ(error_id(sixth), "app.command_webhook.try_use.invalid");
  EXPECT_EQ(posts()["order"].Size(), 5u);
}

// §5.6: records are kept in the store so they survive a restart. They are written in batches
// (kResponseUrlFlushMs); a graceful stop writes what is still waiting before the store closes,
// so a stop right after the execute loses nothing, however soon it comes.
TEST_F(SlashCommands, ResponseUrlSurvivesAStopRightAfterTheExecute) {
  ASSERT_EQ(create_command("deploy").status, 201);
  answer(200, "text/plain", "");
  ASSERT_EQ(execute("/deploy").status, 200);
  std::string path = response_url_path();
  ASSERT_FALSE(path.empty());
  ASSERT_EQ(server_->stop(), 0);
  ASSERT_TRUE(server_->start());
  auto r = post_raw(path, "application/json", R"({"response_type":"in_channel","text":"later"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(posts()["order"].Size(), 1u);
}

// §10 case 46.
TEST_F(SlashCommands, Builtins) {
  ASSERT_EQ(execute("/me hello").status, 200);
  ASSERT_EQ(execute("/shrug").status, 200);
  ASSERT_EQ(execute("/echo said twice").status, 200);
  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 3u);
  const auto& echo = p["posts"][p["order"][0].GetString()];
  const auto& shrug = p["posts"][p["order"][1].GetString()];
  const auto& me = p["posts"][p["order"][2].GetString()];
  EXPECT_STREQ(me["message"].GetString(), "*hello*");
  EXPECT_STREQ(me["type"].GetString(), "me");
  EXPECT_STREQ(shrug["message"].GetString(), "¯\\\\\\_(ツ)\\_/¯");
  EXPECT_STREQ(echo["message"].GetString(), "said twice");
}

class SlashCommandsDisabled : public SlashCommands {
 protected:
  void configure() override { config_.service["EnableCommands"] = "false"; }
};

TEST_F(SlashCommandsDisabled, CustomCommandsAnswer501BuiltinsWork) {
  auto r = create_command("deploy");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(error_id(r), "api.command.disabled.app_error");
  EXPECT_EQ(execute("/me still here").status, 200);
  EXPECT_EQ(posts()["order"].Size(), 1u);
}

}  // namespace
}  // namespace pb::itest
