// Server logging: levelled lines on stderr, tagged with the part of the server (or the plugin)
// that wrote them. Thread-safe: plugins may log from worker threads (pb_host_api.log).
// Rotating files, JSON lines and LogSettings are wired in by the operations work (issue 7).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace pb::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Lines below `min` are dropped. Default: info.
void set_level(Level min);
// Parses "DEBUG", "INFO", "WARN", "ERROR" (any case); false when unknown.
bool parse_level(std::string_view name, Level* out);

void write(Level level, std::string_view tag, std::string_view message);

template <typename... Args>
void info(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::info, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::warn, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::error, tag, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(std::string_view tag, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::debug, tag, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace pb::log
