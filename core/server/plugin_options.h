// From the operator's PluginSettings to the loader's options: which folder, which plugins are
// enabled or required, and each plugin's raw settings.
#pragma once

#include "core/config/config.h"
#include "core/plugin_host/loader.h"
#include "core/util/result.h"

namespace pb::server {

// PluginSettings.Directory, or the plugins/ folder beside the running binary when it is empty.
// (PluginSettings.Enable=false means no plugin is loaded at all; callers check it first.)
Result<plugin_host::LoadOptions> plugin_load_options(const config::Config& config);

}  // namespace pb::server
