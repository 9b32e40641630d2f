// Internal to pb_config: reading JSON text into a rapidjson DOM, and JSON values into typed
// Config fields with the key table's checks. Not part of the public interface.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/config/schema.h"

namespace pb::config::detail {

// What a load found: errors make it fail; warnings are reported and the load goes on.
struct Diagnostics {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

// Deeper JSON is refused before parsing: configs are shallow, and rapidjson's writer and value
// comparison recurse, so unbounded depth would be a stack overflow waiting for a hostile file.
inline constexpr int kMaxJsonDepth = 64;

// Parses `json` (strict JSON, UTF-8 validated, nothing but whitespace after the value) into `doc`.
// Returns "" on success, else "invalid JSON at line L, column C: <reason>" (both 1-based, column
// in bytes).
std::string parse_json(std::string_view json, rapidjson::Document& doc);

// A value as compact JSON for "got ..." in messages, cut to about 60 bytes.
std::string render_value(const rapidjson::Value& value);

// A raw (environment) string as a quoted JSON string, cut the same way.
std::string render_text(std::string_view text);

// Converts `value` to `key`'s type, checks it, and stores it into `field` if everything in it
// is valid. Errors and warnings go to `diag`, each starting with `where` (the JSON path, or the
// environment variable's name) — nested keys extend it ("....PluginStates.<id>.Enable").
void assign_value(const KeyDef& key, FieldRef field, const rapidjson::Value& value,
                  std::string_view where, Diagnostics& diag);

}  // namespace pb::config::detail
