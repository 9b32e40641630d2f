// The operator's commands (`patchbay user|team|channel|token ...`) through the real binary,
// against a store that a real server is serving at the same time: what the CLI writes must be
// usable over HTTP at once (login with the password it set, the token it printed), and every
// command's failures must name Mattermost's error id (exit 1) or be usage errors (exit 2).
// Also PUT /api/v4/users/{user_id}/roles, the route `user create --system-admin` goes through.
#include <sstream>
#include <vector>

#include "plugins/auth/tests/server_fixture.h"

namespace pb::auth::itest {
namespace {

using pb::itest::CommandResult;
using pb::itest::run_patchbay;

class CliAdmin : public AuthServer {
 protected:
  void SetUp() override {
    config_.service["EnableUserAccessTokens"] = "true";
    config_.service["MaximumLoginAttempts"] = "3";
    AuthServer::SetUp();
  }

  // `patchbay ARGS... --config <the running server's config>`.
  CommandResult cli(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(server_->config_path().string());
    return run_patchbay(std::move(args));
  }
  // `user create`, expecting success; returns the printed id.
  std::string cli_user(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"user",       "create", "--username", name, "--email",
                                     name + "@example.com", "--password", kPassword};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string id = r.out.substr(0, r.out.find('\n'));
    EXPECT_TRUE(is_mattermost_id(id)) << r.out;
    EXPECT_EQ(r.out, id + "\n");
    return id;
  }
  // Exit 1 with "patchbay: <id>: ..." on stderr and nothing on stdout.
  static ::testing::AssertionResult fails_with(const CommandResult& r, std::string_view id) {
    if (r.exit_code != 1) {
      return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: " << r.err;
    }
    if (r.err.find("patchbay: " + std::string(id) + ": ") == std::string::npos) {
      return ::testing::AssertionFailure() << "stderr lacks " << id << ": " << r.err;
    }
    if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout: " << r.out;
    return ::testing::AssertionSuccess();
  }
  static ::testing::AssertionResult usage_error(const CommandResult& r) {
    if (r.exit_code != 2 || r.err.find("Usage:") == std::string::npos) {
      return ::testing::AssertionFailure() << "exit " << r.exit_code << ", stderr: " << r.err;
    }
    return ::testing::AssertionSuccess();
  }
  // The `user list` line of `username`, split at tabs; empty when absent.
  std::vector<std::string> list_line(const std::string& username) {
    auto r = cli({"user", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
      std::vector<std::string> fields;
      std::istringstream cells(line);
      std::string cell;
      while (std::getline(cells, cell, '\t')) fields.push_back(cell);
      if (fields.size() == 5 && fields[1] == username) return fields;
    }
    return {};
  }
  void lock_out(const std::string& username) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(is_app_error(login(username, "wrong-password-1"), 401,
                               "api.user.login.invalid_credentials_email_username"));
    }
    EXPECT_TRUE(is_app_error(login(username), 401,
                             "api.user.check_user_login_attempts.too_many.app_error"));
  }
};

TEST_F(CliAdmin, FirstUserOnAnEmptyStoreIsAdminAndLogsInOverHttp) {
  std::string id = cli_user("root");
  auto r = login("root");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string(r.body, "id"), id);
  EXPECT_EQ(json_string(r.body, "roles"), "system_admin system_user");  // the first-user rule
}

TEST_F(CliAdmin, LaterUsersAreCreatedByTheAdminWithOrWithoutSystemAdmin) {
  cli_user("root");
  std::string bob = cli_user("bob", {"--system-admin"});
  std::string carol = cli_user("carol");
  auto b = login("bob");
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(json_string(b.body, "id"), bob);
  EXPECT_EQ(json_string(b.body, "roles"), "system_user system_admin");
  auto c = login("carol");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json_string(c.body, "roles"), "system_user");
  // --as names the admin to act as: bob is one now, carol is not.
  cli_user("dave", {"--as", "bob"});
  EXPECT_TRUE(fails_with(cli({"user", "create", "--username", "erin", "--email", "e@example.com",
                              "--password", kPassword, "--as", "carol"}),
                         "api.context.permissions.app_error"));
  EXPECT_TRUE(fails_with(cli({"user", "create", "--username", "erin", "--email", "e@example.com",
                              "--password", kPassword, "--as", "nobody"}),
                         "app.user.missing_account.const"));
}

TEST_F(CliAdmin, UserCreateFailuresNameTheServersErrors) {
  cli_user("root");
  // Uniqueness and the password policy are the server's rules, applied to the CLI too.
  EXPECT_TRUE(fails_with(cli({"user", "create", "--username", "root", "--email", "x@example.com",
                              "--password", kPassword}),
                         "app.user.save.username_exists.app_error"));
  EXPECT_TRUE(fails_with(cli({"user", "create", "--username", "short", "--email",
                              "s@example.com", "--password", "abc"}),
                         "model.user.is_valid.pwd.app_error"));
  EXPECT_TRUE(fails_with(cli({"user", "create", "--username", "bad name", "--email",
                              "b@example.com", "--password", kPassword}),
                         "model.user.is_valid.username.app_error"));
  EXPECT_EQ(login("short", "abc").status, 401);
  EXPECT_TRUE(usage_error(cli({"user", "create", "--username", "x", "--email", "x@example.com"})));
  EXPECT_TRUE(usage_error(cli({"user"})));
}

TEST_F(CliAdmin, UserListShowsEveryUserWithRolesAndState) {
  std::string root = cli_user("root");
  std::string bob = cli_user("bob");
  lock_out("bob");
  auto r = cli({"user", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ID\tUSERNAME\tEMAIL\tROLES\tSTATE\n", 0), 0u) << r.out;
  EXPECT_EQ(list_line("root"), (std::vector<std::string>{root, "root", "root@example.com",
                                                         "system_admin system_user", "active"}));
  EXPECT_EQ(list_line("bob"), (std::vector<std::string>{bob, "bob", "bob@example.com",
                                                        "system_user", "locked"}));
}

TEST_F(CliAdmin, UserUnlockAfterALockout) {
  cli_user("root");
  std::string bob = cli_user("bob");
  lock_out("bob");
  auto r = cli({"user", "unlock", "--user", "bob"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, bob + "\n");
  EXPECT_EQ(list_line("bob").back(), "active");
  // A restarted server reads the count from the store. (The running one keeps its own copy of
  // the count in memory: see the disabled test below.)
  start_server();
  auto in = login("bob");
  EXPECT_EQ(in.status, 200) << in.body;
}

// DISABLED until the auth plugin re-reads `attempts/<id>` from its kv instead of trusting its
// in-memory mirror (plugins/auth/login.cpp failed_attempts): the CLI runs in another process,
// so the server that locked bob still believes he is locked after `user unlock`.
TEST_F(CliAdmin, UserUnlockTakesEffectOnTheRunningServer) {
  cli_user("root");
  cli_user("bob");
  lock_out("bob");
  ASSERT_EQ(cli({"user", "unlock", "--user", "bob"}).exit_code, 0);
  auto in = login("bob");
  EXPECT_EQ(in.status, 200) << in.body;
}

TEST_F(CliAdmin, UserUnlockFailures) {
  EXPECT_EQ(cli({"user", "unlock", "--user", "bob"}).exit_code, 1);  // no admin to act as
  cli_user("root");
  EXPECT_TRUE(fails_with(cli({"user", "unlock", "--user", "nobody"}),
                         "app.user.missing_account.const"));
  EXPECT_TRUE(usage_error(cli({"user", "unlock"})));
}

TEST_F(CliAdmin, TeamAndChannelCreateAreVisibleOverHttp) {
  cli_user("root");
  auto team = cli({"team", "create", "--name", "ops", "--display-name", "Ops Team"});
  ASSERT_EQ(team.exit_code, 0) << team.err;
  std::string team_id = team.out.substr(0, team.out.find('\n'));
  ASSERT_TRUE(is_mattermost_id(team_id)) << team.out;
  auto channel = cli({"channel", "create", "--team", "ops", "--name", "alerts", "--display-name",
                      "Alerts", "--private"});
  ASSERT_EQ(channel.exit_code, 0) << channel.err;
  std::string channel_id = channel.out.substr(0, channel.out.find('\n'));
  ASSERT_TRUE(is_mattermost_id(channel_id)) << channel.out;

  std::string token = token_for("root");
  auto t = call("GET", "/api/v4/teams/name/ops", "", bearer(token));
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(json_string(t.body, "id"), team_id);
  EXPECT_EQ(json_string(t.body, "display_name"), "Ops Team");
  EXPECT_EQ(json_string(t.body, "type"), "O");
  auto c = call("GET", "/api/v4/teams/" + team_id + "/channels/name/alerts", "", bearer(token));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json_string(c.body, "id"), channel_id);
  EXPECT_EQ(json_string(c.body, "type"), "P");
}

TEST_F(CliAdmin, TeamAndChannelCreateFailures) {
  EXPECT_EQ(cli({"team", "create", "--name", "ops", "--display-name", "Ops"}).exit_code, 1);
  cli_user("root");
  ASSERT_EQ(cli({"team", "create", "--name", "ops", "--display-name", "Ops"}).exit_code, 0);
  EXPECT_TRUE(fails_with(cli({"team", "create", "--name", "ops", "--display-name", "Again"}),
                         "app.team.save.existing.app_error"));
  EXPECT_TRUE(fails_with(cli({"channel", "create", "--team", "nope", "--name", "a",
                              "--display-name", "A"}),
                         "app.team.get_by_name.missing.app_error"));
  ASSERT_EQ(cli({"channel", "create", "--team", "ops", "--name", "a", "--display-name", "A"})
                .exit_code,
            0);
  EXPECT_TRUE(fails_with(cli({"channel", "create", "--team", "ops", "--name", "a",
                              "--display-name", "A"}),
                         "store.sql_channel.save_channel.exists.app_error"));
  EXPECT_TRUE(usage_error(cli({"team", "create", "--display-name", "Ops"})));
  EXPECT_TRUE(usage_error(cli({"channel", "create", "--team", "ops", "--name", "b"})));
}

TEST_F(CliAdmin, TokenCreatePrintsOnlyATokenThatWorksOverHttp) {
  cli_user("root");
  std::string bob = cli_user("bob");
  auto r = cli({"token", "create", "--user", "bob", "--description", "deploy bot"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string token = r.out.substr(0, r.out.find('\n'));
  ASSERT_TRUE(is_mattermost_id(token)) << r.out;
  EXPECT_EQ(r.out, token + "\n");
  auto me = call("GET", "/api/v4/users/me", "", bearer(token));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "id"), bob);
  auto list = call("GET", "/api/v4/users/" + bob + "/tokens", "", bearer(token));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("\"description\":\"deploy bot\""), std::string::npos) << list.body;
}

TEST_F(CliAdmin, TokenCreateFailures) {
  cli_user("root");
  EXPECT_TRUE(fails_with(cli({"token", "create", "--user", "nobody"}),
                         "app.user.missing_account.const"));
  EXPECT_TRUE(usage_error(cli({"token", "create"})));
  // The server's own switch applies to the CLI too.
  config_.service["EnableUserAccessTokens"] = "false";
  start_server();
  EXPECT_TRUE(fails_with(cli({"token", "create", "--user", "root"}),
                         "app.user_access_token.disabled"));
}

// PUT /api/v4/users/{user_id}/roles over HTTP.
TEST_F(CliAdmin, RolesRouteIsForSystemAdminsAndValidatesTheRoles) {
  make_admin();
  std::string bob_token;
  std::string bob = make_user("bob", &bob_token);
  auto put_roles = [&](const std::string& user, std::string_view body, const std::string& by) {
    return call("PUT", "/api/v4/users/" + user + "/roles", body, bearer(by));
  };
  EXPECT_TRUE(is_app_error(put_roles(bob, R"({"roles":"system_user system_admin"})", bob_token),
                           403, "api.context.permissions.app_error"));
  for (const char* bad : {R"({"roles":"system_admin"})", R"({"roles":"System_User"})",
                          R"({"roles":""})", R"({})", R"({"roles":7})", "[]"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(is_app_error(put_roles(bob, bad, admin_token_), 400,
                             "api.context.invalid_body_param.app_error"));
  }
  EXPECT_TRUE(is_app_error(put_roles("zzzzzzzzzzzzzzzzzzzzzzzzzz", R"({"roles":"system_user"})",
                                     admin_token_),
                           404, "app.user.missing_account.const"));
  EXPECT_TRUE(is_app_error(put_roles(bob, R"({"roles":"system_user"})", ""), 401,
                           "api.context.session_expired.app_error"));

  auto ok = put_roles(bob, R"({"roles":" system_user   system_admin "})", admin_token_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, R"({"status":"OK"})");
  // bob's existing session sees the new roles at once.
  auto me = call("GET", "/api/v4/users/me", "", bearer(bob_token));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "roles"), "system_user system_admin");
  // ... and may now do what admins do, including demoting the first admin.
  EXPECT_EQ(put_roles(admin_id_, R"({"roles":"system_user"})", bob_token).status, 200);
  EXPECT_EQ(json_string(call("GET", "/api/v4/users/me", "", bearer(admin_token_)).body, "roles"),
            "system_user");
}

}  // namespace
}  // namespace pb::auth::itest
