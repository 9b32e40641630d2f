// Loading: every kind of bad input is an error naming its path and saying what it must be.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/config/loader.h"
#include "patchbay/plugin.h"
#include "test_helpers.h"

namespace pb::config {
namespace {

using testing::parse_errors;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ConfigErrors, IntegerGivenAString) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"MaximumPayloadSizeBytes": "big"}})"),
              ElementsAre("ServiceSettings.MaximumPayloadSizeBytes: must be an integer between "
                          "1024 and 1073741824, got \"big\""));
}

TEST(ConfigErrors, IntegerOutOfRange) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"MaximumPayloadSizeBytes": 1023}})"),
              ElementsAre("ServiceSettings.MaximumPayloadSizeBytes: must be an integer between "
                          "1024 and 1073741824, got 1023"));
  EXPECT_THAT(parse_errors(R"({"PasswordSettings": {"MinimumLength": 73}})"),
              ElementsAre("PasswordSettings.MinimumLength: must be an integer between 5 and 72, "
                          "got 73"));
}

TEST(ConfigErrors, IntegerGivenAFractionOrAHugeNumber) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"ReadTimeout": 30.0}})"),
              ElementsAre(StartsWith("ServiceSettings.ReadTimeout: must be an integer")));
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"ReadTimeout": 18446744073709551615}})"),
              ElementsAre(StartsWith("ServiceSettings.ReadTimeout: must be an integer")));
}

TEST(ConfigErrors, BoolGivenAStringOrNumber) {
  EXPECT_THAT(parse_errors(R"({"TeamSettings": {"EnableOpenServer": "true", "EnableUserCreation": 1}})"),
              ElementsAre("TeamSettings.EnableOpenServer: must be true or false, got \"true\"",
                          "TeamSettings.EnableUserCreation: must be true or false, got 1"));
}

TEST(ConfigErrors, StringGivenANumber) {
  EXPECT_THAT(parse_errors(R"({"StoreSettings": {"Directory": 5}})"),
              ElementsAre("StoreSettings.Directory: must be a string, got 5"));
}

TEST(ConfigErrors, StringNotInItsEnum) {
  EXPECT_THAT(parse_errors(R"({"StoreSettings": {"SyncMode": "fast"}})"),
              ElementsAre("StoreSettings.SyncMode: must be one of \"full\", \"none\", got \"fast\""));
  EXPECT_THAT(parse_errors(R"({"LogSettings": {"ConsoleLevel": "info"}})"),
              ElementsAre(StartsWith("LogSettings.ConsoleLevel: must be one of \"DEBUG\"")));
}

TEST(ConfigErrors, StringWithTheWrongSyntax) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"ListenAddress": "8065"}})"),
              ElementsAre("ServiceSettings.ListenAddress: must be a listen address such as "
                          "\":8065\", \"127.0.0.1:8065\" or \"[::1]:8065\", got \"8065\""));
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"SiteURL": "chat.example.com"}})"),
              ElementsAre(StartsWith("ServiceSettings.SiteURL: must be empty or an http://")));
}

TEST(ConfigErrors, StringListWithANonString) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"TrustedProxyIPHeader": ["X-Real-IP", 7]}})"),
              ElementsAre("ServiceSettings.TrustedProxyIPHeader: must be an array of strings, "
                          "got [\"X-Real-IP\",7]"));
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": {"TrustedProxyIPHeader": "X-Real-IP"}})"),
              ElementsAre(StartsWith("ServiceSettings.TrustedProxyIPHeader: must be an array")));
}

TEST(ConfigErrors, PluginStatesWithBadEntries) {
  EXPECT_THAT(
      parse_errors(R"({"PluginSettings": {"PluginStates": {"a": true, "b": {"Enable": "yes"}}}})"),
      ElementsAre("PluginSettings.PluginStates.a: must be an object like {\"Enable\": true}, got true",
                  "PluginSettings.PluginStates.b.Enable: must be true or false, got \"yes\""));
  EXPECT_THAT(parse_errors(R"({"PluginSettings": {"PluginStates": []}})"),
              ElementsAre(StartsWith("PluginSettings.PluginStates: must be an object mapping")));
}

TEST(ConfigErrors, PluginSettingsThatAreNotObjects) {
  EXPECT_THAT(parse_errors(R"({"PluginSettings": {"Plugins": {"x": [1], "y": {}}}})"),
              ElementsAre("PluginSettings.Plugins.x: must be an object (the plugin's settings), "
                          "got [1]"));
}

TEST(ConfigErrors, SectionOfTheWrongType) {
  EXPECT_THAT(parse_errors(R"({"ServiceSettings": 5})"),
              ElementsAre("ServiceSettings: must be an object, got 5"));
}

TEST(ConfigErrors, RootThatIsNotAnObject) {
  EXPECT_THAT(parse_errors("[]"),
              ElementsAre("the configuration must be a JSON object, got []"));
}

TEST(ConfigErrors, AllBadValuesAreReportedAtOnce) {
  auto result = parse_config(R"({
    "ServiceSettings": {"ReadTimeout": 0, "ListenAddress": ":99999", "Unknown": 1},
    "TeamSettings": 3,
    "StoreSettings": {"SyncMode": "sometimes", "MaxSizeMB": "1G"}
  })");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, PB_E_INVALID);
  EXPECT_THAT(error_lines(result.error()),
              ElementsAre(StartsWith("ServiceSettings.ReadTimeout: "),
                          StartsWith("ServiceSettings.ListenAddress: "),
                          StartsWith("TeamSettings: "), StartsWith("StoreSettings.SyncMode: "),
                          StartsWith("StoreSettings.MaxSizeMB: ")));
}

TEST(ConfigErrors, LongValuesAreCutInMessages) {
  const std::string huge(500, 'x');
  const auto errors = parse_errors(R"({"StoreSettings": {"SyncMode": ")" + huge + R"("}})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_LT(errors[0].size(), 160u);
  EXPECT_THAT(errors[0], HasSubstr("xxx..."));
}

TEST(ConfigSyntax, ErrorGivesLineAndColumn) {
  // The missing comma is noticed at the second key: line 3, column 5.
  auto result = parse_config("{\n  \"A\": {}\n    \"B\": 1\n}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, PB_E_INVALID);
  EXPECT_THAT(result.error().message, StartsWith("invalid JSON at line 3, column 5: "));
}

TEST(ConfigSyntax, TrailingGarbageEmptyInputAndBadUtf8AreRefused) {
  EXPECT_THAT(parse_errors("{} x"), ElementsAre(StartsWith("invalid JSON at line 1, column 4: ")));
  EXPECT_THAT(parse_errors(""), ElementsAre(StartsWith("invalid JSON at line 1, column 1: ")));
  EXPECT_THAT(parse_errors("{\"\xff\": 1}"), ElementsAre(StartsWith("invalid JSON at line 1, ")));
}

TEST(ConfigSyntax, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = R"({"PluginSettings": {"Plugins": {"x": )" + std::string(100, '[') +
                           std::string(100, ']') + "}}}";
  EXPECT_THAT(parse_errors(deep), ElementsAre(HasSubstr("nested deeper than 64 levels")));
  // Brackets inside strings do not count.
  const std::string in_string =
      R"({"ServiceSettings": {"SiteURL": ")" + std::string(100, '[') + R"("}})";
  EXPECT_THAT(parse_errors(in_string), ElementsAre(StartsWith("ServiceSettings.SiteURL: ")));
}

}  // namespace
}  // namespace pb::config
