// Validation of an operator's plugin settings (config.json PluginSettings.Plugins.<id>) against
// the plugin's manifest schema. Runs BEFORE the plugin's library is loaded, so bad settings never
// reach plugin code.
#pragma once

#include <string>
#include <string_view>

#include "core/plugin_host/manifest.h"
#include "core/util/result.h"

namespace pb::plugin_host {

// Validates `settings_json` (a JSON object as text; empty or whitespace-only means {}) against
// `manifest.settings`. Every problem is reported, each naming its config path
// "PluginSettings.Plugins.<id>.<Key>": wrong type, out of min..max, not one of an enum's options,
// a required key missing, a key the schema does not know. Errors are joined with "; "
// (code PB_E_INVALID).
//
// On success returns a minified JSON object holding every schema key that has a value (given by
// the operator, else the default), in schema order; keys with neither are left out.
Result<std::string> validate_settings(const Manifest& manifest, std::string_view settings_json);

}  // namespace pb::plugin_host
