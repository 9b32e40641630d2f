#include "core/cli/log_settings.h"

#include <filesystem>

#include "core/cli/install_layout.h"

namespace pb::cli {

log::Options log_options(const config::Config& config) {
  log::Options options;
  options.console = config.log.EnableConsole;
  options.console_json = config.log.ConsoleJson;
  log::parse_level(config.log.ConsoleLevel, &options.console_level);
  options.file = config.log.EnableFile;
  options.file_json = config.log.FileJson;
  log::parse_level(config.log.FileLevel, &options.file_level);
  options.file_path = (std::filesystem::path(log_directory(config)) / kLogFileName).string();
  // The key table bounds both (FileMaxSizeMB >= 1, FileMaxBackups 0..1000), so these fit.
  options.file_max_bytes = static_cast<uint64_t>(config.log.FileMaxSizeMB) << 20;
  options.file_max_files = static_cast<size_t>(config.log.FileMaxBackups);
  return options;
}

Result<void> apply_log_settings(const config::Config& config) {
  return log::configure(log_options(config));
}

}  // namespace pb::cli
