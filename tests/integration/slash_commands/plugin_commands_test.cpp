// Plugin commands end to end (issue 6): the command_probe plugin, built OUT OF TREE with the
// SDK (tests/plugins/command_probe), registers /probe over the bus (command.register) and
// answers command.invoked; the real server with test_auth, slash_commands and attachments
// runs it through POST /api/v4/commands/execute. Also /help and the rich autocomplete route,
// which list what the probe registered.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <filesystem>
#include <set>

#include "tests/integration/chat_support.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;

class PluginCommands : public ChatServer {
 protected:
  void SetUp() override {
    link_plugins(plugins_.path(), PB_BUILT_PLUGIN_DIR, {"slash_commands", "attachments"});
    ASSERT_TRUE(fs::exists(fs::path(PB_COMMAND_PROBE_DIR) / "libcommand_probe.so"))
        << "the out-of-tree command_probe build is missing";
    fs::create_directory_symlink(PB_COMMAND_PROBE_DIR, plugins_.path() / "command_probe");
    config_.plugin_dir = plugins_.path();
    config_.service["SiteURL"] = "\"http://chat.example.com\"";
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
    admin_ = create_user("admin");
    user_ = create_user("alice", admin_);
    team_ = create_team("myteam", admin_);
    add_to_team(team_, user_, admin_);
    channel_ = create_channel(team_, "deploys", "O", admin_);
  }

  Response execute(const std::string& command, const std::string& as = "") {
    return call("POST", "/api/v4/commands/execute",
                R"({"command":")" + command + R"(","channel_id":")" + channel_ + "\"}",
                as.empty() ? user_ : as);
  }

  rapidjson::Document posts() {
    auto r = call("GET", "/api/v4/channels/" + channel_ + "/posts", "", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r);
  }

  // The Suggestion values of an autocomplete_suggestions answer.
  std::set<std::string> suggestions(const std::string& user_input, const std::string& as) {
    auto r = call("GET",
                  "/api/v4/teams/" + team_ + "/commands/autocomplete_suggestions?user_input=" +
                      user_input,
                  "", as);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    auto doc = json(r);
    if (!doc.IsArray()) return out;
    for (const auto& s : doc.GetArray()) out.insert(s["Suggestion"].GetString());
    return out;
  }

  TempDir plugins_;
  std::string admin_, user_, team_, channel_;
};

TEST_F(PluginCommands, RegisteredAtStartAndListedForTheTeam) {
  auto status = call("GET", "/api/v4/command_probe/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(json(status)["verdict"].GetInt(), 1) << status.body;  // PB_VERDICT_ALLOW

  auto list = call("GET", "/api/v4/teams/" + team_ + "/commands/autocomplete", "", user_);
  ASSERT_EQ(list.status, 200) << list.body;
  bool found = false;
  const auto commands = json(list);  // a named document: the loop reads it after this line
  for (const auto& c : commands.GetArray()) {
    if (std::string(c["trigger"].GetString()) != "probe") continue;
    found = true;
    EXPECT_STREQ(c["plugin_id"].GetString(), "command_probe");
    EXPECT_STREQ(c["auto_complete_desc"].GetString(), "Talk to the probe plugin");
    EXPECT_TRUE(c["autocomplete_data"].IsObject());
  }
  EXPECT_TRUE(found) << list.body;
}

TEST_F(PluginCommands, InChannelAnswerIsPostedAsTheInvokingUser) {
  auto r = execute("/probe echo hello world");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string(r.body, "response_type"), "in_channel");
  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 1u);
  const auto& post = p["posts"][p["order"][0].GetString()];
  EXPECT_EQ(std::string(post["user_id"].GetString()), user_);
  EXPECT_STREQ(post["message"].GetString(), "probe heard 'hello world' from @alice in ~deploys");
  EXPECT_STREQ(post["props"]["probe"].GetString(), "yes");
  EXPECT_STREQ(post["props"]["from_webhook"].GetString(), "true");
}

TEST_F(PluginCommands, DeferredAnswerCompletesTheCommand) {
  auto r = execute("/PROBE later soon");
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = posts();
  ASSERT_EQ(p["order"].Size(), 1u);
  EXPECT_STREQ(p["posts"][p["order"][0].GetString()]["message"].GetString(), "later: soon");
}

TEST_F(PluginCommands, EphemeralAnswerIsReturnedNotStored) {
  auto r = execute("/probe whisper");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string(r.body, "text"), "only you see this");
  EXPECT_EQ(json_string(r.body, "trigger_id").size(), 26u);
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

TEST_F(PluginCommands, PluginRejectionIsTheCommandsError) {
  auto r = execute("/probe fail");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_id(r), "command_probe.refused");
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

TEST_F(PluginCommands, CustomCommandCannotTakeAPluginTrigger) {
  auto r = call("POST", "/api/v4/commands",
                R"({"team_id":")" + team_ +
                    R"(","trigger":"probe","method":"P","url":"https://example.com/x"})",
                admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_id(r), "api.command.duplicate_trigger.app_error");
}

// Registration through the bus: refused for another plugin's trigger and a bad trigger; a new
// team command runs; once unregistered it is gone.
TEST_F(PluginCommands, RegisterAndUnregisterOverTheBus) {
  auto taken = call("POST", "/api/v4/command_probe/register",
                    R"({"plugin_id":"someone_else","trigger":"probe"})");
  ASSERT_EQ(taken.status, 200);
  EXPECT_EQ(json(taken)["verdict"].GetInt(), 2) << taken.body;  // REJECT
  EXPECT_EQ(json_string(taken.body, "error_id"), "api.command.duplicate_trigger.app_error");
  auto bad = call("POST", "/api/v4/command_probe/register",
                  R"({"plugin_id":"command_probe","trigger":"two words"})");
  EXPECT_EQ(json_string(bad.body, "error_id"), "model.command.is_valid.trigger.app_error");

  auto ok = call("POST", "/api/v4/command_probe/register",
                 R"({"plugin_id":"command_probe","trigger":"probe2","team_id":")" + team_ + "\"}");
  EXPECT_EQ(json(ok)["verdict"].GetInt(), 1) << ok.body;
  auto ran = execute("/probe2 whisper");
  ASSERT_EQ(ran.status, 200) << ran.body;
  EXPECT_EQ(json_string(ran.body, "text"), "only you see this");

  auto gone = call("POST", "/api/v4/command_probe/unregister",
                   R"({"plugin_id":"command_probe","trigger":"probe2","team_id":")" + team_ + "\"}");
  EXPECT_EQ(json(gone)["verdict"].GetInt(), 1) << gone.body;
  EXPECT_EQ(execute("/probe2 whisper").status, 404);
}

TEST_F(PluginCommands, AutocompleteSuggestionsFollowTheTree) {
  EXPECT_EQ(suggestions("%2Fpro", user_), (std::set<std::string>{"probe"}));
  EXPECT_EQ(suggestions("%2Fe", user_), (std::set<std::string>{"echo"}));
  EXPECT_EQ(suggestions("%2Fprobe+", user_),
            (std::set<std::string>{"echo", "later", "whisper", "fail"}));
  EXPECT_EQ(suggestions("%2Fprobe+", admin_),
            (std::set<std::string>{"echo", "later", "whisper", "fail", "admin"}));
  EXPECT_EQ(suggestions("%2Fprobe+l", user_), (std::set<std::string>{"later"}));

  auto missing = call("GET", "/api/v4/teams/" + team_ + "/commands/autocomplete_suggestions",
                      "", user_);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error_id(missing), "api.context.invalid_url_param.app_error");
}

TEST_F(PluginCommands, HelpListsBuiltinsAndPluginCommands) {
  auto r = execute("/help");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string(r.body, "response_type"), "ephemeral");
  std::string text = json_string(r.body, "text");
  EXPECT_NE(text.find("/probe [echo|later|whisper|fail]"), std::string::npos) << text;
  EXPECT_NE(text.find("/echo"), std::string::npos) << text;
  EXPECT_EQ(posts()["order"].Size(), 0u);
}

}  // namespace
}  // namespace pb::itest
