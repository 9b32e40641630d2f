// The plugin through its routes on a FakeHost with the chat functions patched in (chat_fake.h):
// management API (§5.2), execute (§5.3-§5.5), built-ins (§5.7), response_url (§5.6).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <optional>
#include <tuple>
#include <vector>

#include "plugins/slash_commands/tests/chat_fake.h"
#include "plugins/slash_commands/api_util.h"
#include "plugins/slash_commands/response_url.h"
#include "plugins/slash_commands/trigger_id.h"

namespace pb::slash {
namespace {

using testing::ChatFake;

const std::string kTeam = "team" + std::string(22, 't');
const std::string kOtherTeam = "othr" + std::string(22, 'o');
const std::string kChannel = "chan" + std::string(22, 'c');
const std::string kOtherChannel = "othc" + std::string(22, 'c');
const std::string kAdmin = "admn" + std::string(22, 'a');
const std::string kTeamAdmin = "tadm" + std::string(22, 'a');
const std::string kAlice = "alic" + std::string(22, 'a');
const std::string kBob = "bobb" + std::string(22, 'b');

rapidjson::Document json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::string error_id(const sdk::FakeHost::Response& r) {
  auto doc = json(r.body);
  return doc.IsObject() && doc.HasMember("id") ? doc["id"].GetString() : "";
}

class SlashPluginTest : public ::testing::Test {
 protected:
  void SetUp() override { boot(R"({"ServiceSettings":{"SiteURL":"https://chat.example.com/"}})"); }

  void boot(std::string config) {
    chat = std::make_unique<ChatFake>();
    chat->fake().set_config_json(std::move(config));
    populate(*chat);
    ASSERT_EQ(chat->init(), PB_OK);
    ASSERT_EQ(chat->start(), PB_OK);
  }

  // The users, teams and channels every test starts from: alice a member of the team, bob of
  // nothing, the team admin, the system admin; an open channel and a private one alice is not in.
  static void populate(ChatFake& c) {
    auto& h = c.fake();
    for (auto [id, name, roles] : {std::tuple{kAlice, "alice", "system_user"},
                                   std::tuple{kBob, "bob", "system_user"},
                                   std::tuple{kTeamAdmin, "tadmin", "system_user"},
                                   std::tuple{kAdmin, "root", "system_user system_admin"}}) {
      sdk::FakeHost::User u;
      u.id = id;
      u.username = name;
      u.roles = roles;
      h.add_user(u);
    }
    h.add_team_member(kTeam, kAlice);
    h.add_team_member(kTeam, kTeamAdmin, "team_user team_admin");
    h.add_channel(kChannel, kTeam, "O", "town-square");
    h.add_channel(kOtherChannel, kTeam, "P", "off-topic");
  }

  // Restarts the plugin on the store of the current one.
  void restart() {
    auto kv = chat->fake().kv();
    chat = std::make_unique<ChatFake>();
    chat->fake().kv() = kv;
    populate(*chat);
    ASSERT_EQ(chat->init(), PB_OK);
    ASSERT_EQ(chat->start(), PB_OK);
    chat->flush();
  }

  // Creates a command as the system admin; returns its JSON.
  rapidjson::Document create(std::string trigger, std::string method = "P",
                             std::string extra = "") {
    chat->act_as(kAdmin, "system_user system_admin");
    const auto& r = chat->call("POST", "/api/v4/commands",
                               R"({"team_id":")" + kTeam + R"(","trigger":")" + trigger +
                                   R"(","method":")" + method +
                                   R"(","url":"http://cmd.local/run?cmd=ourCommand")" + extra +
                                   "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return json(r.body);
  }

  const sdk::FakeHost::Response& execute(std::string command, std::string user = kAlice,
                                         std::string channel = kChannel) {
    chat->act_as(user);
    return chat->call("POST", "/api/v4/commands/execute",
                      R"({"command":")" + command + R"(","channel_id":")" + channel + R"("})");
  }

  // Executes "/deploy" (created beforehand) as alice, answers its call with an empty 200 and
  // returns the response_url id the call carried.
  std::string execute_for_response_url();

  // A delayed answer through response_url `id`; its status.
  int use_response_url(const std::string& id) {
    sdk::FakeHost::Headers json_type{{"Content-Type", "application/json"}};
    return chat->call("POST", "/hooks/commands/" + id, R"({"text":"x"})", json_type).status;
  }

  // Lets the one-shot timer that writes new response_url records fire, and the writes commit.
  void write_response_urls() {
    chat->fake().advance(kResponseUrlFlushMs);
    chat->flush();
  }

  // The plugin's command and response_url records (the trigger_id key aside).
  size_t stored_records() {
    size_t n = 0;
    for (const auto& [key, value] : chat->fake().kv()) n += key != kTriggerKeyName;
    return n;
  }

  std::unique_ptr<ChatFake> chat;
};

// Wire spec §10 case 40.
TEST_F(SlashPluginTest, CreatePermissionsDuplicatesAndMethod) {
  chat->act_as(kAlice);
  std::string body = R"({"team_id":")" + kTeam +
                     R"(","trigger":"Deploy","method":"P","url":"https://example.com"})";
  const auto& denied = chat->call("POST", "/api/v4/commands", body);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(error_id(denied), "api.context.permissions.app_error");

  chat->act_as(kTeamAdmin);
  const auto& ok = chat->call("POST", "/api/v4/commands", body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto c = json(ok.body);
  EXPECT_STREQ(c["trigger"].GetString(), "deploy");
  EXPECT_EQ(std::string(c["creator_id"].GetString()), kTeamAdmin);
  EXPECT_EQ(std::string(c["token"].GetString()).size(), 26u);

  const auto& dup = chat->call("POST", "/api/v4/commands", body);
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(error_id(dup), "api.command.duplicate_trigger.app_error");

  std::string builtin = R"({"team_id":")" + kTeam +
                        R"(","trigger":"ECHO","method":"P","url":"https://example.com"})";
  EXPECT_EQ(error_id(chat->call("POST", "/api/v4/commands", builtin)),
            "api.command.duplicate_trigger.app_error");

  std::string wrong = R"({"team_id":")" + kTeam +
                      R"(","trigger":"other","method":"Wrong","url":"https://example.com"})";
  const auto& bad = chat->call("POST", "/api/v4/commands", wrong);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_id(bad), "model.command.is_valid.method.app_error");
  EXPECT_EQ(chat->call("POST", "/api/v4/commands", "{nope").status, 400);
  EXPECT_EQ(stored_records(), 1u);  // only the one command was stored
}

TEST_F(SlashPluginTest, ConcurrentCreatesOfOneTriggerStoreOne) {
  chat->act_as(kAdmin, "system_user system_admin");
  std::string body = R"({"team_id":")" + kTeam +
                     R"(","trigger":"deploy","method":"P","url":"https://example.com"})";
  // Both requests arrive before the first write is durable (no flush in between).
  const auto& first = chat->fake().request("POST", "/api/v4/commands", {}, body);
  const auto& second = chat->fake().request("POST", "/api/v4/commands", {}, body);
  chat->flush();
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(second.status, 400);
  EXPECT_EQ(error_id(second), "api.command.duplicate_trigger.app_error");
  EXPECT_EQ(stored_records(), 1u);
}

TEST_F(SlashPluginTest, ExpiredResponseUrlsAreSweptFromTheStore) {
  create("deploy");
  execute("/deploy");
  chat->answer(0, 200, "");
  write_response_urls();
  ASSERT_EQ(stored_records(), 2u);  // the command and one response_url
  // A record created 31 minutes ago (the plugin's clock is the wall clock).
  std::string id(26, 'q');
  chat->fake().kv()["r/" + id] =
      R"({"id":")" + id +
      R"(","command_id":"c","user_id":"u","channel_id":"ch","root_id":"","team_id":"t","command_username":"","command_icon_url":"","create_at":1,"uses":0})";
  std::string stale_batch = response_url_batch_key(1, id);
  chat->fake().kv()[stale_batch] = "[" + chat->fake().kv()["r/" + id] + "]";
  chat->fake().kv()[std::string(kResponseUrlBatchPrefix) + "damaged"] = "[{\"id\":1}]";
  restart();  // the stale records and batches are dropped at start
  EXPECT_EQ(chat->fake().kv().count("r/" + id), 0u);
  EXPECT_EQ(chat->fake().kv().count(stale_batch), 0u);
  EXPECT_EQ(stored_records(), 2u);
  EXPECT_EQ(chat->fake().active_timers(), 1u);  // the periodic sweep
}

TEST_F(SlashPluginTest, DisabledCommandsAnswer501ButBuiltinsWork) {
  boot(R"({"ServiceSettings":{"EnableCommands":false}})");
  chat->act_as(kAdmin, "system_user system_admin");
  const auto& r = chat->call("POST", "/api/v4/commands",
                             R"({"team_id":")" + kTeam +
                                 R"(","trigger":"x","method":"P","url":"https://e.com"})");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(error_id(r), "api.command.disabled.app_error");
  EXPECT_EQ(chat->call("GET", "/api/v4/commands?team_id=" + kTeam).status, 501);
  EXPECT_EQ(execute("/me waves").status, 200);
  ASSERT_EQ(chat->posts().size(), 1u);
}

TEST_F(SlashPluginTest, ListGetUpdateDeleteRegen) {
  auto c = create("deploy");
  std::string id = c["id"].GetString();
  std::string token = c["token"].GetString();

  chat->act_as(kAlice);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands?team_id=" + kTeam + "&custom_only=true").status,
            403);
  const auto& member_list = chat->call("GET", "/api/v4/commands?team_id=" + kTeam);
  ASSERT_EQ(member_list.status, 200);
  EXPECT_EQ(member_list.body.find(token), std::string::npos);  // sanitised
  EXPECT_NE(member_list.body.find("\"trigger\":\"deploy\""), std::string::npos);
  EXPECT_NE(member_list.body.find("\"trigger\":\"echo\""), std::string::npos);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands/" + id).status, 404);  // existence hidden
  chat->act_as(kBob);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands?team_id=" + kTeam).status, 403);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands").status, 400);

  chat->act_as(kTeamAdmin);
  const auto& list = chat->call("GET", "/api/v4/commands?team_id=" + kTeam + "&custom_only=true");
  ASSERT_EQ(list.status, 200);
  auto arr = json(list.body);
  ASSERT_EQ(arr.Size(), 1u);
  EXPECT_EQ(std::string(arr[0]["token"].GetString()), token);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands/" + id).status, 200);
  EXPECT_EQ(chat->call("GET", "/api/v4/commands/bad").status, 400);

  std::string update = R"({"id":")" + id + R"(","team_id":")" + kTeam +
                       R"(","trigger":"Ship","method":"G","url":"https://e.com/x"})";
  const auto& updated = chat->call("PUT", "/api/v4/commands/" + id, update);
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto u = json(updated.body);
  EXPECT_STREQ(u["trigger"].GetString(), "ship");
  EXPECT_EQ(std::string(u["token"].GetString()), token);
  EXPECT_EQ(std::string(u["creator_id"].GetString()), kAdmin);

  std::string moved = R"({"id":")" + id + R"(","team_id":")" + kOtherTeam +
                      R"(","trigger":"ship","method":"G","url":"https://e.com/x"})";
  EXPECT_EQ(error_id(chat->call("PUT", "/api/v4/commands/" + id, moved)),
            "api.command.team_mismatch.app_error");

  const auto& regen = chat->call("PUT", "/api/v4/commands/" + id + "/regen_token");
  ASSERT_EQ(regen.status, 200);
  auto t = json(regen.body);
  ASSERT_TRUE(t.HasMember("token"));
  EXPECT_NE(std::string(t["token"].GetString()), token);
  EXPECT_FALSE(t.HasMember("id"));

  const auto& del = chat->call("DELETE", "/api/v4/commands/" + id);
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.body, R"({"status":"OK"})");
  EXPECT_EQ(chat->call("GET", "/api/v4/commands/" + id).status, 404);
  EXPECT_EQ(execute("/ship").status, 404);
}

TEST_F(SlashPluginTest, MoveToAnotherTeam) {
  auto c = create("deploy", "P", R"(,"auto_complete":true)");
  std::string id = c["id"].GetString();
  chat->fake().add_team_member(kOtherTeam, kTeamAdmin);
  chat->act_as(kTeamAdmin);
  std::string body = R"({"team_id":")" + kOtherTeam + "\"}";
  EXPECT_EQ(chat->call("PUT", "/api/v4/commands/" + id + "/move", body).status, 403);
  EXPECT_EQ(chat->call("PUT", "/api/v4/commands/" + id + "/move", "{}").status, 400);
  chat->act_as(kAdmin, "system_user system_admin");
  const auto& moved = chat->call("PUT", "/api/v4/commands/" + id + "/move", body);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.body, R"({"status":"OK"})");
  auto got = json(chat->call("GET", "/api/v4/commands/" + id).body);
  EXPECT_EQ(std::string(got["team_id"].GetString()), kOtherTeam);
  EXPECT_EQ(execute("/deploy").status, 404);  // no longer a command of the channel's team
}

TEST_F(SlashPluginTest, AutocompleteListsSanitisedCommandsAndBuiltins) {
  auto c = create("deploy", "P", R"(,"auto_complete":true)");
  create("hidden");
  chat->act_as(kAlice);
  const auto& r = chat->call("GET", "/api/v4/teams/" + kTeam + "/commands/autocomplete");
  ASSERT_EQ(r.status, 200);
  auto list = json(r.body);
  ASSERT_EQ(list.Size(), 5u);  // deploy + echo, help, me, shrug
  EXPECT_STREQ(list[0]["trigger"].GetString(), "deploy");
  EXPECT_STREQ(list[0]["token"].GetString(), "");
  chat->act_as(kBob);
  EXPECT_EQ(chat->call("GET", "/api/v4/teams/" + kTeam + "/commands/autocomplete").status, 403);
}

TEST_F(SlashPluginTest, CommandsSurviveARestart) {
  create("deploy");
  ASSERT_EQ(chat->configure(), PB_OK);
  restart();
  execute("/deploy");
  EXPECT_EQ(chat->fetches().size(), 1u);
}

// Wire spec §10 case 38.
TEST_F(SlashPluginTest, ExecuteErrors) {
  for (std::string bad : {"", "/", "getcommand"}) {
    const auto& r = execute(bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(error_id(r), "api.command.execute_command.start.app_error");
  }
  const auto& junk = execute("/junk");
  EXPECT_EQ(junk.status, 404);
  EXPECT_EQ(error_id(junk), "api.command.execute_command.not_found.app_error");
  EXPECT_EQ(execute("/me hi", kBob).status, 403);
  EXPECT_EQ(execute("/me hi", kAlice, "nochannel" + std::string(17, 'x')).status, 403);
  EXPECT_EQ(execute("/me hi", kAlice, "short").status, 400);
  chat->act_as(kAlice);
  EXPECT_EQ(chat->call("POST", "/api/v4/commands/execute", "[").status, 400);
  chat->fake().set_fallback_identity(std::nullopt);
  EXPECT_EQ(chat->call("POST", "/api/v4/commands/execute", "{}").status, 401);
  EXPECT_TRUE(chat->posts().empty());
}

// Wire spec §5.4 / §10 case 39.
TEST_F(SlashPluginTest, PostCommandGetsTheFormWithEveryField) {
  auto c = create("deploy");
  const auto& r = execute("/Deploy prod now");
  EXPECT_FALSE(r.answered);
  ASSERT_EQ(chat->fetches().size(), 1u);
  const auto& f = chat->fetches()[0];
  EXPECT_EQ(f.method, "POST");
  EXPECT_EQ(f.url, "http://cmd.local/run?cmd=ourCommand");
  EXPECT_EQ(f.header("Authorization"), "Token " + std::string(c["token"].GetString()));
  EXPECT_EQ(f.header("Accept"), "application/json");
  EXPECT_EQ(f.header("Content-Type"), "application/x-www-form-urlencoded");
  for (const std::string& part : std::vector<std::string>{"command=%2Fdeploy", "text=prod+now", "user_name=alice",
                           "channel_name=town-square", "user_id=" + kAlice,
                           "channel_id=" + kChannel, "team_id=" + kTeam,
                           "token=" + std::string(c["token"].GetString()),
                           "response_url=https%3A%2F%2Fchat.example.com%2Fhooks%2Fcommands%2F",
                           "trigger_id=", "team_domain="}) {
    EXPECT_NE(f.body.find(part), std::string::npos) << part << " in " << f.body;
  }
  chat->answer(0, 200, "hello");
  ASSERT_TRUE(r.answered);
  EXPECT_EQ(r.status, 200);
  auto doc = json(r.body);
  EXPECT_STREQ(doc["text"].GetString(), "hello");
  EXPECT_EQ(std::string(doc["trigger_id"].GetString()).size(), 26u);
  EXPECT_TRUE(chat->posts().empty());  // plain text: ephemeral, never stored
}

TEST_F(SlashPluginTest, GetCommandGetsTheParametersInTheQuery) {
  create("deploy", "G");
  execute("/deploy x");
  ASSERT_EQ(chat->fetches().size(), 1u);
  const auto& f = chat->fetches()[0];
  EXPECT_EQ(f.method, "GET");
  EXPECT_TRUE(f.body.empty());
  EXPECT_TRUE(f.url.starts_with("http://cmd.local/run?cmd=ourCommand&channel_id=")) << f.url;
  EXPECT_NE(f.url.find("&token="), std::string::npos);
}

TEST_F(SlashPluginTest, InChannelAnswerIsPostedByTheInvokingUser) {
  create("deploy", "P", R"(,"username":"deploybot")");
  const auto& r = execute("/deploy prod");
  chat->answer(0, 200,
               R"({"response_type":"in_channel","text":"deployed","username":"resp","props":{"k":"v"}})",
               {{"Content-Type", "application/json; charset=utf-8"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(chat->posts().size(), 1u);
  const auto& p = chat->posts()[0];
  EXPECT_EQ(p.user_id, kAlice);
  EXPECT_EQ(p.channel_id, kChannel);
  EXPECT_EQ(p.message, "deployed");
  EXPECT_EQ(p.flags, PB_POST_TRIGGER_WEBHOOKS | PB_POST_SLACK_PROCESSED);  // processed, fires hooks
  auto props = json(p.props_json);
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_STREQ(props["k"].GetString(), "v");
  EXPECT_FALSE(props.HasMember("override_username"));  // overrides are off by default
}

TEST_F(SlashPluginTest, CommandUsernameWinsWhenOverridesAreOn) {
  boot(R"({"ServiceSettings":{"EnablePostUsernameOverride":true,"EnablePostIconOverride":true}})");
  create("deploy", "P", R"(,"username":"deploybot")");
  execute("/deploy");
  chat->answer(0, 200,
               R"({"response_type":"in_channel","text":"x","username":"resp","icon_url":"http://i/r"})",
               {{"Content-Type", "application/json"}});
  ASSERT_EQ(chat->posts().size(), 1u);
  auto props = json(chat->posts()[0].props_json);
  EXPECT_STREQ(props["override_username"].GetString(), "deploybot");
  EXPECT_STREQ(props["override_icon_url"].GetString(), "http://i/r");
}

TEST_F(SlashPluginTest, EphemeralAndOtherTypesAreNeverStored) {
  create("deploy");
  const auto& r = execute("/deploy");
  chat->answer(0, 200, R"({"response_type":"ephemeral","text":"only you"})",
               {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_STREQ(json(r.body)["text"].GetString(), "only you");
  const auto& r2 = execute("/deploy");
  chat->answer(1, 200, R"({"response_type":"weird","text":"x"})",
               {{"Content-Type", "application/json"}});
  EXPECT_EQ(r2.status, 200);
  EXPECT_TRUE(chat->posts().empty());
}

TEST_F(SlashPluginTest, ExtraResponsesArePostedInOrder) {
  create("deploy");
  const auto& r = execute("/deploy");
  chat->answer(0, 200,
               R"({"response_type":"in_channel","text":"one","extra_responses":[
                   {"response_type":"ephemeral","text":"hidden"},
                   {"response_type":"in_channel","text":"two","attachments":[{"text":"a"}]}]})",
               {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(chat->posts().size(), 2u);
  EXPECT_EQ(chat->posts()[0].message, "one");
  EXPECT_EQ(chat->posts()[1].message, "two");
  EXPECT_NE(chat->posts()[1].props_json.find("\"attachments\":[{\"text\":\"a\"}]"),
            std::string::npos);
}

TEST_F(SlashPluginTest, SkipSlackParsingMarksThePostProcessed) {
  create("deploy");
  execute("/deploy");
  chat->answer(0, 200, R"({"response_type":"in_channel","text":"<a|b>","skip_slack_parsing":true})",
               {{"Content-Type", "application/json"}});
  ASSERT_EQ(chat->posts().size(), 1u);
  EXPECT_TRUE(chat->posts()[0].flags & PB_POST_SLACK_PROCESSED);
  EXPECT_EQ(chat->posts()[0].message, "<a|b>");
}

// Wire spec §5.5 errors.
TEST_F(SlashPluginTest, FailedCallsAnswer500WithTheSpecifiedIds) {
  create("deploy");
  const auto& non200 = execute("/deploy");
  chat->answer(0, 201, "created");
  EXPECT_EQ(non200.status, 500);
  EXPECT_EQ(error_id(non200), "api.command.execute_command.failed_resp.app_error");
  const auto& down = execute("/deploy");
  chat->fail(1, PB_E_TIMEOUT);
  EXPECT_EQ(error_id(down), "api.command.execute_command.failed.app_error");
  const auto& garbage = execute("/deploy");
  chat->answer(2, 200, "{\"text\": }", {{"Content-Type", "application/json"}});
  EXPECT_EQ(error_id(garbage), "api.command.execute_command.failed.app_error");
  const auto& empty = execute("/deploy");
  chat->answer(3, 200, "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(error_id(empty), "api.command.execute_command.failed.app_error");
  const auto& sys = execute("/deploy");
  chat->answer(4, 200, R"({"response_type":"in_channel","text":"x","type":"system_join"})",
               {{"Content-Type", "application/json"}});
  EXPECT_EQ(error_id(sys), "api.command.execute_command.create_post_failed.app_error");
  const auto& elsewhere = execute("/deploy");
  chat->answer(5, 200,
               R"({"response_type":"in_channel","text":"x","channel_id":")" + kOtherChannel + "\"}",
               {{"Content-Type", "application/json"}});
  EXPECT_EQ(elsewhere.status, 500);
  EXPECT_EQ(error_id(elsewhere), "api.command.execute_command.create_post_failed.app_error");
  // The core refuses a reply to a post that does not exist.
  chat->act_as(kAlice);
  const auto& refused = chat->call("POST", "/api/v4/commands/execute",
                                   R"({"command":"/deploy","channel_id":")" + kChannel +
                                       R"(","root_id":")" + std::string(26, 'n') + "\"}");
  chat->answer(6, 200, R"({"response_type":"in_channel","text":"x"})",
               {{"Content-Type", "application/json"}});
  EXPECT_EQ(error_id(refused), "api.command.execute_command.create_post_failed.app_error");
  EXPECT_TRUE(chat->posts().empty());
}

// Wire spec §10 case 46.
TEST_F(SlashPluginTest, BuiltinsMeShrugEcho) {
  ASSERT_EQ(execute("/me hello").status, 200);
  ASSERT_EQ(execute("/shrug").status, 200);
  ASSERT_EQ(execute("/shrug oh well").status, 200);
  ASSERT_EQ(execute("/echo repeat me").status, 200);
  ASSERT_EQ(chat->posts().size(), 4u);
  EXPECT_EQ(chat->posts()[0].type, "me");
  EXPECT_EQ(chat->posts()[0].message, "*hello*");
  EXPECT_EQ(chat->posts()[1].message, "¯\\\\\\_(ツ)\\_/¯");
  EXPECT_EQ(chat->posts()[2].message, "oh well ¯\\\\\\_(ツ)\\_/¯");
  EXPECT_EQ(chat->posts()[3].message, "repeat me");
  for (const auto& p : chat->posts()) {
    EXPECT_EQ(p.user_id, kAlice);
    EXPECT_EQ(p.flags, PB_POST_TRIGGER_WEBHOOKS);
    EXPECT_EQ(p.props_json.find("from_webhook"), std::string::npos);
  }
}

TEST_F(SlashPluginTest, EchoDelayAndErrors) {
  const auto& empty = execute("/echo");
  EXPECT_EQ(empty.status, 200);
  EXPECT_NE(empty.body.find("A message must be provided"), std::string::npos);
  const auto& tooLong = execute("/echo hi 10001");
  EXPECT_NE(tooLong.body.find("under 10000 seconds"), std::string::npos);
  EXPECT_EQ(execute("/echo \\\"quoted text\\\" 5").status, 200);
  EXPECT_TRUE(chat->posts().empty());
  chat->fake().advance(4999);
  chat->flush();
  EXPECT_TRUE(chat->posts().empty());
  chat->fake().advance(1);
  chat->flush();
  ASSERT_EQ(chat->posts().size(), 1u);
  EXPECT_EQ(chat->posts()[0].message, "quoted text");
}

// Response_url `id` as stored in a batch value ("rb/..."), or alone ("r/<id>").
std::optional<ResponseUrlRecord> batched_record(ChatFake& chat, const std::string& id) {
  for (const auto& [key, value] : chat.fake().kv()) {
    if (!key.starts_with(kResponseUrlBatchPrefix)) continue;
    auto batch = response_url_batch_from_record(value);
    if (!batch) continue;
    for (auto& record : *batch) {
      if (record.id == id) return record;
    }
  }
  return std::nullopt;
}
std::optional<ResponseUrlRecord> alone_record(ChatFake& chat, const std::string& id) {
  auto it = chat.fake().kv().find(std::string(kResponseUrlPrefix) + id);
  if (it == chat.fake().kv().end()) return std::nullopt;
  return response_url_from_record(it->second);
}

std::string response_url_id(const sdk::FakeHost::Fetched& f) {
  std::string key = "hooks%2Fcommands%2F";
  size_t at = f.body.find(key);
  return at == std::string::npos ? "" : f.body.substr(at + key.size(), 26);
}

// Wire spec §5.6 / §10 case 45.
TEST_F(SlashPluginTest, ResponseUrlFiveUsesThenRefused) {
  create("deploy", "P", R"(,"username":"deploybot")");
  execute("/deploy");
  std::string id = response_url_id(chat->fetches().at(0));
  ASSERT_EQ(id.size(), 26u);
  chat->answer(0, 200, "");
  write_response_urls();
  EXPECT_TRUE(batched_record(*chat, id));

  sdk::FakeHost::Headers json_type{{"Content-Type", "application/json"}};
  const auto& unknown =
      chat->call("POST", "/hooks/commands/" + std::string(26, 'z'), R"({"text":"x"})", json_type);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_id(unknown), "app.command_webhook.get.missing");
  const auto& broken = chat->call("POST", "/hooks/commands/" + id, R"({"text":"invalid)", json_type);
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(error_id(broken), "web.command_webhook.parse.app_error");

  for (int i = 0; i < 5; ++i) {
    const auto& r = chat->call("POST", "/hooks/commands/" + id,
                               R"({"response_type":"in_channel","text":"later"})", json_type);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(r.content_type, "text/plain");
  }
  const auto& sixth = chat->call("POST", "/hooks/commands/" + id,
                                 R"({"response_type":"in_channel","text":"later"})", json_type);
  EXPECT_EQ(sixth.status, 400);
  EXPECT_EQ(error_id(sixth), "app.command_webhook.try_use.invalid");
  ASSERT_EQ(chat->posts().size(), 5u);
  EXPECT_EQ(chat->posts()[0].user_id, kAlice);
  EXPECT_EQ(chat->posts()[0].channel_id, kChannel);
  EXPECT_TRUE(chat->posts()[0].flags & PB_POST_SLACK_PROCESSED);
  EXPECT_NE(chat->fake().kv()["r/" + id].find("\"uses\":5"), std::string::npos);
}

TEST_F(SlashPluginTest, ResponseUrlSurvivesARestartWithItsUses) {
  create("deploy");
  execute("/deploy");
  std::string id = response_url_id(chat->fetches().at(0));
  chat->answer(0, 200, "");
  sdk::FakeHost::Headers json_type{{"Content-Type", "application/json"}};
  ASSERT_EQ(chat->call("POST", "/hooks/commands/" + id, "plain later").status, 200);
  restart();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(chat->call("POST", "/hooks/commands/" + id, R"({"text":"x"})", json_type).status, 200);
  }
  EXPECT_EQ(chat->call("POST", "/hooks/commands/" + id, R"({"text":"x"})", json_type).status, 400);
}

std::string SlashPluginTest::execute_for_response_url() {
  size_t call = chat->fetches().size();
  execute("/deploy");
  std::string id = response_url_id(chat->fetches().at(call));
  chat->answer(call, 200, "");
  return id;
}

// New records are written together kResponseUrlFlushMs after the first of them, as one batch
// value, and are usable before that; once written they survive a restart.
TEST_F(SlashPluginTest, ResponseUrlRecordsAreWrittenTogetherAfterTheFlushDelay) {
  create("deploy");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(execute_for_response_url());
  chat->fake().advance(kResponseUrlFlushMs - 1);
  chat->flush();
  EXPECT_EQ(stored_records(), 1u);  // the command only
  EXPECT_EQ(chat->fake().pending_kv_writes(), 0u);
  chat->fake().advance(1);
  EXPECT_EQ(chat->fake().pending_kv_writes(), 1u);  // one value for the three
  chat->flush();
  EXPECT_EQ(stored_records(), 2u);
  for (const auto& id : ids) {
    auto stored = batched_record(*chat, id);
    ASSERT_TRUE(stored) << id;
    EXPECT_EQ(stored->uses, 0);
    EXPECT_EQ(stored->user_id, kAlice);
  }
  EXPECT_EQ(chat->fake().active_timers(), 1u);  // only the sweep: the one-shot is gone
  restart();
  for (const auto& id : ids) EXPECT_EQ(use_response_url(id), 200) << id;
}

// A use is durable at once with the whole record under its own key, which wins over the
// record's copy in a batch after a restart; a batch written after a use carries the use too.
TEST_F(SlashPluginTest, ResponseUrlUsesSurviveWhetherBeforeOrAfterTheBatch) {
  create("deploy");
  std::string used_early = execute_for_response_url();
  ASSERT_EQ(use_response_url(used_early), 200);
  ASSERT_TRUE(alone_record(*chat, used_early));
  EXPECT_EQ(alone_record(*chat, used_early)->uses, 1);
  write_response_urls();
  EXPECT_EQ(batched_record(*chat, used_early)->uses, 1);

  std::string used_late = execute_for_response_url();
  write_response_urls();
  EXPECT_EQ(batched_record(*chat, used_late)->uses, 0);
  ASSERT_EQ(use_response_url(used_late), 200);
  ASSERT_EQ(use_response_url(used_late), 200);
  EXPECT_EQ(alone_record(*chat, used_late)->uses, 2);

  restart();
  std::vector<int> early, late;
  for (int i = 0; i < 5; ++i) early.push_back(use_response_url(used_early));
  for (int i = 0; i < 4; ++i) late.push_back(use_response_url(used_late));
  EXPECT_EQ(early, (std::vector<int>{200, 200, 200, 200, 400}));
  EXPECT_EQ(late, (std::vector<int>{200, 200, 200, 400}));
}

// The crash window (README "response_url"): a crash before the flush loses the records made
// since the last one; an integration using one after the restart gets 404.
TEST_F(SlashPluginTest, ResponseUrlNotYetWrittenIsLostInACrash) {
  create("deploy");
  std::string id = execute_for_response_url();
  restart();  // copies the store as it is: the timer never fired
  EXPECT_EQ(use_response_url(id), 404);
}

// A burst of kMaxUnwrittenResponseUrls executes is written without waiting for the timer.
TEST_F(SlashPluginTest, ResponseUrlBurstIsWrittenAtTheBound) {
  create("deploy");
  chat->act_as(kAlice);
  for (size_t i = 0; i < kMaxUnwrittenResponseUrls; ++i) {
    chat->fake().request("POST", "/api/v4/commands/execute", {},
                         R"({"command":"/deploy","channel_id":")" + kChannel + R"("})");
  }
  EXPECT_EQ(chat->fake().pending_kv_writes(), 1u);
  chat->flush();
  EXPECT_EQ(stored_records(), 2u);  // the command and one batch of them all
  EXPECT_EQ(chat->fake().active_timers(), 1u);  // the flush timer was stopped
}

// Plugin commands on the bus (plugin_commands.h): a registration published on command.register
// is taken, lists and /help show it, and execute publishes command.invoked; on FakeHost no
// plugin intercepts that, so nobody answers: 500 failed, nothing posted, nothing fetched.
TEST_F(SlashPluginTest, PluginCommandRegisteredButUnanswered) {
  const auto& reg = chat->fake().publish_intercept(
      "command.register", R"({"plugin_id":"acme","trigger":"Acme","auto_complete_desc":"Acme things"})");
  chat->flush();
  ASSERT_TRUE(reg.done);
  EXPECT_EQ(reg.verdict, PB_VERDICT_ALLOW) << reg.error_id;
  const auto& dup = chat->fake().publish_intercept("command.register",
                                                   R"({"plugin_id":"other","trigger":"acme"})");
  chat->flush();
  EXPECT_EQ(dup.verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(dup.http_status, 400);
  EXPECT_EQ(dup.error_id, "api.command.duplicate_trigger.app_error");

  chat->act_as(kAlice);
  const auto& list = chat->call("GET", "/api/v4/teams/" + kTeam + "/commands/autocomplete");
  EXPECT_NE(list.body.find(R"("plugin_id":"acme")"), std::string::npos) << list.body;
  const auto& help = execute("/help");
  ASSERT_EQ(help.status, 200);
  EXPECT_NE(help.body.find("/acme` Acme things"), std::string::npos) << help.body;

  const auto& r = execute("/acme go");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(error_id(r), "api.command.execute_command.failed.app_error");
  EXPECT_TRUE(chat->posts().empty());
  EXPECT_TRUE(chat->fetches().empty());

  const auto& gone = chat->fake().publish_intercept(
      "command.unregister", R"({"plugin_id":"acme","trigger":"acme"})");
  chat->flush();
  EXPECT_EQ(gone.verdict, PB_VERDICT_ALLOW);
  EXPECT_EQ(execute("/acme go").status, 404);
  const auto& again = chat->fake().publish_intercept(
      "command.unregister", R"({"plugin_id":"acme","trigger":"acme"})");
  chat->flush();
  EXPECT_EQ(again.http_status, 404);
}

TEST_F(SlashPluginTest, HelpIsEphemeralAndListsAutocompleteCommands) {
  create("deploy", "P", R"(,"auto_complete":true,"auto_complete_hint":"[env]","auto_complete_desc":"Ship")");
  create("hidden");
  const auto& r = execute("/help");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = json(r.body);
  EXPECT_STREQ(doc["response_type"].GetString(), "ephemeral");
  std::string text = doc["text"].GetString();
  EXPECT_NE(text.find("/deploy [env]` Ship"), std::string::npos) << text;
  EXPECT_NE(text.find("/shrug [message]`"), std::string::npos) << text;
  EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
  EXPECT_TRUE(chat->posts().empty());
}

TEST_F(SlashPluginTest, AutocompleteSuggestionsRoute) {
  create("deploy", "P", R"(,"auto_complete":true,"auto_complete_desc":"Ship")");
  chat->act_as(kAlice);
  std::string base = "/api/v4/teams/" + kTeam + "/commands/autocomplete_suggestions";
  const auto& r = chat->call("GET", base + "?user_input=%2Fde&channel_id=" + kChannel);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            R"([{"Complete":"deploy","Suggestion":"deploy","Hint":"","Description":"Ship","IconData":""}])");
  EXPECT_EQ(chat->call("GET", base + "?user_input=ech").body.find("\"Suggestion\":\"echo\"") !=
                std::string::npos,
            true);
  for (std::string bad : {"", "?user_input=", "?user_input=%2", "?user_input=%zz"}) {
    const auto& e = chat->call("GET", base + bad);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_EQ(error_id(e), "api.context.invalid_url_param.app_error") << bad;
  }
  chat->act_as(kBob);
  EXPECT_EQ(chat->call("GET", base + "?user_input=%2Fde").status, 403);
}

// §5.4: the @user and ~channel mentions of the text that are team members and public channels
// of the team go to the command URL as repeated pairs.
TEST_F(SlashPluginTest, MentionsOfTeamMembersAndPublicChannelsAreSent) {
  create("deploy");
  execute("/deploy to @Alice @bob @nobody @tadmin ~town-square ~off-topic ~missing");
  ASSERT_EQ(chat->fetches().size(), 1u);
  const std::string& body = chat->fetches()[0].body;
  EXPECT_NE(body.find("&user_mentions=alice&user_mentions=tadmin&user_mentions_ids=" + kAlice +
                      "&user_mentions_ids=" + kTeamAdmin + "&"),
            std::string::npos) << body;  // bob is in no team, nobody does not exist
  EXPECT_NE(body.find("&channel_mentions=town-square&channel_mentions_ids=" + kChannel + "&"),
            std::string::npos) << body;  // off-topic is private
  EXPECT_EQ(body.find("off-topic&"), std::string::npos) << body;
  chat->answer(0, 200, "");
}

// §5.4: the integration gets a trigger id signed by the server's key (kept across restarts);
// the caller gets its unsigned client half.
TEST_F(SlashPluginTest, TriggerIdIsSignedAndTheCallerGetsItsClientHalf) {
  create("deploy");
  const auto& r = execute("/deploy");
  ASSERT_EQ(chat->fetches().size(), 1u);
  const std::string& body = chat->fetches()[0].body;
  size_t at = body.find("trigger_id=");
  ASSERT_NE(at, std::string::npos);
  std::string signed_id = body.substr(at + 11, body.find('&', at) - at - 11);
  for (auto [from, to] : {std::pair{"%2B", "+"}, std::pair{"%2F", "/"}, std::pair{"%3D", "="}}) {
    for (size_t p = signed_id.find(from); p != std::string::npos; p = signed_id.find(from)) {
      signed_id.replace(p, 3, to);
    }
  }
  chat->answer(0, 200, "ok");
  ASSERT_TRUE(r.answered);
  std::string client = json(r.body)["trigger_id"].GetString();
  EXPECT_EQ(client.size(), 26u);

  auto key = trigger_key_from_record(chat->fake().kv()[std::string(kTriggerKeyName)]);
  ASSERT_TRUE(key);
  auto verified = verify_trigger_id(*key, signed_id, now_ms(), 60000);
  ASSERT_TRUE(verified) << signed_id;
  EXPECT_EQ(verified->client_trigger_id, client);
  EXPECT_EQ(verified->user_id, kAlice);
  restart();
  EXPECT_EQ(chat->fake().kv()[std::string(kTriggerKeyName)], trigger_key_record(*key));
}

}  // namespace
}  // namespace pb::slash
