// `patchbay config validate` and `patchbay config show`.
#include <cstdio>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/config/loader.h"
#include "core/config/writer.h"

namespace pb::cli {

int run_config_validate(const std::string& config_path) {
  auto loaded = config::load_config(config_path, config::environment_from_process());
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: invalid\n", config_path.c_str());
    for (const auto& line : config::error_lines(loaded.error())) {
      std::fprintf(stderr, "  %s\n", line.c_str());
    }
    return 1;
  }
  for (const auto& warning : loaded->warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  std::printf("%s: valid\n", config_path.c_str());
  return 0;
}

int run_config_show(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return 1;
  std::printf("%s\n", config::to_json(*config, true).c_str());
  return 0;
}

}  // namespace pb::cli
