// The key table of config_keys.h as data: one KeyDef per key, in table order (sections in order,
// each section's keys contiguous). The loader, the environment overrides and to_json walk it.
// Built once on first use (thread-safe static initialisation); immutable afterwards.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config/checks.h"
#include "core/config/config.h"

namespace pb::config {

// A typed pointer to one field of a Config; the alternative says the key's type.
using FieldRef = std::variant<key_types::String*, key_types::Bool*, key_types::Int*,
                              key_types::StringList*, key_types::PluginStateMap*,
                              key_types::RawObjectMap*>;
using ConstFieldRef =
    std::variant<const key_types::String*, const key_types::Bool*, const key_types::Int*,
                 const key_types::StringList*, const key_types::PluginStateMap*,
                 const key_types::RawObjectMap*>;

// The Type words of the key table, in FieldRef's alternative order.
enum class KeyType { String, Bool, Int, StringList, PluginStateMap, RawObjectMap };

struct KeyDef {
  std::string_view section;  // "ServiceSettings"
  std::string_view name;     // "ListenAddress"
  std::string path;          // "ServiceSettings.ListenAddress"
  std::string env_var;       // "PB_SERVICESETTINGS_LISTENADDRESS"
  KeyType type;
  Check check;
  FieldRef (*field)(Config&);
  ConstFieldRef (*const_field)(const Config&);
};

// Every key, in table order.
std::span<const KeyDef> schema();

// Every section name, in table order.
std::span<const std::string_view> section_names();

// The key `name` of `section`, or nullptr. Exact (case-sensitive) match, as Mattermost's keys.
const KeyDef* find_key(std::string_view section, std::string_view name);

// The key whose override variable is `env_var`, or nullptr.
const KeyDef* find_key_by_env(std::string_view env_var);

// "must be an integer between 1024 and 1073741824": what a value of this key must be, for
// error messages and for config/README.md.
std::string describe_requirement(const KeyDef& key);

}  // namespace pb::config
