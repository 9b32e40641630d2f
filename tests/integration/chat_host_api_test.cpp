// The ABI minor-2 host functions (channel_get, channel_get_by_name, channel_direct,
// channel_can_read, team_member_roles, post_create) and minor 4's team_get through the real binary, driven by the
// test_auth plugin's probe routes: what an integration plugin (incoming webhooks) stands on.
#include "tests/integration/chat_support.h"

namespace pb::itest {
namespace {

class ChatHostApi : public ChatServer {
 protected:
  void SetUp() override {
    ChatServer::SetUp();
    alice_ = create_user("alice");
    bob_ = create_user("bob", alice_);
    carol_ = create_user("carol", alice_);
    team_ = create_team("eng", alice_);
    add_to_team(team_, bob_, alice_);
    open_ = create_channel(team_, "builds", "O", alice_);
    private_ = create_channel(team_, "secret", "P", alice_);
  }
  std::string alice_, bob_, carol_, team_, open_, private_;
};

TEST_F(ChatHostApi, ChannelsByIdAndByName) {
  auto by_id = call("GET", "/api/v4/test_auth/channel/" + open_);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(json_string(by_id.body, "name"), "builds");
  EXPECT_EQ(json_string(by_id.body, "team_id"), team_);
  EXPECT_EQ(json_string(by_id.body, "type"), "O");

  auto by_name = call("GET", "/api/v4/test_auth/channel_by_name/" + team_ + "/secret");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(json_string(by_name.body, "id"), private_);
  EXPECT_EQ(json_string(by_name.body, "type"), "P");

  EXPECT_EQ(call("GET", "/api/v4/test_auth/channel_by_name/" + team_ + "/nope").status, 404);
  EXPECT_EQ(call("GET", "/api/v4/test_auth/channel/aaaaaaaaaaaaaaaaaaaaaaaaaa").status, 404);
}

TEST_F(ChatHostApi, TeamById) {
  auto team = call("GET", "/api/v4/test_auth/team/" + team_);
  ASSERT_EQ(team.status, 200) << team.body;
  EXPECT_EQ(json_string(team.body, "id"), team_);
  EXPECT_EQ(json_string(team.body, "name"), "eng");
  EXPECT_EQ(json_string(team.body, "type"), "O");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/team/aaaaaaaaaaaaaaaaaaaaaaaaaa").status, 404);
  EXPECT_EQ(call("GET", "/api/v4/test_auth/team/" + open_).status, 404);  // a channel's id
}

TEST_F(ChatHostApi, DirectChannelIsCreatedOnceAndIsTheSameBothWays) {
  auto first = call("POST", "/api/v4/test_auth/direct/" + alice_ + "/" + bob_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json_string(first.body, "type"), "D");
  auto again = call("POST", "/api/v4/test_auth/direct/" + bob_ + "/" + alice_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_string(again.body, "id"), json_string(first.body, "id"));
  EXPECT_EQ(call("POST", "/api/v4/test_auth/direct/" + alice_ + "/aaaaaaaaaaaaaaaaaaaaaaaaaa").status, 404);
}

TEST_F(ChatHostApi, ReadPermissionsAndTeamRoles) {
  EXPECT_EQ(call("GET", "/api/v4/test_auth/can_read/" + open_ + "/" + bob_).body, R"({"can_read":1})");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/can_read/" + private_ + "/" + bob_).body, R"({"can_read":0})");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/can_read/" + open_ + "/" + carol_).body, R"({"can_read":0})");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/can_read/" + private_ + "/" + alice_).body, R"({"can_read":1})");

  auto roles = call("GET", "/api/v4/test_auth/team_roles/" + team_ + "/" + alice_);
  ASSERT_EQ(roles.status, 200);
  EXPECT_NE(roles.body.find("team_admin"), std::string::npos) << roles.body;
  EXPECT_EQ(call("GET", "/api/v4/test_auth/team_roles/" + team_ + "/" + bob_).body, "team_user");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/team_roles/" + team_ + "/" + carol_).status, 404);
}

TEST_F(ChatHostApi, IntegrationPostsGoThroughTheBusAndAreStored) {
  auto r = call("POST", "/api/v4/test_auth/integration_post/" + open_ + "/" + alice_, "deployed");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = json_string(r.body, "id");
  EXPECT_TRUE(is_mattermost_id(id));
  EXPECT_NE(r.body.find(R"("flags":1)"), std::string::npos) << r.body;  // from a webhook, no trigger

  auto stored = call("GET", "/api/v4/posts/" + id, "", alice_);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(json_string(stored.body, "message"), "deployed");
  // The interceptor's staged write landed with it, and the observer saw it.
  EXPECT_EQ(call("GET", "/api/v4/test_auth/kv/post%2F" + id).body, "deployed");
  EXPECT_EQ(call("GET", "/api/v4/test_auth/posts_seen").body,
            R"({"count":1,"last_flags":1,"last_message":"deployed"})");

  // A REJECT of an interceptor comes back with its status and id; nothing is stored.
  auto rejected = call("POST", "/api/v4/test_auth/integration_post/" + open_ + "/" + alice_, "reject me");
  EXPECT_TRUE(is_app_error(rejected, 400, "test_auth.post.rejected")) << rejected.body;
  EXPECT_EQ(call("GET", "/api/v4/test_auth/posts_seen").body,
            R"({"count":1,"last_flags":1,"last_message":"deployed"})");
  // An unknown channel is the chat model's 404.
  auto missing = call("POST", "/api/v4/test_auth/integration_post/aaaaaaaaaaaaaaaaaaaaaaaaaa/" + alice_, "x");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

}  // namespace
}  // namespace pb::itest
