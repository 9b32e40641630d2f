// A loopback HTTP/1.1 endpoint that integration tests point the server's outbound calls at
// (outgoing-webhook callbacks, slash-command URLs): it records every request (method, target,
// headers, body, arrival time) and answers with what the test configured — a status, a
// Content-Type and a body, after a delay — or never (the connection is held open until the
// server is destroyed or the peer gives up). Keep-alive (requests with Content-Length bodies),
// unless close_after_each() is set.
//
// A script on LoopbackServer: one thread per connection. Accessors are thread-safe; wait_for()
// blocks with a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/integration/support/loopback_server.h"

namespace pb::itest {

struct RecordedRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::steady_clock::time_point received_at;
  // The first header called `name` (case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
};

// Splits one request as LoopbackConnection::read_request() returns it; false when its head is
// not "METHOD target HTTP/x" followed by header lines.
bool parse_recorded_request(std::string_view raw, RecordedRequest* out);

class RecordingServer {
 public:
  RecordingServer();
  RecordingServer(const RecordingServer&) = delete;
  RecordingServer& operator=(const RecordingServer&) = delete;

  uint16_t port() const { return server_.port(); }
  // http://127.0.0.1:<port><path>
  std::string url(std::string_view path = "/hook") const;

  // What the next requests get: status, body, delay before answering, Content-Type ("" sends
  // none).
  void answer(int status, std::string body, std::chrono::milliseconds delay = {},
              std::string content_type = "application/json");
  void never_answer();
  // Answers with "Connection: close" and closes, so no test depends on connection reuse.
  void close_after_each(bool on = true);

  // Waits until at least `n` requests arrived; false at the deadline.
  bool wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<RecordedRequest> requests() const;
  size_t count() const;

 private:
  void serve(LoopbackConnection& connection);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RecordedRequest> requests_;
  bool never_answer_ = false, close_after_each_ = false;
  int status_ = 200;
  std::string body_, content_type_ = "application/json";
  std::chrono::milliseconds delay_{0};
  // Last: destroyed (threads joined) before the state the connection threads use.
  LoopbackServer server_;
};

}  // namespace pb::itest
