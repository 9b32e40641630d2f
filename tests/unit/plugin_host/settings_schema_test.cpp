#include "core/plugin_host/settings_schema.h"

#include <gtest/gtest.h>

#include "core/plugin_host/manifest.h"

using namespace pb::plugin_host;

namespace {

Manifest schema() {
  auto m = parse_manifest(R"({
    "id": "demo", "version": "1", "abi": {"major": 1},
    "settings_schema": [
      {"key": "Enabled", "type": "bool", "default": false},
      {"key": "Retries", "type": "int", "default": 3, "min": 0, "max": 10},
      {"key": "Ratio", "type": "number", "min": 0, "max": 1},
      {"key": "Token", "type": "string", "required": true},
      {"key": "Mode", "type": "enum", "options": ["fast", "safe"], "default": "safe"}
    ]})",
                          "demo/plugin.json");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.value();
}

std::string error_of(std::string_view settings) {
  auto r = validate_settings(schema(), settings);
  EXPECT_FALSE(r.ok()) << settings;
  return r.ok() ? std::string() : r.error().message;
}

TEST(SettingsSchema, FillsDefaultsInSchemaOrder) {
  auto r = validate_settings(schema(), R"({"Token": "s3cr\"et", "Retries": 7})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), R"({"Enabled":false,"Retries":7,"Token":"s3cr\"et","Mode":"safe"})");
}

TEST(SettingsSchema, AcceptsEveryTypeInRange) {
  auto r = validate_settings(
      schema(), R"({"Enabled": true, "Retries": 0, "Ratio": 1, "Token": "", "Mode": "fast"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value(), R"({"Enabled":true,"Retries":0,"Ratio":1,"Token":"","Mode":"fast"})");
  EXPECT_TRUE(validate_settings(schema(), R"({"Token": "t", "Ratio": 0.25})").ok());
}

TEST(SettingsSchema, EmptyMeansNoSettings) {
  auto m = parse_manifest(R"({"id": "e", "version": "1", "abi": {"major": 1},
                              "settings_schema": [{"key": "A", "type": "int", "default": 1}]})",
                          "f");
  ASSERT_TRUE(m.ok());
  for (std::string_view empty : {"", "  \n", "{}"}) {
    auto r = validate_settings(*m, empty);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value(), R"({"A":1})");
  }
}

TEST(SettingsSchema, MissingRequiredKey) {
  EXPECT_EQ(error_of("{}"), "PluginSettings.Plugins.demo.Token: required but not set");
}

TEST(SettingsSchema, WrongTypes) {
  EXPECT_EQ(error_of(R"({"Token": "t", "Enabled": "yes"})"),
            "PluginSettings.Plugins.demo.Enabled: expected a boolean, found a string");
  EXPECT_EQ(error_of(R"({"Token": "t", "Retries": 2.5})"),
            "PluginSettings.Plugins.demo.Retries: expected an integer, found a number");
  EXPECT_EQ(error_of(R"({"Token": "t", "Ratio": "half"})"),
            "PluginSettings.Plugins.demo.Ratio: expected a number, found a string");
  EXPECT_EQ(error_of(R"({"Token": 5})"),
            "PluginSettings.Plugins.demo.Token: expected a string, found an integer");
  EXPECT_EQ(error_of(R"({"Token": "t", "Mode": null})"),
            "PluginSettings.Plugins.demo.Mode: expected a string, found null");
}

TEST(SettingsSchema, Ranges) {
  EXPECT_EQ(error_of(R"({"Token": "t", "Retries": 11})"),
            "PluginSettings.Plugins.demo.Retries: 11 is above the maximum 10");
  EXPECT_EQ(error_of(R"({"Token": "t", "Retries": -1})"),
            "PluginSettings.Plugins.demo.Retries: -1 is below the minimum 0");
  EXPECT_EQ(error_of(R"({"Token": "t", "Ratio": 1.5})"),
            "PluginSettings.Plugins.demo.Ratio: 1.5 is above the maximum 1");
}

TEST(SettingsSchema, EnumValues) {
  EXPECT_EQ(error_of(R"({"Token": "t", "Mode": "reckless"})"),
            "PluginSettings.Plugins.demo.Mode: 'reckless' is not one of: fast, safe");
}

TEST(SettingsSchema, UnknownKeys) {
  EXPECT_EQ(error_of(R"({"Token": "t", "Colour": "red"})"),
            "PluginSettings.Plugins.demo.Colour: unknown setting");
}

TEST(SettingsSchema, ReportsEveryProblemAtOnce) {
  std::string e = error_of(R"({"Retries": 99, "Colour": 1})");
  EXPECT_NE(e.find("PluginSettings.Plugins.demo.Colour: unknown setting"), std::string::npos) << e;
  EXPECT_NE(e.find("PluginSettings.Plugins.demo.Retries: 99 is above the maximum 10"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("PluginSettings.Plugins.demo.Token: required but not set"), std::string::npos)
      << e;
}

TEST(SettingsSchema, NotAnObjectOrNotJson) {
  EXPECT_EQ(error_of("[]"), "PluginSettings.Plugins.demo: expected an object, found an array");
  EXPECT_NE(error_of("{").find("PluginSettings.Plugins.demo: not valid JSON"), std::string::npos);
}

}  // namespace
