// Autocomplete arguments end to end (issue 6): a plugin command registered over the bus (through
// the out-of-tree command_probe's /register route) with a tree of StaticList, TextInput and
// DynamicList arguments; the real server answers GET .../commands/autocomplete_suggestions,
// fetching the DynamicList from an endpoint on loopback (allowed through
// AllowedUntrustedInternalConnections) with Mattermost's query. A garbage answer, a silent
// endpoint (the 2 s fetch timeout) and an oversized answer give no suggestions and a 200; a
// hostile tree is refused at registration.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "tests/integration/chat_support.h"
#include "tests/integration/support/recording_server.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;

class AutocompleteArguments : public ChatServer {
 protected:
  void SetUp() override {
    endpoint_.close_after_each();
    link_plugins(plugins_.path(), PB_BUILT_PLUGIN_DIR, {"slash_commands", "attachments"});
    ASSERT_TRUE(fs::exists(fs::path(PB_COMMAND_PROBE_DIR) / "libcommand_probe.so"));
    fs::create_directory_symlink(PB_COMMAND_PROBE_DIR, plugins_.path() / "command_probe");
    config_.plugin_dir = plugins_.path();
    config_.service["SiteURL"] = "\"http://chat.example.com\"";
    config_.service["AllowedUntrustedInternalConnections"] = "\"127.0.0.1\"";
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
    admin_ = create_user("admin");
    user_ = create_user("alice", admin_);
    team_ = create_team("myteam", admin_);
    add_to_team(team_, user_, admin_);
    channel_ = create_channel(team_, "deploys", "O", admin_);
  }

  // Registers /jira through the probe plugin; `fetch_url` is the DynamicList's URL.
  int register_jira(const std::string& fetch_url) {
    auto r = call("POST", "/api/v4/command_probe/register",
                  R"({"plugin_id":"command_probe","trigger":"jira","autocomplete_data":{"Trigger":"jira","SubCommands":[
                       {"Trigger":"create","Arguments":[
                         {"Name":"","HelpText":"Project","Type":"StaticList","Required":true,"Data":{"PossibleArguments":[
                           {"Item":"core","Hint":"","HelpText":"Core"},{"Item":"web","Hint":"","HelpText":"Web"}]}},
                         {"Name":"","HelpText":"Summary","Type":"TextInput","Required":true,"Data":{"Hint":"[summary]","Pattern":""}},
                         {"Name":"assignee","HelpText":"Who","Type":"DynamicList","Required":false,"Data":{"FetchURL":")" +
                      fetch_url + R"("}}]}]}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r)["verdict"].GetInt();
  }

  // (Suggestion, Complete) pairs of an autocomplete_suggestions answer; the status in `status`.
  std::vector<std::pair<std::string, std::string>> suggestions(const std::string& encoded,
                                                              int* status = nullptr) {
    auto r = call("GET", "/api/v4/teams/" + team_ +
                             "/commands/autocomplete_suggestions?user_input=" + encoded +
                             "&channel_id=" + channel_,
                  "", user_);
    if (status) *status = r.status;
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::pair<std::string, std::string>> out;
    auto doc = json(r);
    if (!doc.IsArray()) return out;
    for (const auto& s : doc.GetArray()) out.emplace_back(s["Suggestion"].GetString(), s["Complete"].GetString());
    return out;
  }

  using Pairs = std::vector<std::pair<std::string, std::string>>;
  RecordingServer endpoint_;
  TempDir plugins_;
  std::string admin_, user_, team_, channel_;
};

TEST_F(AutocompleteArguments, StaticListAndTextInputWithoutAnyFetch) {
  ASSERT_EQ(register_jira(endpoint_.url("/users")), 1);  // PB_VERDICT_ALLOW
  EXPECT_EQ(suggestions("%2Fjira%20create%20w"), (Pairs{{"web", "jira create web"}}));
  auto text = suggestions("%2Fjira%20create%20web%20");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0], (std::pair<std::string, std::string>{"", "jira create web "}));
  EXPECT_EQ(suggestions("%2Fjira%20create%20web%20%22fix%20it%22%20--as"),
            (Pairs{{"--assignee", "jira create web \"fix it\" --assignee "}}));
  EXPECT_EQ(endpoint_.count(), 0u);
}

TEST_F(AutocompleteArguments, DynamicListIsFetchedWithMattermostsQuery) {
  ASSERT_EQ(register_jira(endpoint_.url("/users?project=core")), 1);
  endpoint_.answer(200, R"([{"Item":"alice","Hint":"","HelpText":"Alice"},{"Item":"bob","Hint":"","HelpText":"Bob"}])");
  EXPECT_EQ(suggestions("%2Fjira%20create%20web%20fix%20--assignee%20a"),
            (Pairs{{"alice", "jira create web fix --assignee alice"}}));
  ASSERT_EQ(endpoint_.count(), 1u);
  RecordedRequest got = endpoint_.requests()[0];
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.target.rfind("/users?project=core&accept_language=", 0), 0u) << got.target;
  for (const std::string& part : std::vector<std::string>{"&parsed=jira+create+web+fix+--assignee+&",
                           "&user_input=jira+create+web+fix+--assignee+a",
                           "&site_url=http%3A%2F%2Fchat.example.com&",
                           std::string("&team_id=") + team_ + "&",
                           std::string("&user_id=") + user_ + "&",
                           std::string("&channel_id=") + channel_ + "&"}) {
    EXPECT_NE(got.target.find(part), std::string::npos) << part << " in " << got.target;
  }
  EXPECT_EQ(got.header("Mattermost-User-Id"), user_);
}

TEST_F(AutocompleteArguments, GarbageSilenceAndRefusalAreNoSuggestions) {
  ASSERT_EQ(register_jira(endpoint_.url("/users")), 1);
  endpoint_.answer(200, "<html>not a list</html>", {}, "text/html");
  EXPECT_TRUE(suggestions("%2Fjira%20create%20web%20fix%20--assignee%20").empty());
  endpoint_.answer(200, std::string(100000, '['));  // past the body cap and the nesting bound
  EXPECT_TRUE(suggestions("%2Fjira%20create%20web%20fix%20--assignee%20").empty());

  endpoint_.never_answer();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(suggestions("%2Fjira%20create%20web%20fix%20--assignee%20").empty());
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(1500));  // the fetch's own 2 s limit
  EXPECT_LT(waited, std::chrono::seconds(8));
}

TEST_F(AutocompleteArguments, HostileTreesAreRefusedAtRegistration) {
  std::string wide = R"({"Trigger":"wide","Arguments":[)";
  for (int i = 0; i < 40; ++i) {
    wide += std::string(i ? "," : "") + R"({"Name":"a)" + std::to_string(i) +
            R"(","HelpText":"","Type":"TextInput","Required":false,"Data":{"Hint":"","Pattern":""}})";
  }
  wide += "]}";
  std::string deep = R"({"Trigger":"deep","SubCommands":[)";
  for (int i = 0; i < 9; ++i) deep += R"({"Trigger":"d","SubCommands":[)";
  for (int i = 0; i < 9; ++i) deep += "]}";
  deep += "]}";
  for (const auto& [trigger, tree] : {std::pair<std::string, std::string>{"wide", wide}, {"deep", deep}}) {
    auto r = call("POST", "/api/v4/command_probe/register",
                  R"({"plugin_id":"command_probe","trigger":")" + trigger +
                      R"(","autocomplete_data":)" + tree + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json(r)["verdict"].GetInt(), 2) << trigger << ": " << r.body;  // REJECT
    EXPECT_EQ(json_string(r.body, "error_id"),
              "model.command.is_valid.autocomplete_data.app_error") << trigger;
  }
  // The server is fine and the probe's own command still suggests.
  int status = 0;
  EXPECT_FALSE(suggestions("%2Fpro", &status).empty());
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace pb::itest
