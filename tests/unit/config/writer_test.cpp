// to_json: every key is written, and parsing the output gives back an equal Config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "core/config/loader.h"
#include "core/config/schema.h"
#include "core/config/writer.h"
#include "test_helpers.h"

namespace pb::config {
namespace {

using testing::parse_ok;

Config unusual_config() {
  Config c;
  c.service.SiteURL = "https://chat.example.com/sub";
  c.service.ListenAddress = "[::1]:0";
  c.service.TrustedProxyIPHeader = {"X-Forwarded-For", "with \"quotes\" and \\ and \n"};
  c.service.EnableDeveloper = true;
  c.service.MaximumPayloadSizeBytes = 1073741824;
  c.service.AllowedUntrustedInternalConnections = "10.0.0.0/8 m\xc3\xbcnchen.local";
  c.rate_limit.MaxBurst = 0;
  c.log.ConsoleLevel = "ERROR";
  c.plugins.PluginStates["incoming_webhooks"] = {true, true};
  c.plugins.PluginStates["zeta"] = {false, false};
  c.plugins.Plugins["com.example.x"] = R"({"a":[1,{"b":null}],"s":"\u0000"})";
  c.plugins.Plugins["empty"] = "{}";
  c.store.SyncMode = "none";
  c.store.MaxSizeMB = 1;
  return c;
}

TEST(ConfigWriter, RoundTripsCompactAndPretty) {
  const Config original = unusual_config();
  for (bool pretty : {false, true}) {
    const LoadedConfig loaded = parse_ok(to_json(original, pretty));
    EXPECT_EQ(loaded.config, original) << "pretty=" << pretty;
    EXPECT_TRUE(loaded.warnings.empty());
  }
}

// A plugin's settings are kept as the compact text of their tree, so each save writes their
// numbers back: they must come back as the same doubles (the default parse rounded
// 20480000000991999999 to a double that was written as 20480000000992004000.0 and read back as
// ...008000.0: every save moved it; the config fuzz target found it).
TEST(ConfigWriter, PluginSettingsNumbersSurviveEverySave) {
  const LoadedConfig first = parse_ok(
      R"({"PluginSettings":{"Plugins":{"x":{"big":20480000000991999999,"huge":1.7976931348623157e308,)"
      R"("tiny":5e-324,"third":0.3333333333333333,"int":9007199254740993,"neg":-1.5e-300,"zero":0e308}}}})");
  const std::string once = to_json(first.config, false);
  const LoadedConfig second = parse_ok(once);
  EXPECT_EQ(second.config, first.config);
  EXPECT_EQ(to_json(second.config, false), once);
  EXPECT_THAT(first.config.plugins.Plugins.at("x"), ::testing::HasSubstr(R"("int":9007199254740993)"));
}

// Go reads an unpaired surrogate escape as U+FFFD; RapidJSON 1.1 decoded a lone low one into
// bytes that are not UTF-8, and a file written from them could not be read again. (A lone high
// one RapidJSON refuses outright: the file gets an "invalid JSON at line..." error, as before.)
TEST(ConfigWriter, UnpairedSurrogateEscapesAreWrittenAsReplacementCharacters) {
  const LoadedConfig first = parse_ok(
      R"({"PluginSettings":{"Plugins":{"x":{"lone low":"a\udc00b","pair":"\ud83d\ude00","\udfff":1}}}})");
  const std::string& settings = first.config.plugins.Plugins.at("x");
  EXPECT_THAT(settings, ::testing::HasSubstr("\"lone low\":\"a\xef\xbf\xbd" "b\""));
  EXPECT_THAT(settings, ::testing::HasSubstr("\"pair\":\"\xf0\x9f\x98\x80\""));
  EXPECT_THAT(settings, ::testing::HasSubstr("\"\xef\xbf\xbd\":1"));
  for (bool pretty : {false, true}) {
    EXPECT_EQ(parse_ok(to_json(first.config, pretty)).config, first.config) << "pretty=" << pretty;
  }
}

TEST(ConfigWriter, RoundTripsTheDefaults) {
  EXPECT_EQ(parse_ok(to_json(Config{}, false)).config, Config{});
}

TEST(ConfigWriter, WritesEveryKeyWithItsType) {
  rapidjson::Document doc;
  const std::string json = to_json(unusual_config(), false);
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc.MemberCount(), section_names().size());
  std::size_t written = 0;
  for (const KeyDef& key : schema()) {
    const std::string section(key.section), name(key.name);
    ASSERT_TRUE(doc.HasMember(section.c_str())) << section;
    const rapidjson::Value& object = doc[section.c_str()];
    ASSERT_TRUE(object.HasMember(name.c_str())) << key.path;
    const rapidjson::Value& value = object[name.c_str()];
    switch (key.type) {
      case KeyType::String: EXPECT_TRUE(value.IsString()) << key.path; break;
      case KeyType::Bool: EXPECT_TRUE(value.IsBool()) << key.path; break;
      case KeyType::Int: EXPECT_TRUE(value.IsInt64()) << key.path; break;
      case KeyType::StringList: EXPECT_TRUE(value.IsArray()) << key.path; break;
      case KeyType::PluginStateMap:
      case KeyType::RawObjectMap: EXPECT_TRUE(value.IsObject()) << key.path; break;
    }
    ++written;
  }
  std::size_t members = 0;
  for (const auto& section : doc.GetObject()) members += section.value.MemberCount();
  EXPECT_EQ(members, written);
  EXPECT_EQ(std::string(doc["PluginSettings"]["Plugins"]["com.example.x"]["a"][1]["b"].IsNull()
                            ? "null"
                            : "?"),
            "null");
}

TEST(ConfigWriter, CompactIsOneLinePrettyIsIndented) {
  const std::string compact = to_json(Config{}, false);
  const std::string pretty = to_json(Config{}, true);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_THAT(pretty, ::testing::HasSubstr("\n    \"ServiceSettings\": {\n        \"SiteURL\": \"\","));
}

}  // namespace
}  // namespace pb::config
