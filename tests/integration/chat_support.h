// Shared by the chat_* integration tests: a server with the test_auth plugin (tokens
// "test-<user id>"), JSON requests, and the chat objects the tests build on.
#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {

// <build>/test-plugins-chat: holds only test_auth (tests/plugins/CMakeLists.txt).
inline std::filesystem::path chat_plugin_dir() { return test_plugin_dir().parent_path() / "test-plugins-chat"; }

// Fills `into` (created) with links to test_auth and to each plugin of `built` that was built
// (a plugin that is not is left out: its tests then fail on what it would have answered), for
// suites that run real plugins beside the test identity. Point config_.plugin_dir at `into`.
inline void link_plugins(const std::filesystem::path& into, const std::filesystem::path& built,
                         std::initializer_list<const char*> ids) {
  namespace fs = std::filesystem;
  fs::create_directories(into);
  fs::create_directory_symlink(chat_plugin_dir() / "test_auth", into / "test_auth");
  for (const char* id : ids) {
    if (fs::exists(built / id)) fs::create_directory_symlink(built / id, into / id);
  }
}

// The "id" of a Mattermost error answer ("" when the body is not one).
inline std::string error_id(const Response& r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  return doc.IsObject() && doc.HasMember("id") && doc["id"].IsString() ? doc["id"].GetString() : "";
}

class ChatServer : public ::testing::Test {
 protected:
  void SetUp() override { start_server(); }
  void start_server() {
    config_.plugin_dir = chat_plugin_dir();
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
  }

  // One request; `token` is a user id (sent as "Bearer test-<id>") or "" for none.
  Response call(std::string_view method, std::string_view target, std::string_view body = "",
                std::string_view user_id = "") {
    std::string r(method);
    r.append(" ").append(target).append(" HTTP/1.1\r\nHost: patchbay\r\n");
    if (!user_id.empty()) r.append("Authorization: Bearer test-").append(user_id).append("\r\n");
    if (!body.empty() || method == "POST" || method == "PUT") {
      r.append("Content-Type: application/json\r\nContent-Length: ")
          .append(std::to_string(body.size()))
          .append("\r\n");
    }
    r.append("\r\n").append(body);
    auto response = round_trip(server_->host(), server_->port(), r);
    EXPECT_TRUE(response) << method << " " << target;
    return response ? *response : Response{};
  }

  static rapidjson::Document json(const Response& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return doc;
  }

  // Creates a user (as `by`, "" = no session) and returns its id; fails the test otherwise.
  std::string create_user(std::string_view username, std::string_view by = "",
                          std::string_view password = "secret-pw") {
    auto r = call("POST", "/api/v4/users",
                  R"({"username":")" + std::string(username) + R"(","email":")" +
                      std::string(username) + R"(@example.com","password":")" +
                      std::string(password) + "\"}",
                  by);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  // Creates an open team as `by` and returns its id.
  std::string create_team(std::string_view name, std::string_view by, std::string_view type = "O") {
    auto r = call("POST", "/api/v4/teams",
                  R"({"name":")" + std::string(name) + R"(","display_name":"Team )" +
                      std::string(name) + R"(","type":")" + std::string(type) + "\"}",
                  by);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  std::string create_channel(std::string_view team_id, std::string_view name, std::string_view type,
                             std::string_view by) {
    auto r = call("POST", "/api/v4/channels",
                  R"({"team_id":")" + std::string(team_id) + R"(","name":")" + std::string(name) +
                      R"(","display_name":"Channel )" + std::string(name) + R"(","type":")" +
                      std::string(type) + "\"}",
                  by);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  void add_to_team(std::string_view team_id, std::string_view user_id, std::string_view by) {
    auto r = call("POST", "/api/v4/teams/" + std::string(team_id) + "/members",
                  R"({"team_id":")" + std::string(team_id) + R"(","user_id":")" +
                      std::string(user_id) + "\"}",
                  by);
    EXPECT_EQ(r.status, 201) << r.body;
  }

  std::string create_post(std::string_view channel_id, std::string_view message, std::string_view by) {
    auto r = call("POST", "/api/v4/posts",
                  R"({"channel_id":")" + std::string(channel_id) + R"(","message":")" +
                      std::string(message) + "\"}",
                  by);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  ServerConfig config_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace pb::itest
