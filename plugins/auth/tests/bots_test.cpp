// Bot accounts through FakeHost (wire spec §7.6): creation rules, the record staged with the
// user, listing and reading, patching, disable/enable through user_set_active, no password
// login, and bots' tokens working without EnableUserAccessTokens.
#include <gtest/gtest.h>

#include "plugins/auth/tests/fake_host_fixture.h"

namespace pb::auth {
namespace {

class Bots : public AuthPluginTest {
 protected:
  void SetUp() override {
    start(config(R"(,"EnableBotAccountCreation":true)"));
    admin_id = make_user("root", "password1", "system_user system_admin");
    admin = {{"Authorization", "Bearer " + token_for("root", "password1")}};
  }
  const FakeHost::Response& call(const char* method, const std::string& path, const Headers& who,
                                 std::string body = "") {
    const auto& r = host.request(method, path, who, body);
    host.run_pending();
    return r;
  }
  std::string create_bot(const std::string& username) {
    const auto& r = call("POST", "/api/v4/bots", admin,
                         R"({"username":")" + username +
                             R"(","display_name":"Build Bot","description":"builds"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return field(r.body, "user_id");
  }

  std::string admin_id;
  Headers admin;
};

TEST_F(Bots, CreateMakesABotUserAndStagesItsRecordWithIt) {
  const auto& r = call("POST", "/api/v4/bots", admin,
                       R"({"username":"Builder","display_name":"Build Bot","description":"builds"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = field(r.body, "user_id");
  EXPECT_EQ(field(r.body, "username"), "builder");
  EXPECT_EQ(field(r.body, "display_name"), "Build Bot");
  EXPECT_EQ(field(r.body, "owner_id"), admin_id);
  const FakeHost::User* user = host.find_user(id);
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->flags & PB_USER_IS_BOT);
  EXPECT_EQ(user->email, "builder@localhost");
  EXPECT_EQ(user->first_name, "Build Bot");
  ASSERT_TRUE(host.kv().count("bot/" + id));
  EXPECT_FALSE(host.kv().count("pwd/" + id));

  // Bots cannot log in with a password.
  EXPECT_EQ(error_id(login("builder", "anything")), "api.user.login.bot_login_forbidden.app_error");
}

TEST_F(Bots, CreationNeedsTheSettingAndAnAdmin) {
  make_user("alice", "password1");
  Headers alice{{"Authorization", "Bearer " + token_for("alice", "password1")}};
  const auto& by_alice = call("POST", "/api/v4/bots", alice, R"({"username":"b1"})");
  EXPECT_EQ(by_alice.status, 403);
  EXPECT_EQ(error_id(by_alice), "api.context.permissions.app_error");
  const auto& taken = call("POST", "/api/v4/bots", admin, R"({"username":"alice"})");
  EXPECT_EQ(taken.status, 400);
  EXPECT_EQ(error_id(taken), "app.user.save.username_exists.app_error");
  const auto& long_desc = call("POST", "/api/v4/bots", admin,
                               R"({"username":"b2","description":")" + std::string(1025, 'd') + "\"}");
  EXPECT_EQ(error_id(long_desc), "model.bot.is_valid.description.app_error");

  FakeHost off{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  off.set_config_json(config());
  ASSERT_EQ(off.init(kSettings), PB_OK);
  off.set_fallback_identity(FakeHost::Identity{"root", "s", "system_user system_admin"});
  const auto& disabled = off.request("POST", "/api/v4/bots", {}, R"({"username":"b3"})");
  off.run_pending();
  EXPECT_EQ(disabled.status, 403);
  EXPECT_EQ(field(disabled.body, "id"), "api.bot.create_disabled");
}

TEST_F(Bots, ListGetPatch) {
  std::string b = create_bot("zeta");
  std::string a = create_bot("alpha");
  const auto& list = call("GET", "/api/v4/bots", admin);
  ASSERT_EQ(list.status, 200);
  EXPECT_LT(list.body.find("alpha"), list.body.find("zeta"));  // by username
  const auto& page = call("GET", "/api/v4/bots?page=1&per_page=1", admin);
  EXPECT_EQ(field(page.body, "username"), "zeta");

  const auto& one = call("GET", "/api/v4/bots/" + a, admin);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(field(one.body, "user_id"), a);
  EXPECT_EQ(call("GET", "/api/v4/bots/" + std::string(26, 'x'), admin).status, 404);

  const auto& patched = call("PUT", "/api/v4/bots/" + a, admin, R"({"description":"new"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(field(patched.body, "description"), "new");
  EXPECT_EQ(field(patched.body, "display_name"), "Build Bot");
  EXPECT_EQ(field(call("GET", "/api/v4/bots/" + a, admin).body, "description"), "new");

  make_user("alice", "password1");
  Headers alice{{"Authorization", "Bearer " + token_for("alice", "password1")}};
  EXPECT_EQ(call("GET", "/api/v4/bots/" + a, alice).status, 403);
  EXPECT_EQ(call("GET", "/api/v4/bots", alice).body, "[]");  // owns none
  EXPECT_FALSE(b.empty());
}

TEST_F(Bots, DisableEnableAndTheBotsTokenWithoutEnableUserAccessTokens) {
  std::string bot = create_bot("builder");
  const auto& made = call("POST", "/api/v4/users/" + bot + "/tokens", admin, R"({"description":"ci"})");
  ASSERT_EQ(made.status, 200) << made.body;  // EnableUserAccessTokens is off: bots may
  Headers as_bot{{"Authorization", "Bearer " + field(made.body, "token")}};
  EXPECT_EQ(call("GET", "/api/v4/users/me/tokens", as_bot).status, 200);

  const auto& off = call("POST", "/api/v4/bots/" + bot + "/disable", admin);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.body.find("\"delete_at\":0"), std::string::npos);
  EXPECT_NE(host.find_user(bot)->delete_at, 0);
  EXPECT_EQ(call("GET", "/api/v4/users/me/tokens", as_bot).status, 401);
  EXPECT_EQ(call("GET", "/api/v4/bots/" + bot, admin).status, 404);  // deleted
  EXPECT_EQ(call("GET", "/api/v4/bots/" + bot + "?include_deleted=true", admin).status, 200);
  EXPECT_EQ(call("GET", "/api/v4/bots", admin).body, "[]");
  EXPECT_NE(call("GET", "/api/v4/bots?include_deleted=true", admin).body, "[]");

  ASSERT_EQ(call("POST", "/api/v4/bots/" + bot + "/enable", admin).status, 200);
  EXPECT_EQ(host.find_user(bot)->delete_at, 0);
  EXPECT_EQ(call("GET", "/api/v4/users/me/tokens", as_bot).status, 200);
}

}  // namespace
}  // namespace pb::auth
