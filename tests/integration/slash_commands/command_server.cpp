#include "tests/integration/slash_commands/command_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace pb::itest {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string CommandRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequal(k, name)) return v;
  }
  return {};
}

CommandServer::CommandServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

CommandServer::~CommandServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
}

std::string CommandServer::url(std::string_view path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
}

void CommandServer::answer(int status, std::string content_type, std::string body) {
  std::lock_guard lock(mu_);
  status_ = status;
  content_type_ = std::move(content_type);
  body_ = std::move(body);
}

bool CommandServer::wait_for(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

std::vector<CommandRequest> CommandServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void CommandServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    serve(fd);
    ::close(fd);
  }
}

void CommandServer::serve(int fd) {
  std::string in;
  char buf[8192];
  size_t header_end = std::string::npos;
  size_t need = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (header_end != std::string::npos && in.size() >= header_end + 4 + need) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    in.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos && (header_end = in.find("\r\n\r\n")) != std::string::npos) {
      std::string head = in.substr(0, header_end);
      for (size_t at = 0; (at = head.find("\r\n", at)) != std::string::npos;) {
        at += 2;
        size_t colon = head.find(':', at);
        size_t eol = head.find("\r\n", at);
        if (colon == std::string::npos) break;
        if (iequal(head.substr(at, colon - at), "content-length")) {
          need = std::stoul(head.substr(colon + 1, eol - colon - 1));
        }
      }
    }
  }
  if (header_end == std::string::npos) return;
  CommandRequest req;
  std::string head = in.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (size_t at = line_end; at != std::string::npos && at < head.size();) {
    at += 2;
    size_t eol = head.find("\r\n", at);
    std::string h = head.substr(at, eol == std::string::npos ? std::string::npos : eol - at);
    size_t colon = h.find(':');
    if (colon != std::string::npos) {
      size_t v = h.find_first_not_of(' ', colon + 1);
      req.headers.emplace_back(h.substr(0, colon), v == std::string::npos ? "" : h.substr(v));
    }
    at = eol;
  }
  req.body = in.substr(header_end + 4, need);
  std::string out;
  {
    std::lock_guard lock(mu_);
    out = "HTTP/1.1 " + std::to_string(status_) + " X\r\nConnection: close\r\n";
    if (!content_type_.empty()) out += "Content-Type: " + content_type_ + "\r\n";
    out += "Content-Length: " + std::to_string(body_.size()) + "\r\n\r\n" + body_;
    requests_.push_back(std::move(req));
  }
  cv_.notify_all();
  std::string_view rest = out;
  while (!rest.empty()) {
    ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace pb::itest
