// Loading config.json: defaults, then the file, then PB_<SECTION>_<KEY> environment overrides.
//
//   auto env = pb::config::environment_from_process();
//   auto loaded = pb::config::load_config("config/config.json", env);
//   if (!loaded) { print loaded.error().message; exit; }  // one problem per line
//   for (auto& w : loaded->warnings) log(w);
//   use(loaded->config);
//
// Rules (driven by the key table, config_keys.h):
// - A missing key, or a key set to null, keeps its default. So does a section set to null.
// - Unknown sections and keys are warnings naming their path, not errors.
// - A value of the wrong type or failing its check is an error naming its JSON path and saying
//   what it must be and what it got. All errors are collected, not just the first.
// - A section that is not an object (`"ServiceSettings": 5`) or a root that is not an object is
//   an error.
// - Duplicate keys: the last one wins (as Go's decoder) with a warning.
// - Environment: PB_ + section + _ + key, upper-cased (PB_STORESETTINGS_SYNCMODE). String keys
//   take the value verbatim; every other type takes JSON text (true, 300, ["a","b"],
//   {"id":{"Enable":true}}). A bad value is an error naming the variable. A variable that
//   starts like a section (PB_STORESETTINGS_) but names no key is a warning. Overrides beat the
//   file.
// All functions are pure apart from load_config reading its file; any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/util/result.h"

namespace pb::config {

// Environment variables by name. Injected so tests need not touch the process environment.
using Environment = std::map<std::string, std::string, std::less<>>;

// The PB_* variables of this process (other variables are of no interest here).
// Not safe against concurrent setenv() from another thread, like getenv().
Environment environment_from_process();

struct LoadedConfig {
  Config config;
  std::vector<std::string> warnings;  // for the log; the config is usable regardless
};

// Parses config text. On failure: Error{PB_E_INVALID, message} where message holds every
// problem, one per line: "invalid JSON at line 3, column 14: <reason>" for a syntax error (the
// only problem then reported), else lines like
// "ServiceSettings.MaximumPayloadSizeBytes: must be an integer between 1024 and 1073741824, got \"big\"".
Result<LoadedConfig> parse_config(std::string_view json, const Environment& env = {});

// Reads and parses the file at `path`. A missing file yields the defaults (plus overrides) with
// a warning saying so. Errors: PB_E_IO "<path>: cannot read: <reason>" (also for a file over
// 16 MiB); PB_E_INVALID as parse_config, a syntax error prefixed with "<path>: ".
Result<LoadedConfig> load_config(std::string_view path, const Environment& env);

// Splits an Error::message from parse_config/load_config into its lines.
std::vector<std::string> error_lines(const Error& error);

}  // namespace pb::config
