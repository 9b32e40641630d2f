#include "plugins/slash_commands/command_response.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace pb::slash {
namespace {

std::string text_of(std::string_view type, std::string_view body) {
  ParsedResponse p = parse_command_response(type, body);
  EXPECT_TRUE(p.ok) << p.error;
  return p.response.text;
}

// The numbers in a command's props reach the post as the numbers sent: RapidJSON's default
// parse put these on neighbouring doubles.
const std::vector<std::string> kEdgeNumbers = {"22222222222272222222222222222222222222222222.5",
                                               "2.2250738585072011e-308", "9007199254740993.0",
                                               "1.7976931348623157e308", "5e-324", "0.1"};

TEST(CommandResponse, PropsNumbersReachThePostAsSent) {
  std::string list;
  for (const std::string& n : kEdgeNumbers) list += (list.empty() ? "" : ",") + n;
  ParsedResponse p = parse_command_response(
      "application/json", R"({"response_type":"in_channel","text":"x","props":{"n":[)" + list + "]}}");
  ASSERT_TRUE(p.ok) << p.error;
  std::string props = post_props_json(p.response, PostPropsContext{"bot", "", false, false, true});
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(props.c_str());
  ASSERT_TRUE(d.IsObject()) << props;
  ASSERT_EQ(d["n"].Size(), kEdgeNumbers.size());
  for (size_t i = 0; i < kEdgeNumbers.size(); ++i) {
    EXPECT_EQ(d["n"][static_cast<rapidjson::SizeType>(i)].GetDouble(),
              std::strtod(kEdgeNumbers[i].c_str(), nullptr))
        << kEdgeNumbers[i] << " became " << props;
  }
}

// Wire spec §10 case 42.
TEST(CommandResponse, ContentTypeDecidesJsonOrText) {
  EXPECT_EQ(text_of("", "foo"), "foo");
  EXPECT_EQ(text_of("text/plain", "foo"), "foo");
  EXPECT_EQ(text_of("application/json", R"({"text":"foo"})"), "foo");
  EXPECT_EQ(text_of("application/json; charset=utf-8", R"({"text":"foo"})"), "foo");
  EXPECT_EQ(text_of(" Application/JSON ;x", R"({"text":"foo"})"), "foo");
  EXPECT_EQ(text_of("text/plain", R"({"text":"foo"})"), R"({"text":"foo"})");
  EXPECT_EQ(text_of("text/plain", ""), "");
}

TEST(CommandResponse, PlainTextWithInvalidUtf8GetsReplacementCharacters) {
  EXPECT_EQ(text_of("text/plain", "a\xC3(b\xED\xA0\x80" "c\xF0\x9F\x98\x80"),
            "a\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "c\xF0\x9F\x98\x80");
  EXPECT_EQ(text_of("text/plain", "caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(CommandResponse, SkipSlackParsingKeepsTheTextExactly) {
  std::string body =
      R"({"response_type":"in_channel","skip_slack_parsing":true,"text":"```\n<a|b> & <!here>\n```"})";
  ParsedResponse p = parse_command_response("application/json", body);
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.response.skip_slack_parsing);
  EXPECT_EQ(p.response.text, "```\n<a|b> & <!here>\n```");
}

// Wire spec §10 case 43.
TEST(CommandResponse, MalformedJsonIsAnError) {
  for (std::string_view bad : {std::string_view(""), std::string_view(R"({"text": })"),
                               std::string_view(R"({"text":"test","response_type":5})"),
                               std::string_view("[1]"), std::string_view(R"({"props":[]})"),
                               std::string_view(R"({"attachments":{}})"),
                               std::string_view(R"({"skip_slack_parsing":"yes"})"),
                               std::string_view(R"({"props":{"n":2e308}})"),
                               std::string_view("{\"text\":\"\xC3\"}")}) {
    EXPECT_FALSE(parse_command_response("application/json", bad).ok) << bad;
  }
  std::string deep(100, '[');
  EXPECT_FALSE(parse_command_response("application/json", deep).ok);
}

// Wire spec §10 case 44 (the attachments plugin normalises the values later; here they are
// carried verbatim).
TEST(CommandResponse, ExtraResponsesAndAttachmentsAreRead) {
  std::string body = R"({"text":"a","attachments":[{"fields":[{"title":"t","value":[]}]}],
    "extra_responses":[{"response_type":"in_channel","text":"b","attachments":[{"text":"x"}]},null]})";
  ParsedResponse p = parse_command_response("application/json", body);
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_TRUE(p.response.has_attachments);
  EXPECT_EQ(p.response.attachments_json, R"([{"fields":[{"title":"t","value":[]}]}])");
  ASSERT_EQ(p.response.extra_responses.size(), 1u);
  EXPECT_EQ(p.response.extra_responses[0].text, "b");
  EXPECT_TRUE(p.response.extra_responses[0].in_channel());
  EXPECT_TRUE(p.response.extra_responses[0].has_attachments);
}

TEST(CommandResponse, KindsOfResponseType) {
  CommandResponse r;
  EXPECT_TRUE(r.ephemeral());
  r.response_type = "ephemeral";
  EXPECT_TRUE(r.ephemeral());
  r.response_type = "in_channel";
  EXPECT_TRUE(r.in_channel());
  r.response_type = "other";
  EXPECT_FALSE(r.in_channel());
  EXPECT_FALSE(r.ephemeral());
}

TEST(CommandResponse, ReplyJsonCarriesTheTriggerIdAndIsValidJson) {
  ParsedResponse p = parse_command_response(
      "application/json",
      R"({"response_type":"in_channel","text":"hi \"x\"","props":{"k":1},"trigger_id":"theirs","goto_location":"g"})");
  ASSERT_TRUE(p.ok);
  std::string json = response_to_json(p.response, "ourtriggerid");
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_STREQ(doc["trigger_id"].GetString(), "ourtriggerid");
  EXPECT_STREQ(doc["text"].GetString(), "hi \"x\"");
  EXPECT_STREQ(doc["goto_location"].GetString(), "g");
  EXPECT_EQ(doc["props"]["k"].GetInt(), 1);
}

// Wire spec §5.5: the command's configured name/icon win over the response's; overrides only
// when the server allows them; from_webhook for custom commands; our keys are not duplicated.
TEST(CommandResponse, PostPropsPrecedence) {
  ParsedResponse p = parse_command_response(
      "application/json",
      R"({"text":"x","username":"resp","icon_url":"http://resp/i","props":{"from_webhook":"no","a":[1,{"b":null}]}})");
  ASSERT_TRUE(p.ok);
  PostPropsContext ctx{"cmduser", "", true, true, true};
  EXPECT_EQ(post_props_json(p.response, ctx),
            R"({"a":[1,{"b":null}],"from_webhook":"true","override_username":"cmduser","override_icon_url":"http://resp/i"})");
  ctx.username_override = ctx.icon_override = false;
  EXPECT_EQ(post_props_json(p.response, ctx), R"({"a":[1,{"b":null}],"from_webhook":"true"})");
  ctx.from_webhook = false;
  EXPECT_EQ(post_props_json(p.response, ctx), R"({"a":[1,{"b":null}]})");
}

}  // namespace
}  // namespace pb::slash
