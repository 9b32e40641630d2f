// Issue 8 through the real binary with the real translators plugin: a GitHub push (the bundled
// fixture) posted through the github translator, thread keys threading GitHub issue events (also
// across a restart), signatures (GitHub, GitLab, Slack with its replay window) refused with 401
// and nothing stored, and the secret never answered.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sodium.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "plugins/incoming_webhooks/signature.h"
#include "tests/integration/incoming_webhooks/webhook_server.h"

namespace pb::incoming_webhooks::itest {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The body of a translators fixture ({"headers":..,"body":..}) as compact JSON.
std::string fixture_body(const std::string& relative) {
  std::ifstream in(std::string(PB_SOURCE_DIR) + "/plugins/translators/fixtures/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document d;
  d.Parse(text.str().c_str());
  EXPECT_TRUE(d.IsObject() && d.HasMember("body")) << relative;
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d["body"].Accept(w);
  return out.GetString();
}

// application/x-www-form-urlencoded value encoding: unreserved bytes as is, the rest %XX.
std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string issue_event(const std::string& action, int number) {
  return R"({"action":")" + action +
         R"(","repository":{"id":1,"name":"patchbay","full_name":"acme/patchbay","html_url":"https://github.com/acme/patchbay"},)"
         R"("sender":{"login":"octo","id":7},"issue":{"number":)" +
         std::to_string(number) +
         R"(,"title":"Crash on start","html_url":"https://github.com/acme/patchbay/issues/1","body":"b","labels":[],"state":")" +
         (action == "closed" ? "closed" : "open") + R"(","user":{"login":"octo"}}})";
}

class Integrations : public WebhookServer {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    WebhookServer::SetUp();
  }
  Response send_with(std::string_view hook, std::string_view body, const Headers& headers,
                     const char* content_type = "application/json") {
    std::string r = "POST /hooks/" + std::string(hook) + " HTTP/1.1\r\nHost: patchbay\r\n";
    if (content_type != nullptr) r += "Content-Type: " + std::string(content_type) + "\r\n";
    for (const auto& [k, v] : headers) r += k + ": " + v + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    r += body;
    auto response = pb::itest::round_trip(server_->host(), server_->port(), r);
    EXPECT_TRUE(response);
    return response ? *response : Response{};
  }
  static std::string message(const rapidjson::Value& post) { return post["message"].GetString(); }
};

TEST_F(Integrations, GithubPushThroughTheRealTranslator) {
  std::string hook = make_hook(R"("display_name":"GitHub","translator":"github")");
  auto r = send_with(hook, fixture_body("github/push.json"), {{"X-GitHub-Event", "push"}});
  ASSERT_TRUE(is_ok(r)) << r.status << " " << r.body;
  auto p = last_post();
  EXPECT_NE(message(p).find("acme/patchbay"), std::string::npos) << message(p);
  EXPECT_NE(message(p).find("octo pushed"), std::string::npos) << message(p);
  EXPECT_STREQ(p["props"]["from_webhook"].GetString(), "true");
  EXPECT_STREQ(p["props"]["webhook_display_name"].GetString(), "GitHub");
  // GitHub's form encoding of the same delivery.
  std::string form = "payload=" + url_encode(fixture_body("github/push.json"));
  EXPECT_TRUE(is_ok(send_with(hook, form, {{"X-GitHub-Event", "push"}},
                              "application/x-www-form-urlencoded")));
  // An event no rule matches: the translator's 400, nothing stored.
  EXPECT_TRUE(is_app_error(send_with(hook, "{}", {{"X-GitHub-Event", "star"}}), 400,
                           "web.incoming_webhook.translator.no_match.app_error"));
  EXPECT_TRUE(is_app_error(send_with(hook, "not json", {{"X-GitHub-Event", "push"}}), 400,
                           "web.incoming_webhook.translator.payload.app_error"));
  EXPECT_EQ(post_count(), 2u);
}

TEST_F(Integrations, UnknownTranslatorIsRefusedAtCreation) {
  auto r = api("POST", "/api/v4/hooks/incoming",
               R"({"channel_id":")" + town_id_ + R"(","translator":"nosuch"})");
  EXPECT_TRUE(is_app_error(r, 400, "web.incoming_webhook.translator.unknown.app_error")) << r.body;
  auto d = api("GET", "/api/v4/hooks/incoming?team_id=" + team_id_);
  EXPECT_EQ(d.body.find("nosuch"), std::string::npos);
}

TEST_F(Integrations, IssueEventsOfOneIssueThreadAlsoAcrossARestart) {
  std::string hook = make_hook(R"("translator":"github")");
  ASSERT_TRUE(is_ok(send_with(hook, issue_event("opened", 42), {{"X-GitHub-Event", "issues"}})));
  ASSERT_TRUE(is_ok(send_with(hook, issue_event("opened", 43), {{"X-GitHub-Event", "issues"}})));
  ASSERT_TRUE(is_ok(send_with(hook, issue_event("closed", 42), {{"X-GitHub-Event", "issues"}})));
  start_server();  // the key → root record is durable
  ASSERT_TRUE(is_ok(send_with(hook, issue_event("reopened", 42), {{"X-GitHub-Event", "issues"}})));
  auto all = posts();
  ASSERT_EQ(all.Size(), 4u);
  std::string root = all[0]["id"].GetString();
  EXPECT_STREQ(all[0]["root_id"].GetString(), "");
  EXPECT_STREQ(all[1]["root_id"].GetString(), "");  // issue 43: its own thread
  EXPECT_EQ(std::string(all[2]["root_id"].GetString()), root);
  EXPECT_EQ(std::string(all[3]["root_id"].GetString()), root);
  EXPECT_FALSE(all[0]["props"].HasMember("pb_thread_root"));
}

TEST_F(Integrations, SignaturesRightWrongMissingAndReplayed) {
  config_.plugin_settings["incoming_webhooks"] = R"({"SecretKey":")" + std::string(64, 'c') + "\"}";
  start_server();
  std::string gh = make_hook(R"("translator":"github","signature":"github","signature_secret":"gh-secret")");
  std::string body = fixture_body("github/push.json");
  std::string good = "sha256=" + hmac_sha256_hex("gh-secret", {body});
  const char* sig = "web.incoming_webhook.signature.app_error";
  EXPECT_TRUE(is_ok(send_with(gh, body, {{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", good}})));
  EXPECT_TRUE(is_app_error(send_with(gh, body, {{"X-GitHub-Event", "push"}}), 401, sig));
  EXPECT_TRUE(is_app_error(send_with(gh, body + " ", {{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", good}}),
                           401, sig));

  std::string gl = make_hook(R"("signature":"gitlab","signature_secret":"gl-token")");
  EXPECT_TRUE(is_ok(send_with(gl, R"({"text":"gitlab"})", {{"X-Gitlab-Token", "gl-token"}})));
  EXPECT_TRUE(is_app_error(send_with(gl, R"({"text":"gitlab"})", {{"X-Gitlab-Token", "nope"}}), 401, sig));

  std::string sl = make_hook(R"("signature":"slack","signature_secret":"sl-secret")");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  auto slack = [&](long long ts, const std::string& b) {
    std::string t = std::to_string(ts);
    return Headers{{"X-Slack-Request-Timestamp", t},
                   {"X-Slack-Signature", "v0=" + hmac_sha256_hex("sl-secret", {"v0:", t, ":", b})}};
  };
  std::string sb = R"({"text":"slack signed"})";
  EXPECT_TRUE(is_ok(send_with(sl, sb, slack(now, sb))));
  EXPECT_TRUE(is_app_error(send_with(sl, sb, slack(now - 3600, sb)), 401, sig));  // replayed
  EXPECT_EQ(post_count(), 3u);

  // Secrets are never answered, and still open after a restart with the same key.
  auto got = api("GET", "/api/v4/hooks/incoming/" + gl);
  EXPECT_EQ(got.body.find("gl-token"), std::string::npos);
  EXPECT_NE(got.body.find("\"signature_secret_set\":true"), std::string::npos);
  start_server();
  EXPECT_TRUE(is_ok(send_with(gl, R"({"text":"after restart"})", {{"X-Gitlab-Token", "gl-token"}})));
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
