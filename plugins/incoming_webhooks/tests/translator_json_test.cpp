// translator_json.h: the requests published on translators.translate and how answers are read.
#include <gtest/gtest.h>
#include <patchbay/json_guard.hpp>
#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <vector>

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
  // The canonical fast path and the SAX pass agree at the nesting bound, compact or not.
  auto nested = [](int depth, std::string_view gap) {
    std::string out;
    for (int i = 0; i < depth; ++i) (out += '[') += gap;
    for (int i = 0; i < depth; ++i) (out += gap) += ']';
    return out;
  };
  for (std::string_view gap : {"", " "}) {
    EXPECT_TRUE(is_json_value(nested(kMaxTranslatedBodyDepth, gap))) << gap.size();
    EXPECT_FALSE(is_json_value(nested(kMaxTranslatedBodyDepth + 1, gap))) << gap.size();
  }
  // What the fast path refuses and the SAX pass accepts: escapes, fractions, whitespace.
  EXPECT_TRUE(is_json_value(R"({"a":"é\/","b":1.5e3,"c":-0})"));
  EXPECT_TRUE(is_json_value(R"({"a" : [1, 2]})"));
  EXPECT_FALSE(is_json_value("{\"a\":\"\xed\xa0\x80\"}"));  // an encoded surrogate
  EXPECT_FALSE(is_json_value(R"({"a":1,})"));
  EXPECT_TRUE(is_json_value(std::string(60, '[') + std::string(60, ']')));
}

// is_json_value as it was before it became one pass with an ASCII fast path: a depth scan, then
// RapidJSON's validating reader. The table below must get the same answers from both.
bool reference_is_json_value(std::string_view body) {
  if (sdk::json_too_deep_at(body, kMaxTranslatedBodyDepth) != std::string_view::npos) return false;
  rapidjson::Reader reader;
  rapidjson::BaseReaderHandler<> ignore;
  rapidjson::MemoryStream stream(body.data(), body.size());
  reader.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag |
               rapidjson::kParseStopWhenDoneFlag>(stream, ignore);
  if (reader.HasParseError()) return false;
  for (size_t i = stream.Tell(); i < body.size(); ++i) {
    char c = body[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string nested(int levels, const std::string& open, const std::string& close,
                   const std::string& inner = "1") {
  std::string s;
  for (int i = 0; i < levels; ++i) s += open;
  s += inner;
  for (int i = 0; i < levels; ++i) s += close;
  return s;
}

TEST(TranslatorJson, IsJsonValueAnswersAsTheDepthScanAndValidatingReaderDid) {
  using namespace std::string_literals;
  std::vector<std::string> inputs = {
      "", " ", "null", "true", "42", "-0.5e3", "1e400", "01", "\"s\"", "\"\\u00e9\"",
      "\"\\ud800\"", "\"\\ud83d\\ude00\"", "{}", "[]", " {\"a\":[1,{\"b\":null}]} \r\n\t",
      "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{'a':1}", "{\"a\":1}x", "{\"a\":1}\0"s, "\0{}"s,
      "{\"a\":\"b\0c\"}"s, "{\"a\":\"tab\there\"}", "\xEF\xBB\xBF{}", "{\"\xc3\xa9\":\"\xe2\x82\xac\"}",
      "{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
      "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xff\"}", "\"\xe2\x82\"", "[\"[[[[\"]",
      "{\"a\":\"]]]]{{{{\"}"};
  for (int levels : {63, 64, 65, 66}) {
    inputs.push_back(nested(levels, "[", "]"));
    inputs.push_back(nested(levels, "{\"k\":", "}"));
    inputs.push_back(nested(levels, "[{\"k\":", "}]"));
    inputs.push_back(nested(levels, "[", "]", "\"[[[\xc3\xa9\""));
    inputs.push_back(nested(levels, "[", "]") + " x");
  }
  for (const std::string& input : inputs) {
    EXPECT_EQ(is_json_value(input), reference_is_json_value(input)) << input.substr(0, 60);
  }
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
