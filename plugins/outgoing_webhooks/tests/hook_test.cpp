// The OutgoingWebhook model: JSON round trip, body reading, IsValid (wire spec §4.1, §10 case 48).
#include <gtest/gtest.h>

#include "plugins/outgoing_webhooks/hook.h"

namespace pb::outgoing {
namespace {

OutgoingHook valid_hook() {
  OutgoingHook h;
  h.id = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
  h.token = "bbbbbbbbbbbbbbbbbbbbbbbbbb";
  h.create_at = h.update_at = 1;
  h.creator_id = "cccccccccccccccccccccccccc";
  h.team_id = "dddddddddddddddddddddddddd";
  h.trigger_words = {"deploy"};
  h.callback_urls = {"http://nowhere.com/"};
  return h;
}

TEST(Hook, JsonRoundTripKeepsEveryField) {
  OutgoingHook h = valid_hook();
  h.channel_id = "eeeeeeeeeeeeeeeeeeeeeeeeee";
  h.trigger_when = 1;
  h.display_name = "Déploy \"bot\"";
  h.description = "line\nbreak";
  h.content_type = "application/json";
  h.username = "bot";
  h.icon_url = "http://icon/";
  h.callback_urls.push_back("https://other/x?y=1");
  auto back = hook_from_record(to_json(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(h));
  EXPECT_EQ(back->display_name, "Déploy \"bot\"");
  EXPECT_EQ(back->callback_urls.size(), 2u);
  EXPECT_TRUE(back->sends_json());
}

TEST(Hook, JsonHasEveryKeyAndEmptyArrays) {
  OutgoingHook h;
  std::string json = to_json(h);
  for (const char* key : {"\"id\"", "\"token\"", "\"create_at\"", "\"update_at\"", "\"delete_at\"",
                          "\"creator_id\"", "\"channel_id\"", "\"team_id\"", "\"trigger_words\":[]",
                          "\"trigger_when\"", "\"callback_urls\":[]", "\"display_name\"",
                          "\"description\"", "\"content_type\"", "\"username\"", "\"icon_url\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

TEST(Hook, BodyOfWrongTypesIsInvalidBodyParam) {
  for (const char* body : {"", "[]", "{", R"({"trigger_words":"x"})", R"({"trigger_words":[1]})",
                           R"({"team_id":5})", "{\"a\":\"at\xf1\xb9", R"({"trigger_when":"0"})", "{\"a\":\"\xff\"}",
                           "[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"}) {
    ApiError e;
    EXPECT_FALSE(hook_from_body(body, e)) << body;
    EXPECT_EQ(e.status, 400);
    EXPECT_EQ(e.id, "api.context.invalid_body_param.app_error");
  }
  ApiError e;
  auto ok = hook_from_body(R"({"team_id":"t","channel_id":null,"trigger_words":["a","b"]})", e);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->trigger_words.size(), 2u);
}

TEST(Hook, UnpairedSurrogateEscapeBecomesReplacementCharacter) {
  ApiError e;
  auto h = hook_from_body(R"({"display_name":"a\udc00b"})", e);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->display_name, "a\xEF\xBF\xBD" "b");
}

TEST(Hook, ValidationCase48) {
  EXPECT_FALSE(validate(valid_hook()));
  auto field = [](auto mutate) {
    OutgoingHook h = valid_hook();
    mutate(h);
    auto e = validate(h);
    return e ? e->id : std::string("valid");
  };
  EXPECT_EQ(field([](auto& h) { h.callback_urls = {"nowhere.com/"}; }),
            "model.outgoing_hook.is_valid.url.app_error");
  EXPECT_EQ(field([](auto& h) { h.callback_urls = {"http://"}; }),
            "model.outgoing_hook.is_valid.url.app_error");
  EXPECT_EQ(field([](auto& h) { h.callback_urls = {}; }),
            "model.outgoing_hook.is_valid.callback.app_error");
  EXPECT_EQ(field([](auto& h) { h.content_type = std::string(129, 'a'); }),
            "model.outgoing_hook.is_valid.content_type.app_error");
  EXPECT_EQ(field([](auto& h) { h.content_type = std::string(128, 'a'); }), "valid");
  EXPECT_EQ(field([](auto& h) { h.username = std::string(65, 'a'); }),
            "model.outgoing_hook.is_valid.username.app_error");
  EXPECT_EQ(field([](auto& h) { h.username = std::string(64, 'a'); }), "valid");
  EXPECT_EQ(field([](auto& h) { h.icon_url = std::string(1025, 'a'); }),
            "model.outgoing_hook.is_valid.icon_url.app_error");
  EXPECT_EQ(field([](auto& h) { h.icon_url = std::string(1024, 'a'); }), "valid");
  EXPECT_EQ(field([](auto& h) { h.token = "short"; }), "model.outgoing_hook.is_valid.token.app_error");
  EXPECT_EQ(field([](auto& h) { h.display_name = std::string(65, 'a'); }),
            "model.outgoing_hook.is_valid.display_name.app_error");
  EXPECT_EQ(field([](auto& h) { h.description = std::string(501, 'a'); }),
            "model.outgoing_hook.is_valid.description.app_error");
  EXPECT_EQ(field([](auto& h) { h.trigger_words = {"a", ""}; }),
            "model.outgoing_hook.is_valid.trigger_words.app_error");
  EXPECT_EQ(field([](auto& h) { h.trigger_words = {std::string(1023, 'a')}; }),
            "model.outgoing_hook.is_valid.words.app_error");
  EXPECT_EQ(field([](auto& h) { h.trigger_words = {std::string(1022, 'a')}; }), "valid");
  EXPECT_EQ(field([](auto& h) { h.trigger_when = 2; }),
            "model.outgoing_hook.is_valid.content_type.app_error");
  EXPECT_EQ(field([](auto& h) { h.team_id = "x"; }), "model.outgoing_hook.is_valid.team_id.app_error");
  EXPECT_EQ(field([](auto& h) { h.channel_id = "x"; }),
            "model.outgoing_hook.is_valid.channel_id.app_error");
  EXPECT_EQ(field([](auto& h) { h.callback_urls = {"https://[::1]:8080/x"}; }), "valid");
}

TEST(Hook, IntersectNeedsSameChannelSharedUrlAndSharedWord) {
  OutgoingHook a = valid_hook(), b = valid_hook();
  EXPECT_TRUE(intersects(a, b));
  b.trigger_words = {"other"};
  EXPECT_FALSE(intersects(a, b));
  b = valid_hook();
  b.callback_urls = {"http://elsewhere/"};
  EXPECT_FALSE(intersects(a, b));
  b = valid_hook();
  b.channel_id = "eeeeeeeeeeeeeeeeeeeeeeeeee";
  EXPECT_FALSE(intersects(a, b));
}

}  // namespace
}  // namespace pb::outgoing
