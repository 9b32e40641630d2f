// The auth plugin's FakeHost fixture, shared by its unit tests: a FakeHost running the plugin
// with users in FakeHost's table. Hashes use the "minimum" argon2id cost so the suites stay fast.
#pragma once

#include <gtest/gtest.h>

#include <patchbay/fake_host.hpp>

#include <string>

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::auth {

using sdk::FakeHost;
using Headers = FakeHost::Headers;

inline std::string config(std::string service_extra = "", std::string password = "") {
  return R"({"ServiceSettings":{"SessionLengthWebInHours":720,"MaximumLoginAttempts":3)" +
         service_extra + R"(},"PasswordSettings":{"MinimumLength":8)" + password + "}}";
}
constexpr const char* kSettings =
    R"({"HashConcurrency":2,"PasswordHashCost":"minimum","ClockOffsetSeconds":0})";

inline std::string field(const std::string& json, const std::string& key) {
  auto at = json.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  at += key.size() + 4;
  return json.substr(at, json.find('"', at) - at);
}

class AuthPluginTest : public ::testing::Test {
 protected:
  void start(const std::string& cfg = config(), const char* settings = kSettings) {
    host.set_config_json(cfg);
    ASSERT_EQ(host.init(settings), PB_OK);
    ASSERT_EQ(host.start(), PB_OK);
  }
  void SetUp() override { start(); }

  std::string make_user(const std::string& name, const std::string& password,
                        const std::string& roles = "system_user") {
    FakeHost::User u;
    u.username = name;
    u.email = name + "@example.com";
    u.roles = roles;
    u.password = password;
    const auto& r = host.create_user(u);
    host.run_pending();
    EXPECT_TRUE(r.done);
    EXPECT_NE(r.verdict, PB_VERDICT_REJECT) << r.error_id;
    return r.user.id;
  }
  const FakeHost::Response& login(const std::string& id, const std::string& password,
                                  Headers extra = {}) {
    std::string body = R"({"login_id":")" + id + R"(","password":")" + password +
                       R"(","token":"","deviceId":""})";
    const auto& r = host.request("POST", "/api/v4/users/login", std::move(extra), body);
    host.run_pending();
    return r;
  }
  std::string token_for(const std::string& id, const std::string& password) {
    const auto& r = login(id, password);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.header("Token").value_or("");
  }
  // An authenticated route of the plugin as a probe: with a session the handler runs and
  // refuses the empty body (400); without one auth.check fails closed (401).
  int probe(Headers headers, const char* method = "PUT") {
    const auto& r = host.request(method, "/api/v4/users/me/password", std::move(headers), "{}");
    host.run_pending();
    return r.status;
  }
  static std::string error_id(const FakeHost::Response& r) { return field(r.body, "id"); }

  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
};

}  // namespace pb::auth
