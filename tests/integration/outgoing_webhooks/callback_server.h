// A loopback HTTP/1.1 server the outgoing-webhook tests point hooks at: it records every request
// (method, target, headers, body, arrival time) and answers with what the test configured — a
// body, after a delay, or never (the connection is held open until the server is destroyed).
//
// One accept thread plus one thread per connection; keep-alive supported (requests with
// Content-Length bodies). Thread-safe accessors; wait_for() blocks with a deadline.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pb::itest {

struct CallbackRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::steady_clock::time_point received_at;
  std::string header(std::string_view name) const;
};

class CallbackServer {
 public:
  enum class Mode { kAnswer, kNeverAnswer };

  CallbackServer();
  ~CallbackServer();
  CallbackServer(const CallbackServer&) = delete;
  CallbackServer& operator=(const CallbackServer&) = delete;

  uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/hook") const;

  // What the next requests get: status, body and delay before answering.
  void answer(int status, std::string body, std::chrono::milliseconds delay = {});
  void never_answer();

  // Waits until at least `n` requests arrived; false at the deadline.
  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<CallbackRequest> requests() const;
  size_t count() const;

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CallbackRequest> requests_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  Mode mode_ = Mode::kAnswer;
  int status_ = 200;
  std::string body_;
  std::chrono::milliseconds delay_{0};
};

}  // namespace pb::itest
