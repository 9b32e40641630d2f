// A loopback HTTP/1.1 endpoint the slash-command tests point commands at. It records every
// request (method, target, headers, body) and answers each with the configured status,
// Content-Type and body, then closes the connection (Connection: close), so no test depends on
// connection reuse.
//
// One accept thread serving connections one at a time (the tests make one call at a time).
// Thread-safe accessors; wait_for() blocks with a deadline.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pb::itest {

struct CommandRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(std::string_view name) const;
};

class CommandServer {
 public:
  CommandServer();
  ~CommandServer();
  CommandServer(const CommandServer&) = delete;
  CommandServer& operator=(const CommandServer&) = delete;

  std::string url(std::string_view path_and_query = "/cmd") const;

  // What the next requests get ("" content type: no Content-Type header).
  void answer(int status, std::string content_type, std::string body);

  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<CommandRequest> requests() const;

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CommandRequest> requests_;
  int status_ = 200;
  std::string content_type_;
  std::string body_;
};

}  // namespace pb::itest
