#include "core/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <strings.h>

namespace pb::log {
namespace {

std::atomic<int> g_min{static_cast<int>(Level::info)};

spdlog::logger& logger() {
  // stderr, so that stdout stays clean for CLI output that scripts read.
  static auto instance = [] {
    auto l = spdlog::stderr_logger_mt("patchbay");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void set_level(Level min) { g_min = static_cast<int>(min); }

bool parse_level(std::string_view name, Level* out) {
  static const struct { const char* name; Level level; } kLevels[] = {
      {"DEBUG", Level::debug}, {"INFO", Level::info}, {"WARN", Level::warn},
      {"WARNING", Level::warn}, {"ERROR", Level::error}};
  for (const auto& l : kLevels) {
    if (name.size() == strlen(l.name) && strncasecmp(name.data(), l.name, name.size()) == 0) {
      *out = l.level;
      return true;
    }
  }
  return false;
}

void write(Level level, std::string_view tag, std::string_view message) {
  if (static_cast<int>(level) < g_min) return;
  logger().log(to_spdlog(level), "[{}] {}", tag, message);
}

}  // namespace pb::log
