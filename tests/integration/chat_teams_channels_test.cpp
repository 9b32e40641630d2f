// Teams and channels through the real binary: creation with the default channels, visibility
// across teams, membership, private channels and direct messages.
#include "tests/integration/chat_support.h"

namespace pb::itest {
namespace {

class ChatTeams : public ChatServer {
 protected:
  void SetUp() override {
    ChatServer::SetUp();
    admin_ = create_user("admin");
    alice_ = create_user("alice", admin_);
    bob_ = create_user("bob", admin_);
  }
  std::string admin_, alice_, bob_;
};

TEST_F(ChatTeams, CreatingATeamMakesTheCreatorAdminAndJoinsTownSquare) {
  auto r = call("POST", "/api/v4/teams", R"({"name":"eng","display_name":"Engineering","type":"O"})", alice_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto team = json(r);
  std::string team_id = team["id"].GetString();
  EXPECT_TRUE(is_mattermost_id(team_id));
  EXPECT_STREQ(team["display_name"].GetString(), "Engineering");
  EXPECT_STREQ(team["type"].GetString(), "O");

  auto town = call("GET", "/api/v4/teams/" + team_id + "/channels/name/town-square?include_deleted=false", "", alice_);
  ASSERT_EQ(town.status, 200) << town.body;
  EXPECT_EQ(json_string(town.body, "display_name"), "Town Square");
  EXPECT_EQ(json_string(town.body, "type"), "O");
  std::string town_id = json_string(town.body, "id");

  auto mine = call("GET", "/api/v4/users/me/teams", "", alice_);
  ASSERT_EQ(mine.status, 200);
  auto teams = json(mine);
  ASSERT_TRUE(teams.IsArray());
  ASSERT_EQ(teams.Size(), 1u);
  EXPECT_EQ(std::string(teams[0]["id"].GetString()), team_id);

  auto channels = call("GET", "/api/v4/users/me/teams/" + team_id + "/channels", "", alice_);
  ASSERT_EQ(channels.status, 200);
  EXPECT_NE(channels.body.find(town_id), std::string::npos);
  EXPECT_NE(channels.body.find("off-topic"), std::string::npos);

  // The creator is team admin: they can add bob, who then joins town-square too.
  add_to_team(team_id, bob_, alice_);
  auto members = call("GET", "/api/v4/channels/" + town_id + "/members", "", bob_);
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_NE(members.body.find(bob_), std::string::npos);
  EXPECT_NE(members.body.find(alice_), std::string::npos);
}

TEST_F(ChatTeams, TeamValidationAndDuplicates) {
  create_team("eng", alice_);
  struct Case {
    const char* body;
    const char* id;
  } cases[] = {
      {R"({"name":"eng","display_name":"Again"})", "app.team.save.existing.app_error"},
      {R"({"name":"x","display_name":"X"})", "model.team.is_valid.characters.app_error"},
      {R"({"name":"Bad Name","display_name":"X"})", "model.team.is_valid.characters.app_error"},
      {R"({"name":"api","display_name":"X"})", "model.team.is_valid.reserved.app_error"},
      {R"({"name":"ok-name","display_name":""})", "model.team.is_valid.name.app_error"},
      {R"({"name":"ok-name","display_name":"X","type":"Z"})", "model.team.is_valid.type.app_error"},
      {R"({"name":["eng"],"display_name":"X"})", "api.context.invalid_body_param.app_error"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_TRUE(is_app_error(call("POST", "/api/v4/teams", c.body, alice_), 400, c.id));
  }
}

TEST_F(ChatTeams, TeamsAreVisibleToMembersAndAdminsOnly) {
  std::string team = create_team("secret", alice_, "I");
  EXPECT_EQ(call("GET", "/api/v4/teams/" + team, "", alice_).status, 200);
  EXPECT_EQ(call("GET", "/api/v4/teams/" + team, "", admin_).status, 200);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/teams/" + team, "", bob_), 403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/teams/name/secret", "", bob_), 403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/teams/name/nosuch", "", bob_), 404, "app.team.get_by_name.missing.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/teams/" + std::string(26, 'q'), "", bob_), 404, "app.team.get.find.app_error"));

  auto bob_list = call("GET", "/api/v4/teams", "", bob_);
  ASSERT_EQ(bob_list.status, 200);
  EXPECT_EQ(bob_list.body, "[]");
  auto admin_list = call("GET", "/api/v4/teams", "", admin_);
  EXPECT_NE(admin_list.body.find(team), std::string::npos);

  // bob may neither join nor be added by a non-admin; the team admin may add him.
  std::string join = R"({"team_id":")" + team + R"(","user_id":")" + bob_ + "\"}";
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/teams/" + team + "/members", join, bob_), 403,
                           "api.context.permissions.app_error"));
  add_to_team(team, bob_, alice_);
  EXPECT_EQ(call("GET", "/api/v4/teams/" + team, "", bob_).status, 200);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/" + alice_ + "/teams", "", bob_), 403,
                           "api.context.permissions.app_error"));
}

TEST_F(ChatTeams, PrivateChannelsAreReadableByMembersOnly) {
  std::string team = create_team("eng", alice_);
  add_to_team(team, bob_, alice_);
  std::string open = create_channel(team, "general-chat", "O", alice_);
  std::string priv = create_channel(team, "secret-plans", "P", alice_);

  EXPECT_EQ(call("GET", "/api/v4/channels/" + open, "", bob_).status, 200);  // team member
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/channels/" + priv, "", bob_), 403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/teams/" + team + "/channels/name/secret-plans", "", bob_), 404,
                           "app.channel.get_by_name.missing.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/channels/" + priv + "/members", "", bob_), 403,
                           "api.context.permissions.app_error"));
  // bob cannot add himself to the private channel, and cannot post there.
  std::string add_bob = R"({"user_id":")" + bob_ + "\"}";
  EXPECT_EQ(call("POST", "/api/v4/channels/" + priv + "/members", add_bob, bob_).status, 404);
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/posts", R"({"channel_id":")" + priv + R"(","message":"hi"})", bob_),
                           403, "api.context.permissions.app_error"));
  // alice (a member) adds him: now he reads it.
  auto added = call("POST", "/api/v4/channels/" + priv + "/members", add_bob, alice_);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json_string(added.body, "user_id"), bob_);
  EXPECT_EQ(call("GET", "/api/v4/channels/" + priv, "", bob_).status, 200);

  // Someone outside the team sees neither.
  std::string carol = create_user("carol", admin_);
  EXPECT_EQ(call("GET", "/api/v4/channels/" + open, "", carol).status, 403);
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/channels/" + open + "/members", R"({"user_id":")" + carol + "\"}", carol),
                           403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/users/me/teams/" + team + "/channels", "", carol), 403,
                           "api.context.permissions.app_error"));
}

TEST_F(ChatTeams, ChannelValidation) {
  std::string team = create_team("eng", alice_);
  create_channel(team, "dup", "O", alice_);
  struct Case {
    std::string body;
    int status;
    const char* id;
  } cases[] = {
      {R"({"team_id":")" + team + R"(","name":"dup","display_name":"D","type":"O"})", 400, "store.sql_channel.save_channel.exists.app_error"},
      {R"({"team_id":")" + team + R"(","name":"Bad Name","display_name":"D","type":"O"})", 400, "model.channel.is_valid.1_or_more.app_error"},
      {R"({"team_id":")" + team + R"(","name":"ok","display_name":"","type":"O"})", 400, "model.channel.is_valid.display_name.app_error"},
      {R"({"team_id":")" + team + R"(","name":"ok","display_name":"D","type":"D"})", 400, "model.channel.is_valid.type.app_error"},
      {R"({"team_id":"short","name":"ok","display_name":"D","type":"O"})", 400, "api.context.invalid_body_param.app_error"},
      {R"({"team_id":")" + std::string(26, 'q') + R"(","name":"ok","display_name":"D","type":"O"})", 404, "app.team.get.find.app_error"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_TRUE(is_app_error(call("POST", "/api/v4/channels", c.body, alice_), c.status, c.id));
  }
  // Not a member of the team: 403.
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/channels", R"({"team_id":")" + team + R"(","name":"bobs","display_name":"B","type":"O"})", bob_),
                           403, "api.context.permissions.app_error"));
}

TEST_F(ChatTeams, DirectChannelsAreOnePerPairAndPrivate) {
  std::string pair = "[\"" + alice_ + "\",\"" + bob_ + "\"]";
  auto first = call("POST", "/api/v4/channels/direct", pair, alice_);
  ASSERT_EQ(first.status, 201) << first.body;
  auto dm = json(first);
  EXPECT_STREQ(dm["type"].GetString(), "D");
  std::string expected_name = alice_ < bob_ ? alice_ + "__" + bob_ : bob_ + "__" + alice_;
  EXPECT_EQ(std::string(dm["name"].GetString()), expected_name);
  std::string dm_id = dm["id"].GetString();

  auto again = call("POST", "/api/v4/channels/direct", "[\"" + bob_ + "\",\"" + alice_ + "\"]", bob_);
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(json_string(again.body, "id"), dm_id);

  std::string carol = create_user("carol", admin_);
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/channels/direct", pair, carol), 403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/channels/" + dm_id, "", carol), 403, "api.context.permissions.app_error"));
  EXPECT_EQ(call("GET", "/api/v4/channels/" + dm_id, "", bob_).status, 200);
  std::string post = create_post(dm_id, "psst", bob_);
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/posts/" + post, "", carol), 403, "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/channels/direct", "[\"" + alice_ + "\"]", alice_), 400,
                           "api.context.invalid_body_param.app_error"));
}

}  // namespace
}  // namespace pb::itest
