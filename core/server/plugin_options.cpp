#include "core/server/plugin_options.h"

#include "core/plugin_host/discovery.h"
#include "core/plugin_host/static_plugins.h"

namespace pb::server {

Result<plugin_host::LoadOptions> plugin_load_options(const config::Config& config) {
  plugin_host::LoadOptions options;
  const auto& settings = config.plugins;
  if (!settings.Directory.empty()) {
    options.dir = settings.Directory;
  } else {
    auto dir = plugin_host::default_plugin_dir();
    if (!dir.ok()) return dir.error();
    options.dir = *dir;
  }
  for (const auto& [id, state] : settings.PluginStates) {
    auto& policy = options.policies[id];
    policy.enable = state.Enable;
    policy.required = state.Required;
  }
  for (const auto& [id, json] : settings.Plugins) options.policies[id].settings_json = json;
  // Built-ins linked into the binary (PATCHBAY_PLUGIN_<NAME>=STATIC) load from this table.
  options.static_entries = plugin_host::static_plugins();
  return options;
}

}  // namespace pb::server
