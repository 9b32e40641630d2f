// POST /api/v4/users (first user, admin, open server, validation, the user.will_be_created chain
// and its staged write) and the user read/patch endpoints, through the real binary.
#include "tests/integration/chat_support.h"

namespace pb::itest {
namespace {

using ChatUsers = ChatServer;

TEST_F(ChatUsers, FirstUserNeedsNoSessionAndBecomesSystemAdmin) {
  auto r = call("POST", "/api/v4/users", R"({"username":"Alice","email":"Alice@Example.com","password":"pw-alice"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  auto doc = json(r);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_TRUE(is_mattermost_id(doc["id"].GetString()));
  EXPECT_STREQ(doc["username"].GetString(), "alice");  // normalised as Mattermost
  EXPECT_STREQ(doc["email"].GetString(), "alice@example.com");
  EXPECT_STREQ(doc["roles"].GetString(), "system_admin system_user");
  EXPECT_GT(doc["create_at"].GetInt64(), 1600000000000);
  EXPECT_FALSE(doc.HasMember("password"));
  EXPECT_EQ(r.body.find("pw-alice"), std::string::npos);
}

TEST_F(ChatUsers, LaterUsersNeedAnAdminSession) {
  std::string admin = create_user("alice");
  auto anonymous = call("POST", "/api/v4/users", R"({"username":"bob","email":"bob@example.com","password":"x"})");
  EXPECT_TRUE(is_app_error(anonymous, 403, "api.user.create_user.no_open_server"));
  auto bad_token = call("POST", "/api/v4/users", R"({"username":"bob","email":"bob@example.com"})",
                        "nosuchuser0000000000000000");
  EXPECT_TRUE(is_app_error(bad_token, 403, "api.user.create_user.no_open_server"));

  std::string bob = create_user("bob", admin);
  auto me = call("GET", "/api/v4/users/me", "", bob);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json_string(me.body, "roles"), "system_user");
  // A plain user cannot create users either.
  auto by_bob = call("POST", "/api/v4/users", R"({"username":"carol","email":"carol@example.com"})", bob);
  EXPECT_TRUE(is_app_error(by_bob, 403, "api.user.create_user.no_open_server"));
}

TEST_F(ChatUsers, OpenServerLetsAnyoneSignUp) {
  config_.env.push_back({"PB_TEAMSETTINGS_ENABLEOPENSERVER", "true"});
  start_server();
  create_user("alice");
  auto r = call("POST", "/api/v4/users", R"({"username":"bob","email":"bob@example.com","password":"x"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json_string(r.body, "roles"), "system_user");
}

TEST_F(ChatUsers, ThePasswordHashStagedByThePluginLandsWithTheUser) {
  std::string id = create_user("alice", "", "correct horse");
  auto kv = call("GET", "/api/v4/test_auth/kv/pwd%2F" + id);
  ASSERT_EQ(kv.status, 200) << kv.body;
  EXPECT_EQ(kv.body, "test:correct horse");
}

TEST_F(ChatUsers, ARejectingInterceptorLeavesNoUserAndNoStagedWrite) {
  std::string admin = create_user("alice");
  auto r = call("POST", "/api/v4/users", R"({"username":"rejectme","email":"r@example.com","password":"x"})", admin);
  EXPECT_TRUE(is_app_error(r, 400, "test_auth.user.rejected"));
  auto lookup = call("GET", "/api/v4/users/username/rejectme", "", admin);
  EXPECT_TRUE(is_app_error(lookup, 404, "app.user.missing_account.const"));
  // The name is still free once the plugin does not object.
  create_user("rejectm", admin);
}

TEST_F(ChatUsers, InvalidBodiesAndNamesAreRefused) {
  std::string admin = create_user("alice");
  struct Case {
    const char* body;
    const char* id;
  } cases[] = {
      {R"({"username":5,"email":"a@b.c"})", "api.context.invalid_body_param.app_error"},
      {R"(["not","an","object"])", "api.context.invalid_body_param.app_error"},
      {R"({"username":"bob","email":"bob@example.com"} trailing)", "api.context.invalid_body_param.app_error"},
      {R"({"username":"bo","email":"bo@example.com"})", "model.user.is_valid.username.app_error"},
      {R"({"username":"1bob","email":"bob@example.com"})", "model.user.is_valid.username.app_error"},
      {R"({"username":"bob smith","email":"bob@example.com"})", "model.user.is_valid.username.app_error"},
      {R"({"username":"abcdefghijklmnopqrstuvw","email":"bob@example.com"})", "model.user.is_valid.username.app_error"},
      {R"({"username":"channel","email":"bob@example.com"})", "model.user.is_valid.username.app_error"},
      {R"({"username":"bob","email":"not-an-email"})", "model.user.is_valid.email.app_error"},
      {R"({"username":"bob","email":"bob@example.com","nickname":"01234567890123456789012345678901234567890123456789012345678901234"})", "model.user.is_valid.nickname.app_error"},
      {R"({"username":"ALICE","email":"other@example.com"})", "app.user.save.username_exists.app_error"},
      {R"({"username":"bob","email":"ALICE@example.com"})", "app.user.save.email_exists.app_error"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_TRUE(is_app_error(call("POST", "/api/v4/users", c.body, admin), 400, c.id));
  }
  // A name of exactly 22 characters with every allowed symbol is fine.
  auto ok = call("POST", "/api/v4/users", R"({"username":"a.b-c_d012345678901234","email":"ok@example.com"})", admin);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(ChatUsers, ReadingUsers) {
  std::string alice = create_user("alice");
  std::string bob = create_user("bob", alice);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me"), 401, "api.context.session_expired.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me", "", "nosuchuser0000000000000000"), 401,
                           "api.context.session_expired.app_error"));

  auto me = call("GET", "/api/v4/users/me", "", bob);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(json_string(me.body, "id"), bob);
  EXPECT_EQ(me.header("Expires"), "0");
  auto other = call("GET", "/api/v4/users/" + alice, "", bob);
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(json_string(other.body, "username"), "alice");
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/" + std::string(26, 'x'), "", bob), 404,
                           "app.user.missing_account.const"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/short", "", bob), 400,
                           "api.context.invalid_url_param.app_error"));

  auto by_name = call("GET", "/api/v4/users/username/ALICE", "", bob);
  ASSERT_EQ(by_name.status, 200);
  EXPECT_EQ(json_string(by_name.body, "id"), alice);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/username/nobody", "", bob), 404,
                           "app.user.missing_account.const"));

  auto ids = call("POST", "/api/v4/users/ids",
                  "[\"" + alice + "\",\"" + std::string(26, 'x') + "\",\"" + bob + "\"]", bob);
  ASSERT_EQ(ids.status, 200) << ids.body;
  auto list = json(ids);
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(list.Size(), 2u);
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/users/ids", R"({"ids":[]})", bob), 400,
                           "api.context.invalid_body_param.app_error"));
}

TEST_F(ChatUsers, PatchingUsers) {
  std::string alice = create_user("alice");
  std::string bob = create_user("bob", alice);
  std::string carol = create_user("carol", alice);

  auto self = call("PUT", "/api/v4/users/me/patch", R"({"nickname":"Bobby","username":"Robert"})", bob);
  ASSERT_EQ(self.status, 200) << self.body;
  EXPECT_EQ(json_string(self.body, "nickname"), "Bobby");
  EXPECT_EQ(json_string(self.body, "username"), "robert");
  // The old name is free again, the new one taken.
  EXPECT_EQ(call("GET", "/api/v4/users/username/bob", "", bob).status, 404);
  EXPECT_EQ(call("GET", "/api/v4/users/username/robert", "", bob).status, 200);
  EXPECT_TRUE(is_app_error(call("PUT", "/api/v4/users/" + carol + "/patch", R"({"username":"robert"})", carol),
                           400, "app.user.save.username_exists.app_error"));

  EXPECT_TRUE(is_app_error(call("PUT", "/api/v4/users/" + carol + "/patch", R"({"nickname":"x"})", bob),
                           403, "api.context.permissions.app_error"));
  auto by_admin = call("PUT", "/api/v4/users/" + carol + "/patch", R"({"first_name":"Carol"})", alice);
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;
  EXPECT_EQ(json_string(by_admin.body, "first_name"), "Carol");
  EXPECT_TRUE(is_app_error(call("PUT", "/api/v4/users/me/patch", R"({"nickname":7})", bob), 400,
                           "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(call("PUT", "/api/v4/users/me/patch", R"({"email":"nope"})", bob), 400,
                           "model.user.is_valid.email.app_error"));
}

}  // namespace
}  // namespace pb::itest
