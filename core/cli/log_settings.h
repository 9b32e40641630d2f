// LogSettings -> the server's log outputs (core/log/log.h).
#pragma once

#include "core/config/config.h"
#include "core/log/log.h"
#include "core/util/result.h"

namespace pb::cli {

// The log file is <FileLocation>/patchbay.log (FileLocation "" = logs/, made absolute by
// resolve_install_paths in an install tree), rotated at LogSettings.FileMaxSizeMB MiB with
// LogSettings.FileMaxBackups old files kept.
inline constexpr const char* kLogFileName = "patchbay.log";

// Levels are the key table's one_of words, so they always parse.
log::Options log_options(const config::Config& config);

// log::configure(log_options(config)).
Result<void> apply_log_settings(const config::Config& config);

}  // namespace pb::cli
