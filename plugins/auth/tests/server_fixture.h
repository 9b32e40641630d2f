// The fixture of the auth plugin's integration tests (tests/integration/auth_*.cpp): the real
// patchbay binary with the real auth plugin from <build>/plugins and the core's chat model, so
// every request goes through auth.check, the user.will_be_created chain and the store exactly as
// in production. Hashes use the "minimum" argon2id cost (a plugin setting) so a login costs
// milliseconds, also under ASan.
//
// It lives beside the plugin's unit tests because it is the plugin's test support; it builds on
// the integration-test support library (tests/integration/support).
#pragma once

#include <rapidjson/document.h>

#include <strings.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::auth::itest {

using pb::itest::is_app_error;
using pb::itest::is_mattermost_id;
using pb::itest::json_string;
using pb::itest::Response;
using pb::itest::ServerConfig;
using pb::itest::ServerProcess;

// Whole header lines, each ending in CRLF ("Authorization: Bearer x\r\n").
using Headers = std::string;

inline Headers bearer(std::string_view token) {
  return "Authorization: Bearer " + std::string(token) + "\r\n";
}
inline Headers cookie(std::string_view token) {
  return "Cookie: MMAUTHTOKEN=" + std::string(token) + "\r\n";
}
constexpr const char* kXhr = "X-Requested-With: XMLHttpRequest\r\n";

// The value of cookie `name` set by the response (first Set-Cookie header naming it), or "".
inline std::string set_cookie_value(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != 10 || strncasecmp(k.c_str(), "Set-Cookie", 10) != 0) continue;
    if (v.compare(0, name.size(), name) != 0 || v.size() <= name.size() || v[name.size()] != '=')
      continue;
    size_t start = name.size() + 1;
    return v.substr(start, v.find(';', start) - start);
  }
  return {};
}

class AuthServer : public ::testing::Test {
 protected:
  // The password every test user gets unless a test says otherwise (meets the default policy).
  static constexpr const char* kPassword = "correct-horse-1";

  void SetUp() override {
    config_.plugin_dir = pb::itest::test_plugin_dir().parent_path() / "plugins";
    set_clock_offset(0);
    start_server();
  }
  void set_clock_offset(long long seconds) {
    config_.plugin_settings["auth"] =
        R"({"HashConcurrency":2,"PasswordHashCost":"minimum","ClockOffsetSeconds":)" +
        std::to_string(seconds) + "}";
  }
  // (Re)starts the server with config_; a restart keeps the store.
  void start_server() {
    if (server_) {
      ASSERT_EQ(server_->stop(), 0);
      server_->config() = config_;
    } else {
      server_ = std::make_unique<ServerProcess>(config_);
    }
    ASSERT_TRUE(server_->start());
  }

  Response call(std::string_view method, std::string_view target, std::string_view body = "",
                const Headers& headers = "") {
    std::string r(method);
    r.append(" ").append(target).append(" HTTP/1.1\r\nHost: patchbay\r\n").append(headers);
    if (!body.empty() || method == "POST" || method == "PUT") {
      r.append("Content-Type: application/json\r\nContent-Length: ")
          .append(std::to_string(body.size()))
          .append("\r\n");
    }
    r.append("\r\n").append(body);
    auto response = pb::itest::round_trip(server_->host(), server_->port(), r);
    EXPECT_TRUE(response) << method << " " << target;
    return response ? *response : Response{};
  }

  static rapidjson::Document json(const Response& r) {
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    return doc;
  }

  // POST /api/v4/users as `headers` (none: only the first user succeeds). Returns the response.
  Response post_user(std::string_view username, std::string_view password = kPassword,
                     const Headers& headers = "") {
    return call("POST", "/api/v4/users",
                R"({"username":")" + std::string(username) + R"(","email":")" +
                    std::string(username) + R"(@example.com","password":")" +
                    std::string(password) + "\"}",
                headers);
  }
  // Creates a user and returns its id (fails the test otherwise).
  std::string create_user(std::string_view username, const Headers& headers = "") {
    auto r = post_user(username, kPassword, headers);
    EXPECT_EQ(r.status, 201) << r.body;
    return json_string(r.body, "id");
  }

  Response login(std::string_view login_id, std::string_view password = kPassword,
                 const Headers& headers = "") {
    return call("POST", "/api/v4/users/login",
                R"({"login_id":")" + std::string(login_id) + R"(","password":")" +
                    std::string(password) + "\"}",
                headers);
  }
  // Logs in and returns the session token from the Token header (fails the test otherwise).
  std::string token_for(std::string_view login_id, std::string_view password = kPassword) {
    auto r = login(login_id, password);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.header("Token").value_or("");
  }

  // The first user (system admin) and its token: most tests start here.
  void make_admin() {
    admin_id_ = create_user("admin");
    admin_token_ = token_for("admin");
  }
  // A plain user created by the admin, and its token.
  std::string make_user(std::string_view username, std::string* token = nullptr) {
    std::string id = create_user(username, bearer(admin_token_));
    if (token != nullptr) *token = token_for(username);
    return id;
  }

  ServerConfig config_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_id_, admin_token_;
};

}  // namespace pb::auth::itest
