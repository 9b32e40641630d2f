// A raw-socket HTTP/1.1 client for tests: it sends exactly the bytes it is given (malformed
// requests, pipelines, trickles) and reads responses incrementally with a small parser that
// understands what patchbay sends: a status line, headers, and a Content-Length body (1xx, 204
// and 304 have none). It notices when the server closes the connection.
//
// Blocking sockets with poll()-based deadlines; one connection per object, one thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pb::itest {

constexpr std::chrono::milliseconds kReadTimeout{10000};

struct Response {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in wire order, as sent
  std::string body;

  // The first header named `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  size_t header_count(std::string_view name) const;
};

class HttpConnection {
 public:
  // Connects (blocking; loopback is immediate). Check connected() / connect_error().
  HttpConnection(const std::string& host, uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0 && connect_errno_ == 0; }
  int connect_error() const { return connect_errno_; }  // errno of a failed connect, else 0

  // Sends all of `bytes`. False if the connection is broken (EPIPE, reset).
  bool send(std::string_view bytes);
  // Half-closes: the server sees EOF on its read side.
  void shutdown_write();

  enum class Read { kResponse, kClosed, kTimeout, kMalformed };
  // Reads the next response (an interim 100 Continue counts as one). kClosed: the server closed
  // (FIN or reset) before a whole response; kMalformed: bytes that are not a response.
  // `to_head` = the response answers a HEAD request: it has no body whatever its Content-Length.
  Read read(Response& out, std::chrono::milliseconds timeout = kReadTimeout, bool to_head = false);
  // read() for tests that expect a response: nullopt otherwise (why() says what happened).
  std::optional<Response> next(std::chrono::milliseconds timeout = kReadTimeout,
                               bool to_head = false);

  // Waits for the server to close the connection. True on EOF or reset within `timeout`; bytes
  // that arrive meanwhile are kept for read() (check unread()).
  bool wait_closed(std::chrono::milliseconds timeout = kReadTimeout);
  std::string_view unread() const { return std::string_view(buf_).substr(pos_); }
  bool closed() const { return eof_; }
  const std::string& why() const { return why_; }

 private:
  // Receives more bytes into buf_ until the deadline. False on EOF/reset (eof_ set) or timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);
  // Tries to parse one whole response from buf_[pos_..]: 1 parsed, 0 need more, -1 malformed.
  int parse(Response& out, bool to_head);

  int fd_ = -1;
  int connect_errno_ = 0;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  std::string why_;
};

// Request builders (HTTP/1.1, Host: patchbay; `extra` is whole header lines ending in CRLF).
std::string get_request(std::string_view target, std::string_view extra = "");
std::string post_request(std::string_view target, std::string_view body,
                         std::string_view extra = "");

// One request on a fresh connection. nullopt if no response came.
std::optional<Response> round_trip(const std::string& host, uint16_t port, std::string_view request,
                                   std::chrono::milliseconds timeout = kReadTimeout);

}  // namespace pb::itest
