// `patchbay config validate`, `patchbay config show` and `patchbay config migrate`.
#include <cstdio>
#include <fstream>
#include <optional>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/config/loader.h"
#include "core/config/writer.h"

namespace pb::cli {
namespace {

// Loads `path` for validate/migrate: every problem (after "<path>: <verdict>") and every warning
// on stderr; nullopt when invalid.
std::optional<config::LoadedConfig> load_reporting(const std::string& path,
                                                   const config::Environment& env,
                                                   const char* verdict) {
  auto loaded = config::load_config(path, env);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), verdict);
    for (const auto& line : config::error_lines(loaded.error())) {
      std::fprintf(stderr, "  %s\n", line.c_str());
    }
    return std::nullopt;
  }
  for (const auto& warning : loaded->warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());
  return std::move(*loaded);
}

}  // namespace

int run_config_validate(const std::string& config_path) {
  if (!load_reporting(config_path, config::environment_from_process(), "invalid")) return 1;
  std::printf("%s: valid\n", config_path.c_str());
  return 0;
}

int run_config_show(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return 1;
  std::printf("%s\n", config::to_json(*config, true).c_str());
  return 0;
}

int run_config_migrate(const std::string& config_path) {
  // The file alone: PB_* overrides belong to the environment, not to the upgraded file.
  auto loaded = load_reporting(config_path, {}, "invalid, not migrated");
  if (!loaded) return 1;
  // Beside the old file, which stays as it is: the operator compares, then moves it in place.
  std::string target = config_path + ".migrated";
  std::string tmp = target + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << config::to_json(loaded->config, true) << '\n';
    out.close();
    if (!out) {
      std::fprintf(stderr, "patchbay: cannot write %s\n", tmp.c_str());
      std::remove(tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    std::fprintf(stderr, "patchbay: cannot write %s\n", target.c_str());
    std::remove(tmp.c_str());
    return 1;
  }
  std::printf("%s: every key of this version written to %s\n", config_path.c_str(),
              target.c_str());
  return 0;
}

}  // namespace pb::cli
