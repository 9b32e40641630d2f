// Where plugins live: one folder per plugin under a plugins directory, each holding plugin.json
// and the library it names. Discovery only lists folders; it reads no manifest and loads nothing.
#pragma once

#include <filesystem>
#include <vector>

#include "core/util/result.h"

namespace pb::plugin_host {

// The folder holding the running executable (resolved from /proc/self/exe).
// Errors: PB_E_IO when the link cannot be read.
Result<std::filesystem::path> executable_dir();

// <executable dir>/../plugins, normalised: <build>/bin/patchbay finds <build>/plugins, and
// /opt/patchbay/bin/patchbay finds /opt/patchbay/plugins. Errors as executable_dir().
Result<std::filesystem::path> default_plugin_dir();

// The plugin folders directly under `dir` (directories, or symlinks to directories), sorted by
// name so load order is stable. Hidden entries (".x") are skipped. A missing `dir` is an empty
// list (a build with every plugin off has none); an unreadable one is PB_E_IO.
Result<std::vector<std::filesystem::path>> list_plugin_folders(const std::filesystem::path& dir);

}  // namespace pb::plugin_host
