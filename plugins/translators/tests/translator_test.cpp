// Rule files: loading, validation errors (file, rule, JSON path, reason), matching order.
#include <gtest/gtest.h>

#include "plugins/translators/tests/render_helper.h"
#include "plugins/translators/translator.h"

namespace pb::translators {
namespace {

std::string load_error(std::string_view text) {
  auto r = Translator::load(text, "t.json", Limits{});
  auto* e = std::get_if<std::string>(&r);
  return e ? *e : "loaded";
}

TEST(RuleFile, ValidationErrorsNameFileRulePathAndReason) {
  EXPECT_EQ(load_error("{"), "t.json: not JSON: Missing a name for object member. at offset 1");
  EXPECT_EQ(load_error("[]"), "t.json: expected a JSON object");
  EXPECT_EQ(load_error(R"({"rules":[]})"), "t.json: /name: missing");
  EXPECT_EQ(load_error(R"({"name":"Bad Name","rules":[]})"),
            "t.json: /name: expected 1 to 64 of a-z, 0-9, '_', '-'");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[]})"), "t.json: /rules: no rule and no fallback");
  EXPECT_EQ(load_error(R"({"name":"x","rulez":[]})"),
            "t.json: /rulez: unknown key (expected name, description, rules, fallback)");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"match":{},"post":{}}]})"),
            "t.json: /rules/0: a rule needs a \"name\"");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"push","match":{},"post":{"text":"{{#/a}}"}}]})"),
            "t.json: rule \"push\": /rules/0/post/text: section opened at offset 0 is never closed ({{/}})");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{},"post":{"attachments":[{"fields":[{"short":{"$bool":"{{/x|nope}}"}}]}]}}]})"),
            "t.json: rule \"p\": /rules/0/post/attachments/0/fields/0/short/$bool: unknown filter \"nope\" at offset 0");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{},"post":{"message":"hi"}}]})"),
            "t.json: rule \"p\": /rules/0/post/message: not a Slack webhook key (text, attachments, "
            "props, channel, username, icon_url, icon_emoji, type)");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{"body":{"a":1}},"post":{}}]})"),
            "t.json: rule \"p\": /rules/0/match/body/a: JSON pointer \"a\" does not start with '/'");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{"body":{"/a":{"gt":1}}},"post":{}}]})"),
            "t.json: rule \"p\": /rules/0/match/body/~1a: expected {\"exists\": bool} or {\"in\": [non-empty array]}");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{},"post":{"text":{"$each":"/a","item":"x"}}}]})"),
            "t.json: rule \"p\": /rules/0/post/text: $each is allowed only as an array element");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[{"name":"p","match":{},"post":{"props":{"$eval":"x"}}}]})"),
            "t.json: rule \"p\": /rules/0/post/props/$eval: unknown directive (expected {\"$int\": ...}, {\"$bool\": ...} or {\"$each\": ...})");
  EXPECT_EQ(load_error(R"({"name":"x","rules":[],"fallback":{"post":{"text":"{{/}}"}}})"),
            "t.json: /fallback/post/text: {{/}} with no open section at offset 0");
  EXPECT_EQ(load_error(std::string(70, '[') + std::string(70, ']')),
            "t.json: JSON nests deeper than 64 levels at offset 64");
}

TEST(RuleFile, FirstMatchWinsThenFallback) {
  auto r = Translator::load(R"({"name":"x","rules":[
      {"name":"a","match":{"headers":{"X-Event":"push"},"body":{"/k":"v"}},"post":{}},
      {"name":"b","match":{"headers":{"X-Event":"push"}},"post":{}},
      {"name":"c","match":{"body":{"/n":{"in":[1,2]},"/gone":{"exists":false}}},"post":{}}],
    "fallback":{"post":{"text":"?"}}})", "t.json", Limits{});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const Translator>>(r)) << std::get<std::string>(r);
  const auto& t = *std::get<std::shared_ptr<const Translator>>(r);
  auto name_for = [&](std::string_view headers, std::string_view body) {
    rapidjson::Document h, b;
    h.Parse(headers.data(), headers.size());
    b.Parse(body.data(), body.size());
    const Rule* rule = t.match(&h, b);
    return rule ? rule->name : "none";
  };
  EXPECT_EQ(name_for(R"({"x-event":"push"})", R"({"k":"v"})"), "a");
  EXPECT_EQ(name_for(R"({"x-event":"push"})", R"({"k":"w"})"), "b");
  EXPECT_EQ(name_for(R"({"x-event":"Push"})", R"({"n":2.0})"), "c");
  EXPECT_EQ(name_for(R"({})", R"({"n":2,"gone":1})"), "fallback");
  EXPECT_EQ(name_for(R"({})", R"({"n":3})"), "fallback");
}

TEST(RuleFile, VariablesAreCollectedFromEveryTemplate) {
  auto r = Translator::load(R"({"name":"x","rules":[{"name":"a","match":{},"thread_key":"{{@k}}",
      "post":{"text":"{{@b}} {{#/l}}{{@a}}{{/}}","attachments":[{"$each":"/z","item":{"title":"{{@b}}"}}]}}]})",
                            "t.json", Limits{});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const Translator>>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<std::shared_ptr<const Translator>>(r)->variables(),
            (std::vector<std::string>{"a", "b", "k"}));
}

}  // namespace
}  // namespace pb::translators
