// The hook model: JSON round trip, the §3.1 limits (§10 case 47) and the username rule (case 49).
// (Ids are the SDK's, tested in tests/unit/plugin_host/ids_test.cpp.)
#include <gtest/gtest.h>

#include "plugins/incoming_webhooks/hook.h"

namespace pb::incoming_webhooks {
namespace {

IncomingHook valid_hook() {
  IncomingHook h;
  h.id = new_id();
  h.create_at = h.update_at = 1700000000000;
  h.user_id = new_id();
  h.channel_id = new_id();
  h.team_id = new_id();
  h.display_name = "CI \"builds\"\n";
  h.description = "from the CI";
  h.username = "ci-bot";
  h.icon_url = "https://ci/icon.png";
  h.channel_locked = true;
  return h;
}

TEST(Hook, JsonRoundTrip) {
  IncomingHook h = valid_hook();
  auto back = hook_from_json(hook_to_json(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(hook_to_json(*back), hook_to_json(h));
  EXPECT_EQ(back->display_name, h.display_name);
  EXPECT_TRUE(back->channel_locked);
}

TEST(Hook, StoredRecordsThatAreNotHooksAreRefused) {
  EXPECT_FALSE(hook_from_json(""));
  EXPECT_FALSE(hook_from_json("[]"));
  EXPECT_FALSE(hook_from_json(R"({"id":"short"})"));
  std::string deep(10000, '[');
  EXPECT_FALSE(hook_from_json(deep));
  std::string json = hook_to_json(valid_hook());
  json.replace(json.find("\"channel_locked\":true"), 21, "\"channel_locked\":1");
  EXPECT_FALSE(hook_from_json(json));
}

TEST(Hook, FieldLimitsCase47) {
  IncomingHook h = valid_hook();
  EXPECT_FALSE(validate_hook(h));
  h.display_name = std::string(64, 'a');
  EXPECT_FALSE(validate_hook(h));
  h.display_name += 'a';
  ASSERT_TRUE(validate_hook(h));
  EXPECT_EQ(validate_hook(h)->id, "model.incoming_hook.display_name.app_error");
  h = valid_hook();
  h.description = std::string(500, 'd');
  EXPECT_FALSE(validate_hook(h));
  h.description += 'd';
  EXPECT_EQ(validate_hook(h)->id, "model.incoming_hook.description.app_error");
  h = valid_hook();
  h.username = std::string(65, 'u');
  EXPECT_EQ(validate_hook(h)->id, "model.incoming_hook.username.app_error");
  h = valid_hook();
  h.icon_url = std::string(1024, 'i');
  EXPECT_FALSE(validate_hook(h));
  h.icon_url += 'i';
  EXPECT_EQ(validate_hook(h)->id, "model.incoming_hook.icon_url.app_error");
  h = valid_hook();
  h.channel_id = "abc";
  EXPECT_EQ(validate_hook(h)->id, "model.incoming_hook.channel_id.app_error");
  EXPECT_EQ(validate_hook(h)->status, 400);
}

TEST(Hook, UsernameRuleCase49) {
  EXPECT_TRUE(is_valid_username("ci-bot"));
  EXPECT_TRUE(is_valid_username("a.b_c-1"));
  EXPECT_FALSE(is_valid_username(":invalid:"));
  EXPECT_FALSE(is_valid_username(""));
  EXPECT_FALSE(is_valid_username("Upper"));
  EXPECT_FALSE(is_valid_username(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_username(std::string(64, 'a')));
  for (const char* reserved : {"all", "channel", "matterbot", "system"}) {
    EXPECT_FALSE(is_valid_username(reserved)) << reserved;
  }
}

TEST(Hook, BodyFieldsWithWrongTypesAreA400) {
  auto ok = parse_hook_fields(R"({"channel_id":"x","channel_locked":true,"display_name":null})");
  ASSERT_TRUE(std::holds_alternative<HookFields>(ok));
  EXPECT_EQ(*std::get<HookFields>(ok).channel_id, "x");
  EXPECT_FALSE(std::get<HookFields>(ok).display_name);
  for (const char* bad : {R"({"channel_id":5})", R"({"channel_locked":"yes"})", "[]", "{",
                          ""}) {
    auto r = parse_hook_fields(bad);
    ASSERT_TRUE(std::holds_alternative<ApiError>(r)) << bad;
    EXPECT_EQ(std::get<ApiError>(r).status, 400);
  }
}

}  // namespace
}  // namespace pb::incoming_webhooks
