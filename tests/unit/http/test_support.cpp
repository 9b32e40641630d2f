#include "tests/unit/http/test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <gtest/gtest.h>

#include "core/http/ascii.h"

namespace pb::http::test {

LoopThread::LoopThread(ServerOptions options) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &async_, &LoopThread::on_async);
  async_.data = this;
  auto created = Server::create(&loop_, std::move(options));
  if (!created.ok()) {
    ADD_FAILURE() << "Server::create: " << created.error().message;
  } else {
    server_ = std::move(created.value());
    port_ = server_->port();
  }
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

LoopThread::~LoopThread() {
  post([this] {
    server_.reset();
    stop_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  });
  thread_.join();
  // Connections may still hold handles if a test left requests unanswered: run them out.
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

void LoopThread::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.push_back(std::move(fn));
  }
  uv_async_send(&async_);
}

void LoopThread::on_async(uv_async_t* a) { static_cast<LoopThread*>(a->data)->run_posted(); }

void LoopThread::run_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

bool LoopThread::drain_and_wait() {
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  post([this, done] { server_->drain([done] { done->set_value(); }); });
  return f.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
}

std::optional<std::string> Response::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

Client::Client(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};  // every read gives up after 5 s: a hung server fails, never hangs, a test
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "connect: " << std::strerror(errno);
  }
}

Client::~Client() { close(); }

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::send(std::string_view bytes) {
  EXPECT_TRUE(try_send(bytes)) << "send failed: " << std::strerror(errno);
}

bool Client::try_send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool Client::fill() {
  char tmp[65536];
  for (;;) {
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
}

std::string Client::read_exact(size_t n) {
  while (buf_.size() < n) {
    if (!fill()) return {};
  }
  std::string out = buf_.substr(0, n);
  buf_.erase(0, n);
  return out;
}

std::optional<Response> Client::read_response() {
  size_t end;
  while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  Response r;
  std::string head = buf_.substr(0, end + 2);
  size_t line_end = head.find("\r\n");
  r.status_line = head.substr(0, line_end);
  if (r.status_line.size() >= 12) r.status = std::stoi(r.status_line.substr(9, 3));
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    std::string line = head.substr(pos, e - pos);
    size_t colon = line.find(':');
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers.emplace_back(line.substr(0, colon), value);
    pos = e + 2;
  }
  buf_.erase(0, end + 4);
  size_t length = 0;
  if (auto cl = r.header("Content-Length")) length = std::stoul(*cl);
  if (r.status == 100) return r;
  r.body = read_exact(length);
  if (r.body.size() != length) return std::nullopt;
  return r;
}

bool Client::closed_by_server(std::string* rest) {
  for (;;) {
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      if (rest != nullptr) rest->append(tmp, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return true;
    return errno == ECONNRESET;  // EAGAIN: the 5 s timeout passed with the socket open
  }
}

std::string get_request(std::string_view path, std::string_view extra) {
  std::string r = "GET ";
  r.append(path).append(" HTTP/1.1\r\nHost: t\r\n").append(extra).append("\r\n");
  return r;
}

}  // namespace pb::http::test
