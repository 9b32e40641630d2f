// The ServiceSettings keys the slash commands plugin reads from the server's configuration.
// Missing or mistyped keys keep their defaults. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace pb::slash {

struct Settings {
  bool enabled = true;             // ServiceSettings.EnableCommands (custom commands only)
  bool username_override = false;  // ServiceSettings.EnablePostUsernameOverride
  bool icon_override = false;      // ServiceSettings.EnablePostIconOverride
  std::string site_url;            // ServiceSettings.SiteURL, without a trailing '/'
};

// Resets `out` to the defaults, then reads the server configuration JSON.
void read_server_config(std::string_view config_json, Settings& out);

}  // namespace pb::slash
