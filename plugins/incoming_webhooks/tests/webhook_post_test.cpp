// The props an incoming webhook sets (§2.6, §10 case 27) and the attachments.process JSON.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "plugins/incoming_webhooks/webhook_post.h"

namespace pb::incoming_webhooks {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  return d;
}

std::string props_of(const PropsInput& in) {
  auto r = build_webhook_props(in);
  EXPECT_TRUE(std::holds_alternative<std::string>(r));
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
}

TEST(WebhookProps, ServerSetsFromWebhookAndDisplayName) {
  PropsInput in;
  in.display_name = "CI";
  auto d = parse(props_of(in));
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["from_webhook"].GetString(), "true");
  EXPECT_STREQ(d["webhook_display_name"].GetString(), "CI");
  EXPECT_FALSE(d.HasMember("override_username"));
  EXPECT_FALSE(d.HasMember("attachments"));
}

TEST(WebhookProps, ReservedPropsFromTheSenderAreDropped) {
  PropsInput in;
  in.client_props_json =
      R"({"from_webhook":"false","override_username":"root","override_icon_url":"x",)"
      R"("override_icon_emoji":"y","webhook_display_name":"fake","attachments":[{"text":"t"}],)"
      R"("card":"kept","n":{"deep":[1,2.5,null]}})";
  in.display_name = "real";
  auto d = parse(props_of(in));
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["from_webhook"].GetString(), "true");
  EXPECT_STREQ(d["webhook_display_name"].GetString(), "real");
  EXPECT_FALSE(d.HasMember("override_username"));
  EXPECT_FALSE(d.HasMember("override_icon_url"));
  EXPECT_FALSE(d.HasMember("override_icon_emoji"));
  EXPECT_FALSE(d.HasMember("attachments"));  // only top-level attachments count (§2.4 step 6)
  EXPECT_STREQ(d["card"].GetString(), "kept");
  EXPECT_EQ(d["n"]["deep"].Size(), 3u);
}

TEST(WebhookProps, OverridesAndAttachmentsWhenGiven) {
  PropsInput in;
  in.display_name = "";
  in.override_username = "bot";
  in.override_icon_url = "https://i";
  in.override_icon_emoji = ":tada:";
  in.attachments_json = R"([{"text":"a"},null])";
  in.has_attachments = true;
  auto d = parse(props_of(in));
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["override_username"].GetString(), "bot");
  EXPECT_STREQ(d["override_icon_url"].GetString(), "https://i");
  EXPECT_STREQ(d["override_icon_emoji"].GetString(), ":tada:");
  ASSERT_TRUE(d["attachments"].IsArray());
  EXPECT_EQ(d["attachments"].Size(), 2u);
}

TEST(WebhookProps, MalformedSenderPropsAreAParseError) {
  for (std::string bad : {std::string("[1]"), std::string("{\"a\":"), std::string("{\"a\":\"\xff\"}"),
                          "{\"a\":" + std::string(600, '[') + std::string(600, ']') + "}"}) {
    PropsInput in;
    in.client_props_json = bad;
    auto r = build_webhook_props(in);
    ASSERT_TRUE(std::holds_alternative<ApiError>(r)) << bad;
    EXPECT_EQ(std::get<ApiError>(r).id, "model.incoming_hook.parse_data.app_error");
  }
}

TEST(WebhookProps, SenderPropsNumbersAreStoredAsTheNumbersSent) {
  // RapidJSON's default parse put these on neighbouring doubles (2.2222222222272225e43 was
  // stored for the first one): the stored props held other numbers than the sender's.
  const std::vector<std::string> numbers = {"22222222222272222222222222222222222222222222.5",
                                            "2.2250738585072011e-308", "9007199254740993.0",
                                            "1.7976931348623157e308", "5e-324", "0.1"};
  std::string list;
  for (const std::string& n : numbers) list += (list.empty() ? "" : ",") + n;
  const std::string sent = R"({"n":[)" + list + "]}";  // PropsInput holds views
  PropsInput in;
  in.display_name = "CI";
  in.client_props_json = sent;
  std::string props = props_of(in);
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(props.c_str());
  ASSERT_TRUE(d.IsObject()) << props;
  ASSERT_EQ(d["n"].Size(), numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(d["n"][static_cast<rapidjson::SizeType>(i)].GetDouble(),
              std::strtod(numbers[i].c_str(), nullptr))
        << numbers[i] << " became " << props;
  }
}

TEST(WebhookProps, UnpairedSurrogatesBecomeReplacementCharacters) {
  PropsInput in;
  in.client_props_json = R"({"k":"a\udc00b"})";
  auto d = parse(props_of(in));
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(std::string(d["k"].GetString()), "a\xEF\xBF\xBD" "b");
}

// The endpoint writes the props into one reused buffer: the same bytes as build_webhook_props,
// after whatever the buffer held, and the same refusals.
TEST(WebhookProps, TheAppendedFormIsTheBuiltOne) {
  const std::string sent_props = R"({"k":"v","from_webhook":"no","n":[1,2.5e3,{"d":null}],"u":"\udc00"})";
  const std::string attachments = R"([{"text":"t"}])";
  std::vector<PropsInput> inputs(4);
  inputs[0].display_name = "CI";
  inputs[1].display_name = "q\"uote";
  inputs[1].client_props_json = sent_props;
  inputs[1].override_username = "bot";
  inputs[1].override_icon_url = "https://x/i.png";
  inputs[2].client_props_json = "{}";
  inputs[2].attachments_json = attachments;
  inputs[2].has_attachments = true;
  inputs[2].override_icon_emoji = ":ok:";
  inputs[3].client_props_json = R"({"attachments":"dropped","a":"\u00e9"})";
  for (const PropsInput& in : inputs) {
    std::string buffer = "left from before";
    buffer.clear();  // as the endpoint does: the capacity stays
    ASSERT_FALSE(append_webhook_props(buffer, in));
    EXPECT_EQ(buffer, props_of(in));
    // Appended after other text, the props are the same object (commas counted from its start).
    std::string after = "prefix:";
    ASSERT_FALSE(append_webhook_props(after, in));
    EXPECT_EQ(after, "prefix:" + props_of(in));
  }
  PropsInput bad;
  bad.client_props_json = "[1]";
  std::string buffer;
  auto error = append_webhook_props(buffer, bad);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(error->id, "model.incoming_hook.parse_data.app_error");
}

TEST(Overrides, EffectiveValues) {
  EXPECT_EQ(effective_username("", ""), "webhook");
  EXPECT_EQ(effective_username("", "hooky"), "hooky");
  EXPECT_EQ(effective_username("sent", "hooky"), "sent");
  EXPECT_EQ(effective_icon_url("", "h"), "h");
  EXPECT_EQ(effective_icon_url("s", "h"), "s");
}

}  // namespace
}  // namespace pb::incoming_webhooks
