// The operator's tool through the real binary: `patchbay translator test RULEFILE PAYLOAD
// [--header K:V] [--var K=V]` prints exactly the answer the plugin gives (every bundled fixture),
// exit 1 on a translation error and 2 on a rule-file or usage error; `patchbay translator list`
// shows the bundled translators and an operator directory's, naming a file that does not load.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/integration/support/server_process.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = TRANSLATORS_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string json_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

TEST(TranslatorCli, EveryBundledFixtureThroughTheBinaryGivesItsExpectedAnswer) {
  TempDir dir;
  size_t checked = 0;
  for (const auto& translator : fs::directory_iterator(kSource / "fixtures")) {
    for (const auto& entry : fs::directory_iterator(translator.path())) {
      SCOPED_TRACE(entry.path().string());
      rapidjson::Document fixture;
      std::string text = read_text(entry.path());
      fixture.Parse(text.data(), text.size());
      ASSERT_FALSE(fixture.HasParseError());
      auto payload = dir.path() / "payload.json";
      ASSERT_TRUE(write_file(payload, json_of(fixture["body"])));
      std::vector<std::string> args = {
          "translator", "test",
          (kSource / "rules" / (translator.path().filename().string() + ".json")).string(),
          payload.string()};
      for (const auto& h : fixture["headers"].GetObject()) {
        args.push_back("--header");
        args.push_back(std::string(h.name.GetString()) + ": " + h.value.GetString());
      }
      for (const auto& v : fixture["variables"].GetObject()) {
        args.push_back("--var");
        args.push_back(std::string(v.name.GetString()) + "=" + v.value.GetString());
      }
      auto r = run_patchbay(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      rapidjson::Document got;
      got.Parse(r.out.data(), r.out.size());
      ASSERT_FALSE(got.HasParseError()) << r.out;
      EXPECT_TRUE(got == fixture["expect"]) << r.out;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20u);
}

TEST(TranslatorCli, TranslationErrorsExitOneWithTheErrorAnswer) {
  TempDir dir;
  auto payload = dir.path() / "star.json";
  ASSERT_TRUE(write_file(payload, R"({"action":"created"})"));
  auto r = run_patchbay({"translator", "test", (kSource / "rules/github.json").string(),
                         payload.string(), "--header", "X-GitHub-Event: star"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            R"J({"error":{"status":400,"id":"web.incoming_webhook.translator.no_match.app_error","message":"translator github: no rule matches (X-GitHub-Event: star)"}})J"
            "\n");
  EXPECT_NE(r.err.find("400 web.incoming_webhook.translator.no_match.app_error"), std::string::npos)
      << r.err;

  ASSERT_TRUE(write_file(payload, "{not json"));
  r = run_patchbay({"translator", "test", (kSource / "rules/generic.json").string(), payload.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("web.incoming_webhook.translator.payload.app_error"), std::string::npos) << r.out;
}

TEST(TranslatorCli, RuleFileAndUsageErrorsExitTwo) {
  TempDir dir;
  auto rules = dir.path() / "bad.json";
  ASSERT_TRUE(write_file(rules, R"({"name":"bad","rules":[{"name":"p","match":{},"post":{"text":"{{/x | nope}}"}}]})"));
  auto payload = dir.path() / "p.json";
  ASSERT_TRUE(write_file(payload, "{}"));
  auto r = run_patchbay({"translator", "test", rules.string(), payload.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, rules.string() +
                       ": rule \"p\": /rules/0/post/text: unknown filter \"nope\" at offset 0\n");
  EXPECT_EQ(run_patchbay({"translator", "test", rules.string()}).exit_code, 2);
  EXPECT_EQ(run_patchbay({"translator", "frob"}).exit_code, 2);
  EXPECT_EQ(run_patchbay({"translator", "test", (dir.path() / "missing.json").string(),
                          payload.string()}).exit_code, 2);
}

TEST(TranslatorCli, ListShowsTheBundledTranslators) {
  auto r = run_patchbay({"translator", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) names.push_back(line.substr(0, line.find('\t')));
  EXPECT_EQ(names, (std::vector<std::string>{"alertmanager", "generic", "github", "gitlab",
                                             "grafana", "jira"}));
  EXPECT_NE(r.out.find("jira\t@jira_base_url\t"), std::string::npos) << r.out;
}

TEST(TranslatorCli, ListAddsAnOperatorDirectoryAndNamesAFileThatDoesNotLoad) {
  TempDir dir;
  ASSERT_TRUE(write_file(dir.path() / "github.json",
                         R"({"name":"github","description":"ours","rules":[],"fallback":{"post":{"text":"x"}}})"));
  ASSERT_TRUE(write_file(dir.path() / "zz.json", R"({"name":"zz","rules":"no"})"));
  auto r = run_patchbay({"translator", "list", "--rules-dir", dir.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, (dir.path() / "zz.json").string() + ": /rules: expected an array of rules\n");
  EXPECT_NE(r.out.find("github\t\t0 rule(s) + fallback\tours\t" + (dir.path() / "github.json").string()),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("zz"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pb::itest
