// The translators.translate request handler: describe, translate, every error answer.
#include <gtest/gtest.h>

#include "plugins/translators/tests/render_helper.h"
#include "plugins/translators/translators_event.h"

namespace pb::translators {
namespace {

constexpr std::string_view kRules = R"({"name":"demo","description":"Demo rules","rules":[
  {"name":"push","match":{"headers":{"X-Demo-Event":"push"}},"thread_key":"{{/ref}}",
   "post":{"text":"{{/n}} commits to {{/ref}} by {{@who}}","username":"demo",
           "attachments":[{"color":"{{/ok | eq true good danger}}","fields":[{"$each":"/files","max":2,"item":{"title":"{{$key}}","value":"{{.}}","short":{"$bool":"{{.}}"}}}],
                           "ts":{"$int":"{{/ts}}"}}]}},
  {"name":"note","match":{"body":{"/kind":"note"}},"post":{"text":"note"}}]})";

class RequestTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(registry.load_text(kRules, "demo.json"), ""); }
  const Answer& ask(std::string_view request) {
    handler.handle(request, answer);
    return answer;
  }
  Registry registry;
  RequestHandler handler{registry};
  Answer answer;
};

TEST_F(RequestTest, DescribeListsTheVariables) {
  EXPECT_EQ(ask(R"({"op":"describe","translator":"demo"})").json,
            R"({"name":"demo","description":"Demo rules","variables":["who"]})");
  EXPECT_EQ(ask(R"({"op":"describe","translator":"nope"})").json,
            R"({"error":{"status":404,"id":"web.incoming_webhook.translator.unknown.app_error","message":"translator nope is not installed"}})");
  EXPECT_EQ(answer.status, 404);
}

TEST_F(RequestTest, TranslateRendersThePostAndTheThreadKey) {
  ask(test::translate_request("demo", R"({"x-demo-event":"push"})",
                              R"({"n":2,"ref":"main","ok":true,"ts":"1700000000","files":{"a.c":"yes","b.c":"","c.c":"x"}})",
                              R"({"who":"ann"})"));
  EXPECT_EQ(answer.error_id, "");
  EXPECT_EQ(answer.json,
            R"({"payload":{"text":"2 commits to main by ann","username":"demo","attachments":[{"color":"good","fields":[{"title":"a.c","value":"yes","short":true},{"title":"b.c","value":"","short":false}],"ts":1700000000}]},"thread_key":"main"})");
}

TEST_F(RequestTest, EmptyThreadKeyIsLeftOut) {
  ask(test::translate_request("demo", R"({})", R"({"kind":"note"})"));
  EXPECT_EQ(answer.json, R"({"payload":{"text":"note"}})");
}

TEST_F(RequestTest, NoMatchNamesTheTranslatorAndWhatWasLookedAt) {
  ask(test::translate_request("demo", R"({"x-demo-event":"star"})", R"({"kind":"other"})"));
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.error_id, kErrorNoMatch);
  EXPECT_EQ(answer.message, "translator demo: no rule matches (X-Demo-Event: star, /kind: other)");
}

TEST_F(RequestTest, PayloadErrors) {
  ask(test::translate_request("demo", R"({"x-demo-event":"push"})", R"({"ts":"soon"})"));
  EXPECT_EQ(answer.error_id, kErrorPayload);
  EXPECT_EQ(answer.message,
            "translator demo rule push: /rules/0/post/attachments/0/ts/$int: \"soon\" is not an integer");
  ask(R"({"op":"translate","translator":"demo","body":{"a":)");
  EXPECT_EQ(answer.error_id, kErrorPayload);
  EXPECT_EQ(answer.status, 400);
  ask(R"({"op":"translate","translator":"demo"})");
  EXPECT_EQ(answer.error_id, kErrorPayload);
  ask("{\"op\":\"translate\",\"translator\":\"demo\",\"body\":\"\xff\"}");
  EXPECT_EQ(answer.error_id, kErrorPayload);
}

TEST_F(RequestTest, MalformedRequests) {
  ask(R"([1])");
  EXPECT_EQ(answer.error_id, kErrorRequest);
  ask(R"({"op":"explode","translator":"demo"})");
  EXPECT_EQ(answer.error_id, kErrorRequest);
  ask(R"({"op":"translate","translator":"demo","headers":[],"body":{}})");
  EXPECT_EQ(answer.error_id, kErrorRequest);
}

TEST_F(RequestTest, UnpairedSurrogateEscapesBecomeReplacementCharacters) {
  ask(test::translate_request("demo", R"({})", R"({"kind":"note","x":"\udc00"})"));
  EXPECT_EQ(answer.error_id, "");
  rapidjson::Document rules;
  ASSERT_EQ(registry.load_text(R"({"name":"echo","rules":[],"fallback":{"post":{"text":"{{/x}}"}}})", "e.json"), "");
  ask(test::translate_request("echo", R"({})", R"({"x":"a\udc00b"})"));
  EXPECT_EQ(answer.json, "{\"payload\":{\"text\":\"a\xEF\xBF\xBD" "b\"}}");
}

}  // namespace
}  // namespace pb::translators
