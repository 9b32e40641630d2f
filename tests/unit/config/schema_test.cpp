// The key table itself: unique names, defaults that pass their own checks.
#include <gtest/gtest.h>

#include <set>

#include "core/config/loader.h"
#include "core/config/schema.h"
#include "core/config/writer.h"

namespace pb::config {
namespace {

TEST(ConfigSchema, PathsAndEnvironmentNamesAreUnique) {
  std::set<std::string> paths;
  std::set<std::string> vars;
  for (const KeyDef& key : schema()) {
    EXPECT_TRUE(paths.insert(key.path).second) << key.path;
    EXPECT_TRUE(vars.insert(key.env_var).second) << key.env_var;
  }
  EXPECT_GE(schema().size(), 50u);
}

TEST(ConfigSchema, LooksUpKeys) {
  const KeyDef* key = find_key("StoreSettings", "SyncMode");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->path, "StoreSettings.SyncMode");
  EXPECT_EQ(key->env_var, "PB_STORESETTINGS_SYNCMODE");
  EXPECT_EQ(key->type, KeyType::String);
  EXPECT_EQ(find_key_by_env("PB_STORESETTINGS_SYNCMODE"), key);
  EXPECT_EQ(find_key("StoreSettings", "syncmode"), nullptr);
  EXPECT_EQ(find_key("PluginSettings", "PluginStates")->type, KeyType::PluginStateMap);
  // Same key name in two sections stays two keys.
  EXPECT_NE(find_key("PluginSettings", "Enable"), find_key("RateLimitSettings", "Enable"));
}

TEST(ConfigSchema, SectionsAreInTableOrder) {
  const std::vector<std::string_view> expected{"ServiceSettings",   "TeamSettings",
                                               "RateLimitSettings", "LogSettings",
                                               "MetricsSettings",   "PasswordSettings",
                                               "PluginSettings",    "StoreSettings"};
  EXPECT_EQ(std::vector<std::string_view>(section_names().begin(), section_names().end()),
            expected);
}

// A default that fails its own check would make an untouched config.json unloadable.
TEST(ConfigSchema, EveryDefaultPassesItsCheck) {
  const Config defaults;
  for (const KeyDef& key : schema()) {
    std::visit(
        [&](const auto* value) {
          using T = std::remove_cv_t<std::remove_pointer_t<decltype(value)>>;
          if constexpr (std::is_same_v<T, key_types::String> || std::is_same_v<T, key_types::Int>) {
            EXPECT_TRUE(key.check.accepts(*value)) << key.path;
          }
        },
        key.const_field(defaults));
  }
}

// A value unlike the default, written as its environment variable would carry it.
std::string non_default_env_text(const KeyDef& key, const Config& defaults) {
  return std::visit(
      [&](const auto* value) -> std::string {
        using T = std::remove_cv_t<std::remove_pointer_t<decltype(value)>>;
        if constexpr (std::is_same_v<T, key_types::String>) {
          for (std::string_view candidate : key.check.allowed) {
            if (candidate != *value) return std::string(candidate);
          }
          for (std::string candidate : {"127.0.0.1:1", "https://x.example", "changed"}) {
            if (candidate != *value && key.check.accepts(candidate)) return candidate;
          }
          return "unreachable";
        } else if constexpr (std::is_same_v<T, key_types::Bool>) {
          return *value ? "false" : "true";
        } else if constexpr (std::is_same_v<T, key_types::Int>) {
          return std::to_string(*value == key.check.min ? key.check.max : key.check.min);
        } else if constexpr (std::is_same_v<T, key_types::StringList>) {
          return R"(["changed"])";
        } else if constexpr (std::is_same_v<T, key_types::PluginStateMap>) {
          return R"({"p": {"Enable": true}})";
        } else {
          return R"({"p": {"k": 1}})";
        }
      },
      key.const_field(defaults));
}

TEST(ConfigSchema, EveryKeyCanBeSetFromItsEnvironmentVariable) {
  const Config defaults;
  for (const KeyDef& key : schema()) {
    auto loaded = parse_config("{}", {{key.env_var, non_default_env_text(key, defaults)}});
    ASSERT_TRUE(loaded.ok()) << key.env_var << ": " << loaded.error().message;
    EXPECT_TRUE(loaded->warnings.empty()) << key.env_var;
    EXPECT_NE(loaded->config, defaults) << key.env_var << " changed nothing";
    // ... and nothing but that key: copying the default back restores the defaults.
    Config restored = loaded->config;
    Config source = defaults;
    std::visit(
        [&](auto* target) { *target = *std::get<decltype(target)>(key.field(source)); },
        key.field(restored));
    EXPECT_EQ(restored, defaults) << key.env_var;
  }
}

}  // namespace
}  // namespace pb::config
