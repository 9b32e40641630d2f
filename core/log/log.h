// Server logging: levelled lines tagged with the part of the server (or the plugin) that wrote
// them, to the console (stderr) and/or a size-rotated file, each as plain text or JSON lines.
//
// Threads: every function may be called from any thread (plugins log from worker threads
// through pb_host_api.log); configure() may run while others log (SIGHUP reload).
//
// Cost on the request path: a line below every output's level costs one atomic load (the
// templates check enabled() before formatting). The console is written synchronously (stderr,
// unbuffered: operators and the tests read it live). The file is written by a background thread:
// the caller only formats and enqueues, so a slow disk never stalls the loop; the writer flushes
// after each line, so a crash loses at most the lines still queued.
//
// Never log secrets: tokens, passwords, hook ids and session ids go in as redact_id(...) or not
// at all (tests/integration/operate/ greps a log for them).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

struct Options {
  bool console = true;
  bool console_json = false;
  Level console_level = Level::info;
  bool file = false;
  bool file_json = true;
  Level file_level = Level::info;
  std::string file_path;  // the active file; rotated ones are file_path.1 ... file_path.N
  uint64_t file_max_bytes = 100ull << 20;  // rotate when the next line would pass this size
  size_t file_max_files = 5;               // rotated files kept beside the active one
};

// Replaces the outputs and levels. The file's folder is created (0750) when missing. Errors:
// PB_E_INVALID (file on without a path, max_bytes 0), PB_E_IO (the file cannot be opened); the
// previous configuration then stays in force. Lines queued for a replaced file are written
// before the old file is closed.
Result<void> configure(const Options& options);

// Lines below `min` are dropped from the console. Default: info. (configure() sets both levels.)
void set_level(Level min);
// Parses "DEBUG", "INFO", "WARN", "WARNING", "ERROR" (any case); false when unknown.
bool parse_level(std::string_view name, Level* out);
// True when a line at `level` would reach some output.
bool enabled(Level level);

// Waits until every queued file line is written and flushed.
void flush();

void write(Level level, std::string_view tag, std::string_view message);

// The first 4 characters of a secret identifier followed by "…" (e.g. a hook id in a URL), so
// two log lines can be correlated without the line being usable as a credential.
std::string redact_id(std::string_view secret);

template <typename... Args>
void info(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write(Level::error, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, tag, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace pb::log
