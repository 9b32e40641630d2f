#include "core/plugin_host/manifest.h"

#include <gtest/gtest.h>

#include <string>

using namespace pb::plugin_host;

namespace {

Manifest parse_ok(std::string_view json) {
  auto m = parse_manifest(json, "x/plugin.json");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? m.value() : Manifest{};
}

std::string parse_error(std::string_view json) {
  auto m = parse_manifest(json, "x/plugin.json");
  EXPECT_FALSE(m.ok());
  return m.ok() ? std::string() : m.error().message;
}

TEST(Manifest, ParsesEveryField) {
  Manifest m = parse_ok(R"({
    "id": "acme.deploy-bot_2", "name": "Deploy bot", "version": "1.2.3",
    "description": "Deploys things", "abi": {"major": 1, "minor": 0}, "library": "libdeploy.so",
    "settings_schema": [
      {"key": "Enabled", "type": "bool", "default": true},
      {"key": "Retries", "type": "int", "default": 3, "min": 0, "max": 10, "help": "how often"},
      {"key": "Ratio", "type": "number", "default": 0.5, "min": 0, "max": 1},
      {"key": "Token", "type": "string", "required": true},
      {"key": "Mode", "type": "enum", "options": ["fast", "safe"], "default": "safe"}
    ]})");
  EXPECT_EQ(m.id, "acme.deploy-bot_2");
  EXPECT_EQ(m.name, "Deploy bot");
  EXPECT_EQ(m.version, "1.2.3");
  EXPECT_EQ(m.description, "Deploys things");
  EXPECT_EQ(m.abi_major, 1u);
  EXPECT_EQ(m.abi_min_minor, 0u);
  EXPECT_EQ(m.library, "libdeploy.so");
  ASSERT_EQ(m.settings.size(), 5u);
  EXPECT_EQ(m.settings[0].type, SettingType::boolean);
  EXPECT_EQ(m.settings[0].default_json, "true");
  EXPECT_EQ(m.settings[1].type, SettingType::integer);
  EXPECT_EQ(m.settings[1].min, 0);
  EXPECT_EQ(m.settings[1].max, 10);
  EXPECT_EQ(m.settings[1].help, "how often");
  EXPECT_EQ(m.settings[2].default_json, "0.5");
  EXPECT_TRUE(m.settings[3].required);
  EXPECT_FALSE(m.settings[3].default_json.has_value());
  EXPECT_EQ(m.settings[4].options, (std::vector<std::string>{"fast", "safe"}));
  EXPECT_EQ(m.settings[4].default_json, "\"safe\"");
}

TEST(Manifest, DefaultsNameAndLibraryFromTheId) {
  Manifest m = parse_ok(R"({"id": "tiny", "version": "0.1", "abi": {"major": 1}})");
  EXPECT_EQ(m.name, "tiny");
  EXPECT_EQ(m.library, "libtiny.so");
  EXPECT_TRUE(m.settings.empty());
}

TEST(Manifest, ErrorsNameTheFileAndThePath) {
  EXPECT_EQ(parse_error(R"({"version": "1", "abi": {"major": 1}})"), "x/plugin.json: id: missing");
  EXPECT_EQ(parse_error(R"({"id": "x", "abi": {"major": 1}})"), "x/plugin.json: version: missing");
  EXPECT_EQ(parse_error(R"({"id": "x", "version": "1"})"), "x/plugin.json: abi: missing");
  EXPECT_EQ(parse_error(R"({"id": 5, "version": "1", "abi": {"major": 1}})"),
            "x/plugin.json: id: expected a string, found an integer");
  EXPECT_EQ(parse_error(R"({"id": "x", "version": "1", "abi": {"major": -1}})"),
            "x/plugin.json: abi.major: expected an integer between 0 and 65535");
  EXPECT_EQ(parse_error(R"([1])"), "x/plugin.json: $: expected an object, found an array");
  EXPECT_NE(parse_error("{").find("x/plugin.json: $: not valid JSON"), std::string::npos);
}

TEST(Manifest, RejectsBadIds) {
  for (const char* id : {"", "Upper", "-lead", ".lead", "has space", "slash/x",
                         "a2345678901234567890123456789012345678901234567890123456789012345"}) {
    std::string json =
        std::string(R"({"id": ")") + id + R"(", "version": "1", "abi": {"major": 1}})";
    EXPECT_NE(parse_error(json).find("x/plugin.json: id:"), std::string::npos) << id;
  }
  EXPECT_TRUE(
      is_valid_plugin_id("a23456789012345678901234567890123456789012345678901234567890123"));
  EXPECT_TRUE(is_valid_plugin_id("0k"));
}

TEST(Manifest, LibraryMustStayInsideTheFolder) {
  EXPECT_EQ(
      parse_error(R"({"id": "x", "version": "1", "abi": {"major": 1}, "library": "../evil.so"})"),
      "x/plugin.json: library: must be a file name inside the plugin folder, without '/'");
}

TEST(Manifest, SchemaErrorsNameTheEntry) {
  auto with = [](std::string entry) {
    return parse_error(R"({"id": "x", "version": "1", "abi": {"major": 1}, "settings_schema": [)" +
                       entry + "]}");
  };
  EXPECT_EQ(
      with(R"({"key": "A", "type": "text"})"),
      "x/plugin.json: settings_schema[0].type: expected one of bool, int, number, string, enum");
  EXPECT_EQ(with(R"({"key": "A", "type": "int"}, {"key": "A", "type": "int"})"),
            "x/plugin.json: settings_schema[1].key: duplicate key 'A'");
  EXPECT_EQ(
      with(R"({"key": "1A", "type": "int"})"),
      "x/plugin.json: settings_schema[0].key: expected a key matching [A-Za-z][A-Za-z0-9_]{0,63}");
  EXPECT_EQ(with(R"({"key": "A", "type": "int", "default": "3"})"),
            "x/plugin.json: settings_schema[0].default: expected an integer");
  EXPECT_EQ(with(R"({"key": "A", "type": "int", "default": 11, "max": 10})"),
            "x/plugin.json: settings_schema[0].default: outside min..max");
  EXPECT_EQ(
      with(R"({"key": "A", "type": "enum", "options": []})"),
      "x/plugin.json: settings_schema[0].options: an enum setting needs a non-empty options array");
  EXPECT_EQ(with(R"({"key": "A", "type": "enum", "options": ["a"], "default": "b"})"),
            "x/plugin.json: settings_schema[0].default: not one of the options");
  EXPECT_EQ(with(R"({"key": "A", "type": "string", "min": 1})"),
            "x/plugin.json: settings_schema[0].min: only int and number settings have bounds");
  EXPECT_EQ(with(R"({"key": "A", "type": "string", "required": true, "default": "x"})"),
            "x/plugin.json: settings_schema[0].default: a required setting cannot have a default");
  EXPECT_EQ(with(R"({"key": "A", "type": "string", "colour": "red"})"),
            "x/plugin.json: settings_schema[0].colour: unknown field");
  EXPECT_EQ(with(R"({"key": "A", "type": "int", "min": 5, "max": 1})"),
            "x/plugin.json: settings_schema[0]: min is greater than max");
}

TEST(Manifest, LiveMarksSettingsThatApplyOnSighup) {
  Manifest m = parse_ok(R"({"id": "t", "version": "1", "abi": {"major": 1}, "settings_schema": [
      {"key": "Limit", "type": "int", "default": 3, "live": true},
      {"key": "Key", "type": "string", "default": "", "live": false},
      {"key": "Other", "type": "bool", "default": true}]})");
  ASSERT_EQ(m.settings.size(), 3u);
  EXPECT_TRUE(m.settings[0].live);
  EXPECT_FALSE(m.settings[1].live);
  EXPECT_FALSE(m.settings[2].live);  // not live unless said
  EXPECT_EQ(parse_error(R"({"id": "t", "version": "1", "abi": {"major": 1}, "settings_schema": [
      {"key": "A", "type": "int", "live": "yes"}]})"),
            "x/plugin.json: settings_schema[0].live: expected a boolean");
}

TEST(Manifest, LoadReportsAMissingFile) {
  auto m = load_manifest("/nonexistent/dir/plugin.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "/nonexistent/dir/plugin.json: manifest missing");
}

}  // namespace
