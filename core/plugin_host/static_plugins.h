// Plugins linked into the binary (PATCHBAY_PLUGIN_<NAME>=STATIC). They still have a folder with
// plugin.json under the plugins directory (their settings are validated from it); the loader
// takes their entry point from this table instead of dlopen'ing a library.
#pragma once

#include <span>

#include "patchbay/plugin.h"

namespace pb::plugin_host {

struct StaticPlugin {
  const char* id;            // the manifest id
  pb_plugin_entry_fn entry;  // its renamed pb_plugin_entry
};

// Defined by the library patchbay_static_plugin_table() generates (plugins/CMakeLists.txt
// makes `pb_static_plugins`); empty when every plugin is a shared object.
std::span<const StaticPlugin> static_plugins();

}  // namespace pb::plugin_host
