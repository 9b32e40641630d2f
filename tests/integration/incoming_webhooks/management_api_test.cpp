// The management API (wire spec §3.2) through the real binary, with the real auth plugin's
// sessions and roles: each endpoint's success and failure paths.
#include "tests/integration/incoming_webhooks/webhook_server.h"

namespace pb::incoming_webhooks::itest {
namespace {

using Management = WebhookServer;

TEST_F(Management, CreateTakesTeamFromChannelAndOwnerFromSession) {
  auto r = api("POST", "/api/v4/hooks/incoming",
               R"({"channel_id":")" + town_id_ + R"(","display_name":"Deploys"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json_string(r.body, "team_id"), team_id_);
  EXPECT_EQ(json_string(r.body, "user_id"), admin_id_);
  EXPECT_TRUE(pb::itest::is_mattermost_id(json_string(r.body, "id")));
}

TEST_F(Management, CreateFailures) {
  EXPECT_TRUE(is_app_error(api("POST", "/api/v4/hooks/incoming", "{not json"), 400,
                           "api.context.invalid_body_param.app_error"));
  EXPECT_TRUE(is_app_error(api("POST", "/api/v4/hooks/incoming",
                               R"({"channel_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa"})"),
                           404, "app.channel.get.existing.app_error"));
  EXPECT_TRUE(is_app_error(api("POST", "/api/v4/hooks/incoming",
                               R"({"channel_id":")" + town_id_ + R"(","description":")" +
                                   std::string(501, 'd') + "\"}"),
                           400, "model.incoming_hook.description.app_error"));
  // A plain team member lacks manage_incoming_webhooks.
  EXPECT_TRUE(is_app_error(call("POST", "/api/v4/hooks/incoming",
                                R"({"channel_id":")" + town_id_ + "\"}", bearer(bob_token_)),
                           403, "api.context.permissions.app_error"));
  EXPECT_EQ(call("POST", "/api/v4/hooks/incoming", R"({"channel_id":")" + town_id_ + "\"}").status,
            401);
  auto list = api("GET", "/api/v4/hooks/incoming?team_id=" + team_id_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json(list).Size(), 1u);  // only the fixture's hook
}

TEST_F(Management, ListGetUpdateDeleteMove) {
  auto list = api("GET", "/api/v4/hooks/incoming?team_id=" + team_id_ +
                             "&include_total_count=true");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json(list)["total_count"].GetInt(), 1);
  EXPECT_EQ(api("GET", "/api/v4/hooks/incoming?page=1").body, "[]");

  auto got = api("GET", "/api/v4/hooks/incoming/" + hook_id_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(json_string(got.body, "display_name"), "CI");

  auto updated = api("PUT", "/api/v4/hooks/incoming/" + hook_id_,
                     R"({"id":")" + hook_id_ + R"(","channel_id":")" + other_id_ +
                         R"(","display_name":"Renamed"})");
  ASSERT_EQ(updated.status, 201) << updated.body;
  EXPECT_EQ(json_string(updated.body, "channel_id"), other_id_);
  EXPECT_TRUE(is_app_error(api("PUT", "/api/v4/hooks/incoming/" + hook_id_,
                               R"({"id":"x","channel_id":")" + other_id_ + "\"}"),
                           400, "api.context.invalid_param.app_error"));
  EXPECT_TRUE(is_app_error(api("PUT", "/api/v4/hooks/incoming/" + hook_id_,
                               R"({"id":")" + hook_id_ + R"(","team_id":"aaaaaaaaaaaaaaaaaaaaaaaaaa",)"
                               R"("channel_id":")" + other_id_ + "\"}"),
                           400, "api.webhook.team_mismatch.app_error"));
  // The hook now posts to the new channel.
  EXPECT_TRUE(is_ok(send(R"({"text":"moved"})")));
  EXPECT_EQ(post_count(other_id_), 1u);

  auto moved = api("POST", "/api/v4/hooks/incoming/" + hook_id_ + "/move/" + bob_id_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(json_string(moved.body, "user_id"), bob_id_);
  EXPECT_TRUE(is_ok(send(R"({"text":"as bob"})")));
  auto p = last_post(other_id_);
  EXPECT_EQ(std::string(p["user_id"].GetString()), bob_id_);

  EXPECT_TRUE(is_app_error(call("DELETE", "/api/v4/hooks/incoming/" + hook_id_, "",
                                bearer(bob_token_)),
                           403, "api.context.permissions.app_error"));
  auto deleted = api("DELETE", "/api/v4/hooks/incoming/" + hook_id_);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(json_string(deleted.body, "status"), "OK");
  EXPECT_TRUE(is_app_error(api("GET", "/api/v4/hooks/incoming/" + hook_id_), 404,
                           "app.webhooks.get_incoming.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"text":"gone"})"), 400, "web.incoming_webhook.invalid.app_error"));
  start_server();  // the delete is durable
  EXPECT_TRUE(is_app_error(send(R"({"text":"gone"})"), 400, "web.incoming_webhook.invalid.app_error"));
}

TEST_F(Management, TeamAdminManagesTheTeamsHooks) {
  // bob creates a team, which makes him its team_admin (but not a system admin).
  auto team = call("POST", "/api/v4/teams", R"({"name":"bobs","display_name":"Bobs","type":"O"})",
                   bearer(bob_token_));
  ASSERT_EQ(team.status, 201) << team.body;
  std::string bobs_team = json_string(team.body, "id");
  auto channel = call("POST", "/api/v4/channels",
                      R"({"team_id":")" + bobs_team +
                          R"(","name":"builds","display_name":"Builds","type":"O"})",
                      bearer(bob_token_));
  ASSERT_EQ(channel.status, 201) << channel.body;
  auto r = call("POST", "/api/v4/hooks/incoming",
                R"({"channel_id":")" + json_string(channel.body, "id") + "\"}", bearer(bob_token_));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json_string(r.body, "team_id"), bobs_team);
  auto mine = call("GET", "/api/v4/hooks/incoming?team_id=" + bobs_team, "", bearer(bob_token_));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(json(mine).Size(), 1u);
  // Not a system admin: no list across every team, nothing in a team he is a plain member of.
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/hooks/incoming", "", bearer(bob_token_)), 403,
                           "api.context.permissions.app_error"));
  EXPECT_TRUE(is_app_error(call("GET", "/api/v4/hooks/incoming/" + hook_id_, "", bearer(bob_token_)),
                           403, "api.context.permissions.app_error"));
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
