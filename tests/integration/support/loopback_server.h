// A tiny scripted HTTP server on a loopback port, run inside a test: each accepted connection is
// handed to the test's script on its own thread (blocking sockets; plain or TLS). Counts the
// connections it accepted, so tests can see reuse and "no connection attempted". The socket code
// of every in-test server (RecordingServer is a script on top of it).
//
// Threading: the script runs on the connection's thread; destroying the server shuts every open
// connection down (unblocking reads) and joins the threads. Sockets are close-on-exec, so a
// server process the test starts inherits none of them.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace pb::itest {

// One accepted connection, as the script sees it.
class LoopbackConnection {
 public:
  LoopbackConnection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  // Reads one request (head, then a Content-Length body). "" when the peer closed first.
  std::string read_request();
  void write(std::string_view bytes);
  // Waits until the peer closes (or the server shuts down).
  void wait_closed();

 private:
  bool fill();
  int fd_;
  SSL* ssl_;
  std::string buffered_;
};

struct TlsFiles {
  std::string cert_file;  // PEM chain of the server
  std::string key_file;
};

class LoopbackServer {
 public:
  using Script = std::function<void(LoopbackConnection&)>;
  // Listens on `host` ("127.0.0.1" or "::1") at an ephemeral port. With `tls`, every
  // connection is a TLS server; a failed handshake just closes it.
  explicit LoopbackServer(Script script, std::string host = "127.0.0.1", const TlsFiles* tls = nullptr);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void accept_loop();
  void serve(int fd);

  Script script_;
  SSL_CTX* tls_ = nullptr;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;  // guarded by mu_
  std::vector<int> open_fds_;         // guarded by mu_
};

// A CA and a server certificate for "localhost" (DNS name only, no IP), made with the openssl
// CLI in `dir`. False when openssl failed.
struct TestPki {
  std::string ca_file, cert_file, key_file;
};
bool make_test_pki(const std::string& dir, TestPki* out);

}  // namespace pb::itest
