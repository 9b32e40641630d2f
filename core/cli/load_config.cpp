#include "core/cli/load_config.h"

#include "core/cli/install_layout.h"

#include <cstdio>

#include "core/config/loader.h"
#include "core/log/log.h"

namespace pb::cli {

std::optional<config::Config> load_config_or_report(const std::string& path, bool quiet) {
  auto loaded = config::load_config(path, config::environment_from_process());
  if (!loaded.ok()) {
    std::fprintf(stderr, "patchbay: %s is not valid:\n", path.c_str());
    for (const auto& line : config::error_lines(loaded.error())) {
      std::fprintf(stderr, "  %s\n", line.c_str());
    }
    return std::nullopt;
  }
  if (!quiet) {
    for (const auto& warning : loaded->warnings) log::warn("config", "{}", warning);
  }
  log::Level level;
  if (log::parse_level(loaded->config.log.ConsoleLevel, &level)) log::set_level(level);
  resolve_install_paths(loaded->config);
  return std::move(loaded->config);
}

}  // namespace pb::cli
