// Where an installed patchbay finds its files: relative to the binary, whatever the cwd.
//
// An install tree (cmake --install, the release tarball, the .deb under /opt/patchbay) is
//   ROOT/bin/patchbay  ROOT/config/config.json  ROOT/plugins/  ROOT/data/  ROOT/logs/
// The running binary is in an install tree when it sits in a folder named bin/ whose parent
// holds config/config.json; ROOT is then that parent. A build tree (<build>/bin/patchbay, no
// <build>/config/) is not an install tree: there the defaults stay relative to the cwd, as the
// README's `build/bin/patchbay serve` from the source folder expects.
//
// Thread-safe (reads /proc/self/exe and the filesystem; no state).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/config/config.h"

namespace pb::cli {

// ROOT when the running binary is in an install tree, else nullopt.
std::optional<std::filesystem::path> install_root();

// The config a subcommand reads when --config is not given: ROOT/config/config.json in an
// install tree, else config/config.json (relative to the cwd).
std::string default_config_path();

// Makes the relative paths of `config` absolute against ROOT in an install tree (the cwd is left
// to the kernel otherwise): StoreSettings.Directory, LogSettings.FileLocation and a non-empty
// PluginSettings.Directory. An empty LogSettings.FileLocation means ROOT/logs (or ./logs).
void resolve_install_paths(config::Config& config);

// The folder the log file goes to, after resolve_install_paths(): FileLocation, or "logs".
std::string log_directory(const config::Config& config);

}  // namespace pb::cli
