// Test support for pb_http: a Server running on its own loop thread, and a blocking raw-socket
// client that reads responses byte-exactly (so tests see exactly what went on the wire).
#pragma once

#include <uv.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/http/server.h"

namespace pb::http::test {

// Runs a libuv loop on a thread with one Server on it. post()/call() run code on that thread,
// which is where every Request must be answered.
class LoopThread {
 public:
  explicit LoopThread(ServerOptions options);
  ~LoopThread();

  uint16_t port() const { return port_; }
  void post(std::function<void()> fn);
  template <typename F>
  auto call(F fn) -> decltype(fn()) {
    std::promise<decltype(fn())> p;
    auto f = p.get_future();
    post([&] {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        p.set_value();
      } else {
        p.set_value(fn());
      }
    });
    return f.get();
  }
  Server& server() { return *server_; }
  // Drains the server on the loop thread and waits (up to 10 s) for done. True if it came.
  bool drain_and_wait();

 private:
  static void on_async(uv_async_t* a);
  void run_posted();

  uv_loop_t loop_;
  uv_async_t async_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::function<void()>> posted_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  bool stop_ = false;
};

struct Response {
  int status = 0;
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

class Client {
 public:
  explicit Client(uint16_t port);  // connects; fails the test if it cannot
  ~Client();
  void send(std::string_view bytes);
  // Tries to send; false once the server has closed (EPIPE/ECONNRESET).
  bool try_send(std::string_view bytes);
  // Reads one response (status line, headers, Content-Length body). nullopt on EOF/timeout.
  std::optional<Response> read_response();
  // Reads exactly n bytes (for interim responses), "" on EOF/timeout.
  std::string read_exact(size_t n);
  // True if the server closed the connection (EOF or reset) within the receive timeout,
  // after any bytes still pending (which are discarded into `rest` when given).
  bool closed_by_server(std::string* rest = nullptr);
  void close();
  int fd() const { return fd_; }

 private:
  bool fill();  // reads more into buf_; false on EOF/error/timeout
  int fd_ = -1;
  std::string buf_;
};

// "GET <path> HTTP/1.1\r\nHost: t\r\n<extra>\r\n"
std::string get_request(std::string_view path, std::string_view extra = {});

}  // namespace pb::http::test
