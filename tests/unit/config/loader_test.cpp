// Loading: defaults, values taken from the file, null handling, warnings, files on disk.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <unistd.h>

#include "core/config/loader.h"
#include "patchbay/plugin.h"
#include "test_helpers.h"

namespace pb::config {
namespace {

using testing::parse_ok;
using ::testing::ElementsAre;

TEST(ConfigDefaults, MatchTheDocumentedValues) {
  const Config c;
  EXPECT_EQ(c.service.SiteURL, "");
  EXPECT_EQ(c.service.ListenAddress, ":8065");
  EXPECT_TRUE(c.service.EnableIncomingWebhooks);
  EXPECT_TRUE(c.service.EnableOutgoingWebhooks);
  EXPECT_TRUE(c.service.EnableCommands);
  EXPECT_FALSE(c.service.EnablePostUsernameOverride);
  EXPECT_FALSE(c.service.EnablePostIconOverride);
  EXPECT_FALSE(c.service.EnableUserAccessTokens);
  EXPECT_FALSE(c.service.EnableBotAccountCreation);
  EXPECT_EQ(c.service.OutgoingIntegrationRequestsTimeout, 30);
  EXPECT_EQ(c.service.AllowedUntrustedInternalConnections, "");
  EXPECT_EQ(c.service.MaximumLoginAttempts, 10);
  EXPECT_EQ(c.service.SessionLengthWebInHours, 720);
  EXPECT_EQ(c.service.SessionLengthMobileInHours, 720);
  EXPECT_EQ(c.service.SessionIdleTimeoutInMinutes, 43200);
  EXPECT_FALSE(c.service.EnableDeveloper);
  EXPECT_FALSE(c.service.ExperimentalEnableHardenedMode);
  EXPECT_EQ(c.service.MaximumPayloadSizeBytes, 300000);
  EXPECT_EQ(c.service.ReadTimeout, 300);
  EXPECT_EQ(c.service.WriteTimeout, 300);
  EXPECT_EQ(c.service.IdleTimeout, 60);
  EXPECT_EQ(c.service.ReadHeaderTimeoutMilliseconds, 10000);
  EXPECT_FALSE(c.team.EnableOpenServer);
  EXPECT_EQ(c.team.MaxUsersPerTeam, 50);
  EXPECT_TRUE(c.team.EnableUserCreation);
  EXPECT_FALSE(c.rate_limit.Enable);
  EXPECT_EQ(c.rate_limit.PerSec, 10);
  EXPECT_EQ(c.rate_limit.MaxBurst, 100);
  EXPECT_EQ(c.rate_limit.MemoryStoreSize, 10000);
  EXPECT_TRUE(c.rate_limit.VaryByRemoteAddr);
  EXPECT_FALSE(c.rate_limit.VaryByUser);
  EXPECT_EQ(c.rate_limit.VaryByHeader, "");
  EXPECT_TRUE(c.log.EnableConsole);
  EXPECT_EQ(c.log.ConsoleLevel, "INFO");
  EXPECT_FALSE(c.log.ConsoleJson);
  EXPECT_FALSE(c.log.EnableFile);
  EXPECT_EQ(c.log.FileLevel, "INFO");
  EXPECT_TRUE(c.log.FileJson);
  EXPECT_EQ(c.log.FileLocation, "");
  EXPECT_TRUE(c.log.EnableWebhookDebugging);
  EXPECT_EQ(c.password.MinimumLength, 8);
  EXPECT_FALSE(c.password.Lowercase || c.password.Uppercase || c.password.Number ||
               c.password.Symbol);
  EXPECT_TRUE(c.plugins.Enable);
  EXPECT_EQ(c.plugins.Directory, "");
  EXPECT_TRUE(c.plugins.PluginStates.empty());
  EXPECT_TRUE(c.plugins.Plugins.empty());
  EXPECT_EQ(c.store.Directory, "./data");
  EXPECT_EQ(c.store.SyncMode, "full");
  EXPECT_EQ(c.store.MaxSizeMB, 1024);
}

TEST(ConfigLoader, EmptyObjectGivesDefaultsWithoutWarnings) {
  const LoadedConfig loaded = parse_ok("{}");
  EXPECT_EQ(loaded.config, Config{});
  EXPECT_TRUE(loaded.warnings.empty());
}

TEST(ConfigLoader, ReadsEveryType) {
  const LoadedConfig loaded = parse_ok(R"({
    "ServiceSettings": {"SiteURL": "https://chat.example.com", "EnableDeveloper": true,
                        "MaximumPayloadSizeBytes": 2048,
                        "TrustedProxyIPHeader": ["X-Forwarded-For", "X-Real-IP"]},
    "StoreSettings": {"SyncMode": "none"},
    "PluginSettings": {
      "PluginStates": {"incoming_webhooks": {"Enable": true, "Required": true},
                       "attachments": {"Enable": true}},
      "Plugins": {"com.example.x": {"Greeting": "hi", "Nested": {"a": [1, 2]}}}}
  })");
  const Config& c = loaded.config;
  EXPECT_TRUE(loaded.warnings.empty());
  EXPECT_EQ(c.service.SiteURL, "https://chat.example.com");
  EXPECT_TRUE(c.service.EnableDeveloper);
  EXPECT_EQ(c.service.MaximumPayloadSizeBytes, 2048);
  EXPECT_THAT(c.service.TrustedProxyIPHeader, ElementsAre("X-Forwarded-For", "X-Real-IP"));
  EXPECT_EQ(c.store.SyncMode, "none");
  ASSERT_EQ(c.plugins.PluginStates.size(), 2u);
  EXPECT_EQ(c.plugins.PluginStates.at("incoming_webhooks"), (PluginState{true, true}));
  EXPECT_EQ(c.plugins.PluginStates.at("attachments"), (PluginState{true, false}));
  ASSERT_EQ(c.plugins.Plugins.size(), 1u);
  EXPECT_EQ(c.plugins.Plugins.at("com.example.x"), R"({"Greeting":"hi","Nested":{"a":[1,2]}})");
  // Keys not mentioned keep their defaults.
  EXPECT_EQ(c.service.ListenAddress, ":8065");
  EXPECT_EQ(c.team, TeamSettings{});
}

TEST(ConfigLoader, NullKeepsTheDefault) {
  const LoadedConfig loaded =
      parse_ok(R"({"ServiceSettings": {"ReadTimeout": null}, "TeamSettings": null})");
  EXPECT_EQ(loaded.config, Config{});
}

TEST(ConfigLoader, UnknownSectionsAndKeysAreWarningsNamingThePath) {
  const LoadedConfig loaded = parse_ok(R"({
    "SqlSettings": {"DriverName": "postgres"},
    "ServiceSettings": {"ListenAdress": ":1", "IdleTimeout": 5},
    "PluginSettings": {"PluginStates": {"p": {"Enable": true, "Enabled": true}}}
  })");
  EXPECT_EQ(loaded.config.service.IdleTimeout, 5);
  EXPECT_THAT(loaded.warnings, ElementsAre("SqlSettings: unknown section, ignored",
                                           "ServiceSettings.ListenAdress: unknown key, ignored",
                                           "PluginSettings.PluginStates.p.Enabled: unknown key, ignored"));
}

TEST(ConfigLoader, DuplicateKeyWarnsAndTheLastWins) {
  const LoadedConfig loaded =
      parse_ok(R"({"ServiceSettings": {"IdleTimeout": 5, "IdleTimeout": 7}})");
  EXPECT_EQ(loaded.config.service.IdleTimeout, 7);
  EXPECT_THAT(loaded.warnings,
              ElementsAre("ServiceSettings.IdleTimeout: duplicate key, the last value is used"));
}

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pb_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(std::string_view text) {
    const auto path = (dir_ / "config.json").string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFile, MissingFileGivesDefaultsWithANotice) {
  const std::string path = (dir_ / "absent.json").string();
  auto loaded = load_config(path, Environment{{"PB_STORESETTINGS_SYNCMODE", "none"}});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->config.store.SyncMode, "none");
  ASSERT_EQ(loaded->warnings.size(), 1u);
  EXPECT_EQ(loaded->warnings[0], path + ": not found, using the built-in defaults");
}

TEST_F(ConfigFile, ReadsTheFile) {
  auto loaded = load_config(write(R"({"LogSettings": {"ConsoleLevel": "DEBUG"}})"), {});
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->config.log.ConsoleLevel, "DEBUG");
  EXPECT_TRUE(loaded->warnings.empty());
}

TEST_F(ConfigFile, SyntaxErrorNamesTheFileLineAndColumn) {
  const std::string path = write("{\n  \"LogSettings\": {\n    \"ConsoleLevel\": \"DEBUG\"\n  \n");
  auto loaded = load_config(path, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, PB_E_INVALID);
  EXPECT_EQ(loaded.error().message.rfind(path + ": invalid JSON at line 5, column 1: ", 0), 0u)
      << loaded.error().message;
}

TEST_F(ConfigFile, ADirectoryIsAnIoError) {
  auto loaded = load_config(dir_.string(), {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, PB_E_IO);
  EXPECT_NE(loaded.error().message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace pb::config
