// Shared by the chat_* integration tests: a server with the test_auth plugin (tokens
// "test-<user id>"), JSON requests, and the chat objects the tests build on.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {

// <build>/test-plugins-chat: holds only test_auth (tests/plugins/CMakeLists.txt).
inline std::filesystem::path chat_plugin_dir() { return test_plugin_dir().parent_path() / "test-plugins-chat"; }

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
