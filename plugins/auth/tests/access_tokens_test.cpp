// Personal access tokens through FakeHost (wire spec §7.5): creation rules, what is stored, the
// token authenticating as its user, listing without values, revoke/disable/enable taking effect
// on the next request, and EnableUserAccessTokens.
#include <gtest/gtest.h>

#include "plugins/auth/tests/fake_host_fixture.h"

namespace pb::auth {
namespace {

class AccessTokens : public AuthPluginTest {
 protected:
  void SetUp() override { start(config(R"(,"EnableUserAccessTokens":true)")); }

  Headers as(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  const FakeHost::Response& call(const char* method, const std::string& path,
                                 const std::string& token, std::string body = "") {
    const auto& r = host.request(method, path, as(token), body);
    host.run_pending();
    return r;
  }
  // Creates a token for `user_id` as `by` and returns the response.
  const FakeHost::Response& create(const std::string& user_id, const std::string& by,
                                   const std::string& description = "ci") {
    return call("POST", "/api/v4/users/" + user_id + "/tokens", by,
                R"({"description":")" + description + "\"}");
  }
  // Who the token authenticates as, through the plugin's own authenticated route: 200 with
  // the session, 401 without (GET of the caller's own tokens).
  int probe(const std::string& token) {
    return call("GET", "/api/v4/users/me/tokens", token).status;
  }
};

TEST_F(AccessTokens, CreateAnswersTheTokenOnceAndStoresOnlyItsDigest) {
  std::string alice = make_user("alice", "password1");
  std::string session = token_for("alice", "password1");
  const auto& r = create(alice, session, "deploy bot");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = field(r.body, "token");
  std::string id = field(r.body, "id");
  EXPECT_EQ(token.size(), 26u);
  EXPECT_EQ(id.size(), 26u);
  EXPECT_EQ(field(r.body, "user_id"), alice);
  EXPECT_EQ(field(r.body, "description"), "deploy bot");
  EXPECT_NE(r.body.find(R"("is_active":true)"), std::string::npos);
  ASSERT_TRUE(host.kv().count("pat/" + id));
  for (const auto& [k, v] : host.kv()) {
    EXPECT_EQ(k.find(token), std::string::npos);
    EXPECT_EQ(v.find(token), std::string::npos);
  }
  // It authenticates as Alice, and her listing shows it without the value.
  const auto& list = call("GET", "/api/v4/users/" + alice + "/tokens", token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(id), std::string::npos);
  EXPECT_EQ(list.body.find(token), std::string::npos);
  const auto& one = call("GET", "/api/v4/users/tokens/" + id, session);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body.find("\"token\""), std::string::npos);
}

TEST_F(AccessTokens, DescriptionIsRequiredAndBounded) {
  std::string alice = make_user("alice", "password1");
  std::string s = token_for("alice", "password1");
  EXPECT_EQ(error_id(create(alice, s, "")), "api.context.invalid_body_param.app_error");
  EXPECT_EQ(error_id(call("POST", "/api/v4/users/" + alice + "/tokens", s, "{}")),
            "api.context.invalid_body_param.app_error");
  EXPECT_EQ(create(alice, s, std::string(255, 'd')).status, 200);
  const auto& long_one = create(alice, s, std::string(256, 'd'));
  EXPECT_EQ(long_one.status, 400);
  EXPECT_EQ(error_id(long_one), "model.user_access_token.is_valid.description.app_error");
}

TEST_F(AccessTokens, OnlySelfOrAdmin) {
  std::string alice = make_user("alice", "password1");
  std::string bob = make_user("bob", "password1");
  make_user("root", "password1", "system_user system_admin");
  std::string a = token_for("alice", "password1");
  std::string b = token_for("bob", "password1");
  std::string root = token_for("root", "password1");
  EXPECT_EQ(create(alice, b).status, 403);
  std::string id = field(create(alice, root).body, "id");
  ASSERT_EQ(id.size(), 26u);
  EXPECT_EQ(call("GET", "/api/v4/users/tokens/" + id, b).status, 403);
  EXPECT_EQ(call("GET", "/api/v4/users/" + alice + "/tokens", b).status, 403);
  EXPECT_EQ(call("POST", "/api/v4/users/tokens/revoke", b, R"({"token_id":")" + id + "\"}").status,
            403);
  EXPECT_EQ(call("GET", "/api/v4/users/tokens", a).status, 403);  // all tokens: admins only
  const auto& all = call("GET", "/api/v4/users/tokens", root);
  ASSERT_EQ(all.status, 200);
  EXPECT_NE(all.body.find(id), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v4/users/tokens/" + std::string(26, 'x'), root).status, 404);
}

TEST_F(AccessTokens, DisableEnableAndRevokeTakeEffectOnTheNextRequest) {
  std::string alice = make_user("alice", "password1");
  std::string s = token_for("alice", "password1");
  const auto& r = create(alice, s);
  std::string token = field(r.body, "token"), id = field(r.body, "id");
  ASSERT_EQ(probe(token), 200);
  const std::string body = R"({"token_id":")" + id + "\"}";

  const auto& disabled = host.request("POST", "/api/v4/users/tokens/disable", as(s), body);
  EXPECT_EQ(probe(token), 401);  // before the write is durable
  host.run_pending();
  EXPECT_EQ(disabled.body, R"({"status":"OK"})");
  EXPECT_NE(call("GET", "/api/v4/users/tokens/" + id, s).body.find(R"("is_active":false)"),
            std::string::npos);

  EXPECT_EQ(call("POST", "/api/v4/users/tokens/enable", s, body).status, 200);
  EXPECT_EQ(probe(token), 200);

  const auto& revoked = host.request("POST", "/api/v4/users/tokens/revoke", as(s), body);
  EXPECT_EQ(probe(token), 401);
  host.run_pending();
  EXPECT_EQ(revoked.status, 200);
  EXPECT_EQ(probe(token), 401);
  EXPECT_FALSE(host.kv().count("pat/" + id));
  for (const auto& [k, v] : host.kv()) EXPECT_EQ(v.find(id), std::string::npos) << k;
  EXPECT_EQ(call("GET", "/api/v4/users/tokens/" + id, s).status, 404);
  EXPECT_EQ(call("POST", "/api/v4/users/tokens/revoke", s, body).status, 404);
  EXPECT_EQ(error_id(call("POST", "/api/v4/users/tokens/revoke", s, "{}")),
            "api.context.invalid_body_param.app_error");
}

TEST_F(AccessTokens, LogoutWithATokenDoesNotKillIt) {
  std::string alice = make_user("alice", "password1");
  std::string token = field(create(alice, token_for("alice", "password1")).body, "token");
  EXPECT_EQ(call("POST", "/api/v4/users/logout", token).status, 200);
  EXPECT_EQ(probe(token), 200);
}

TEST_F(AccessTokens, ASessionStillWorksAfterARestart) {
  std::string alice = make_user("alice", "password1");
  std::string token = field(create(alice, token_for("alice", "password1")).body, "token");
  FakeHost second{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  second.set_config_json(config(R"(,"EnableUserAccessTokens":true)"));
  for (const auto& u : host.users()) second.add_user(u);
  second.kv() = host.kv();
  ASSERT_EQ(second.init(kSettings), PB_OK);
  const auto& r = second.request("GET", "/api/v4/users/me/tokens", as(token));
  second.run_pending();
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(AccessTokens, NeverExpireWithTheWebSessionLength) {
  std::string alice = make_user("alice", "password1");
  std::string token = field(create(alice, token_for("alice", "password1")).body, "token");
  // 10 years later (ClockOffsetSeconds): login sessions are long gone, the token still works.
  ASSERT_EQ(host.configure(R"({"ClockOffsetSeconds":315360000})"), PB_OK);
  EXPECT_EQ(probe(token), 200);
}

TEST(AccessTokensDisabled, NonBotsGet501AndExistingTokensStopWorking) {
  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  host.set_config_json(config(R"(,"EnableUserAccessTokens":true)"));
  ASSERT_EQ(host.init(kSettings), PB_OK);
  FakeHost::User u;
  u.username = "alice";
  u.email = "alice@example.com";
  u.password = "password1";
  const auto& created = host.create_user(u);
  host.run_pending();
  const auto& login = host.request("POST", "/api/v4/users/login", {},
                                   R"({"login_id":"alice","password":"password1"})");
  host.run_pending();
  Headers session{{"Authorization", "Bearer " + *login.header("Token")}};
  const auto& made = host.request("POST", "/api/v4/users/me/tokens", session, R"({"description":"x"})");
  host.run_pending();
  ASSERT_EQ(made.status, 200) << made.body;
  Headers pat{{"Authorization", "Bearer " + field(made.body, "token")}};

  // The operator turns the setting off: new tokens 501, existing ones 401.
  host.set_config_json(config());
  ASSERT_EQ(host.configure(kSettings), PB_OK);
  const auto& refused = host.request("POST", "/api/v4/users/" + created.user.id + "/tokens",
                                     session, R"({"description":"x"})");
  const auto& used = host.request("GET", "/api/v4/users/me/tokens", pat);
  host.run_pending();
  EXPECT_EQ(refused.status, 501);
  EXPECT_EQ(field(refused.body, "id"), "app.user_access_token.disabled");
  EXPECT_EQ(used.status, 401);
}

}  // namespace
}  // namespace pb::auth
