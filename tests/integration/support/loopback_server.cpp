#include "tests/integration/support/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace pb::itest {

bool LoopbackConnection::fill() {
  char buf[4096];
  long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::read(fd_, buf, sizeof buf);
  if (n <= 0) return false;
  buffered_.append(buf, static_cast<size_t>(n));
  return true;
}

std::string LoopbackConnection::read_request() {
  size_t end;
  while ((end = buffered_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return {};
  }
  size_t length = 0;
  std::string head = buffered_.substr(0, end + 4);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
  }
  while (buffered_.size() < end + 4 + length) {
    if (!fill()) return {};
  }
  std::string request = buffered_.substr(0, end + 4 + length);
  buffered_.erase(0, end + 4 + length);
  return request;
}

void LoopbackConnection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    long n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                  : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

void LoopbackConnection::wait_closed() {
  while (fill()) {
  }
}

LoopbackServer::LoopbackServer(Script script, std::string host, const TlsFiles* tls)
    : script_(std::move(script)) {
  bool v6 = host.find(':') != std::string::npos;
  listen_fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage addr{};
  socklen_t len;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    inet_pton(AF_INET6, host.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    inet_pton(AF_INET, host.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, 512) != 0) {
    throw std::runtime_error("cannot listen on " + host);
  }
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (tls != nullptr) {
    tls_ = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(tls_, tls->cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_, tls->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("cannot load the test server's certificate");
    }
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackServer::~LoopbackServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();  // before close: the number must not be reused while accept() may run
  ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks scripts waiting to read
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
  if (tls_ != nullptr) SSL_CTX_free(tls_);
}

void LoopbackServer::accept_loop() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    ++accepted_;
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    workers_.emplace_back([this, fd] { serve(fd); });
  }
}

void LoopbackServer::serve(int fd) {
  SSL* ssl = nullptr;
  bool ok = true;
  if (tls_ != nullptr) {
    // OpenSSL's socket BIO writes with write(), not send(MSG_NOSIGNAL): a client that hangs up
    // first (one refusing the certificate) would kill the test process with SIGPIPE at the
    // session tickets or the close_notify. Blocked on this thread only, the write fails with
    // EPIPE instead.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    ssl = SSL_new(tls_);
    SSL_set_fd(ssl, fd);
    ok = SSL_accept(ssl) == 1;
  }
  if (ok) {
    LoopbackConnection connection(fd, ssl);
    script_(connection);
  }
  if (ssl != nullptr) {
    if (ok) SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  std::lock_guard lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  ::close(fd);
}

bool make_test_pki(const std::string& dir, TestPki* out) {
  out->ca_file = dir + "/ca.pem";
  out->cert_file = dir + "/server.pem";
  out->key_file = dir + "/server.key";
  std::string q = "cd '" + dir + "' && ";
  std::string script =
      q + "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
          "-keyout ca.key -out ca.pem -days 2 -subj '/CN=patchbay test CA' "
          "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign >/dev/null 2>&1 && "
          "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key "
          "-out server.csr -subj '/CN=localhost' >/dev/null 2>&1 && "
          "printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > server.ext && "
          "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
          "-out server.pem -days 2 -extfile server.ext >/dev/null 2>&1";
  return std::system(script.c_str()) == 0;
}

}  // namespace pb::itest
