// The settings the plugin reads: ServiceSettings keys from the server's configuration, and its
// own settings from plugin.json's schema. Missing or mistyped keys keep their defaults.
// Pure; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace pb::outgoing {

struct Settings {
  bool enabled = true;             // ServiceSettings.EnableOutgoingWebhooks
  bool username_override = false;  // ServiceSettings.EnablePostUsernameOverride
  bool icon_override = false;      // ServiceSettings.EnablePostIconOverride
  size_t max_in_flight_per_hook = 32;  // plugin setting MaxInFlightPerHook
  size_t max_queued_per_hook = 10000;  // plugin setting MaxQueuedPerHook
};

// Resets the ServiceSettings fields of `out` to their defaults, then reads them.
void read_server_config(std::string_view config_json, Settings& out);
// Reads the plugin's own settings object.
void read_plugin_settings(std::string_view settings_json, Settings& out);

}  // namespace pb::outgoing
