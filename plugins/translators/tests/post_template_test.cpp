// The post tree: only leaf strings are templates, typed leaves, $each, literals, compile errors.
#include <gtest/gtest.h>

#include "plugins/translators/post_template.h"

namespace pb::translators {
namespace {

// The rendered JSON of post tree `tree` over `payload`, or "ERROR: <reason>".
std::string render_post(std::string_view tree, std::string_view payload, Limits limits = {}) {
  rapidjson::Document t, doc;
  t.Parse(tree.data(), tree.size());
  doc.Parse(payload.data(), payload.size());
  if (t.HasParseError() || doc.HasParseError()) return "ERROR: bad test JSON";
  auto compiled = PostTemplate::compile(t, "/post", limits);
  if (auto* e = std::get_if<std::string>(&compiled)) return "ERROR: " + *e;
  RenderState state;
  state.limits = &limits;
  std::vector<Frame> frames;
  std::string out;
  std::get<PostTemplate>(compiled).render(RenderInput{&doc, nullptr}, frames, state, out);
  if (state.failed()) return "ERROR: " + state.error;
  return out;
}

TEST(PostTemplate, LeafStringsAreTemplatesAndTheResultIsAlwaysJson) {
  EXPECT_EQ(render_post(R"({"text":"{{/a}}","k{{/a}}":"plain","n":1.5,"b":false,"z":null})",
                        R"({"a":"\"quoted\" \\ {\"x\":1}"})"),
            R"({"text":"\"quoted\" \\ {\"x\":1}","k{{/a}}":"plain","n":1.5,"b":false,"z":null})");
}

TEST(PostTemplate, TypedLeaves) {
  EXPECT_EQ(render_post(R"({"i":{"$int":"{{/n}}"},"s":{"$int":" {{/s}} "},"t":{"$bool":"{{/t}}"},
                           "f":{"$bool":"{{/missing}}"},"z":{"$bool":"0"}})",
                        R"({"n":42,"s":"-7","t":"yes"})"),
            R"({"i":42,"s":-7,"t":true,"f":false,"z":false})");
  EXPECT_EQ(render_post(R"({"i":{"$int":"{{/n}}"}})", R"({"n":1.5})"),
            "ERROR: /post/i/$int: \"1.5\" is not an integer");
  EXPECT_EQ(render_post(R"({"i":{"$int":"{{/n}}"}})", R"({})"),
            "ERROR: /post/i/$int: \"\" is not an integer");
}

TEST(PostTemplate, EachOverArraysAndObjectsWithItsMax) {
  EXPECT_EQ(render_post(R"({"f":["first",{"$each":"/l","max":2,"item":{"i":{"$int":"{{$index}}"},"v":"{{.}}"}},"last"]})",
                        R"({"l":["a","b","c"]})"),
            R"({"f":["first",{"i":0,"v":"a"},{"i":1,"v":"b"},"last"]})");
  EXPECT_EQ(render_post(R"({"f":[{"$each":"/o","item":"{{$key}}={{.}}"}]})", R"({"o":{"x":1,"y":"2"}})"),
            R"({"f":["x=1","y=2"]})");
  // Nothing to iterate: an empty array, still JSON.
  EXPECT_EQ(render_post(R"({"f":[{"$each":"/missing","item":"x"}],"g":[{"$each":"/s","item":"x"}]})",
                        R"({"s":"text"})"),
            R"({"f":[],"g":[]})");
  // Nested: the inner pointer is relative to the outer element.
  EXPECT_EQ(render_post(R"({"a":[{"$each":"/alerts","item":{"f":[{"$each":"/labels","item":"{{$key}}:{{.}}"}]}}]})",
                        R"({"alerts":[{"labels":{"a":"1"}},{"labels":{}}]})"),
            R"({"a":[{"f":["a:1"]},{"f":[]}]})");
}

TEST(PostTemplate, CompileErrorsNameTheJsonPath) {
  EXPECT_EQ(render_post(R"({"a":[{"$each":"/l"}]})", "{}"), "ERROR: /post/a/0: $each needs an \"item\"");
  EXPECT_EQ(render_post(R"({"a":[{"$each":"l","item":"x"}]})", "{}"),
            "ERROR: /post/a/0/$each: JSON pointer \"l\" does not start with '/'");
  EXPECT_EQ(render_post(R"({"a":[{"$each":"/l","item":"x","max":0}]})", "{}"),
            "ERROR: /post/a/0/max: expected an integer from 1 to 10000");
  EXPECT_EQ(render_post(R"({"a":[{"$each":"/l","item":"x","sort":1}]})", "{}"),
            "ERROR: /post/a/0/sort: unknown key in a $each (expected $each, item, max)");
  EXPECT_EQ(render_post(R"({"a/b":{"$int":3}})", "{}"), "ERROR: /post/a~1b/$int: expected a template string");
  std::string deep = "\"x\"";
  for (int i = 0; i < 17; ++i) deep = "[" + deep + "]";
  EXPECT_EQ(render_post("{\"a\":" + deep + "}", "{}"),
            "ERROR: /post/a/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested deeper than 16 levels");
}

TEST(PostTemplate, OutputBoundCoversEachElements) {
  Limits small;
  small.max_output_bytes = 100;
  std::string list = "[";
  for (int i = 0; i < 50; ++i) list += i ? ",1" : "1";
  list += "]";
  EXPECT_EQ(render_post(R"({"f":[{"$each":"/l","max":10000,"item":"0123456789"}]})",
                        "{\"l\":" + list + "}", small),
            "ERROR: the post would exceed 100 bytes");
}

}  // namespace
}  // namespace pb::translators
