// Personal access tokens through the real binary (wire spec §7.5): created with a session, used
// as a Bearer token on the core's routes, listed without values, disabled/enabled/revoked with
// effect on the next request, surviving a restart, and ServiceSettings.EnableUserAccessTokens.
#include "plugins/auth/tests/server_fixture.h"

namespace pb::auth::itest {
namespace {

class AuthAccessTokens : public AuthServer {
 protected:
  void SetUp() override {
    config_.service["EnableUserAccessTokens"] = "true";
    AuthServer::SetUp();
  }
  Response create(std::string_view user_id, const std::string& by, std::string_view description = "ci") {
    return call("POST", "/api/v4/users/" + std::string(user_id) + "/tokens",
                R"({"description":")" + std::string(description) + "\"}", bearer(by));
  }
  int me_status(const std::string& token) {
    return call("GET", "/api/v4/users/me", "", bearer(token)).status;
  }
  Response action(const char* verb, const std::string& token_id, const std::string& by) {
    return call("POST", std::string("/api/v4/users/tokens/") + verb,
                R"({"token_id":")" + token_id + "\"}", bearer(by));
  }
};

TEST_F(AuthAccessTokens, ATokenAuthenticatesAsItsUserOnCoreRoutes) {
  make_admin();
  std::string bob_session;
  std::string bob = make_user("bob", &bob_session);
  auto r = create("me", bob_session, "deploy");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = json_string(r.body, "token");
  std::string id = json_string(r.body, "id");
  EXPECT_TRUE(is_mattermost_id(token));
  EXPECT_TRUE(is_mattermost_id(id));
  EXPECT_EQ(json_string(r.body, "user_id"), bob);
  EXPECT_EQ(json_string(r.body, "description"), "deploy");
  EXPECT_TRUE(json(r)["is_active"].GetBool());

  auto me = call("GET", "/api/v4/users/me", "", bearer(token));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), bob);
  // Writes with a token need no CSRF header.
  EXPECT_EQ(call("PUT", "/api/v4/users/me/patch", R"({"nickname":"b"})", bearer(token)).status, 200);

  auto list = call("GET", "/api/v4/users/" + bob + "/tokens", "", bearer(bob_session));
  ASSERT_EQ(list.status, 200) << list.body;
  auto doc = json(list);
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 1u);
  EXPECT_STREQ(doc[0]["id"].GetString(), id.c_str());
  EXPECT_FALSE(doc[0].HasMember("token"));
  auto one = call("GET", "/api/v4/users/tokens/" + id, "", bearer(admin_token_));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(json(one).HasMember("token"));
}

TEST_F(AuthAccessTokens, DisableEnableRevoke) {
  make_admin();
  auto r = create(admin_id_, admin_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = json_string(r.body, "token"), id = json_string(r.body, "id");
  ASSERT_EQ(me_status(token), 200);

  auto disabled = action("disable", id, admin_token_);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.body, R"({"status":"OK"})");
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", bearer(token)), 401,
                           "api.context.session_expired.app_error"));
  EXPECT_EQ(action("enable", id, admin_token_).status, 200);
  EXPECT_EQ(me_status(token), 200);
  EXPECT_EQ(action("revoke", id, admin_token_).status, 200);
  EXPECT_EQ(me_status(token), 401);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/tokens/" + id, "", bearer(admin_token_)), 404,
                           "app.user_access_token.get_by_id.app_error"));
  // The admin's own session is untouched.
  EXPECT_EQ(me_status(admin_token_), 200);
}

TEST_F(AuthAccessTokens, PermissionsAndValidation) {
  make_admin();
  std::string bob_session, carol_session;
  std::string bob = make_user("bob", &bob_session);
  make_user("carol", &carol_session);
  EXPECT_TRUE(is_app_error(create(bob, carol_session), 403, "api.context.permissions.app_error"));
  EXPECT_EQ(create(bob, admin_token_).status, 200);  // an admin may, for anyone
  EXPECT_TRUE(is_app_error(create(bob, bob_session, ""), 400, "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/" + bob + "/tokens", "", bearer(carol_session)),
                           403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/tokens", "", bearer(bob_session)), 403,
                           "api.context.permissions.app_error"));
  EXPECT_EQ(call("POST", "/api/v4/users/" + bob + "/tokens", R"({"description":"x"})").status, 401);
}

TEST_F(AuthAccessTokens, DisabledSettingRefusesNonBotsAndTheirTokens) {
  make_admin();
  auto r = create(admin_id_, admin_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = json_string(r.body, "token");
  config_.service["EnableUserAccessTokens"] = "false";
  start_server();
  EXPECT_TRUE(is_app_error(create(admin_id_, admin_token_), 501, "app.user_access_token.disabled"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", bearer(token)), 401,
                           "api.context.session_expired.app_error"));
  config_.service["EnableUserAccessTokens"] = "true";
  start_server();
  EXPECT_EQ(me_status(token), 200);  // survived both restarts
}

TEST_F(AuthAccessTokens, TokensOutliveTheWebSessionLength) {
  make_admin();
  std::string token = json_string(create(admin_id_, admin_token_).body, "token");
  set_clock_offset(10LL * 365 * 24 * 3600);  // ten years later
  start_server();
  EXPECT_EQ(me_status(admin_token_), 401);
  EXPECT_EQ(me_status(token), 200);
}

}  // namespace
}  // namespace pb::auth::itest
