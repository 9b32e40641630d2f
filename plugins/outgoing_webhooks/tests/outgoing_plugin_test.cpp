// The plugin through the host ABI: management API (wire spec §4.5), which posts fire (§4.2),
// deliveries staged with the post and made through http_fetch (§4.3), replies (§4.4), the
// per-hook queue, resuming after a restart, metrics.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include <patchbay/fake_host.hpp>

#include "plugins/outgoing_webhooks/outgoing_plugin.h"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::outgoing {
namespace {

using sdk::FakeHost;
using Post = sdk::FakeHost::Post;

const std::string kTeam = "team1aaaaaaaaaaaaaaaaaaaaa";
const std::string kOtherTeam = "team2aaaaaaaaaaaaaaaaaaaaa";
const std::string kOpen = "chanopenaaaaaaaaaaaaaaaaaa";
const std::string kOpen2 = "chanopen2aaaaaaaaaaaaaaaaa";
const std::string kPrivate = "chanprivaaaaaaaaaaaaaaaaaa";
const std::string kOtherTeamChannel = "chanotheraaaaaaaaaaaaaaaaa";
const std::string kAdmin = "adminaaaaaaaaaaaaaaaaaaaaa";
const std::string kTeamAdmin = "teamadminaaaaaaaaaaaaaaaaa";
const std::string kUser = "useraaaaaaaaaaaaaaaaaaaaaa";

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  EXPECT_FALSE(d.HasParseError()) << s;
  return d;
}

class OutgoingPluginTest : public ::testing::Test {
 protected:
  void SetUp() override { boot(); }

  void boot(std::string_view settings = "{}", std::string config = "") {
    new_host();
    host->add_channel(kOpen2, kTeam, "O", "off-topic");
    host->add_channel(kPrivate, kTeam, "P", "secret");
    host->add_channel(kOtherTeamChannel, kOtherTeam, "O", "elsewhere");
    host->add_team_member(kTeam, kTeamAdmin, "team_user team_admin");
    host->add_team_member(kTeam, kUser, "team_user");
    FakeHost::User alice;
    alice.id = kUser;
    alice.username = "alice";
    host->add_user(alice);
    FakeHost::User admin;
    admin.id = kAdmin;
    admin.username = "admin";
    host->add_user(admin);
    if (!config.empty()) host->set_config_json(config);
    ASSERT_EQ(host->init(settings), PB_OK);
    ASSERT_EQ(host->start(), PB_OK);
    as(kAdmin, "system_user system_admin");
  }

  // Restarts the plugin on the same store.
  void restart() {
    auto kv = host->kv();
    new_host();
    host->kv() = kv;
    ASSERT_EQ(host->init(), PB_OK);
    ASSERT_EQ(host->start(), PB_OK);
    host->run_pending();
  }

  // A fresh host for the plugin, with the channel every test posts in.
  void new_host() {
    host.reset();
    host = std::make_unique<FakeHost>(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
    host->add_channel(kOpen, kTeam, "O", "town-square");
  }

  // Every outbound request so far, oldest first.
  const std::deque<FakeHost::Fetched>& fetches() const { return host->fetched(); }
  // Ends fetch `i` (index into fetches()) with an HTTP response / an error, then runs what follows.
  void respond(size_t i, int status, std::string body) {
    host->complete_fetch(fetches().at(i).id, FakeHost::FetchReply::ok(status, std::move(body)));
    host->run_pending();
  }
  void fail(size_t i, int status, std::string detail) {
    host->complete_fetch(fetches().at(i).id, FakeHost::FetchReply::error(status, std::move(detail)));
    host->run_pending();
  }
  // The reply posts the plugin made (through post_create).
  const std::vector<Post>& replies() const { return host->plugin_posts(); }

  void as(const std::string& user, const std::string& roles) {
    host->set_fallback_identity(sdk::FakeHost::Identity{user, "session", roles});
  }

  const sdk::FakeHost::Response& call(std::string_view method, std::string_view target,
                                      std::string_view body = {}) {
    const auto& r = host->request(method, target, {}, body);
    host->run_pending();
    return r;
  }

  // Creates a hook as the system admin and returns its JSON.
  rapidjson::Document create(const std::string& body) {
    const auto& r = call("POST", "/api/v4/hooks/outgoing", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r.body);
  }

  std::string hook_body(const std::string& extra) {
    return R"({"team_id":")" + kTeam + R"(","callback_urls":["http://cb.local/hook"])" + extra + "}";
  }

  const sdk::FakeHost::ChainResult& user_post(std::string channel, std::string message,
                                              uint32_t flags = PB_POST_TRIGGER_WEBHOOKS,
                                              std::string type = "") {
    Post p;
    std::string seq = std::to_string(++post_seq);
    p.id = "p" + seq + std::string(25 - seq.size(), 'x');
    p.channel_id = std::move(channel);
    p.user_id = kUser;
    p.message = std::move(message);
    p.type = std::move(type);
    p.flags = flags;
    p.create_at = 1700000000123;
    const auto& r = host->create_post(p);
    host->run_pending();
    return r;
  }

  size_t stored_deliveries() {
    size_t n = 0;
    for (const auto& [k, v] : host->kv()) n += k.starts_with("q/");
    return n;
  }
  size_t stored_hooks() {
    size_t n = 0;
    for (const auto& [k, v] : host->kv()) n += k.starts_with("h/");
    return n;
  }

  std::unique_ptr<FakeHost> host;
  int post_seq = 0;
};

// ---- management API -----------------------------------------------------------------------

TEST_F(OutgoingPluginTest, CreateAnswers201WithTheWholeHookAndStoresIt) {
  auto hook = create(hook_body(R"(,"trigger_words":["deploy"],"display_name":"D","content_type":"application/json")"));
  EXPECT_EQ(std::string(hook["id"].GetString()).size(), 26u);
  EXPECT_EQ(std::string(hook["token"].GetString()).size(), 26u);
  EXPECT_STREQ(hook["creator_id"].GetString(), kAdmin.c_str());
  EXPECT_STREQ(hook["team_id"].GetString(), kTeam.c_str());
  EXPECT_GT(hook["create_at"].GetInt64(), 0);
  EXPECT_EQ(hook["trigger_when"].GetInt(), 0);
  EXPECT_EQ(stored_hooks(), 1u);
}

TEST_F(OutgoingPluginTest, PlainUsersAre403TeamAdminsMayCreate) {
  as(kUser, "system_user");
  auto& denied = call("POST", "/api/v4/hooks/outgoing", hook_body(R"(,"trigger_words":["a"])"));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("api.context.permissions.app_error"), std::string::npos);
  as(kTeamAdmin, "system_user");
  EXPECT_EQ(call("POST", "/api/v4/hooks/outgoing", hook_body(R"(,"trigger_words":["a"])")).status, 201);
  // A team admin of one team manages nothing in another.
  auto other = R"({"team_id":")" + kOtherTeam + R"(","trigger_words":["a"],"callback_urls":["http://x/"]})";
  EXPECT_EQ(call("POST", "/api/v4/hooks/outgoing", other).status, 403);
  EXPECT_EQ(stored_hooks(), 1u);
}

TEST_F(OutgoingPluginTest, CreateFailuresAnswerMattermostErrorsAndStoreNothing) {
  struct Case {
    std::string body;
    int status;
    std::string id;
  };
  create(hook_body(R"(,"trigger_words":["taken"])"));
  std::vector<Case> cases = {
      {"{", 400, "api.context.invalid_body_param.app_error"},
      {R"({"trigger_words":["a"],"callback_urls":["http://x/"]})", 400, "api.context.invalid_body_param.app_error"},
      {hook_body(""), 400, "api.webhook.create_outgoing.triggers.app_error"},
      {hook_body(R"(,"channel_id":")" + kPrivate + "\"}"), 403, "api.outgoing_webhook.disabled.app_error"},
      {hook_body(R"(,"channel_id":")" + kOtherTeamChannel + "\"}"), 403, "api.webhook.create_outgoing.permissions.app_error"},
      {hook_body(R"(,"channel_id":"nochannelaaaaaaaaaaaaaaaaa")"), 404, "app.channel.get.existing.app_error"},
      {hook_body(R"(,"trigger_words":["taken","x"])"), 500, "api.webhook.create_outgoing.intersect.app_error"},
      {R"({"team_id":")" + kTeam + R"(","trigger_words":["a"],"callback_urls":["nowhere.com/"]})", 400, "model.outgoing_hook.is_valid.url.app_error"},
      {hook_body(R"(,"trigger_words":["a"],"trigger_when":2)"), 400, "model.outgoing_hook.is_valid.content_type.app_error"},
      {hook_body(R"(,"trigger_words":["a"],"creator_id":"nobodyaaaaaaaaaaaaaaaaaaa")"), 404, "app.user.missing_account.const"},
  };
  // The channel cases end in "}" twice; fix them up to valid JSON.
  for (auto& c : cases) {
    if (c.body.ends_with("\"}}")) c.body.pop_back();
  }
  for (const auto& c : cases) {
    const auto& r = call("POST", "/api/v4/hooks/outgoing", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_NE(r.body.find(c.id), std::string::npos) << c.body << " → " << r.body;
  }
  EXPECT_EQ(stored_hooks(), 1u);
}

TEST_F(OutgoingPluginTest, DisabledAnswers501) {
  boot("{}", R"({"ServiceSettings":{"EnableOutgoingWebhooks":false}})");
  for (auto [m, t] : {std::pair{"POST", "/api/v4/hooks/outgoing"}, {"GET", "/api/v4/hooks/outgoing"}}) {
    const auto& r = call(m, t, hook_body(R"(,"trigger_words":["a"])"));
    EXPECT_EQ(r.status, 501);
    EXPECT_NE(r.body.find("api.outgoing_webhook.disabled.app_error"), std::string::npos);
  }
}

TEST_F(OutgoingPluginTest, ListFiltersByTeamAndChannelAndPages) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  create(hook_body(R"(,"trigger_words":["b"],"channel_id":")" + kOpen + "\""));
  create(hook_body(R"(,"trigger_words":["c"],"channel_id":")" + kOpen + "\""));
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing?team_id=" + kTeam).body).Size(), 3u);
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing?channel_id=" + kOpen).body).Size(), 2u);
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing?team_id=" + kTeam + "&per_page=2&page=1").body).Size(), 1u);
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing?team_id=" + kOtherTeam).body).Size(), 0u);
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing").body).Size(), 3u);
  as(kTeamAdmin, "system_user");
  EXPECT_EQ(call("GET", "/api/v4/hooks/outgoing").status, 403);  // all teams: system admins only
  EXPECT_EQ(parse(call("GET", "/api/v4/hooks/outgoing?team_id=" + kTeam).body).Size(), 3u);
  as(kUser, "system_user");
  EXPECT_EQ(call("GET", "/api/v4/hooks/outgoing?team_id=" + kTeam).status, 403);
  EXPECT_EQ(call("GET", "/api/v4/hooks/outgoing?team_id=bad").status, 400);
}

TEST_F(OutgoingPluginTest, GetUpdateRegenDelete) {
  auto hook = create(hook_body(R"(,"trigger_words":["a"])"));
  std::string id = hook["id"].GetString();
  std::string token = hook["token"].GetString();
  std::string path = "/api/v4/hooks/outgoing/" + id;
  EXPECT_EQ(call("GET", path).status, 200);
  EXPECT_EQ(call("GET", "/api/v4/hooks/outgoing/nosuchhookaaaaaaaaaaaaaaaa").status, 404);
  EXPECT_EQ(call("GET", "/api/v4/hooks/outgoing/short").status, 400);
  as(kUser, "system_user");
  EXPECT_EQ(call("GET", path).status, 403);

  as(kTeamAdmin, "system_user");
  std::string update = R"({"id":")" + id + R"(","team_id":")" + kTeam +
                       R"(","trigger_words":["z"],"trigger_when":1,"callback_urls":["https://new/"],"display_name":"N"})";
  const auto& u = call("PUT", path, update);
  ASSERT_EQ(u.status, 200) << u.body;
  auto updated = parse(u.body);
  EXPECT_STREQ(updated["creator_id"].GetString(), kTeamAdmin.c_str());  // reset to the caller
  EXPECT_STREQ(updated["token"].GetString(), token.c_str());
  EXPECT_EQ(updated["trigger_when"].GetInt(), 1);
  EXPECT_STREQ(updated["display_name"].GetString(), "N");
  EXPECT_EQ(call("PUT", path, R"({"id":"otheridaaaaaaaaaaaaaaaaaaa","trigger_words":["z"],"callback_urls":["http://x/"]})").status, 400);
  const auto& bad = call("PUT", path, R"({"id":")" + id + R"(","callback_urls":["http://x/"]})");
  EXPECT_EQ(bad.status, 500);
  EXPECT_NE(bad.body.find("api.webhook.create_outgoing.triggers.app_error"), std::string::npos);
  EXPECT_EQ(call("PUT", path, R"({"id":")" + id + R"(","trigger_words":["z"],"channel_id":")" + kPrivate + R"(","callback_urls":["http://x/"]})").status, 403);

  const auto& regen = call("POST", path + "/regen_token");
  ASSERT_EQ(regen.status, 200);
  auto regenerated = parse(regen.body);
  EXPECT_STRNE(regenerated["token"].GetString(), token.c_str());
  EXPECT_STREQ(regenerated["id"].GetString(), id.c_str());
  EXPECT_TRUE(regenerated.HasMember("callback_urls"));

  const auto& del = call("DELETE", path);
  EXPECT_EQ(del.status, 200);
  EXPECT_EQ(del.body, R"({"status":"OK"})");
  EXPECT_EQ(call("GET", path).status, 404);
  EXPECT_EQ(stored_hooks(), 0u);
}

// ---- firing and delivery ------------------------------------------------------------------

TEST_F(OutgoingPluginTest, MatchingPostStagesARecordAndCallsTheCallbackWithJson) {
  auto hook = create(hook_body(R"(,"trigger_words":["deploy"],"content_type":"application/json")"));
  auto& r = user_post(kOpen, "deploy prod now");
  ASSERT_NE(r.verdict, PB_VERDICT_REJECT);
  ASSERT_EQ(fetches().size(), 1u);
  EXPECT_EQ(stored_deliveries(), 1u);  // committed with the post
  const auto& f = fetches()[0];
  EXPECT_EQ(f.method, "POST");
  EXPECT_EQ(f.url, "http://cb.local/hook");
  EXPECT_EQ(f.header("Content-Type"), "application/json");
  EXPECT_EQ(f.header("Accept"), "application/json");
  EXPECT_EQ(f.max_response_bytes, 1u << 20);
  auto body = parse(f.body);
  EXPECT_STREQ(body["token"].GetString(), hook["token"].GetString());
  EXPECT_STREQ(body["team_id"].GetString(), kTeam.c_str());
  EXPECT_STREQ(body["channel_id"].GetString(), kOpen.c_str());
  EXPECT_STREQ(body["channel_name"].GetString(), "town-square");
  EXPECT_EQ(body["timestamp"].GetInt64(), 1700000000123);
  EXPECT_STREQ(body["user_id"].GetString(), kUser.c_str());
  EXPECT_STREQ(body["user_name"].GetString(), "alice");
  EXPECT_STREQ(body["post_id"].GetString(), r.post.id.c_str());
  EXPECT_STREQ(body["text"].GetString(), "deploy prod now");
  EXPECT_STREQ(body["trigger_word"].GetString(), "deploy");
  EXPECT_STREQ(body["file_ids"].GetString(), "");

  respond(0, 500, R"({"text":"deploying","response_type":"comment"})");  // status ignored
  ASSERT_EQ(replies().size(), 1u);
  const auto& reply = replies()[0];
  EXPECT_EQ(reply.message, "deploying");
  EXPECT_EQ(reply.root_id, r.post.id);
  EXPECT_EQ(reply.user_id, kAdmin);  // the hook's creator
  EXPECT_EQ(reply.flags, PB_POST_FROM_WEBHOOK);
  EXPECT_NE(reply.props_json.find("\"from_webhook\":\"true\""), std::string::npos);
  EXPECT_EQ(stored_deliveries(), 0u);
  EXPECT_EQ(fetches().size(), 1u);  // the reply fired nothing
}

// team_domain is the team's name (ABI 1.4 team_get), looked up once and then cached.
TEST_F(OutgoingPluginTest, TeamDomainIsTheTeamsNameLookedUpOnceForManyPosts) {
  host->add_team(FakeHost::Team{.id = kTeam, .name = "myteam", .display_name = "My Team"});
  create(hook_body(R"(,"trigger_words":["a"],"content_type":"application/json")"));
  for (int i = 0; i < 3; ++i) user_post(kOpen, "a");
  ASSERT_EQ(fetches().size(), 3u);
  for (const auto& f : fetches()) EXPECT_STREQ(parse(f.body)["team_domain"].GetString(), "myteam");
  EXPECT_EQ(host->team_lookups(), 1u);
}

TEST_F(OutgoingPluginTest, AnUnknownTeamIsSentWithAnEmptyTeamDomain) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  user_post(kOpen, "a");
  user_post(kOpen, "a");
  ASSERT_EQ(fetches().size(), 2u);
  EXPECT_NE(fetches()[0].body.find("&team_domain=&"), std::string::npos) << fetches()[0].body;
  EXPECT_EQ(host->team_lookups(), 1u) << "not found is remembered too";
}

TEST_F(OutgoingPluginTest, FormPayloadWhenContentTypeIsNotJson) {
  create(hook_body(R"(,"trigger_words":["deploy"])"));
  user_post(kOpen, "deploy x");
  ASSERT_EQ(fetches().size(), 1u);
  EXPECT_EQ(fetches()[0].header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_NE(fetches()[0].body.find("&timestamp=1700000000&"), std::string::npos) << fetches()[0].body;
  EXPECT_NE(fetches()[0].body.find("&user_name=alice"), std::string::npos);
}

TEST_F(OutgoingPluginTest, NonCommentReplyIsARootPostAndEmptyBodyPostsNothing) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  user_post(kOpen, "a");
  user_post(kOpen, "a");
  respond(0, 200, R"({"text":"top"})");
  respond(1, 200, "");
  ASSERT_EQ(replies().size(), 1u);
  EXPECT_EQ(replies()[0].root_id, "");
  EXPECT_EQ(stored_deliveries(), 0u);
}

// As Mattermost's CreateWebhookPost: a reply longer than a post (16383 runes) is split, the
// parts posted in order (plugin_posts() is the commit order), each in the thread, the
// attachments on the last only.
TEST_F(OutgoingPluginTest, AFortyThousandCharacterReplyBecomesThreePostsInOrder) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  auto& r = user_post(kOpen, "a");
  const std::string text = std::string(16383, 'a') + std::string(16383, 'b') + std::string(7234, 'c');
  respond(0, 200, R"({"response_type":"comment","text":")" + text +
                      R"(","attachments":[{"text":"att"}]})");
  ASSERT_EQ(replies().size(), 3u);
  EXPECT_EQ(replies()[0].message, std::string(16383, 'a'));
  EXPECT_EQ(replies()[1].message, std::string(16383, 'b'));
  EXPECT_EQ(replies()[2].message, std::string(7234, 'c'));
  for (const auto& part : replies()) {
    EXPECT_EQ(part.root_id, r.post.id);
    EXPECT_EQ(part.user_id, kAdmin);
    EXPECT_EQ(part.flags, PB_POST_FROM_WEBHOOK);
    EXPECT_NE(part.props_json.find("\"from_webhook\":\"true\""), std::string::npos);
  }
  EXPECT_EQ(replies()[0].props_json.find("attachments"), std::string::npos);
  EXPECT_EQ(replies()[1].props_json.find("attachments"), std::string::npos);
  EXPECT_NE(replies()[2].props_json.find("\"att\""), std::string::npos);
  auto m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_EQ(m["replies_posted"].GetInt(), 1);
  EXPECT_EQ(m["reply_errors"].GetInt(), 0);
}

TEST_F(OutgoingPluginTest, AReplyAtTheLimitStaysOnePost) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  user_post(kOpen, "a");
  // 16383 runes, most of them two bytes: the limit counts runes, not bytes.
  std::string text;
  for (int i = 0; i < 16383; ++i) text += i % 2 ? "\u00e9" : "e";
  respond(0, 200, R"({"text":")" + text + R"("})");
  ASSERT_EQ(replies().size(), 1u);
}

TEST_F(OutgoingPluginTest, PostsThatMustNotFire) {
  create(hook_body(R"(,"trigger_words":["deploy"])"));
  user_post(kPrivate, "deploy");                                     // private channel
  user_post(kOpen, "deploy", PB_POST_FROM_WEBHOOK);                  // webhook post
  user_post(kOpen, "deploy", PB_POST_TRIGGER_WEBHOOKS | PB_POST_FROM_WEBHOOK);
  user_post(kOpen, "deploy", 0);                                     // not the user-post path
  user_post(kOpen, "deploy", PB_POST_TRIGGER_WEBHOOKS, "system_join_channel");
  user_post(kOpen, "Deploy");                                        // case-sensitive
  EXPECT_EQ(fetches().size(), 0u);
  EXPECT_EQ(stored_deliveries(), 0u);
}

TEST_F(OutgoingPluginTest, TwoCallbackUrlsEachGetARequestCase37) {
  create(R"({"team_id":")" + kTeam + R"(","trigger_words":["go"],"callback_urls":["http://one/","http://two/"]})");
  user_post(kOpen, "go");
  ASSERT_EQ(fetches().size(), 2u);
  EXPECT_EQ(fetches()[0].url, "http://one/");
  EXPECT_EQ(fetches()[1].url, "http://two/");
  EXPECT_EQ(fetches()[0].body, fetches()[1].body);
  respond(0, 200, "");
  EXPECT_EQ(stored_deliveries(), 1u);  // until every URL answered
  fail(1, PB_E_TIMEOUT, "timed out");
  EXPECT_EQ(stored_deliveries(), 0u);
}

TEST_F(OutgoingPluginTest, GarbageAndFailedCallsPostNothingAndAreCounted) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  for (int i = 0; i < 3; ++i) user_post(kOpen, "a");
  respond(0, 200, "aaaaaaaa");
  fail(1, PB_E_LIMIT, "body over 1 MiB");
  fail(2, PB_E_TIMEOUT, "timed out");
  EXPECT_TRUE(replies().empty());
  EXPECT_EQ(stored_deliveries(), 0u);
  auto m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_EQ(m["reply_errors"].GetInt(), 1);
  EXPECT_EQ(m["deliveries"]["failed_calls"].GetInt(), 2);
  EXPECT_EQ(m["deliveries"]["delivered"].GetInt(), 3);
  EXPECT_TRUE(host->logged("PB_E_LIMIT"));
  as(kTeamAdmin, "system_user");
  EXPECT_EQ(call("GET", "/api/v4/outgoing_webhooks/metrics").status, 403);
}

TEST_F(OutgoingPluginTest, ASlowHookHoldsBackOnlyItsOwnQueue) {
  boot(R"({"MaxInFlightPerHook":1})");
  create(R"({"team_id":")" + kTeam + R"(","trigger_words":["slow"],"callback_urls":["http://slow/"]})");
  create(R"({"team_id":")" + kTeam + R"(","trigger_words":["fast"],"callback_urls":["http://fast/"]})");
  user_post(kOpen, "slow 1");
  user_post(kOpen, "slow 2");
  user_post(kOpen, "fast 1");
  user_post(kOpen, "fast 2");
  // One slow call in flight, the second waits; the fast hook is not held back by it.
  ASSERT_EQ(fetches().size(), 2u);
  EXPECT_EQ(fetches()[0].url, "http://slow/");
  EXPECT_EQ(fetches()[1].url, "http://fast/");
  auto m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_EQ(m["deliveries"]["queued"].GetInt(), 2);
  EXPECT_EQ(m["deliveries"]["in_flight"].GetInt(), 2);
  respond(1, 200, "");
  ASSERT_EQ(fetches().size(), 3u);
  EXPECT_EQ(fetches()[2].url, "http://fast/");
  respond(0, 200, "");
  ASSERT_EQ(fetches().size(), 4u);
  EXPECT_EQ(fetches()[3].url, "http://slow/");
}

// A hook whose endpoint stops answering costs neither memory nor a call per post: after five
// deliveries in a row without an answer its breaker opens and the queue is shed; after the
// open period one probe is made, and an answer closes the breaker again.
TEST_F(OutgoingPluginTest, ADeadEndpointOpensTheBreakerAndItsDeliveriesAreShed) {
  boot(R"({"MaxInFlightPerHook":1})");
  create(hook_body(R"(,"trigger_words":["a"])"));
  for (int i = 0; i < 8; ++i) user_post(kOpen, "a");
  for (size_t i = 0; i < 5; ++i) {
    ASSERT_EQ(fetches().size(), i + 1);
    fail(i, PB_E_IO, "connection refused");
  }
  EXPECT_EQ(fetches().size(), 5u);  // the other three were shed, not called
  EXPECT_EQ(stored_deliveries(), 0u);
  user_post(kOpen, "a");  // while open: shed at once
  EXPECT_EQ(fetches().size(), 5u);
  EXPECT_EQ(stored_deliveries(), 0u);
  auto m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_EQ(m["deliveries"]["shed"].GetInt(), 4);
  EXPECT_STREQ(m["deliveries"]["hooks"][0]["circuit"].GetString(), "open");
  EXPECT_TRUE(host->logged("circuit open"));

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the first open period: 1 s
  user_post(kOpen, "a");  // the probe
  user_post(kOpen, "a");  // waits for the probe's outcome
  ASSERT_EQ(fetches().size(), 6u);
  respond(5, 200, "");
  ASSERT_EQ(fetches().size(), 7u);  // closed again: the waiting one goes
  m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_STREQ(m["deliveries"]["hooks"][0]["circuit"].GetString(), "closed");
}

TEST_F(OutgoingPluginTest, DeliveriesOverTheQueueBoundAreShed) {
  boot(R"({"MaxInFlightPerHook":1,"MaxQueuedPerHook":2})");
  create(hook_body(R"(,"trigger_words":["a"])"));
  for (int i = 0; i < 5; ++i) user_post(kOpen, "a");
  EXPECT_EQ(fetches().size(), 1u);
  EXPECT_EQ(stored_deliveries(), 3u);  // one in flight, two queued; two shed
  auto m = parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body);
  EXPECT_EQ(m["deliveries"]["shed"].GetInt(), 2);
  EXPECT_EQ(m["deliveries"]["queued"].GetInt(), 2);
  EXPECT_TRUE(host->logged("queue full"));
}

TEST_F(OutgoingPluginTest, PendingDeliveriesAreResumedAfterARestart) {
  create(hook_body(R"(,"trigger_words":["a"])"));
  user_post(kOpen, "a first");
  ASSERT_EQ(fetches().size(), 1u);
  host->stop();  // cancels the call in flight: its record stays
  EXPECT_EQ(stored_deliveries(), 1u);
  restart();
  ASSERT_EQ(fetches().size(), 1u);
  EXPECT_NE(fetches()[0].body.find("first"), std::string::npos);
  respond(0, 200, "");
  EXPECT_EQ(stored_deliveries(), 0u);
}

TEST_F(OutgoingPluginTest, DeliveriesOfADeletedHookAreDropped) {
  boot(R"({"MaxInFlightPerHook":1})");
  auto hook = create(hook_body(R"(,"trigger_words":["a"])"));
  user_post(kOpen, "a");
  user_post(kOpen, "a");
  EXPECT_EQ(stored_deliveries(), 2u);
  EXPECT_EQ(call("DELETE", std::string("/api/v4/hooks/outgoing/") + hook["id"].GetString()).status, 200);
  respond(0, 200, R"({"text":"late"})");
  EXPECT_TRUE(replies().empty());  // no reply for a deleted hook
  EXPECT_EQ(fetches().size(), 1u);
  EXPECT_EQ(stored_deliveries(), 0u);
}

TEST_F(OutgoingPluginTest, APostRejectedAfterStagingLeavesNoDeliveryBehind) {
  // An interceptor that runs after ours and rejects posts saying "reject".
  auto reject = [](void*, pb_intercept_ctx*, uint32_t, const void* payload) -> int {
    auto* post = static_cast<const pb_post_v1*>(payload);
    return sdk::to_sv(post->message).find("reject") != std::string_view::npos ? PB_VERDICT_REJECT
                                                                               : PB_VERDICT_CONTINUE;
  };
  auto& fake = *host;
  ASSERT_EQ(fake.run_in_init_phase([&] {
    return fake.api()->subscribe_intercept(fake.self(), PB_EVENT_POST_WILL_BE_CREATED,
                                           kInterceptPriority + 1, reject, nullptr);
  }), PB_OK);
  create(hook_body(R"(,"trigger_words":["a"])"));
  EXPECT_EQ(user_post(kOpen, "a reject").verdict, PB_VERDICT_REJECT);
  EXPECT_EQ(fetches().size(), 0u);
  EXPECT_EQ(stored_deliveries(), 0u);  // the staged record went with the post
  EXPECT_EQ(parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body)["staged_posts"].GetInt(), 1);
  fake.advance(2 * kStagedSweepMs);
  EXPECT_EQ(parse(call("GET", "/api/v4/outgoing_webhooks/metrics").body)["staged_posts"].GetInt(), 0);
  user_post(kOpen, "a fine");
  EXPECT_EQ(fetches().size(), 1u);
}

}  // namespace
}  // namespace pb::outgoing
