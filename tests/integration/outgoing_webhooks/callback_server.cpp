#include "tests/integration/outgoing_webhooks/callback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace pb::itest {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string CallbackRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequal(k, name)) return v;
  }
  return {};
}

CallbackServer::CallbackServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 512);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

CallbackServer::~CallbackServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  for (int fd : open_fds_) ::close(fd);  // closed only here, so no fd number is reused early
}

std::string CallbackServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

void CallbackServer::answer(int status, std::string body, std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  mode_ = Mode::kAnswer;
  status_ = status;
  body_ = std::move(body);
  delay_ = delay;
}

void CallbackServer::never_answer() {
  std::lock_guard lock(mu_);
  mode_ = Mode::kNeverAnswer;
}

bool CallbackServer::wait_for(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<CallbackRequest> CallbackServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t CallbackServer::count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

void CallbackServer::accept_loop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void CallbackServer::serve(int fd) {
  std::string buf;
  char chunk[16384];
  for (;;) {
    // Read one request: head, then Content-Length bytes of body.
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    CallbackRequest req;
    std::string_view head(buf.data(), head_end);
    size_t line_end = head.find("\r\n");
    std::string_view start = head.substr(0, line_end);
    size_t sp1 = start.find(' '), sp2 = start.rfind(' ');
    req.method = std::string(start.substr(0, sp1));
    req.target = std::string(start.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t content_length = 0;
    for (size_t pos = line_end; pos != std::string_view::npos && pos < head.size();) {
      size_t next = head.find("\r\n", pos + 2);
      std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
        if (iequal(line.substr(0, colon), "content-length")) content_length = std::stoul(std::string(value));
      }
      pos = next;
    }
    size_t body_start = head_end + 4;
    while (buf.size() < body_start + content_length) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
    req.body = buf.substr(body_start, content_length);
    buf.erase(0, body_start + content_length);
    req.received_at = std::chrono::steady_clock::now();

    Mode mode;
    int status;
    std::string body;
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(std::move(req));
      mode = mode_;
      status = status_;
      body = body_;
      delay = delay_;
    }
    cv_.notify_all();
    if (mode == Mode::kNeverAnswer) {
      // Hold the connection until the peer gives up or the server is destroyed.
      while (::recv(fd, chunk, sizeof chunk, 0) > 0) {
      }
      return;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::string response = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n"
                           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (!send_all(fd, response)) return;
  }
}

}  // namespace pb::itest
