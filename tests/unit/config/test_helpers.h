// Shared by the config tests: parse and expect success / failure with readable diagnostics.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/config/loader.h"

namespace pb::config::testing {

inline LoadedConfig parse_ok(std::string_view json, const Environment& env = {}) {
  auto result = parse_config(json, env);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : LoadedConfig{};
}

inline std::vector<std::string> parse_errors(std::string_view json, const Environment& env = {}) {
  auto result = parse_config(json, env);
  EXPECT_FALSE(result.ok()) << "expected a failure for: " << json;
  return result.ok() ? std::vector<std::string>{} : error_lines(result.error());
}

}  // namespace pb::config::testing
