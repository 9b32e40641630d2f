// POST /hooks/{id} through the real binary: wire spec §10 cases 1-18, 22, 25-27, and bad input
// of every kind, which gets a clear 4xx and stores nothing.
#include <string>

#include "tests/integration/incoming_webhooks/webhook_server.h"

namespace pb::incoming_webhooks::itest {
namespace {

constexpr const char* kForm = "application/x-www-form-urlencoded";

// Both read a post that a failed request may have left empty: "<no post>" then, never an
// assertion that kills the test before the server's stderr is printed.
std::string message_of(const rapidjson::Value& post) {
  if (!post.IsObject() || !post.HasMember("message") || !post["message"].IsString()) {
    return "<no post>";
  }
  return post["message"].GetString();
}
std::string prop(const rapidjson::Value& post, const char* key) {
  if (!post.IsObject() || !post.HasMember("props") || !post["props"].IsObject()) return "<no post>";
  const auto& props = post["props"];
  return props.HasMember(key) && props[key].IsString() ? props[key].GetString() : "<absent>";
}

using Hooks = WebhookServer;

TEST_F(Hooks, Case1To4FormPayloadsAndUnknownHook) {
  EXPECT_TRUE(is_ok(send(R"(payload={"text": "test text"})", kForm)));
  EXPECT_TRUE(is_app_error(send(R"(payload={"text": ""})", kForm), 400,
                           "web.incoming_webhook.text.app_error"));
  EXPECT_TRUE(is_app_error(send(R"(payload={"text":"test text","channel":"junk"})", kForm), 404,
                           "web.incoming_webhook.channel.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"text":"x"})", "application/json", "abc123"), 400,
                           "web.incoming_webhook.invalid.app_error"));
  auto stored = posts();
  ASSERT_EQ(stored.Size(), 1u);
  EXPECT_EQ(message_of(stored[0]), "test text");
}

TEST_F(Hooks, Case5And15JsonWithAndWithoutContentType) {
  EXPECT_TRUE(is_ok(send(R"({"text":"this is a test"})")));
  EXPECT_TRUE(is_ok(send(R"({"text":"no content type"})", nullptr)));
  EXPECT_EQ(post_count(), 2u);
}

TEST_F(Hooks, Case6RawNewlinesAndTabsAreTolerated) {
  EXPECT_TRUE(is_ok(send("{\"text\":\"a \\\"quote\\\"\nnext\tline\"}")));
  EXPECT_TRUE(is_ok(send("payload={\"text\":\"form\nline\"}", kForm)));
  auto stored = posts();
  ASSERT_EQ(stored.Size(), 2u);
  EXPECT_EQ(message_of(stored[0]), "a \"quote\"\nnext\tline");
}

TEST_F(Hooks, Case7ChannelOverrides) {
  EXPECT_TRUE(is_ok(send(R"({"text":"by name","channel":"other"})")));
  EXPECT_TRUE(is_ok(send(R"({"text":"by hash","channel":"#other"})")));
  EXPECT_TRUE(is_ok(send(R"({"text":"direct","channel":"@bob"})")));
  EXPECT_EQ(post_count(other_id_), 2u);
  EXPECT_EQ(post_count(), 0u);
  // The DM between the owner (admin) and bob: bob sees it among his channels' posts.
  auto dm = call("POST", "/api/v4/channels/direct", R"([")" + admin_id_ + R"(",")" + bob_id_ + "\"]",
                 bearer(admin_token_));
  ASSERT_TRUE(dm.status == 200 || dm.status == 201) << dm.body;
  auto stored = posts(json_string(dm.body, "id"));
  ASSERT_EQ(stored.Size(), 1u);
  EXPECT_EQ(message_of(stored[0]), "direct");
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","channel":"@nobody"})"), 400,
                           "web.incoming_webhook.user.app_error"));
}

TEST_F(Hooks, Case8And9MediaTypes) {
  for (const char* ct : {"AppLicaTion/x-www-Form-urlencoded", "application/x-www-form-urlencoded;charset=utf-8",
                         "application/x-www-form-urlencoded; charset=utf-8"}) {
    EXPECT_TRUE(is_ok(send(R"(payload={"text":"ct"})", ct))) << ct;
  }
  EXPECT_TRUE(is_app_error(send(R"(payload={"text":"ct"})", "application/x-www-form-urlencoded wrongtext"),
                           400, "api.webhook.incoming.error"));
  EXPECT_EQ(post_count(), 3u);
}

TEST_F(Hooks, Case10LongTextIsOnePost) {
  EXPECT_TRUE(is_ok(send(R"({"text":")" + std::string(8200, 'a') + "\"}")));
  auto stored = posts();
  ASSERT_EQ(stored.Size(), 1u);
  EXPECT_EQ(message_of(stored[0]).size(), 8200u);
}

TEST_F(Hooks, TextOverTheLimitIsSplitIntoSeveralPosts) {
  EXPECT_TRUE(is_ok(send(R"({"text":")" + std::string(16383 + 100, 'a') + "\"}")));
  auto stored = posts();
  ASSERT_EQ(stored.Size(), 2u);
  // Both parts are made in the same millisecond; they still list in reading order.
  EXPECT_EQ(message_of(stored[0]).size(), 16383u);
  EXPECT_EQ(message_of(stored[1]).size(), 100u);
}

TEST_F(Hooks, Case11To14PayloadInTheWrongPlace) {
  EXPECT_TRUE(is_app_error(send(R"({"text":"raw json"})", kForm), 400,
                           "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"(payload={"text":"form"})", "application/json"), 400,
                           "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"(payload={"text":"form"})", "mimetype/wrong"), 400,
                           "model.incoming_hook.parse_data.app_error"));
  std::string multipart =
      "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nwebhook-bot\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nthis is a test :tada:\r\n"
      "--XyZ--\r\n";
  EXPECT_TRUE(is_ok(send(multipart, "multipart/form-data; boundary=XyZ")));
  EXPECT_TRUE(is_app_error(send(multipart.substr(0, 60), "multipart/form-data; boundary=XyZ"),
                           400, "api.webhook.incoming.error"));
  auto stored = posts();
  ASSERT_EQ(stored.Size(), 1u);
  EXPECT_EQ(message_of(stored[0]), "this is a test :tada:");
}

const char* kAttachment =
    R"({"fallback":"Required plain-text summary","color":"#36a64f","pretext":"Optional pretext",)"
    R"("author_name":"Bobby","author_link":"http://flickr.com/bobby/","author_icon":"http://flickr.com/icons/bobby.jpg",)"
    R"("title":"Slack API Documentation","title_link":"https://api.slack.com/","text":"TEXT",)"
    R"("fields":[{"title":"Priority","value":"High","short":false}],)"
    R"("image_url":"http://my-website.com/path/to/image.jpg","thumb_url":"http://example.com/path/to/thumb.png"})";

TEST_F(Hooks, Case16And27AttachmentsAndTheirProps) {
  std::string one = std::string(kAttachment);
  EXPECT_TRUE(is_ok(send(R"({"attachments":[)" + one + "]}")));
  auto p = last_post();
  EXPECT_EQ(std::string(p["type"].GetString()), "slack_attachment");
  EXPECT_EQ(prop(p, "from_webhook"), "true");
  EXPECT_EQ(prop(p, "webhook_display_name"), "CI");
  ASSERT_TRUE(p["props"]["attachments"].IsArray());
  EXPECT_EQ(std::string(p["props"]["attachments"][0]["fields"][0]["value"].GetString()), "High");
}

// The splitter truncates an attachment's text to fit the 7600-rune props limit (§2.7), so the
// processed, unsplit post handed back by attachments.process may be over Mattermost's 8000-rune
// post limit: each split part is checked at post.will_be_created instead.
TEST_F(Hooks, Case16AttachmentTextTooLongForOnePostIsTruncatedToFit) {
  std::string big = std::string(kAttachment);
  big.replace(big.find("\"TEXT\""), 6, "\"" + std::string(8200, 't') + "\"");
  auto sent = send(R"({"attachments":[)" + big + "]}");
  ASSERT_TRUE(is_ok(sent)) << sent.status << " " << sent.body;
  auto truncated = last_post();
  std::string text = truncated["props"]["attachments"][0]["text"].GetString();
  EXPECT_LT(text.size(), 8200u);
  EXPECT_GT(text.size(), 1000u);
}

TEST_F(Hooks, Case17LockedHook) {
  std::string locked = make_hook(R"("channel_locked":true)");
  EXPECT_TRUE(is_ok(send(R"({"text":"x"})", "application/json", locked)));
  EXPECT_TRUE(is_ok(send(R"({"text":"x","channel":"town"})", "application/json", locked)));
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","channel":"other"})", "application/json", locked),
                           403, "web.incoming_webhook.channel_locked.app_error"));
  EXPECT_EQ(post_count(other_id_), 0u);
}

TEST_F(Hooks, Case18DisabledIs501) {
  config_.service["EnableIncomingWebhooks"] = "false";
  start_server();
  EXPECT_TRUE(is_app_error(send(R"({"text":"x"})"), 501, "web.incoming_webhook.disabled.app_error"));
  EXPECT_TRUE(is_app_error(api("GET", "/api/v4/hooks/incoming/" + hook_id_), 501,
                           "api.incoming_webhook.disabled.app_error"));
  config_.service["EnableIncomingWebhooks"] = "true";
  start_server();
  EXPECT_EQ(post_count(), 0u);
  EXPECT_TRUE(is_ok(send(R"({"text":"back"})")));  // the hook survived both restarts
}

TEST_F(Hooks, Case22AnnouncementsAndMentions) {
  EXPECT_TRUE(is_ok(send(R"({"text":"<!channel> foo <!channel>"})")));
  EXPECT_EQ(message_of(last_post()), "@channel foo @channel");
  EXPECT_TRUE(is_ok(send(R"({"text":"<!here> bar <!here>"})")));
  EXPECT_EQ(message_of(last_post()), "@here bar @here");
  EXPECT_TRUE(is_ok(send(R"({"text":"<!all> bar <!all>"})")));
  EXPECT_EQ(message_of(last_post()), "@all bar @all");
  EXPECT_TRUE(is_ok(send(R"({"text":"<@)" + bob_id_ + R"(> hello"})")));
  EXPECT_EQ(message_of(last_post()), "@bob hello");
}

TEST_F(Hooks, Case25MarkupThatIsNotALinkStaysAsSent) {
  for (const char* text : {"`<>|<>|`", "< | \\n|\\n>", "Author: foo <foo@example.org>",
                           "`if(status_int < QUERY_UNKNOWN || status_int >= QUERY_STATUS_MAX)`"}) {
    ASSERT_TRUE(is_ok(send(R"({"text":")" + std::string(text) + "\"}"))) << text;
    std::string expected(text);
    for (size_t at; (at = expected.find("\\n")) != std::string::npos;) expected.replace(at, 2, "\n");
    EXPECT_EQ(message_of(last_post()), expected);
  }
  ASSERT_TRUE(is_ok(send(R"({"text":"<https://mattermost.com|Mattermost>"})")));
  EXPECT_EQ(message_of(last_post()), "[Mattermost](https://mattermost.com)");
}

TEST_F(Hooks, Case26SystemTypesAreRefused) {
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","type":"system_generic"})"), 400,
                           "api.context.invalid_param.app_error"));
  EXPECT_EQ(post_count(), 0u);
}

TEST_F(Hooks, ReservedPropsComeFromTheServerAndOverridesFromTheConfig) {
  EXPECT_TRUE(is_ok(send(R"({"text":"x","username":"sent","props":{"from_webhook":"no",)"
                         R"("override_username":"smuggled","card":"kept"}})")));
  auto p = last_post();
  EXPECT_EQ(prop(p, "from_webhook"), "true");
  EXPECT_EQ(prop(p, "override_username"), "<absent>");  // EnablePostUsernameOverride off
  EXPECT_EQ(prop(p, "card"), "kept");

  config_.service["EnablePostUsernameOverride"] = "true";
  config_.service["EnablePostIconOverride"] = "true";
  start_server();
  EXPECT_TRUE(is_ok(send(R"({"text":"y","username":"sent","icon_url":"http://i","icon_emoji":":tada:"})")));
  p = last_post();
  EXPECT_EQ(prop(p, "override_username"), "sent");
  EXPECT_EQ(prop(p, "override_icon_url"), "http://i");
  EXPECT_EQ(prop(p, "override_icon_emoji"), ":tada:");
  EXPECT_TRUE(is_ok(send(R"({"text":"z"})")));
  EXPECT_EQ(prop(last_post(), "override_username"), "webhook");
}

TEST_F(Hooks, PrivateChannelNeedsTheOwnerToReadIt) {
  // bob owns a hook on the open channel; he is not in the private one.
  std::string bobs = make_hook(R"("user_id":")" + bob_id_ + "\"");
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","channel":"secret"})", "application/json", bobs),
                           403, "web.incoming_webhook.permissions.app_error"));
  // The admin (a system admin) may read it.
  EXPECT_TRUE(is_ok(send(R"({"text":"x","channel":"secret"})")));
  EXPECT_EQ(post_count(secret_id_), 1u);
}

TEST_F(Hooks, BadInputGetsA4xxAndStoresNothing) {
  EXPECT_TRUE(is_app_error(send("{\"text\":"), 400, "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","props":)" + std::string(100000, '[') + "}"), 400,
                           "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"text":"x","props":{"n":1e999999}})"), 400,
                           "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"text":5})"), 400, "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(""), 400, "model.incoming_hook.parse_data.app_error"));
  EXPECT_TRUE(is_app_error(send(R"({"attachments":[{"fields":[{"short":"maybe"}]}]})"), 400,
                           "model.incoming_hook.parse_data.app_error"));
  // A 10 MB body is refused by the core before the plugin sees it.
  pb::itest::HttpConnection c(server_->host(), server_->port());
  ASSERT_TRUE(c.send("POST /hooks/" + hook_id_ + " HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nContent-Length: 10485760\r\n\r\n{\"text\":\"aaaa"));
  auto huge = c.next();
  ASSERT_TRUE(huge) << c.why();
  EXPECT_TRUE(is_app_error(*huge, 413, "api.http.body_too_large.app_error"));
  EXPECT_EQ(post_count(), 0u);
  // Invalid UTF-8 is not refused (Go reads it as U+FFFD) but never stored as is.
  EXPECT_TRUE(is_ok(send("{\"text\":\"bad \xff\xfe bytes\"}")));
  EXPECT_EQ(message_of(last_post()), "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

}  // namespace
}  // namespace pb::incoming_webhooks::itest
