// pb::config::Config — the typed server configuration: config.json in Mattermost's layout
// (ServiceSettings, TeamSettings, ...) plus patchbay's StoreSettings.
//
// The sections and their fields are generated from the key table in config_keys.h; read that
// file for every field's name, type and default. Access is plain:
//   config.service.ListenAddress, config.store.SyncMode, config.plugins.PluginStates["id"].Enable
// A default-constructed Config holds every default. Config is a value type (copyable,
// comparable); it is not synchronised — share it read-only or copy it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config/config_keys.h"

namespace pb::config {

// PluginSettings.PluginStates[id]. Enable: load this plugin. Required (patchbay): refuse to start
// the server if this plugin fails to load or init (otherwise it is marked failed and skipped).
struct PluginState {
  bool Enable = false;
  bool Required = false;
  bool operator==(const PluginState&) const = default;
};

// The C++ type behind each Type word of the key table.
namespace key_types {
using String = std::string;
using Bool = bool;
using Int = std::int64_t;
using StringList = std::vector<std::string>;
using PluginStateMap = std::map<std::string, PluginState>;
// plugin id -> the compact JSON text of that plugin's settings object (always an object).
using RawObjectMap = std::map<std::string, std::string>;
}  // namespace key_types

#define PB_CONFIG_DECLARE_FIELD(Name, Type, default_value, check) \
  key_types::Type Name = default_value;
#define PB_CONFIG_DECLARE_SECTION(Name, member, KEYS)   \
  struct Name {                                         \
    KEYS(PB_CONFIG_DECLARE_FIELD)                       \
    bool operator==(const Name&) const = default;       \
  };
PB_CONFIG_SECTIONS(PB_CONFIG_DECLARE_SECTION)
#undef PB_CONFIG_DECLARE_SECTION
#undef PB_CONFIG_DECLARE_FIELD

struct Config {
#define PB_CONFIG_DECLARE_MEMBER(Name, member, KEYS) Name member;
  PB_CONFIG_SECTIONS(PB_CONFIG_DECLARE_MEMBER)
#undef PB_CONFIG_DECLARE_MEMBER
  bool operator==(const Config&) const = default;
};

}  // namespace pb::config
