#include "core/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <shared_mutex>

#include "core/log/file_writer.h"
#include "core/log/json_line.h"
#include "patchbay/plugin.h"

namespace pb::log {
namespace {

constexpr int kOff = 100;  // a level no line reaches
constexpr const char* kPlainPattern = "%Y-%m-%dT%H:%M:%S.%e%z %l %v";
constexpr const char* kJsonPattern = "{\"timestamp\":\"%Y-%m-%dT%H:%M:%S.%e%z\",\"level\":\"%l\",%v}";
struct Outputs {
  std::shared_ptr<spdlog::logger> console;  // null when off
  bool console_json = false;
  std::unique_ptr<FileWriter> file;  // null when off
  bool file_json = false;
};

std::shared_mutex g_mutex;  // guards g_outputs (the loggers themselves are thread-safe)
std::shared_ptr<Outputs> g_outputs;
std::atomic<int> g_console_min{static_cast<int>(Level::info)};
std::atomic<int> g_file_min{kOff};

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> make_console(bool json) {
  // stderr, so that stdout stays clean for CLI output that scripts read.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("patchbay", std::move(sink));
  logger->set_pattern(json ? kJsonPattern : kPlainPattern);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

std::shared_ptr<Outputs> current() {
  std::shared_lock lock(g_mutex);
  if (g_outputs) return g_outputs;
  lock.unlock();
  std::unique_lock write_lock(g_mutex);
  if (!g_outputs) {
    auto outputs = std::make_shared<Outputs>();
    outputs->console = make_console(false);
    g_outputs = std::move(outputs);
  }
  return g_outputs;
}

// The payload in the wanted format, formatted at most once per line and format.
const std::string& payload(bool as_json, std::string_view tag, std::string_view message,
                           std::string& plain, std::string& json) {
  std::string& text = as_json ? json : plain;
  if (text.empty()) {
    text.reserve(tag.size() + message.size() + 32);
    if (as_json) append_json_fields(text, tag, message);
    else append_plain(text, tag, message);
  }
  return text;
}

Result<void> make_parent(const std::string& file) {
  std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (parent.empty()) return {};
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return make_error(PB_E_IO, fmt::format("log folder {}: {}", parent.string(), ec.message()));
  ::chmod(parent.c_str(), 0750);  // best effort: an existing folder keeps the operator's mode
  return {};
}

}  // namespace

Result<void> configure(const Options& options) {
  auto next = std::make_shared<Outputs>();
  if (options.console) {
    next->console = make_console(options.console_json);
    next->console_json = options.console_json;
  }
  if (options.file) {
    if (options.file_path.empty()) return make_error(PB_E_INVALID, "log file: no path");
    if (options.file_max_bytes == 0) return make_error(PB_E_INVALID, "log file: max size is 0");
    if (auto made = make_parent(options.file_path); !made) return made.error();
    try {
      next->file = std::make_unique<FileWriter>(options.file_path, options.file_max_bytes,
                                                options.file_max_files,
                                                options.file_json ? kJsonPattern : kPlainPattern);
      next->file_json = options.file_json;
    } catch (const spdlog::spdlog_ex& e) {
      return make_error(PB_E_IO, fmt::format("log file {}: {}", options.file_path, e.what()));
    }
  }
  std::shared_ptr<Outputs> previous;
  {
    std::unique_lock lock(g_mutex);
    previous = std::exchange(g_outputs, next);
    g_console_min = options.console ? static_cast<int>(options.console_level) : kOff;
    g_file_min = options.file ? static_cast<int>(options.file_level) : kOff;
  }
  // Writers that still hold `previous` finish with it; its queued file lines are written and its
  // writer thread joined when the last holder lets go.
  if (previous && previous->file) previous->file->flush();
  return {};
}

void set_level(Level min) { g_console_min = static_cast<int>(min); }

bool enabled(Level level) {
  int l = static_cast<int>(level);
  return l >= g_console_min.load(std::memory_order_relaxed) ||
         l >= g_file_min.load(std::memory_order_relaxed);
}

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

void flush() {
  auto outputs = current();
  if (outputs->file) outputs->file->flush();
}

void write(Level level, std::string_view tag, std::string_view message) {
  int l = static_cast<int>(level);
  bool to_console = l >= g_console_min.load(std::memory_order_relaxed);
  bool to_file = l >= g_file_min.load(std::memory_order_relaxed);
  if (!to_console && !to_file) return;
  auto outputs = current();
  std::string plain, json;  // each formatted at most once, only if an output wants it
  try {
    if (to_console && outputs->console)
      outputs->console->log(to_spdlog(level),
                            std::string_view(payload(outputs->console_json, tag, message, plain, json)));
    if (to_file && outputs->file)
      outputs->file->push(to_spdlog(level), payload(outputs->file_json, tag, message, plain, json));
  } catch (...) {
    // Logging never throws into its caller (plugin callbacks, libuv callbacks).
  }
}

std::string redact_id(std::string_view secret) {
  if (secret.size() <= 4) return "…";
  std::string out(secret.substr(0, 4));
  out += "…";
  return out;
}

}  // namespace pb::log
