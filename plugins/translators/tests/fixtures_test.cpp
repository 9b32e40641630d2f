// Every bundled fixture (fixtures/<translator>/<case>.json: headers, variables, body, expect)
// renders through the request handler, with the bundled rules, to exactly its expected answer.
// Also: every bundled rule file loads, and each bundled translator has fixtures.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "plugins/translators/json_text.h"
#include "plugins/translators/tests/render_helper.h"

namespace pb::translators {
namespace {

namespace fs = std::filesystem;
const std::string kDir = TRANSLATORS_SOURCE_DIR;

std::string json_of(const rapidjson::Value& v) {
  std::string out;
  append_json(out, v);
  return out;
}

TEST(BundledRules, AllLoad) {
  Registry registry;
  EXPECT_EQ(registry.load_directory(kDir + "/rules"), std::vector<std::string>{});
  std::vector<std::string> names;
  for (const Translator* t : registry.all()) names.push_back(t->name());
  EXPECT_EQ(names, (std::vector<std::string>{"alertmanager", "generic", "github", "gitlab",
                                             "grafana", "jira"}));
}

TEST(BundledRules, OnlyTheTextIsKeptUntilATranslatorIsAskedFor) {
  Registry registry;
  ASSERT_EQ(registry.load_directory(kDir + "/rules"), std::vector<std::string>{});
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"alertmanager", "generic", "github",
                                                        "gitlab", "grafana", "jira"}));
  EXPECT_EQ(registry.compiled_count(), 0u);  // loading validated every file, and kept none
  const Translator* github = registry.find("github");
  ASSERT_NE(github, nullptr);
  EXPECT_EQ(github->name(), "github");
  EXPECT_FALSE(github->rules().empty());
  EXPECT_EQ(registry.compiled_count(), 1u);
  EXPECT_EQ(registry.find("github"), github);  // compiled once, then the same one
  EXPECT_EQ(registry.find("nosuch"), nullptr);
  EXPECT_EQ(registry.compiled_count(), 1u);
  // A later file of the same name replaces the earlier one, compiled or not.
  EXPECT_EQ(registry.load_text(R"({"name":"github","rules":[{"name":"r","match":{},"post":{"text":"x"}}]})",
                               "override.json"),
            "");
  const Translator* replaced = registry.find("github");
  ASSERT_NE(replaced, nullptr);
  EXPECT_EQ(replaced->rules().size(), 1u);
}

TEST(BundledRules, EveryFixtureRendersToItsExpectedPost) {
  Registry registry;
  ASSERT_EQ(registry.load_directory(kDir + "/rules"), std::vector<std::string>{});
  RequestHandler handler(registry);
  Answer answer;
  size_t checked = 0;
  for (const Translator* t : registry.all()) {
    size_t cases = 0;
    for (const auto& entry : fs::directory_iterator(kDir + "/fixtures/" + t->name())) {
      SCOPED_TRACE(entry.path().string());
      std::string text, error;
      ASSERT_TRUE(read_file(entry.path().string(), text, error)) << error;
      rapidjson::Document fixture;
      fixture.Parse(text.data(), text.size());
      ASSERT_FALSE(fixture.HasParseError());
      ASSERT_TRUE(fixture.HasMember("expect")) << "fixture without an expected answer";
      handler.handle(test::translate_request(t->name(), json_of(fixture["headers"]),
                                             json_of(fixture["body"]),
                                             json_of(fixture["variables"])),
                     answer);
      rapidjson::Document got;
      got.Parse(answer.json.data(), answer.json.size());
      ASSERT_FALSE(got.HasParseError()) << answer.json;
      EXPECT_TRUE(got == fixture["expect"]) << "got " << answer.json << "\nexpected "
                                            << json_of(fixture["expect"]);
      ++cases, ++checked;
    }
    EXPECT_GE(cases, 2u) << t->name() << " has too few fixtures";
  }
  EXPECT_EQ(checked, 20u);
}

// Not a timed assertion (the machine is shared): prints the per-translation cost of a GitHub
// push, request parse to answer JSON, and checks every answer is still the expected one.
TEST(BundledRules, GithubPushTranslationCostIsPrinted) {
  Registry registry;
  ASSERT_EQ(registry.load_directory(kDir + "/rules"), std::vector<std::string>{});
  std::string text, error;
  ASSERT_TRUE(read_file(kDir + "/fixtures/github/push.json", text, error)) << error;
  rapidjson::Document fixture;
  fixture.Parse(text.data(), text.size());
  ASSERT_FALSE(fixture.HasParseError());
  std::string request = test::translate_request("github", json_of(fixture["headers"]),
                                                json_of(fixture["body"]),
                                                json_of(fixture["variables"]));
  std::string expected = json_of(fixture["expect"]);
  RequestHandler handler(registry);
  Answer answer;
  constexpr int kRuns = 5000;
  size_t mismatches = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    handler.handle(request, answer);
    mismatches += answer.json != expected;
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(mismatches, 0u) << answer.json;
  double us = std::chrono::duration<double, std::micro>(elapsed).count() / kRuns;
  std::cout << "github push: " << request.size() << "-byte request, " << us
            << " us per translation (" << kRuns << " runs)\n";
  RecordProperty("github_push_us_per_translation", std::to_string(us));
}

}  // namespace
}  // namespace pb::translators
