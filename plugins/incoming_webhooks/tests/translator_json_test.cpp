// translator_json.h: the requests published on translators.translate and how answers are read.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "plugins/incoming_webhooks/translator_json.h"

namespace pb::incoming_webhooks::test {
namespace {

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

TEST(TranslatorJson, DescribeRequest) {
  auto d = parse(describe_request_json("git\"hub"));
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["op"].GetString(), "describe");
  EXPECT_STREQ(d["translator"].GetString(), "git\"hub");
}

TEST(TranslatorJson, TranslateRequestEmbedsTheBodyAndLowerCasesHeaders) {
  HeaderList headers{{"X-GitHub-Event", "push"}, {"Content-Type", "application/json"},
                     {"x-github-event", "second"}, {"X-Odd", "a\"b"}};
  std::string req = translate_request_json("github", {{"base", "https://x"}}, headers,
                                           R"({"ref":"refs/heads/main","n":[1,2]})");
  auto d = parse(req);
  ASSERT_TRUE(d.IsObject()) << req;
  EXPECT_STREQ(d["op"].GetString(), "translate");
  EXPECT_STREQ(d["translator"].GetString(), "github");
  EXPECT_STREQ(d["variables"]["base"].GetString(), "https://x");
  EXPECT_STREQ(d["headers"]["x-github-event"].GetString(), "push");  // first one kept
  EXPECT_EQ(d["headers"].MemberCount(), 3u);
  EXPECT_STREQ(d["headers"]["x-odd"].GetString(), "a\"b");
  EXPECT_STREQ(d["body"]["ref"].GetString(), "refs/heads/main");
  EXPECT_EQ(d["body"]["n"].Size(), 2u);
}

TEST(TranslatorJson, OnlyOneWholeJsonValueIsEmbedded) {
  EXPECT_TRUE(is_json_value(R"({"a":1})"));
  EXPECT_TRUE(is_json_value(" [1,2] \n"));
  EXPECT_TRUE(is_json_value("\"s\""));
  EXPECT_TRUE(is_json_value("42"));
  EXPECT_FALSE(is_json_value(""));
  EXPECT_FALSE(is_json_value(R"({"a":1},"translator":"other")"));  // would inject members
  EXPECT_FALSE(is_json_value(R"({"a":1} {"b":2})"));
  EXPECT_FALSE(is_json_value(R"({"a":)"));
  EXPECT_FALSE(is_json_value("{\"a\":\"\xff\"}"));  // invalid UTF-8
  EXPECT_FALSE(is_json_value(std::string(100, '[') + std::string(100, ']')));
  EXPECT_TRUE(is_json_value(std::string(60, '[') + std::string(60, ']')));
}

TEST(TranslatorJson, TranslateAnswers) {
  auto ok = parse_translate_answer(R"({"payload":{"text":"hi","props":{"a":1}},"thread_key":"k-1"})");
  ASSERT_TRUE(std::holds_alternative<Translated>(ok));
  EXPECT_EQ(std::get<Translated>(ok).payload_json, R"({"text":"hi","props":{"a":1}})");
  EXPECT_EQ(std::get<Translated>(ok).thread_key, "k-1");
  auto no_key = parse_translate_answer(R"({"payload":{"text":"hi"}})");
  ASSERT_TRUE(std::holds_alternative<Translated>(no_key));
  EXPECT_EQ(std::get<Translated>(no_key).thread_key, "");

  auto err = parse_translate_answer(
      R"({"error":{"status":400,"id":"web.incoming_webhook.translator.no_match.app_error","message":"translator github: no rule matches"}})");
  ASSERT_TRUE(std::holds_alternative<ApiError>(err));
  EXPECT_EQ(std::get<ApiError>(err).status, 400);
  EXPECT_EQ(std::get<ApiError>(err).id, "web.incoming_webhook.translator.no_match.app_error");
  EXPECT_EQ(std::get<ApiError>(err).message, "translator github: no rule matches");

  // The request coming back unchanged: nobody translated.
  EXPECT_TRUE(std::holds_alternative<NotTranslated>(
      parse_translate_answer(R"({"op":"translate","translator":"x","body":{}})")));

  for (const char* bad : {"", "[]", R"({"payload":"text"})", R"({"thread_key":"k"})",
                          R"({"payload":{"text":"x"},"thread_key":5})", "{\"payload\":{"}) {
    auto r = parse_translate_answer(bad);
    ASSERT_TRUE(std::holds_alternative<ApiError>(r)) << bad;
    EXPECT_EQ(std::get<ApiError>(r).status, 500) << bad;
  }
  auto long_key = parse_translate_answer(R"({"payload":{"text":"x"},"thread_key":")" +
                                         std::string(kMaxThreadKey + 1, 'k') + "\"}");
  ASSERT_TRUE(std::holds_alternative<ApiError>(long_key));
  EXPECT_EQ(std::get<ApiError>(long_key).id, "web.incoming_webhook.thread_key.app_error");
}

TEST(TranslatorJson, DescribeAnswers) {
  EXPECT_TRUE(std::holds_alternative<Described>(
      parse_describe_answer(R"({"name":"github","description":"d","variables":[]})")));
  EXPECT_TRUE(std::holds_alternative<NotTranslated>(
      parse_describe_answer(R"({"op":"describe","translator":"github"})")));
  auto e = parse_describe_answer(
      R"({"error":{"status":404,"id":"web.incoming_webhook.translator.unknown.app_error","message":"m"}})");
  ASSERT_TRUE(std::holds_alternative<ApiError>(e));
  EXPECT_EQ(std::get<ApiError>(e).status, 404);
  EXPECT_TRUE(std::holds_alternative<ApiError>(parse_describe_answer("nonsense")));
}

}  // namespace
}  // namespace pb::incoming_webhooks::test
