// Loading the config for a subcommand: errors printed to stderr, warnings logged.
#pragma once

#include <optional>
#include <string>

#include "core/config/config.h"

namespace pb::cli {

// The config at `path` with PB_* overrides applied; nullopt (after printing every problem with
// its JSON path to stderr) when it is invalid. `quiet` suppresses the warnings. In an install
// tree, relative paths are made absolute against it (install_layout.h).
std::optional<config::Config> load_config_or_report(const std::string& path, bool quiet = false);

}  // namespace pb::cli
