// PB_<SECTION>_<KEY> overrides: parsed by the key's type, beat the file, bad values name the variable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/config/loader.h"
#include "test_helpers.h"

namespace pb::config {
namespace {

using testing::parse_errors;
using testing::parse_ok;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(ConfigEnvironment, OverridesEachType) {
  const Environment env{
      {"PB_SERVICESETTINGS_LISTENADDRESS", "127.0.0.1:0"},
      {"PB_STORESETTINGS_SYNCMODE", "none"},
      {"PB_SERVICESETTINGS_READTIMEOUT", "42"},
      {"PB_SERVICESETTINGS_ENABLEDEVELOPER", "true"},
      {"PB_SERVICESETTINGS_TRUSTEDPROXYIPHEADER", R"(["X-Forwarded-For"])"},
      {"PB_PLUGINSETTINGS_PLUGINSTATES", R"({"auth": {"Enable": true, "Required": true}})"},
      {"PB_PLUGINSETTINGS_PLUGINS", R"({"auth": {"Lockout": 3}})"},
  };
  const LoadedConfig loaded = parse_ok("{}", env);
  const Config& c = loaded.config;
  EXPECT_THAT(loaded.warnings, IsEmpty());
  EXPECT_EQ(c.service.ListenAddress, "127.0.0.1:0");
  EXPECT_EQ(c.store.SyncMode, "none");
  EXPECT_EQ(c.service.ReadTimeout, 42);
  EXPECT_TRUE(c.service.EnableDeveloper);
  EXPECT_THAT(c.service.TrustedProxyIPHeader, ElementsAre("X-Forwarded-For"));
  EXPECT_EQ(c.plugins.PluginStates.at("auth"), (PluginState{true, true}));
  EXPECT_EQ(c.plugins.Plugins.at("auth"), R"({"Lockout":3})");
}

TEST(ConfigEnvironment, StringsAreTakenVerbatimNotAsJson) {
  const LoadedConfig loaded =
      parse_ok("{}", {{"PB_RATELIMITSETTINGS_VARYBYHEADER", "\"X-Key\""},
                      {"PB_STORESETTINGS_DIRECTORY", ""}});
  EXPECT_EQ(loaded.config.rate_limit.VaryByHeader, "\"X-Key\"");
  EXPECT_EQ(loaded.config.store.Directory, "");
}

TEST(ConfigEnvironment, BeatsTheFile) {
  const LoadedConfig loaded = parse_ok(R"({"StoreSettings": {"SyncMode": "full", "MaxSizeMB": 5}})",
                                       {{"PB_STORESETTINGS_SYNCMODE", "none"}});
  EXPECT_EQ(loaded.config.store.SyncMode, "none");
  EXPECT_EQ(loaded.config.store.MaxSizeMB, 5);
}

TEST(ConfigEnvironment, BadValuesNameTheVariable) {
  EXPECT_THAT(parse_errors("{}", {{"PB_SERVICESETTINGS_READTIMEOUT", "abc"}}),
              ElementsAre("PB_SERVICESETTINGS_READTIMEOUT: must be an integer between 1 and "
                          "86400, got \"abc\""));
  EXPECT_THAT(parse_errors("{}", {{"PB_SERVICESETTINGS_READTIMEOUT", "0"}}),
              ElementsAre("PB_SERVICESETTINGS_READTIMEOUT: must be an integer between 1 and "
                          "86400, got 0"));
  EXPECT_THAT(parse_errors("{}", {{"PB_STORESETTINGS_SYNCMODE", "fast"}}),
              ElementsAre(StartsWith("PB_STORESETTINGS_SYNCMODE: must be one of")));
  EXPECT_THAT(parse_errors("{}", {{"PB_SERVICESETTINGS_ENABLEDEVELOPER", "yes"}}),
              ElementsAre("PB_SERVICESETTINGS_ENABLEDEVELOPER: must be true or false, got \"yes\""));
  EXPECT_THAT(parse_errors("{}", {{"PB_PLUGINSETTINGS_PLUGINSTATES", R"({"a": {"Enable": 1}})"}}),
              ElementsAre("PB_PLUGINSETTINGS_PLUGINSTATES.a.Enable: must be true or false, got 1"));
}

TEST(ConfigEnvironment, FileAndEnvironmentErrorsAreReportedTogether) {
  EXPECT_THAT(parse_errors(R"({"StoreSettings": {"MaxSizeMB": 0}})",
                           {{"PB_SERVICESETTINGS_LISTENADDRESS", "nope"}}),
              ElementsAre(StartsWith("StoreSettings.MaxSizeMB: "),
                          StartsWith("PB_SERVICESETTINGS_LISTENADDRESS: ")));
}

TEST(ConfigEnvironment, UnknownKeyOfAKnownSectionWarnsOthersAreIgnored) {
  const LoadedConfig loaded = parse_ok("{}", {{"PB_STORESETTINGS_SYNC", "none"},
                                              {"PB_LOG_LEVEL", "debug"},
                                              {"PB_STORESETTINGS_", "x"},
                                              {"HOME", "/root"}});
  EXPECT_EQ(loaded.config, Config{});
  EXPECT_THAT(loaded.warnings,
              ElementsAre("PB_STORESETTINGS_SYNC: names no configuration key, ignored"));
}

TEST(ConfigEnvironment, LowerCaseNamesAreNotOverrides) {
  const LoadedConfig loaded = parse_ok("{}", {{"PB_StoreSettings_SyncMode", "none"}});
  EXPECT_EQ(loaded.config.store.SyncMode, "full");
}

TEST(ConfigEnvironment, FromProcessCollectsOnlyPbVariables) {
  ASSERT_EQ(::setenv("PB_STORESETTINGS_MAXSIZEMB", "77", 1), 0);
  ASSERT_EQ(::setenv("PBX_NOT_OURS", "1", 1), 0);
  const Environment env = environment_from_process();
  ::unsetenv("PB_STORESETTINGS_MAXSIZEMB");
  ::unsetenv("PBX_NOT_OURS");
  ASSERT_EQ(env.count("PB_STORESETTINGS_MAXSIZEMB"), 1u);
  EXPECT_EQ(env.at("PB_STORESETTINGS_MAXSIZEMB"), "77");
  EXPECT_EQ(env.count("PBX_NOT_OURS"), 0u);
  for (const auto& [name, value] : env) EXPECT_THAT(name, StartsWith("PB_"));
}

}  // namespace
}  // namespace pb::config
