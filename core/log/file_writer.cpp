#include "core/log/file_writer.h"

#include <spdlog/details/log_msg.h>

namespace pb::log {

FileWriter::FileWriter(const std::string& path, uint64_t max_bytes, size_t max_files,
                       const char* pattern)
    : sink_(path, max_bytes, max_files) {
  sink_.set_pattern(pattern);
  thread_ = std::thread([this] { run(); });
}

FileWriter::~FileWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void FileWriter::push(spdlog::level::level_enum level, std::string_view payload) {
  Line line{spdlog::log_clock::now(), level, std::string(payload)};
  std::unique_lock lock(mu_);
  written_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(line));
  ++pushed_;
  if (queue_.size() == 1) wake_.notify_one();
}

void FileWriter::flush() {
  std::unique_lock lock(mu_);
  uint64_t target = pushed_;
  written_.wait(lock, [&] { return written_count_ >= target; });
}

void FileWriter::run() {
  std::deque<Line> batch;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    batch.swap(queue_);
    lock.unlock();
    written_.notify_all();  // room in the queue again
    for (const Line& line : batch) {
      spdlog::details::log_msg msg(line.time, spdlog::source_loc{}, "patchbay", line.level,
                                   spdlog::string_view_t(line.text.data(), line.text.size()));
      try {
        sink_.log(msg);
      } catch (...) {
        // A full disk or a failed rotation loses this line, never the server.
      }
    }
    try {
      sink_.flush();
    } catch (...) {
    }
    size_t done = batch.size();
    batch.clear();
    lock.lock();
    written_count_ += done;
    written_.notify_all();
  }
}

}  // namespace pb::log
