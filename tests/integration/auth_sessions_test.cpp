// The auth plugin through the real binary with the chat model (wire spec §7.1-§7.4, §7.7):
// first user, login by username and email, every way to present the token, CSRF on cookie
// writes, logout, expiry, lockout and unlock, the password policy and PUT password.
#include "plugins/auth/tests/server_fixture.h"

namespace pb::auth::itest {
namespace {

using AuthSessions = AuthServer;

TEST_F(AuthSessions, FirstUserLogsInByUsernameAndByEmail) {
  std::string id = create_user("admin");
  auto by_name = login("admin");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_TRUE(is_mattermost_id(by_name.header("Token").value_or("")));
  EXPECT_EQ(json_string(by_name.body, "id"), id);
  EXPECT_EQ(json_string(by_name.body, "roles"), "system_admin system_user");
  EXPECT_FALSE(json(by_name).HasMember("password"));
  EXPECT_EQ(by_name.header_count("Set-Cookie"), 0u);  // cookies only for XHR logins

  auto by_email = login("Admin@Example.com");
  ASSERT_EQ(by_email.status, 200) << by_email.body;
  EXPECT_NE(by_email.header("Token"), by_name.header("Token"));  // a new session each time
}

TEST_F(AuthSessions, UsersMeWithEveryAuthorizationScheme) {
  make_admin();
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER ", "Token ", "token "}) {
    auto me = call("GET", "/api/v4/users/me", "",
                   std::string("Authorization: ") + scheme + admin_token_ + "\r\n");
    EXPECT_EQ(me.status, 200) << scheme << me.body;
    EXPECT_EQ(json_string(me.body, "id"), admin_id_) << scheme;
  }
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me"), 401,
                           "api.context.session_expired.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", bearer("nosuchtoken")), 401,
                           "api.context.session_expired.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", "Authorization: Basic abc\r\n"),
                           401, "api.context.session_expired.app_error"));
}

TEST_F(AuthSessions, XhrLoginSetsCookiesThatAuthenticate) {
  std::string id = create_user("admin");
  auto r = login("admin", kPassword, kXhr);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = set_cookie_value(r, "MMAUTHTOKEN");
  EXPECT_EQ(token, r.header("Token").value_or(""));
  EXPECT_EQ(set_cookie_value(r, "MMUSERID"), id);
  EXPECT_EQ(set_cookie_value(r, "MMCSRF").size(), 26u);
  auto me = call("GET", "/api/v4/users/me", "", cookie(token));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), id);
}

TEST_F(AuthSessions, CookieBeatsTheAuthorizationHeader) {
  make_admin();
  std::string bob_token;
  std::string bob = make_user("bob", &bob_token);
  // A valid cookie and another user's header: the cookie's user.
  auto me = call("GET", "/api/v4/users/me", "", cookie(bob_token) + bearer(admin_token_));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), bob);
  // A bad cookie is not rescued by a good header.
  auto bad = call("GET", "/api/v4/users/me", "", cookie("nosuchtoken") + bearer(admin_token_));
  EXPECT_TRUE(is_app_error(bad, 401, "api.context.session_expired.app_error"));
}

TEST_F(AuthSessions, CsrfOnCookieAuthenticatedWrites) {
  create_user("admin");
  auto r = login("admin", kPassword, kXhr);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = set_cookie_value(r, "MMAUTHTOKEN");
  std::string csrf = set_cookie_value(r, "MMCSRF");
  const std::string patch = "/api/v4/users/me/patch";
  const std::string body = R"({"nickname":"boss"})";

  auto missing = call("PUT", patch, body, cookie(token));
  EXPECT_TRUE(is_app_error(missing, 401, "api.context.session_expired.app_error"));
  auto wrong = call("PUT", patch, body, cookie(token) + "X-CSRF-Token: " + std::string(26, 'x') + "\r\n");
  EXPECT_TRUE(is_app_error(wrong, 401, "api.context.session_expired.app_error"));
  auto xhr = call("PUT", patch, body, cookie(token) + kXhr);
  EXPECT_EQ(xhr.status, 200) << xhr.body;
  auto with_csrf = call("PUT", patch, body, cookie(token) + "X-CSRF-Token: " + csrf + "\r\n");
  EXPECT_EQ(with_csrf.status, 200) << with_csrf.body;
  EXPECT_EQ(json_string(with_csrf.body, "nickname"), "boss");
  // Header tokens are never CSRF-checked; GETs with the cookie are not either.
  EXPECT_EQ(call("PUT", patch, body, bearer(token)).status, 200);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", cookie(token)).status, 200);
}

TEST_F(AuthSessions, StrictCsrfRefusesXRequestedWith) {
  config_.service["ExperimentalStrictCSRFEnforcement"] = "true";
  start_server();
  create_user("admin");
  auto r = login("admin", kPassword, kXhr);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = set_cookie_value(r, "MMAUTHTOKEN");
  auto xhr = call("PUT", "/api/v4/users/me/patch", R"({"nickname":"x"})", cookie(token) + kXhr);
  EXPECT_TRUE(is_app_error(xhr, 401, "api.context.session_expired.app_error"));
  auto csrf = call("PUT", "/api/v4/users/me/patch", R"({"nickname":"x"})",
                   cookie(token) + "X-CSRF-Token: " + set_cookie_value(r, "MMCSRF") + "\r\n");
  EXPECT_EQ(csrf.status, 200) << csrf.body;
}

TEST_F(AuthSessions, LogoutRevokesTheTokenForTheNextRequest) {
  make_admin();
  std::string other = token_for("admin");
  auto out = call("POST", "/api/v4/users/logout", "", bearer(admin_token_));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.body, R"({"status":"OK"})");
  EXPECT_EQ(set_cookie_value(out, "MMAUTHTOKEN"), "");
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", bearer(admin_token_)), 401,
                           "api.context.session_expired.app_error"));
  // Only that session: the user's other session still works.
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(other)).status, 200);
  // Logging out without a session is fine too.
  EXPECT_EQ(call("POST", "/api/v4/users/logout").status, 200);
}

TEST_F(AuthSessions, LogoutSurvivesARestart) {
  make_admin();
  ASSERT_EQ(call("POST", "/api/v4/users/logout", "", bearer(admin_token_)).status, 200);
  std::string kept = token_for("admin");
  start_server();
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(admin_token_)).status, 401);
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(kept)).status, 200);
}

TEST_F(AuthSessions, ExpiredSessionIsRefusedAndANewLoginWorks) {
  config_.service["SessionLengthWebInHours"] = "1";
  start_server();
  make_admin();
  ASSERT_EQ(call("GET", "/api/v4/users/me", "", bearer(admin_token_)).status, 200);
  set_clock_offset(2 * 3600);  // two hours later
  start_server();
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", bearer(admin_token_)), 401,
                           "api.context.session_expired.app_error"));
  std::string fresh = token_for("admin");
  EXPECT_EQ(call("GET", "/api/v4/users/me", "", bearer(fresh)).status, 200);
}

TEST_F(AuthSessions, LockoutAfterMaximumLoginAttemptsAndUnlock) {
  config_.service["MaximumLoginAttempts"] = "3";
  start_server();
  make_admin();
  std::string bob = make_user("bob");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(is_app_error(login("bob", "wrong-password"), 401,
                             "api.user.login.invalid_credentials_email_username"));
  }
  // Locked: even the right password is refused, and the count survives a restart.
  EXPECT_TRUE(is_app_error(login("bob"), 401, "api.user.check_user_login_attempts.too_many.app_error"));
  start_server();
  EXPECT_TRUE(is_app_error(login("bob"), 401, "api.user.check_user_login_attempts.too_many.app_error"));

  std::string bob_token;
  {
    auto no_session = call("POST", "/api/v4/users/" + bob + "/unlock");
    EXPECT_TRUE(is_app_error(no_session, 401, "api.context.session_expired.app_error"));
  }
  auto unlock = call("POST", "/api/v4/users/" + bob + "/unlock", "", bearer(admin_token_));
  ASSERT_EQ(unlock.status, 200) << unlock.body;
  EXPECT_EQ(unlock.body, R"({"status":"OK"})");
  bob_token = token_for("bob");
  // A plain user may not unlock anyone.
  auto by_bob = call("POST", "/api/v4/users/" + admin_id_ + "/unlock", "", bearer(bob_token));
  EXPECT_TRUE(is_app_error(by_bob, 403, "api.context.permissions.app_error"));
}

TEST_F(AuthSessions, UnknownUserAndWrongPasswordLookTheSame) {
  make_admin();
  EXPECT_TRUE(is_app_error(login("nobody"), 401, "api.user.login.invalid_credentials_email_username"));
  EXPECT_TRUE(is_app_error(login("admin", "wrong-password"), 401,
                           "api.user.login.invalid_credentials_email_username"));
  EXPECT_TRUE(is_app_error(login("admin", ""), 400, "api.user.login.blank_pwd.app_error"));
}

TEST_F(AuthSessions, PasswordPolicyOnUserCreation) {
  config_.env.push_back({"PB_PASSWORDSETTINGS_MINIMUMLENGTH", "10"});
  config_.env.push_back({"PB_PASSWORDSETTINGS_UPPERCASE", "true"});
  config_.env.push_back({"PB_PASSWORDSETTINGS_NUMBER", "true"});
  start_server();
  EXPECT_TRUE(is_app_error(post_user("admin", "Short1"), 400,
                           "model.user.is_valid.pwd_uppercase_number.app_error"));
  EXPECT_TRUE(is_app_error(post_user("admin", "longenough-but-lower"), 400,
                           "model.user.is_valid.pwd_uppercase_number.app_error"));
  EXPECT_TRUE(is_app_error(post_user("admin", std::string(73, 'A') + "1"), 400,
                           "model.user.is_valid.pwd_uppercase_number.app_error"));
  // Nothing was created by the refusals: the next user is still the first one.
  auto ok = post_user("admin", "Long-Enough-1");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(json_string(ok.body, "roles"), "system_admin system_user");
  EXPECT_EQ(login("admin", "Long-Enough-1").status, 200);
}

TEST_F(AuthSessions, ChangeOwnPasswordAndAdminResets) {
  make_admin();
  std::string bob_token;
  std::string bob = make_user("bob", &bob_token);
  const std::string target = "/api/v4/users/" + bob + "/password";

  auto wrong = call("PUT", target, R"({"current_password":"nope-nope","new_password":"new-password-1"})",
                    bearer(bob_token));
  EXPECT_TRUE(is_app_error(wrong, 400, "api.user.update_password.incorrect.app_error"));
  auto weak = call("PUT", target, std::string(R"({"current_password":")") + kPassword +
                                      R"(","new_password":"short"})",
                   bearer(bob_token));
  EXPECT_TRUE(is_app_error(weak, 400, "model.user.is_valid.pwd.app_error"));
  auto ok = call("PUT", "/api/v4/users/me/password",
                 std::string(R"({"current_password":")") + kPassword +
                     R"(","new_password":"new-password-1"})",
                 bearer(bob_token));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(login("bob").status, 401);
  EXPECT_EQ(login("bob", "new-password-1").status, 200);

  // Bob may not set the admin's; the admin may set Bob's without the current one.
  auto by_bob = call("PUT", "/api/v4/users/" + admin_id_ + "/password",
                     R"({"new_password":"new-password-2"})", bearer(bob_token));
  EXPECT_TRUE(is_app_error(by_bob, 403, "api.context.permissions.app_error"));
  auto reset = call("PUT", target, R"({"new_password":"new-password-3"})", bearer(admin_token_));
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(login("bob", "new-password-3").status, 200);
}

}  // namespace
}  // namespace pb::auth::itest
