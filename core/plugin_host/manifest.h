// The plugin manifest (plugin.json beside each plugin library): who the plugin is, which ABI it
// needs, which library to load and the schema of its settings. Parsed before any code is loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"

namespace pb::plugin_host {

enum class SettingType { boolean, integer, number, string, enumeration };

// "bool", "int", "number", "string", "enum".
std::string_view setting_type_name(SettingType type);

// One entry of settings_schema.
struct SettingSpec {
  std::string key;  // [A-Za-z][A-Za-z0-9_]{0,63}
  SettingType type = SettingType::string;
  std::optional<std::string> default_json;  // the default, as minified JSON text, if any
  std::optional<double> min, max;           // int and number only
  std::vector<std::string> options;         // enum only (non-empty)
  bool required = false;                    // the operator must set it (no default allowed)
  // "live": true — a change on SIGHUP is handed to the running plugin's configure() instead of
  // waiting for a restart (the plugin promises it can apply this key while serving).
  bool live = false;
  std::string help;
};

struct Manifest {
  std::string id;  // [a-z0-9][a-z0-9._-]{0,63}
  std::string name;
  std::string version;
  std::string description;
  uint32_t abi_major = 0;      // must equal the host's PB_ABI_MAJOR
  uint32_t abi_min_minor = 0;  // the host's PB_ABI_MINOR must be >= this
  std::string library;         // a file name inside the plugin folder (no '/')
  std::vector<SettingSpec> settings;
};

bool is_valid_plugin_id(std::string_view id);

// Parses the text of a manifest. `file` is only used in error messages, which read
// "<file>: <json path>: <cause>", e.g. "plugins/x/plugin.json: settings_schema[2].type: ...".
// Errors: PB_E_INVALID.
Result<Manifest> parse_manifest(std::string_view json, std::string_view file);

// Reads and parses `path`. Errors: PB_E_NOT_FOUND (missing), PB_E_IO, PB_E_INVALID.
Result<Manifest> load_manifest(const std::string& path);

}  // namespace pb::plugin_host
