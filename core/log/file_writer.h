// The log file's background writer: callers enqueue formatted payloads with their time and
// level; one thread writes them through a size-rotating file sink and flushes after each batch
// (not after each line: one fflush per wake-up). Internal to core/log.
//
// Threads: push() and flush() from any thread; the destructor writes what is queued, then joins.
#pragma once

#include <spdlog/sinks/rotating_file_sink.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace pb::log {

class FileWriter {
 public:
  // Opens (creates) `path` and rotates at max_bytes keeping max_files old files. Throws
  // spdlog::spdlog_ex when the file cannot be opened (configure() turns it into an Error).
  FileWriter(const std::string& path, uint64_t max_bytes, size_t max_files, const char* pattern);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Enqueues one line. Waits while kMaxQueued lines are queued (no line is dropped).
  void push(spdlog::level::level_enum level, std::string_view payload);
  // Returns once every line pushed before the call is written and flushed.
  void flush();

  static constexpr size_t kMaxQueued = 8192;

 private:
  struct Line {
    spdlog::log_clock::time_point time;
    spdlog::level::level_enum level;
    std::string text;
  };
  void run();

  spdlog::sinks::rotating_file_sink_st sink_;  // only the writer thread touches it
  std::mutex mu_;
  std::condition_variable wake_;     // the writer: lines queued or stopping
  std::condition_variable written_;  // producers: room in the queue, or a batch written
  std::deque<Line> queue_;
  uint64_t pushed_ = 0;   // lines ever pushed
  uint64_t written_count_ = 0;  // lines ever written and flushed
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pb::log
