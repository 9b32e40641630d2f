#include "tests/integration/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace pb::itest {
namespace {

using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

size_t Response::header_count(std::string_view name) const {
  size_t n = 0;
  for (const auto& h : headers) n += iequals(h.first, name) ? 1 : 0;
  return n;
}

HttpConnection::HttpConnection(const std::string& host, uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    connect_errno_ = errno;
    return;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    connect_errno_ = EINVAL;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // trickles go out byte by byte
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) connect_errno_ = errno;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::send(std::string_view bytes) {
  if (!connected()) return false;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      why_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void HttpConnection::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool HttpConnection::fill(Clock::time_point deadline) {
  if (eof_ || !connected()) return false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 0) left = std::chrono::milliseconds(0);
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      why_ = "timed out";
      return false;
    }
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    // 0 is an orderly close; ECONNRESET is a close too (the server dropped unread input).
    eof_ = true;
    why_ = n == 0 ? "connection closed" : std::string("connection reset: ") + std::strerror(errno);
    return false;
  }
}

int HttpConnection::parse(Response& out, bool to_head) {
  std::string_view data = std::string_view(buf_).substr(pos_);
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    // A status line that cannot be one is malformed already.
    if (data.size() >= 5 && data.substr(0, 5) != "HTTP/") return -1;
    return 0;
  }
  std::string_view head = data.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return -1;
  }
  Response r;
  auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, r.status);
  if (ec != std::errc() || p != status_line.data() + 12) return -1;
  r.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return -1;
    r.headers.emplace_back(std::string(line.substr(0, colon)),
                           std::string(trim(line.substr(colon + 1))));
  }
  size_t body_len = 0;
  bool bodiless = to_head || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304;
  if (!bodiless) {
    if (r.header("Transfer-Encoding")) return -1;  // patchbay never chunks; not supported here
    auto length = r.header("Content-Length");
    if (!length) return -1;  // responses that end at close are not patchbay's
    auto [q, ec2] = std::from_chars(length->data(), length->data() + length->size(), body_len);
    if (ec2 != std::errc() || q != length->data() + length->size()) return -1;
  }
  size_t total = head_end + 4 + body_len;
  if (data.size() < total) return 0;
  r.body = std::string(data.substr(head_end + 4, body_len));
  pos_ += total;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  out = std::move(r);
  return 1;
}

HttpConnection::Read HttpConnection::read(Response& out, std::chrono::milliseconds timeout,
                                          bool to_head) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int parsed = parse(out, to_head);
    if (parsed == 1) return Read::kResponse;
    if (parsed < 0) {
      why_ = "malformed response: " + std::string(unread().substr(0, 200));
      return Read::kMalformed;
    }
    if (!fill(deadline)) return eof_ ? Read::kClosed : Read::kTimeout;
  }
}

std::optional<Response> HttpConnection::next(std::chrono::milliseconds timeout, bool to_head) {
  Response r;
  if (read(r, timeout, to_head) != Read::kResponse) return std::nullopt;
  return r;
}

bool HttpConnection::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string get_request(std::string_view target, std::string_view extra) {
  std::string r = "GET ";
  r.append(target).append(" HTTP/1.1\r\nHost: patchbay\r\n").append(extra).append("\r\n");
  return r;
}

std::string post_request(std::string_view target, std::string_view body, std::string_view extra) {
  std::string r = "POST ";
  r.append(target).append(" HTTP/1.1\r\nHost: patchbay\r\nContent-Length: ");
  r.append(std::to_string(body.size())).append("\r\n").append(extra).append("\r\n").append(body);
  return r;
}

std::optional<Response> round_trip(const std::string& host, uint16_t port, std::string_view request,
                                   std::chrono::milliseconds timeout) {
  HttpConnection c(host, port);
  if (!c.connected() || !c.send(request)) return std::nullopt;
  return c.next(timeout);
}

}  // namespace pb::itest
