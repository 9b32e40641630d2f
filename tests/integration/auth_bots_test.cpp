// Bot accounts through the real binary (wire spec §7.6): created by an admin as chat-model users
// with is_bot, their record committed with the user, no password login, tokens that work
// without EnableUserAccessTokens and stop when the bot is disabled.
#include "plugins/auth/tests/server_fixture.h"

namespace pb::auth::itest {
namespace {

class AuthBots : public AuthServer {
 protected:
  void SetUp() override {
    config_.service["EnableBotAccountCreation"] = "true";
    AuthServer::SetUp();
  }
};

TEST_F(AuthBots, CreateUseDisableEnable) {
  make_admin();
  auto r = call("POST", "/api/v4/bots",
                R"({"username":"builder","display_name":"Build Bot","description":"builds"})",
                bearer(admin_token_));
  ASSERT_EQ(r.status, 201) << r.body;
  std::string bot = json_string(r.body, "user_id");
  EXPECT_TRUE(is_mattermost_id(bot));
  EXPECT_EQ(json_string(r.body, "owner_id"), admin_id_);
  EXPECT_EQ(json_string(r.body, "display_name"), "Build Bot");

  // The chat model knows it as a bot user.
  auto user = call("GET", "/api/v4/users/" + bot, "", bearer(admin_token_));
  ASSERT_EQ(user.status, 200) << user.body;
  EXPECT_TRUE(json(user)["is_bot"].GetBool());
  EXPECT_TRUE(is_app_error(login("builder", "anything-at-all"), 401,
                           "api.user.login.bot_login_forbidden.app_error"));

  // EnableUserAccessTokens is off (the default), yet the bot gets a working token.
  auto made = call("POST", "/api/v4/users/" + bot + "/tokens", R"({"description":"ci"})",
                   bearer(admin_token_));
  ASSERT_EQ(made.status, 200) << made.body;
  std::string token = json_string(made.body, "token");
  auto me = call("GET", "/api/v4/users/me", "", bearer(token));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), bot);

  auto off = call("POST", "/api/v4/bots/" + bot + "/disable", "", bearer(admin_token_));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_GT(json(off)["delete_at"].GetInt64(), 0);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(token)).status, 401);
  EXPECT_EQ(call("GET", "/api/v4/bots", "", bearer(admin_token_)).body, "[]");
  auto with_deleted = call("GET", "/api/v4/bots?include_deleted=true", "", bearer(admin_token_));
  ASSERT_TRUE(json(with_deleted).IsArray());
  EXPECT_EQ(json(with_deleted).Size(), 1u);

  ASSERT_EQ(call("POST", "/api/v4/bots/" + bot + "/enable", "", bearer(admin_token_)).status, 200);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(token)).status, 200);

  auto patched = call("PUT", "/api/v4/bots/" + bot, R"({"description":"ships"})", bearer(admin_token_));
  ASSERT_EQ(patched.status, 200) << patched.body;
  start_server();  // the record survives a restart
  auto got = call("GET", "/api/v4/bots/" + bot, "", bearer(admin_token_));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json_string(got.body, "description"), "ships");
}

TEST_F(AuthBots, OnlyAdminsAndOnlyWhenEnabled) {
  make_admin();
  std::string bob_token;
  make_user("bob", &bob_token);
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/bots", R"({"username":"b1"})", bearer(bob_token)),
                           403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/bots", R"({"username":"bob"})", bearer(admin_token_)),
                           400, "app.user.save.username_exists.app_error"));
  config_.service["EnableBotAccountCreation"] = "false";
  start_server();
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/bots", R"({"username":"b2"})", bearer(admin_token_)),
                           403, "api.bot.create_disabled"));
}

}  // namespace
}  // namespace pb::auth::itest
