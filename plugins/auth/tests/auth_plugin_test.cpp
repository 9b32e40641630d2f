// The auth plugin through FakeHost: every route and interceptor, with users in FakeHost's table.
// Hashes use the "minimum" argon2id cost so the suite stays fast; the cost is a setting.
#include <gtest/gtest.h>

#include "plugins/auth/password_hasher.h"
#include "plugins/auth/tests/fake_host_fixture.h"

namespace pb::auth {
namespace {

TEST_F(AuthPluginTest, CreatingAUserStagesItsArgon2idHashWithIt) {
  std::string id = make_user("alice", "password1");
  ASSERT_TRUE(host.kv().count("pwd/" + id));
  EXPECT_EQ(host.kv()["pwd/" + id].rfind("$argon2id$", 0), 0u);
}

TEST_F(AuthPluginTest, PolicyRejectsBeforeAnythingIsCommitted) {
  FakeHost::User u;
  u.username = "bob";
  u.email = "bob@example.com";
  u.password = "short";
  const auto& r = host.create_user(u);
  host.run_pending();
  EXPECT_EQ(r.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error_id, "model.user.is_valid.pwd.app_error");
  EXPECT_TRUE(host.users().empty());
  EXPECT_TRUE(host.kv().empty());
}

TEST_F(AuthPluginTest, BotsGetNoPasswordHash) {
  FakeHost::User u;
  u.username = "robot";
  u.flags = PB_USER_IS_BOT;
  const auto& r = host.create_user(u);
  host.run_pending();
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT);
  EXPECT_FALSE(host.kv().count("pwd/" + r.user.id));
}

TEST_F(AuthPluginTest, DeveloperModeSkipsThePolicy) {
  FakeHost dev{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  dev.set_config_json(config(R"(,"EnableDeveloper":true)"));
  ASSERT_EQ(dev.init(kSettings), PB_OK);
  FakeHost::User u;
  u.username = "dev";
  u.password = "x";
  const auto& r = dev.create_user(u);
  dev.run_pending();
  EXPECT_NE(r.verdict, PB_VERDICT_REJECT);
}

TEST_F(AuthPluginTest, LoginAnswersTokenHeaderAndSanitizedUser) {
  std::string id = make_user("alice", "password1");
  const auto& r = login("alice", "password1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_TRUE(r.header("Token"));
  EXPECT_EQ(r.header("Token")->size(), 26u);
  EXPECT_EQ(field(r.body, "id"), id);
  EXPECT_EQ(field(r.body, "username"), "alice");
  EXPECT_EQ(field(r.body, "roles"), "system_user");
  EXPECT_EQ(r.body.find("password"), std::string::npos);
  EXPECT_FALSE(r.header("Set-Cookie"));  // cookies only for X-Requested-With: XMLHttpRequest
  // The token is stored only as a digest.
  for (const auto& [k, v] : host.kv()) {
    EXPECT_EQ(k.find(*r.header("Token")), std::string::npos);
    EXPECT_EQ(v.find(*r.header("Token")), std::string::npos);
  }
}

TEST_F(AuthPluginTest, LoginByEmail) {
  make_user("alice", "password1");
  EXPECT_EQ(login("alice@example.com", "password1").status, 200);
  EXPECT_EQ(login("ALICE", "password1").status, 200);
}

TEST_F(AuthPluginTest, XhrLoginSetsTheThreeCookies) {
  std::string id = make_user("alice", "password1");
  const auto& r = login("alice", "password1", {{"X-Requested-With", "XMLHttpRequest"}});
  ASSERT_EQ(r.status, 200);
  std::vector<std::string> cookies;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie") cookies.push_back(v);
  }
  ASSERT_EQ(cookies.size(), 3u);
  EXPECT_EQ(cookies[0].rfind("MMAUTHTOKEN=" + *r.header("Token") + ";", 0), 0u);
  EXPECT_NE(cookies[0].find("; HttpOnly"), std::string::npos);
  EXPECT_EQ(cookies[1].rfind("MMUSERID=" + id + ";", 0), 0u);
  EXPECT_EQ(cookies[2].rfind("MMCSRF=", 0), 0u);
  for (const auto& c : cookies) {
    EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
    EXPECT_NE(c.find("; Max-Age=2592000"), std::string::npos) << c;
  }
  EXPECT_EQ(cookies[1].find("HttpOnly"), std::string::npos);
}

TEST_F(AuthPluginTest, LoginFailuresAreMaskedExceptTheDocumentedOnes) {
  make_user("alice", "password1");
  auto r1 = login("alice", "wrongpass1");
  EXPECT_EQ(r1.status, 401);
  EXPECT_EQ(error_id(r1), "api.user.login.invalid_credentials_email_username");
  auto r2 = login("nobody", "password1");
  EXPECT_EQ(r2.status, 401);
  EXPECT_EQ(error_id(r2), "api.user.login.invalid_credentials_email_username");
  auto r3 = login("alice", "");
  EXPECT_EQ(r3.status, 400);
  EXPECT_EQ(error_id(r3), "api.user.login.blank_pwd.app_error");
  auto r4 = host.request("POST", "/api/v4/users/login", {}, "not json");
  EXPECT_EQ(r4.status, 400);
  // An unauthenticated body nested a million levels deep is refused before the recursive
  // parser could overflow the stack on it.
  auto r5 = host.request("POST", "/api/v4/users/login", {}, std::string(1 << 20, '['));
  EXPECT_EQ(r5.status, 400);
}

TEST_F(AuthPluginTest, BotAndDeactivatedUsersCannotLogIn) {
  FakeHost::User bot;
  bot.username = "robot";
  bot.flags = PB_USER_IS_BOT;
  host.add_user(bot);
  auto r1 = login("robot", "whatever1");
  EXPECT_EQ(r1.status, 401);
  EXPECT_EQ(error_id(r1), "api.user.login.bot_login_forbidden.app_error");

  std::string id = make_user("alice", "password1");
  host.api()->user_set_active(host.self(), sdk::to_pb(id), 0, nullptr, nullptr);
  host.run_pending();
  auto r2 = login("alice", "password1");
  EXPECT_EQ(r2.status, 401);
  EXPECT_EQ(error_id(r2), "api.user.login.inactive.app_error");
}

TEST_F(AuthPluginTest, LockoutAfterMaximumLoginAttemptsAndAdminUnlock) {
  std::string id = make_user("alice", "password1");
  std::string admin = make_user("root", "password1", "system_user system_admin");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("alice", "wrongpass").status, 401);
  EXPECT_EQ(host.kv()["attempts/" + id], "3");
  auto locked = login("alice", "password1");  // even the right password
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(error_id(locked), "api.user.check_user_login_attempts.too_many.app_error");

  std::string admin_token = token_for("root", "password1");
  const auto& unlocked = host.request("POST", "/api/v4/users/" + id + "/unlock",
                                      {{"Authorization", "Bearer " + admin_token}});
  host.run_pending();
  EXPECT_EQ(unlocked.status, 200);
  EXPECT_FALSE(host.kv().count("attempts/" + id));
  EXPECT_EQ(login("alice", "password1").status, 200);
  EXPECT_FALSE(admin.empty());
}

TEST_F(AuthPluginTest, UnlockNeedsSystemAdmin) {
  std::string id = make_user("alice", "password1");
  std::string token = token_for("alice", "password1");
  const auto& r = host.request("POST", "/api/v4/users/" + id + "/unlock",
                               {{"Authorization", "Bearer " + token}});
  host.run_pending();
  EXPECT_EQ(r.status, 403);
  const auto& anon = host.request("POST", "/api/v4/users/" + id + "/unlock");
  host.run_pending();
  EXPECT_EQ(anon.status, 401);
}

TEST_F(AuthPluginTest, SuccessfulLoginResetsFailedAttempts) {
  std::string id = make_user("alice", "password1");
  EXPECT_EQ(login("alice", "nope-nope").status, 401);
  EXPECT_EQ(login("alice", "password1").status, 200);
  EXPECT_FALSE(host.kv().count("attempts/" + id));
}

TEST_F(AuthPluginTest, AuthorizationSchemes) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 400);
  EXPECT_EQ(probe({{"Authorization", "bearer " + t}}), 400);
  EXPECT_EQ(probe({{"Authorization", "BEARER " + t}}), 400);
  EXPECT_EQ(probe({{"Authorization", "Token " + t}}), 400);
  EXPECT_EQ(probe({{"Authorization", "token " + t}}), 400);
  EXPECT_EQ(probe({{"Authorization", "Basic " + t}}), 401);
  EXPECT_EQ(probe({{"Authorization", "Bearer x" + t}}), 401);
  EXPECT_EQ(probe({}), 401);
}

TEST_F(AuthPluginTest, CookieTakesPrecedenceOverHeader) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  EXPECT_EQ(probe({{"Cookie", "MMAUTHTOKEN=" + t}, {"Authorization", "Bearer junk"},
                   {"X-Requested-With", "XMLHttpRequest"}}),
            400);
  EXPECT_EQ(probe({{"Cookie", "MMAUTHTOKEN=junk"}, {"Authorization", "Bearer " + t},
                   {"X-Requested-With", "XMLHttpRequest"}}),
            401);
}

TEST_F(AuthPluginTest, CsrfRuleForCookieAuthenticatedWrites) {
  make_user("alice", "password1");
  const auto& r = login("alice", "password1", {{"X-Requested-With", "XMLHttpRequest"}});
  std::string t = *r.header("Token");
  std::string csrf;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind("MMCSRF=", 0) == 0) csrf = v.substr(7, v.find(';') - 7);
  }
  ASSERT_EQ(csrf.size(), 26u);
  Headers cookie{{"Cookie", "MMAUTHTOKEN=" + t}};
  EXPECT_EQ(probe(cookie), 401);  // no CSRF token, no X-Requested-With
  auto with = [&](std::string k, std::string v) {
    Headers h = cookie;
    h.emplace_back(std::move(k), std::move(v));
    return h;
  };
  EXPECT_EQ(probe(with("X-CSRF-Token", csrf)), 400);
  EXPECT_EQ(probe(with("X-CSRF-Token", "wrongwrongwrongwrongwrong1")), 401);
  EXPECT_EQ(probe(with("X-Requested-With", "XMLHttpRequest")), 400);
  // Header-authenticated writes are never CSRF-checked.
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 400);
}

TEST(AuthPluginStrictCsrf, XRequestedWithIsNotEnough) {
  FakeHost host{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  host.set_config_json(config(R"(,"ExperimentalStrictCSRFEnforcement":true)"));
  ASSERT_EQ(host.init(kSettings), PB_OK);
  FakeHost::User u;
  u.username = "alice";
  u.password = "password1";
  host.create_user(u);
  host.run_pending();
  const auto& r = host.request("POST", "/api/v4/users/login", {},
                               R"({"login_id":"alice","password":"password1"})");
  host.run_pending();
  ASSERT_EQ(r.status, 200);
  const auto& w = host.request("PUT", "/api/v4/users/me/password",
                               {{"Cookie", "MMAUTHTOKEN=" + *r.header("Token")},
                                {"X-Requested-With", "XMLHttpRequest"}},
                               "{}");
  host.run_pending();
  EXPECT_EQ(w.status, 401);
}

TEST_F(AuthPluginTest, SessionsExpirePerSessionLengthWebInHours) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 400);
  ASSERT_EQ(host.configure(R"({"HashConcurrency":2,"PasswordHashCost":"minimum","ClockOffsetSeconds":2591990})"), PB_OK);
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 400);  // 10 s left
  ASSERT_EQ(host.configure(R"({"HashConcurrency":2,"PasswordHashCost":"minimum","ClockOffsetSeconds":2592001})"), PB_OK);
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 401);
  // The bot flow: log in again, retry.
  std::string t2 = token_for("alice", "password1");
  EXPECT_NE(t2, t);
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t2}}), 400);
}

TEST_F(AuthPluginTest, LogoutRevokesOnTheNextRequestAndClearsCookies) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  const auto& out = host.request("POST", "/api/v4/users/logout",
                                 {{"Authorization", "Bearer " + t}});
  // Revoked before the delete is durable.
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 401);
  host.run_pending();
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, R"({"status":"OK"})");
  ASSERT_TRUE(out.header("Set-Cookie"));
  EXPECT_EQ(out.header("Set-Cookie")->rfind("MMAUTHTOKEN=;", 0), 0u);
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 401);
  for (const auto& [k, v] : host.kv()) EXPECT_NE(k.rfind("session/", 0), 0u) << k;
}

TEST_F(AuthPluginTest, LogoutWithoutSessionIsOk) {
  const auto& out = host.request("POST", "/api/v4/users/logout");
  host.run_pending();
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.body, R"({"status":"OK"})");
}

TEST_F(AuthPluginTest, DeactivatedUserLosesTheSession) {
  std::string id = make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  host.api()->user_set_active(host.self(), sdk::to_pb(id), 0, nullptr, nullptr);
  host.run_pending();
  EXPECT_EQ(probe({{"Authorization", "Bearer " + t}}), 401);
}

TEST_F(AuthPluginTest, SessionsSurviveARestartThroughTheStore) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  FakeHost second{pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR)};
  second.set_config_json(config());
  for (const auto& u : host.users()) second.add_user(u);
  second.kv() = host.kv();
  ASSERT_EQ(second.init(kSettings), PB_OK);
  const auto& r = second.request("PUT", "/api/v4/users/me/password",
                                 {{"Authorization", "Bearer " + t}}, "{}");
  second.run_pending();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_id(r), "api.context.invalid_body_param.app_error");
}

TEST_F(AuthPluginTest, ChangeOwnPasswordNeedsTheCurrentOne) {
  make_user("alice", "password1");
  std::string t = token_for("alice", "password1");
  Headers auth{{"Authorization", "Bearer " + t}};
  const auto& wrong = host.request("PUT", "/api/v4/users/me/password", auth,
                                   R"({"current_password":"nope","new_password":"password2"})");
  host.run_pending();
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(error_id(wrong), "api.user.update_password.incorrect.app_error");
  const auto& weak = host.request("PUT", "/api/v4/users/me/password", auth,
                                  R"({"current_password":"password1","new_password":"x"})");
  host.run_pending();
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(error_id(weak), "model.user.is_valid.pwd.app_error");
  const auto& ok = host.request("PUT", "/api/v4/users/me/password", auth,
                                R"({"current_password":"password1","new_password":"password2"})");
  host.run_pending();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(login("alice", "password1").status, 401);
  EXPECT_EQ(login("alice", "password2").status, 200);
}

TEST_F(AuthPluginTest, AdminSetsAnotherUsersPasswordOthersMayNot) {
  std::string alice = make_user("alice", "password1");
  make_user("bob", "password1");
  make_user("root", "password1", "system_user system_admin");
  std::string bob_t = token_for("bob", "password1");
  const auto& denied = host.request("PUT", "/api/v4/users/" + alice + "/password",
                                    {{"Authorization", "Bearer " + bob_t}},
                                    R"({"new_password":"password3"})");
  host.run_pending();
  EXPECT_EQ(denied.status, 403);
  std::string root_t = token_for("root", "password1");
  const auto& ok = host.request("PUT", "/api/v4/users/" + alice + "/password",
                                {{"Authorization", "Bearer " + root_t}},
                                R"({"new_password":"password3"})");
  host.run_pending();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(login("alice", "password3").status, 200);
}

TEST(PasswordHasher, AtMostConcurrencyRunAtOnceTheRestQueue) {
  FakeHost fake;
  sdk::Host host(fake.self(), fake.api());
  PasswordHasher hasher(host);
  hasher.configure(2, AuthSettings::HashCost::minimum);
  int done = 0;
  std::vector<std::string> hashes;
  for (int i = 0; i < 5; ++i) {
    hasher.hash("password" + std::to_string(i), [&](std::optional<std::string> h) {
      ASSERT_TRUE(h);
      hashes.push_back(*h);
      ++done;
    });
  }
  EXPECT_EQ(hasher.running(), 2u);
  EXPECT_EQ(hasher.queued(), 3u);
  EXPECT_EQ(done, 0);  // never from inside hash()
  fake.run_pending();
  EXPECT_EQ(done, 5);
  EXPECT_EQ(hasher.running(), 0u);
  bool verified = false, rejected = true;
  hasher.verify(hashes[0], "password0", [&](bool m) { verified = m; });
  hasher.verify(hashes[0], "password1", [&](bool m) { rejected = !m; });
  fake.run_pending();
  EXPECT_TRUE(verified);
  EXPECT_TRUE(rejected);
  host.release_all();
}

}  // namespace
}  // namespace pb::auth
