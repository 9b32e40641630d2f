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
