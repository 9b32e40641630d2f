// The template language: interpolation, sections, inverted sections, sources, filters, errors.
#include <gtest/gtest.h>

#include "plugins/translators/tests/render_helper.h"

namespace pb::translators {
namespace {

using test::render;

TEST(Template, PlainTextAndInterpolation) {
  EXPECT_EQ(render("hello", "{}"), "hello");
  EXPECT_EQ(render("", "{}"), "");
  EXPECT_EQ(render("{{/a}}-{{ /b/0 }}", R"({"a":"x","b":[1.5]})"), "x-1.5");
  EXPECT_EQ(render("{{/n}} {{/t}} {{/f}} {{/z}} [{{/missing}}]",
                   R"({"n":12345678901,"t":true,"f":false,"z":null})"),
            "12345678901 true false  []");
  EXPECT_EQ(render("{{/o}}", R"({"o":{"k":[1,"2"]}})"), R"({"k":[1,"2"]})");
  EXPECT_EQ(render("{{.}}", R"("top")"), "top");
}

TEST(Template, SectionsIterateArraysWithRelativePointersAndRootAccess) {
  std::string doc = R"({"repo":"r","commits":[{"id":"a1","m":"one"},{"id":"b2","m":"two"}]})";
  EXPECT_EQ(render("{{#/commits}}[{{$index}}:{{/id}} {{/m}} in {{$/repo}}]{{/}}", doc),
            "[0:a1 one in r][1:b2 two in r]");
  // Inside a section a relative pointer does not see the root's members.
  EXPECT_EQ(render("{{#/commits}}<{{/repo}}>{{/}}", doc), "<><>");
  EXPECT_EQ(render("{{#/list}}{{.}},{{/}}", R"({"list":["a","b",3]})"), "a,b,3,");
}

TEST(Template, TruthyNonArraySectionRendersOnceWithTheValueAsContext) {
  EXPECT_EQ(render("{{#/user}}by {{/login}}{{/}}", R"({"user":{"login":"octo"}})"), "by octo");
  EXPECT_EQ(render("{{#/flag}}yes{{/}}", R"({"flag":true})"), "yes");
  for (const char* falsy : {R"({"x":false})", R"({"x":null})", R"({"x":""})", R"({"x":[]})", "{}"}) {
    EXPECT_EQ(render("{{#/x}}shown{{/}}", falsy), "") << falsy;
    EXPECT_EQ(render("{{^/x}}empty{{/}}", falsy), "empty") << falsy;
  }
  EXPECT_EQ(render("{{^/x}}empty{{/}}", R"({"x":0})"), "");
}

TEST(Template, NestedSections) {
  EXPECT_EQ(render("{{#/a}}{{#/b}}{{/c}}{{/}};{{/}}", R"({"a":[{"b":[{"c":1},{"c":2}]},{"b":[]}]})"),
            "12;;");
}

TEST(Template, Variables) {
  EXPECT_EQ(render("{{@base}}/browse/{{/key}}", R"({"key":"PB-1"})", R"({"base":"https://j"})"),
            "https://j/browse/PB-1");
  EXPECT_EQ(render("[{{@nope}}]", "{}", "{}"), "[]");
}

TEST(Template, Filters) {
  std::string doc = R"J({"sha":"0123456789abcdef","s":"Hello World","e":"","l":["a","b","c"],"o":{"x":1,"y":2},"st":"firing","md":"*a_b* [c](d)","u":"a b/é"})J";
  EXPECT_EQ(render("{{/sha | slice 0 7}}", doc), "0123456");
  EXPECT_EQ(render("{{/s | truncate 5}}", doc), "Hell\xE2\x80\xA6");
  EXPECT_EQ(render("{{/s | truncate 50}}", doc), "Hello World");
  EXPECT_EQ(render("{{/s | upper}} {{/s | lower}}", doc), "HELLO WORLD hello world");
  EXPECT_EQ(render("{{/e | default \"none\"}} {{/missing | default n/a}} {{/s | default x}}", doc),
            "none n/a Hello World");
  EXPECT_EQ(render("{{/l | join \", \"}}", doc), "a, b, c");
  EXPECT_EQ(render("{{/l | count}} {{/o | count}} {{/missing | count}} {{/s | count}}", doc), "3 2 0 11");
  EXPECT_EQ(render("{{/st | eq firing \"#d00000\" \"#2eb886\"}}", doc), "#d00000");
  EXPECT_EQ(render("{{/s | eq firing \"#d00000\" \"#2eb886\"}}", doc), "#2eb886");
  EXPECT_EQ(render("{{/md | md_escape}}", doc), "\\*a\\_b\\* \\[c\\]\\(d\\)");
  // Every special, alone, in runs and at the ends; plain text and "" unchanged.
  EXPECT_EQ(render("{{/s | md_escape}} [{{/e | md_escape}}]", doc), "Hello World []");
  EXPECT_EQ(render("{{/s | eq \"Hello World\" \"\\\\`*_{}[]()#+-.!|<>~x~\" | md_escape}}", doc),
            "\\\\\\`\\*\\_\\{\\}\\[\\]\\(\\)\\#\\+\\-\\.\\!\\|\\<\\>\\~x\\~");
  EXPECT_EQ(render("{{/u | url_escape}}", doc), "a%20b%2F%C3%A9");
  EXPECT_EQ(render("{{/o | json}} {{/s | json}} {{/missing | json}}", doc),
            R"({"x":1,"y":2} "Hello World" null)");
  EXPECT_EQ(render("{{/l | join \"|\" | upper}}", doc), "A|B|C");
  EXPECT_EQ(render("{{/s | slice 6 100}}", doc), "World");
  EXPECT_EQ(render("{{/u | slice 2 4}}", doc), "b/");
  EXPECT_EQ(render("{{/u | truncate 4}}", doc), "a b\xE2\x80\xA6");
}

TEST(Template, RefAndCommitMessageFilters) {
  std::string doc = R"({"b":"refs/heads/feature/x","t":"refs/tags/v1.0","m":"Subject line\r\n\nBody","one":"x"})";
  EXPECT_EQ(render("{{/b | trim_prefix refs/heads/ | trim_prefix refs/tags/}}", doc), "feature/x");
  EXPECT_EQ(render("{{/t | trim_prefix refs/heads/ | trim_prefix refs/tags/}}", doc), "v1.0");
  EXPECT_EQ(render("{{/one | trim_prefix refs/heads/}}", doc), "x");
  EXPECT_EQ(render("{{/m | first_line}}|{{/one | first_line}}|{{/missing | first_line}}", doc),
            "Subject line|x|");
}

TEST(Template, SectionOnAFilteredValue) {
  EXPECT_EQ(render("{{#/s | eq resolved}}ok{{/}}{{^/s | eq resolved}}bad{{/}}", R"({"s":"resolved"})"), "ok");
  EXPECT_EQ(render("{{#/s | eq resolved}}ok{{/}}{{^/s | eq resolved}}bad{{/}}", R"({"s":"firing"})"), "bad");
}

TEST(Template, CompileErrorsSayWhereAndWhy) {
  EXPECT_EQ(render("a {{/x", "{}"), "ERROR: unclosed tag at offset 2");
  EXPECT_EQ(render("{{#/x}}never closed", "{}"),
            "ERROR: section opened at offset 0 is never closed ({{/}})");
  EXPECT_EQ(render("x{{/}}", "{}"), "ERROR: {{/}} with no open section at offset 1");
  EXPECT_EQ(render("{{/x | frobnicate}}", "{}"), "ERROR: unknown filter \"frobnicate\" at offset 0");
  EXPECT_EQ(render("{{/x | truncate}}", "{}"), "ERROR: filter truncate takes 1 argument(s), not 0 at offset 0");
  EXPECT_EQ(render("{{/x | truncate 0}}", "{}"),
            "ERROR: filter truncate needs a number from 1 to 1000000 at offset 0");
  EXPECT_EQ(render("{{/x | slice 5 2}}", "{}"), "ERROR: filter slice needs two numbers 0 <= A <= B at offset 0");
  EXPECT_EQ(render("{{x}}", "{}").substr(0, 20), "ERROR: \"x\" is not a ");
  EXPECT_EQ(render("{{/a~2}}", "{}"), "ERROR: JSON pointer \"/a~2\" has a '~' not followed by 0 or 1 at offset 0");
  EXPECT_EQ(render("{{/x | default \"open}}", "{}"), "ERROR: unclosed tag at offset 0");
  EXPECT_EQ(render("{{@bad name}}", "{}").substr(0, 22), "ERROR: variable name \"");
}

TEST(Template, QuotedArgumentsMayHoldBracesAndPipes) {
  EXPECT_EQ(render("{{/x | default \"}} | {{\"}}", "{}"), "}} | {{");
}

}  // namespace
}  // namespace pb::translators
