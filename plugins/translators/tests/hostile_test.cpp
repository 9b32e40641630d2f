// Hostile templates and payloads: every bound ends in the limit (or payload) error, never a
// crash, a hang or unbounded memory.
#include <gtest/gtest.h>

#include "plugins/translators/tests/render_helper.h"
#include "plugins/translators/translators_event.h"

namespace pb::translators {
namespace {

using test::render;

std::string nested_sections(int depth) {
  std::string t;
  for (int i = 0; i < depth; ++i) t += "{{#/a}}";
  t += "x";
  for (int i = 0; i < depth; ++i) t += "{{/}}";
  return t;
}

TEST(Hostile, SectionDepthIsBoundedAtCompileTime) {
  EXPECT_EQ(render(nested_sections(8), R"({"a":{"a":1}})"), "");  // 8 deep is fine
  EXPECT_EQ(render(nested_sections(9), "{}"), "ERROR: sections nested deeper than 8 at offset 56");
  EXPECT_EQ(render(nested_sections(100000).substr(0, 16000), "{}").substr(0, 36),
            "ERROR: sections nested deeper than 8");
}

TEST(Hostile, TemplateLengthIsBounded) {
  EXPECT_EQ(render(std::string(16 * 1024 + 1, 'a'), "{}"), "ERROR: template longer than 16384 bytes");
}

TEST(Hostile, RecursiveSectionsOverOneArrayHitTheIterationBound) {
  // 8 nested sections over the same 100-element array would be 100^8 iterations.
  std::string list = "[";
  for (int i = 0; i < 100; ++i) list += i ? ",[1]" : "[1]";
  list += "]";
  std::string t;
  for (int i = 0; i < 8; ++i) t += "{{#$/l}}";
  t += "x";
  for (int i = 0; i < 8; ++i) t += "{{/}}";
  EXPECT_EQ(render(t, "{\"l\":" + list + "}"), "ERROR: more than 10000 iterations");
}

TEST(Hostile, HugeArraysHitTheIterationBound) {
  std::string list = "[0";
  for (int i = 1; i < 20000; ++i) list += ",0";
  list += "]";
  EXPECT_EQ(render("{{#/l}}{{/}}", "{\"l\":" + list + "}"), "ERROR: more than 10000 iterations");
}

TEST(Hostile, OutputIsBounded) {
  Limits small;
  small.max_output_bytes = 1000;
  std::string list = "[\"" + std::string(100, 'x') + "\"";
  for (int i = 0; i < 50; ++i) list += ",\"" + std::string(100, 'x') + "\"";
  list += "]";
  EXPECT_EQ(render("{{#/l}}{{.}}{{/}}", "{\"l\":" + list + "}", "{}", small),
            "ERROR: the post would exceed 1000 bytes");
  // A value repeated through a nested section, each level doubling nothing but the output.
  EXPECT_EQ(render("{{#/l}}{{$/l | json}}{{/}}", "{\"l\":" + list + "}", "{}", small),
            "ERROR: the post would exceed 1000 bytes");
}

TEST(Hostile, DeepPayloadsAndEachOverHugeArraysThroughTheHandler) {
  Registry registry;
  ASSERT_EQ(registry.load_text(R"({"name":"h","rules":[],"fallback":{"post":{"text":"{{/x | json}}",
      "attachments":[{"$each":"/l","max":10000,"item":{"text":"{{$/big}}"}}]}}})", "h.json"), "");
  RequestHandler handler(registry);
  Answer answer;
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  handler.handle(test::translate_request("h", "{}", deep), answer);
  EXPECT_EQ(answer.error_id, kErrorPayload);
  EXPECT_EQ(answer.message, "the payload nests deeper than 64 levels");

  std::string list = "[0";
  for (int i = 1; i < 5000; ++i) list += ",0";
  list += "]";
  handler.handle(test::translate_request("h", "{}", "{\"big\":\"" + std::string(1000, 'b') +
                                                        "\",\"l\":" + list + "}"),
                 answer);
  EXPECT_EQ(answer.error_id, kErrorLimit);
  EXPECT_EQ(answer.status, 413);
  EXPECT_EQ(answer.message, "translator h rule fallback: the post would exceed 262144 bytes");

  // A number beyond double's range is refused by the parser (a payload error, nothing posted);
  // the largest finite one renders.
  handler.handle(test::translate_request("h", "{}", "{\"x\":1e999}"), answer);
  EXPECT_EQ(answer.error_id, kErrorPayload);
  EXPECT_EQ(answer.message, "the payload is not JSON: Number too big to be stored in double.");
  handler.handle(test::translate_request("h", "{}", "{\"x\":-1.7976931348623157e308}"), answer);
  EXPECT_EQ(answer.json, R"({"payload":{"text":"-1.7976931348623157e+308","attachments":[]}})");
}

}  // namespace
}  // namespace pb::translators
