// Issue 8 through FakeHost: the hook's translator, variables and signature fields on the
// management API and in the store, translator hooks answered by a stand-in for the translators
// plugin (an interceptor of translators.translate subscribed next to the real plugin), thread
// keys, and signatures checked before the body is read.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sodium.h>

#include <chrono>

#include <patchbay/fake_host.hpp>

#include "plugins/incoming_webhooks/tests/plugin_test_support.h"

#include "plugins/incoming_webhooks/hook.h"
#include "plugins/incoming_webhooks/signature.h"
#include "plugins/incoming_webhooks/thread_roots.h"
#include "plugins/translators/translators_event.h"

extern "C" const pb_plugin_descriptor* pb_plugin_entry(uint32_t, uint32_t);

namespace pb::incoming_webhooks::test {
namespace {

using sdk::FakeHost;

const std::string kKey(64, 'a');

// ---- the stand-in translators plugin ----------------------------------------------------------

struct FakeAnswer {
  bool reject = false;  // reject the turn with status/id (as the real plugin does on errors)
  int status = 0;
  std::string id, message;
  std::string blob;  // replaces the request when not rejecting ("" = leave it: nobody answered)
};
std::function<FakeAnswer(const rapidjson::Document& request)> g_translator;
std::vector<std::string> g_requests;
const pb_host_api* g_api = nullptr;
std::string g_answer_blob;

int fake_translate(void*, pb_intercept_ctx* ctx, uint32_t, const void* payload) {
  const auto* blob = static_cast<const pb_blob_v1*>(payload);
  g_requests.emplace_back(sdk::to_sv(blob->data));
  rapidjson::Document request;
  request.Parse(g_requests.back().c_str());
  FakeAnswer a = g_translator ? g_translator(request) : FakeAnswer{};
  if (a.reject) {
    g_api->intercept_set_error(ctx, a.status, sdk::to_pb(a.id), sdk::to_pb(a.message));
    return PB_VERDICT_REJECT;
  }
  if (!a.blob.empty()) {
    g_answer_blob = a.blob;
    pb_blob_v1 out{sizeof(pb_blob_v1), sdk::to_pb(g_answer_blob)};
    g_api->intercept_replace(ctx, &out);
  }
  return PB_VERDICT_CONTINUE;
}

pb_plugin_descriptor g_with_translators;
decltype(pb_plugin_descriptor::init) g_real_init = nullptr;

// The real plugin's descriptor whose init also subscribes fake_translate.
const pb_plugin_descriptor* with_fake_translators() {
  g_with_translators = *pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR);
  g_real_init = g_with_translators.init;
  g_with_translators.init = [](pb_plugin* self, const pb_host_api* host, pb_str settings,
                               void** state) -> int {
    int rc = g_real_init(self, host, settings, state);
    if (rc != PB_OK) return rc;
    g_api = host;
    uint32_t event = 0;
    rc = host->event_id(self, sdk::to_pb(translators::kTranslateEvent), &event);
    if (rc != PB_OK) return rc;
    return host->subscribe_intercept(self, event, 50, &fake_translate, nullptr);
  };
  return &g_with_translators;
}

// Answers describe for "github" and "generic", translates by echoing the body's "say" member
// as the text and "key" as the thread key.
FakeAnswer default_translator(const rapidjson::Document& r) {
  std::string op = r["op"].GetString(), name = r["translator"].GetString();
  if (name != "github" && name != "generic") {
    return {true, 404, std::string(translators::kErrorUnknown), "unknown translator " + name, ""};
  }
  if (op == "describe") return {false, 0, "", "", R"({"name":")" + name + R"(","variables":[]})"};
  const auto& body = r["body"];
  if (!body.IsObject() || !body.HasMember("say")) {
    return {false, 0, "", "",
            R"({"error":{"status":400,"id":"web.incoming_webhook.translator.no_match.app_error","message":"translator github: no rule matches"}})"};
  }
  std::string out = R"({"payload":{"text":")" + std::string(body["say"].GetString()) + "\"";
  if (body.HasMember("channel")) out += R"(,"channel":")" + std::string(body["channel"].GetString()) + "\"";
  out += "}";
  if (body.HasMember("key")) out += R"(,"thread_key":")" + std::string(body["key"].GetString()) + "\"";
  out += "}";
  return {false, 0, "", "", out};
}

class Integrations : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    g_translator = default_translator;
    g_requests.clear();
    boot();
  }
  void TearDown() override { g_translator = nullptr; }

  void boot(bool translators = true, std::string settings = "") {
    if (settings.empty()) settings = R"({"SecretKey":")" + kKey + "\"}";
    host_.reset();
    host_ = std::make_unique<FakeHost>(translators ? with_fake_translators()
                                                   : pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
    host_->set_config_json(R"({"ServiceSettings":{"EnableIncomingWebhooks":true}})");
    for (auto& [k, v] : saved_kv_) host_->kv()[k] = v;
    FakeHost::User u;
    u.id = admin_;
    u.username = "admin";
    host_->add_user(u);
    host_->add_channel(kTown, kTeam, "O", "town-square");
    host_->add_channel(kOff, kTeam, "O", "off-topic");
    host_->add_team_member(kTeam, admin_, "team_user");
    ASSERT_EQ(host_->init(settings), PB_OK);
    ASSERT_EQ(host_->start(), PB_OK);
    host_->set_fallback_identity(FakeHost::Identity{admin_, "session", "system_user system_admin"});
  }
  void restart(bool translators = true) {
    saved_kv_ = host_->kv();
    boot(translators);
  }

  FakeHost::Response call(const std::string& method, const std::string& target,
                          const std::string& body = "", FakeHost::Headers headers = {},
                          const std::string& content_type = "application/json") {
    if (!content_type.empty()) headers.push_back({"Content-Type", content_type});
    const auto& r = host_->request(method, target, headers, body);
    host_->run_pending();
    EXPECT_TRUE(r.answered) << method << " " << target;
    return r;
  }
  std::string create(const std::string& extra) {
    auto r = call("POST", "/api/v4/hooks/incoming",
                  std::string(R"({"channel_id":")") + kTown + "\"" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    auto d = json(r.body);
    return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
  }
  size_t posts() const { return host_->committed_posts().size(); }

  std::unique_ptr<FakeHost> host_;
  std::map<std::string, std::string> saved_kv_;
  std::string admin_ = "admin012345678901234567890";
};

// ---- fields on the management API ------------------------------------------------------------

TEST_F(Integrations, FieldsAreAnsweredAndStoredButTheSecretNeverAnswered) {
  std::string id = create(R"(,"translator":"github","translator_variables":{"jira_base_url":"https://j"},)"
                          R"("signature":"github","signature_secret":"s3cr3t-value")");
  auto r = call("GET", "/api/v4/hooks/incoming/" + id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(r.body.find("signature_secret\""), std::string::npos);
  auto d = json(r.body);
  EXPECT_STREQ(d["translator"].GetString(), "github");
  EXPECT_STREQ(d["translator_variables"]["jira_base_url"].GetString(), "https://j");
  EXPECT_STREQ(d["signature"].GetString(), "github");
  EXPECT_TRUE(d["signature_secret_set"].GetBool());
  // Sealed at rest with SecretKey.
  const std::string& record = host_->kv()["hook/" + id];
  EXPECT_EQ(record.find("s3cr3t-value"), std::string::npos);
  EXPECT_NE(record.find("\"signature_secret\":\"box1:"), std::string::npos);
  // The list answers the same way.
  auto list = call("GET", std::string("/api/v4/hooks/incoming?team_id=") + kTeam);
  EXPECT_EQ(list.body.find("s3cr3t-value"), std::string::npos);
  EXPECT_NE(list.body.find("\"signature_secret_set\":true"), std::string::npos);
  for (const auto& line : host_->logs()) EXPECT_EQ(line.message.find("s3cr3t"), std::string::npos);
}

TEST_F(Integrations, UpdateKeepsTheSecretUnlessReplacedAndDropsItWithTheSignature) {
  std::string id = create(R"(,"signature":"gitlab","signature_secret":"tok")");
  auto put = [&](const std::string& extra) {
    return call("PUT", "/api/v4/hooks/incoming/" + id,
                R"({"id":")" + id + R"(","channel_id":")" + kTown + "\"" + extra + "}");
  };
  ASSERT_EQ(put(R"(,"signature":"gitlab","display_name":"x")").status, 201);
  FakeHost::Headers token{{"X-Gitlab-Token", "tok"}};
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"a"})", token).status, 200);
  ASSERT_EQ(put(R"(,"signature":"gitlab","signature_secret":"new")").status, 201);
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"a"})", token).status, 401);
  auto r = put("");
  ASSERT_EQ(r.status, 201);
  EXPECT_FALSE(json(r.body)["signature_secret_set"].GetBool());
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"a"})").status, 200);
}

TEST_F(Integrations, FieldRulesAre400AndStoreNothing) {
  size_t before = host_->kv().size();
  auto bad = [&](const std::string& extra, const std::string& id) {
    auto r = call("POST", "/api/v4/hooks/incoming",
                  std::string(R"({"channel_id":")") + kTown + "\"" + extra + "}");
    EXPECT_TRUE(is_error(r, 400, id)) << extra << " " << r.status << " " << r.body;
  };
  bad(R"(,"signature":"github")", "model.incoming_hook.signature_secret.app_error");
  bad(R"(,"signature":"sha1","signature_secret":"x")", "model.incoming_hook.signature.app_error");
  bad(R"(,"signature":"hmac-sha256","signature_secret":"x")",
      "model.incoming_hook.signature_header.app_error");
  bad(R"(,"signature":"hmac-sha256","signature_header":"X Bad","signature_secret":"x")",
      "model.incoming_hook.signature_header.app_error");
  bad(R"(,"signature":"github","signature_secret":")" + std::string(kMaxSecret + 1, 's') + "\"",
      "model.incoming_hook.signature_secret.app_error");
  bad(R"(,"translator":"Git Hub")", "model.incoming_hook.translator.app_error");
  bad(R"(,"translator_variables":{"a":1})", "api.context.invalid_body_param.app_error");
  bad(R"(,"translator_variables":{"a b":"x"})", "model.incoming_hook.translator_variables.app_error");
  bad(R"(,"translator_variables":{"a":")" + std::string(kMaxVariableValue + 1, 'v') + "\"}",
      "model.incoming_hook.translator_variables.app_error");
  bad(R"(,"translator":"nosuch")", std::string(translators::kErrorUnknown));
  EXPECT_EQ(host_->kv().size(), before);
}

TEST_F(Integrations, WithoutTheTranslatorsPluginATranslatorHookIs501) {
  std::string id = create(R"(,"translator":"github")");
  restart(false);
  EXPECT_TRUE(is_error(call("POST", "/api/v4/hooks/incoming",
                            std::string(R"({"channel_id":")") + kTown + R"(","translator":"github"})"),
                       501, std::string(translators::kErrorUnavailable)));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":"x"})"), 501,
                       std::string(translators::kErrorUnavailable)));
  EXPECT_EQ(posts(), 0u);
  // Plain hooks are unaffected.
  std::string plain = create("");
  EXPECT_EQ(call("POST", "/hooks/" + plain, R"({"text":"x"})").status, 200);
}

TEST_F(Integrations, RecordsFromBeforeIssue8StillLoad) {
  std::string id = "oldhook8901234567890123456";
  host_->kv()["hook/" + id] =
      std::string(R"({"id":")") + id + R"(","create_at":1,"update_at":1,"delete_at":0,"user_id":")" +
      admin_ + R"(","channel_id":")" + kTown + R"(","team_id":")" + kTeam +
      R"(","display_name":"","description":"","username":"","icon_url":"","channel_locked":false})";
  restart();
  auto r = call("GET", "/api/v4/hooks/incoming/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(json(r.body)["translator"].GetString(), "");
  EXPECT_FALSE(json(r.body)["signature_secret_set"].GetBool());
  EXPECT_EQ(call("POST", "/hooks/" + id, R"({"text":"still works"})").status, 200);
}

// ---- translator hooks ------------------------------------------------------------------------

TEST_F(Integrations, TranslatorHookPublishesHeadersAndBodyAndPostsTheAnswer) {
  std::string id = create(R"(,"translator":"github","translator_variables":{"v":"1"},"display_name":"GH")");
  g_requests.clear();
  auto r = call("POST", "/hooks/" + id, R"({"say":"pushed 3 commits","deep":{"a":[1,2]}})",
                {{"X-GitHub-Event", "push"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(g_requests.size(), 1u);
  auto req = json(g_requests[0]);
  EXPECT_STREQ(req["op"].GetString(), "translate");
  EXPECT_STREQ(req["variables"]["v"].GetString(), "1");
  EXPECT_STREQ(req["headers"]["x-github-event"].GetString(), "push");
  EXPECT_EQ(req["body"]["deep"]["a"].Size(), 2u);
  ASSERT_EQ(posts(), 1u);
  const auto& p = host_->committed_posts()[0];
  EXPECT_EQ(p.message, "pushed 3 commits");
  EXPECT_EQ(p.flags, PB_POST_FROM_WEBHOOK | PB_POST_SLACK_PROCESSED);
  auto props = json(p.props_json);
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_STREQ(props["webhook_display_name"].GetString(), "GH");
}

TEST_F(Integrations, TranslatorHookTakesGithubsFormEncoding) {
  std::string id = create(R"(,"translator":"github")");
  auto r = call("POST", "/hooks/" + id, "payload=%7B%22say%22%3A%22form+post%22%7D", {},
                "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(host_->committed_posts().at(0).message, "form post");
}

TEST_F(Integrations, TranslatorAndPayloadErrorsPassThroughAndStoreNothing) {
  std::string id = create(R"(,"translator":"github")");
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"other":1})"), 400,
                       std::string(translators::kErrorNoMatch)));
  g_translator = [](const rapidjson::Document&) {
    return FakeAnswer{true, 413, std::string(translators::kErrorLimit), "too big", ""};
  };
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":"x"})"), 413,
                       std::string(translators::kErrorLimit)));
  g_translator = [](const rapidjson::Document&) {
    return FakeAnswer{true, 404, std::string(translators::kErrorUnknown), "gone", ""};
  };
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":"x"})"), 400,
                       std::string(translators::kErrorUnknown)));
  g_translator = default_translator;
  const std::string payload_error = "web.incoming_webhook.translator.payload.app_error";
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":"x"},"translator":"evil")"), 400,
                       payload_error));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, "{\"say\":\"\xff\"}"), 400, payload_error));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, "say=x", {}, "application/x-www-form-urlencoded"),
                       400, payload_error));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, "x", {}, "text/plain"), 400, payload_error));
  // A translated payload goes through the same checks as a Slack one.
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":""})"), 400,
                       "web.incoming_webhook.text.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"say":"x","channel":"nowhere"})"), 404,
                       "web.incoming_webhook.channel.app_error"));
  EXPECT_EQ(posts(), 0u);
}

// ---- thread keys -----------------------------------------------------------------------------

TEST_F(Integrations, ThreadKeyMakesTheFirstPostTheRootAndLaterOnesReplies) {
  std::string id = create(R"(,"translator":"generic")");
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"pipeline started","key":"p-1"})").status, 200);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"pipeline passed","key":"p-1"})").status, 200);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"other","key":"p-2"})").status, 200);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"elsewhere","key":"p-1","channel":"off-topic"})").status, 200);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"unthreaded"})").status, 200);
  const auto& p = host_->committed_posts();
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].root_id, "");
  EXPECT_EQ(p[1].root_id, p[0].id);
  EXPECT_EQ(p[2].root_id, "");  // another key: another root
  EXPECT_EQ(p[3].root_id, "");  // same key, another channel: another root
  EXPECT_EQ(p[4].root_id, "");
  // The marker that carried the token into the commit is gone from the stored post.
  EXPECT_EQ(p[0].props_json.find("pb_thread_root"), std::string::npos);
  EXPECT_EQ(host_->kv()[std::string("thread/") + kTown + "/p-1"], p[0].id);
  EXPECT_EQ(host_->kv()[std::string("thread/") + kOff + "/p-1"], p[3].id);
  // The record survives a restart, but this FakeHost's posts do not: the stored root is then
  // one the core refuses (as a deleted root), and the post starts the thread again.
  const std::string root = p[0].id;
  restart();
  EXPECT_EQ(host_->kv()[std::string("thread/") + kTown + "/p-1"], root);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"deployed","key":"p-1"})").status, 200);
  ASSERT_EQ(posts(), 1u);
  EXPECT_EQ(host_->committed_posts().back().root_id, "");
  EXPECT_EQ(host_->kv()[std::string("thread/") + kTown + "/p-1"],
            host_->committed_posts().back().id);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"done","key":"p-1"})").status, 200);
  EXPECT_EQ(host_->committed_posts().back().root_id, host_->committed_posts().front().id);
}

TEST_F(Integrations, ConcurrentFirstPostsOfAKeyMakeOneRoot) {
  std::string id = create(R"(,"translator":"generic")");
  const auto& a = host_->request("POST", "/hooks/" + id, {{"Content-Type", "application/json"}},
                                 R"({"say":"a","key":"k"})");
  const auto& b = host_->request("POST", "/hooks/" + id, {{"Content-Type", "application/json"}},
                                 R"({"say":"b","key":"k"})");
  host_->run_pending();
  host_->run_pending();
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  const auto& p = host_->committed_posts();
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].root_id, "");
  EXPECT_EQ(p[1].root_id, p[0].id);
}

TEST_F(Integrations, ASpoofedMarkerDoesNotMakeARoot) {
  std::string id = create(R"(,"translator":"generic")");
  std::string plain = create("");
  // A sender's own props with the marker name: no root recorded, nothing stripped.
  ASSERT_EQ(call("POST", "/hooks/" + plain,
                 R"({"text":"x","props":{"pb_thread_root":"aaaaaaaaaaaaaaaaaaaaaaaaaa"}})").status,
            200);
  EXPECT_EQ(host_->kv().count(std::string("thread/") + kTown + "/k"), 0u);
  ASSERT_EQ(call("POST", "/hooks/" + id, R"({"say":"root","key":"k"})").status, 200);
  EXPECT_EQ(host_->kv()[std::string("thread/") + kTown + "/k"], host_->committed_posts().back().id);
}

TEST(ThreadMarker, AddedLastAndStrippedBack) {
  const std::string t = "abcdefghijklmnopqrstuvwxyz";
  for (std::string props : {"{}", "{ }", "", R"({"a":"b"})", "{\"a\":{\"b\":[1]} \n}"}) {
    std::string marked = ThreadRoots::with_marker(props, t);
    auto d = json(marked);
    ASSERT_TRUE(d.IsObject()) << props << " -> " << marked;
    EXPECT_STREQ(d["pb_thread_root"].GetString(), t.c_str());
    std::string back;
    ASSERT_TRUE(strip_thread_marker(marked, t, back)) << marked;
    EXPECT_TRUE(json(back).IsObject()) << back;
    EXPECT_FALSE(json(back).HasMember("pb_thread_root"));
  }
  std::string out;
  EXPECT_FALSE(strip_thread_marker(R"({"pb_thread_root":"other","a":1})", t, out));
}

// ---- signatures ------------------------------------------------------------------------------

TEST_F(Integrations, GithubSignatureIsCheckedBeforeTheBodyIsRead) {
  std::string id = create(R"(,"signature":"github","signature_secret":"It's a Secret to Everybody")");
  std::string body = R"({"text":"signed"})";
  std::string good = "sha256=" + hmac_sha256_hex("It's a Secret to Everybody", {body});
  EXPECT_EQ(call("POST", "/hooks/" + id, body, {{"X-Hub-Signature-256", good}}).status, 200);
  const std::string sig = "web.incoming_webhook.signature.app_error";
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, body), 401, sig));  // missing
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, body + " ", {{"X-Hub-Signature-256", good}}),
                       401, sig));  // body changed
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, body,
                            {{"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}}),
                       401, sig));
  // Garbage that would be a 400 from the decoder is a 401 first: the body is not parsed.
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, "{{{not json"), 401, sig));
  EXPECT_EQ(posts(), 1u);
}

TEST_F(Integrations, SlackSignatureRefusesReplays) {
  std::string id = create(R"(,"signature":"slack","signature_secret":"slack-secret")");
  auto sign = [](const std::string& ts, const std::string& body) {
    return FakeHost::Headers{{"X-Slack-Request-Timestamp", ts},
                             {"X-Slack-Signature", "v0=" + hmac_sha256_hex("slack-secret", {"v0:", ts, ":", body})}};
  };
  std::string body = R"({"text":"slack"})";
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_EQ(call("POST", "/hooks/" + id, body, sign(std::to_string(now), body)).status, 200);
  // Ten minutes old, correctly signed: a replay.
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, body, sign(std::to_string(now - 600), body)),
                       401, "web.incoming_webhook.signature.app_error"));
  EXPECT_EQ(posts(), 1u);
}

TEST_F(Integrations, GenericHmacAndSignedTranslatorHooks) {
  std::string id = create(R"(,"translator":"github","signature":"hmac-sha256",)"
                          R"("signature_header":"X-Signature","signature_secret":"k")");
  std::string body = R"({"say":"signed and translated"})";
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, body), 401,
                       "web.incoming_webhook.signature.app_error"));
  g_requests.clear();
  EXPECT_EQ(call("POST", "/hooks/" + id, body, {{"X-Signature", hmac_sha256_hex("k", {body})}}).status,
            200);
  EXPECT_EQ(g_requests.size(), 1u);  // the refused request never reached the translator
  EXPECT_EQ(posts(), 1u);
}

TEST_F(Integrations, ASecretThatNoLongerOpensRefusesEveryRequest) {
  std::string id = create(R"(,"signature":"gitlab","signature_secret":"tok")");
  saved_kv_ = host_->kv();
  boot(true, R"({"SecretKey":")" + std::string(64, 'b') + "\"}");
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"text":"x"})", {{"X-Gitlab-Token", "tok"}}),
                       401, "web.incoming_webhook.signature.app_error"));
  EXPECT_TRUE(is_error(call("POST", "/hooks/" + id, R"({"text":"x"})", {{"X-Gitlab-Token", ""}}),
                       401, "web.incoming_webhook.signature.app_error"));
  EXPECT_EQ(posts(), 0u);
}

TEST_F(Integrations, ABadSecretKeySettingFailsInit) {
  host_ = std::make_unique<FakeHost>(pb_plugin_entry(PB_ABI_MAJOR, PB_ABI_MINOR));
  host_->set_config_json(R"({"ServiceSettings":{}})");
  EXPECT_EQ(host_->init(R"({"SecretKey":"short"})"), PB_E_INVALID);
}

}  // namespace
}  // namespace pb::incoming_webhooks::test
