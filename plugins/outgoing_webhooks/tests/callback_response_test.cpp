// Callback answers → reply posts (wire spec §4.4, §10 cases 35 and 36).
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "plugins/outgoing_webhooks/callback_response.h"

namespace pb::outgoing {
namespace {

ReplyContext context(bool overrides) {
  return ReplyContext{"Deployer", "some-user-name", "http://some-icon/", overrides, overrides};
}

rapidjson::Document props_of(const ReplyOutcome& out) {
  rapidjson::Document doc;
  doc.Parse(out.props_json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << out.props_json;
  return doc;
}

TEST(CallbackResponse, PropsNumbersAreStoredAsTheNumbersSent) {
  // RapidJSON's default parse may land a long mantissa or an extreme exponent on a neighbouring
  // double, so the props written back held other numbers than the answer sent (as the chat body
  // did, found by fuzz).
  const std::vector<std::string> numbers = {"22222222222272222222222222222222222222222222.5",
                                            "1.7976931348623157e308", "5e-324", "0.1",
                                            "2.2250738585072011e-308", "9007199254740993.0"};
  std::string list;
  for (const std::string& n : numbers) list += (list.empty() ? "" : ",") + n;
  auto out = parse_callback_response(R"({"text":"x","props":{"n":[)" + list + "]}}", context(false));
  ASSERT_EQ(out.kind, ReplyOutcome::kPost);
  rapidjson::Document props;
  props.Parse<rapidjson::kParseFullPrecisionFlag>(out.props_json.c_str());
  ASSERT_FALSE(props.HasParseError()) << out.props_json;
  ASSERT_EQ(props["n"].Size(), numbers.size());
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(props["n"][static_cast<rapidjson::SizeType>(i)].GetDouble(),
              std::strtod(numbers[i].c_str(), nullptr))
        << numbers[i] << " became " << out.props_json;
  }
}

TEST(CallbackResponse, TextIsPostedCase35) {
  auto out = parse_callback_response(R"({"text": "Hello, World!"})", context(false));
  ASSERT_EQ(out.kind, ReplyOutcome::kPost);
  EXPECT_EQ(out.message, "Hello, World!");
  EXPECT_FALSE(out.comment);
}

TEST(CallbackResponse, GarbageOversizedDeepAndWrongTypesAreErrorsCase35) {
  for (std::string body : {std::string("aaaaaaaa"), std::string("[1]"), std::string("{\"text\":5}"),
                           std::string("{\"text\":\"x\",\"props\":[]}"),
                           std::string("{\"attachments\":{}}"), std::string("{\"text\":\"a\xff\"}"),
                           std::string("{\"text\":\"x\"") , std::string(100, '[') + std::string(100, ']'),
                           std::string("{\"text\":\"x\",\"type\":\"system_join\"}"),
                           std::string("{\"text\":1e999}"),
                           std::string("{\"text\":\"x\",\"props\":{\"n\":2e308}}"),
                           std::string("{\"attachments\":[{\"ts\":-2e308}]}"),
                           std::string("{\"text\":\"at\xf1\xb9"),
                           std::string("{\"text\":\"x\"}\0trailing", 22)}) {
    EXPECT_EQ(parse_callback_response(body, context(false)).kind, ReplyOutcome::kError) << body;
  }
}

TEST(CallbackResponse, EmptyBodyOrNoTextNoAttachmentsPostsNothingCase35) {
  EXPECT_EQ(parse_callback_response("", context(false)).kind, ReplyOutcome::kNothing);
  EXPECT_EQ(parse_callback_response(" \r\n", context(false)).kind, ReplyOutcome::kNothing);
  EXPECT_EQ(parse_callback_response("{}", context(false)).kind, ReplyOutcome::kNothing);
  EXPECT_EQ(parse_callback_response(R"({"text":null,"attachments":[]})", context(false)).kind,
            ReplyOutcome::kNothing);
  // An empty text is still a post (Mattermost: text present, even "").
  EXPECT_EQ(parse_callback_response(R"({"text":""})", context(false)).kind, ReplyOutcome::kPost);
}

TEST(CallbackResponse, HookNamesWhenOverridesEnabledCase36) {
  auto out = parse_callback_response(R"({"text":"hi"})", context(true));
  auto props = props_of(out);
  EXPECT_STREQ(props["override_username"].GetString(), "some-user-name");
  EXPECT_STREQ(props["override_icon_url"].GetString(), "http://some-icon/");
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_STREQ(props["webhook_display_name"].GetString(), "Deployer");
}

TEST(CallbackResponse, NoOverridePropsWhenDisabledCase36) {
  auto out = parse_callback_response(R"({"text":"hi","username":"u","icon_url":"http://i/"})",
                                     context(false));
  auto props = props_of(out);
  EXPECT_FALSE(props.HasMember("override_username"));
  EXPECT_FALSE(props.HasMember("override_icon_url"));
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
}

TEST(CallbackResponse, ResponseNamesWinOverHookNamesCase36) {
  auto out = parse_callback_response(
      R"({"text":"hi","username":"webhookuser","icon_url":"http://other-icon/"})", context(true));
  auto props = props_of(out);
  EXPECT_STREQ(props["override_username"].GetString(), "webhookuser");
  EXPECT_STREQ(props["override_icon_url"].GetString(), "http://other-icon/");
}

TEST(CallbackResponse, PropsAttachmentsTypeAndCommentCarryOver) {
  auto out = parse_callback_response(
      R"({"text":null,"attachments":[{"text":"a"}],"props":{"k":[1,{"x":true}],"from_webhook":"no","override_username":"evil"},"type":"custom_x","response_type":"comment"})",
      context(false));
  ASSERT_EQ(out.kind, ReplyOutcome::kPost);
  EXPECT_EQ(out.message, "");
  EXPECT_EQ(out.type, "custom_x");
  EXPECT_TRUE(out.comment);
  auto props = props_of(out);
  EXPECT_TRUE(props["k"].IsArray());
  EXPECT_TRUE(props["attachments"].IsArray());
  EXPECT_STREQ(props["from_webhook"].GetString(), "true");
  EXPECT_FALSE(props.HasMember("override_username"));
}

}  // namespace
}  // namespace pb::outgoing
