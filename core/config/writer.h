// The effective configuration as JSON: every section and key of the key table, in table order.
// This is what plugins get through host->config_json and what `patchbay config show` prints;
// parse_config() of the output yields an equal Config.
#pragma once

#include <string>

#include "core/config/config.h"

namespace pb::config {

// pretty: 4-space indentation, as Mattermost writes config.json (each plugin's settings object
// in PluginSettings.Plugins is written verbatim, compact); otherwise one line.
// Pure; any thread. Never fails.
std::string to_json(const Config& config, bool pretty);

}  // namespace pb::config
