// TLS for the HTTP client: OpenSSL over memory BIOs, so the bytes travel on our libuv stream.
//
// TlsContext: one SSL_CTX for the client: peer verification on, the system CA store
// (SSL_CTX_set_default_verify_paths) plus an optional extra CA file (tests; see README),
// TLS 1.2 minimum. TlsSession: one connection's client side, with SNI and host-name (or IP)
// verification against the URL's host.
//
// Usage of a session: start() -> out() has the ClientHello to send; every received ciphertext
// goes to receive(), then handshake() until kDone; afterwards write() plaintext, read() the
// decrypted bytes. After every call, send what out() holds. Loop thread only.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::http_client {

class TlsContext {
 public:
  // `extra_ca_file`: a PEM file of additional trusted CAs ("" for none). PB_E_IO when OpenSSL
  // cannot set up or the file cannot be read.
  static Result<std::unique_ptr<TlsContext>> create(const std::string& extra_ca_file);
  ~TlsContext();
  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class TlsSession {
 public:
  enum class Status { kWantRead, kDone, kError };

  TlsSession() = default;
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Sets up the client side for `host` (a name: SNI + name check; an IP literal: IP check)
  // and produces the ClientHello. False (with error()) when OpenSSL refuses.
  bool start(SSL_CTX* ctx, const std::string& host, bool host_is_ip);
  bool active() const { return ssl_ != nullptr; }
  bool handshake_done() const { return done_; }

  // Ciphertext from the peer.
  void receive(std::string_view ciphertext);
  Status handshake();
  // Encrypts `plain` into out(). False on error.
  bool write(std::string_view plain);
  // Appends what can be decrypted now to `plain`. kError on a TLS failure; kDone when the peer
  // sent close_notify; kWantRead otherwise.
  Status read(std::string& plain);
  // Ciphertext waiting to be sent: the caller moves it out (the buffer keeps its capacity).
  std::string& out() { return out_; }

  // What went wrong, for the request's detail ("certificate verify failed: ...").
  const std::string& error() const { return error_; }

 private:
  void drain_out();
  void record_error(const char* what, int ssl_error);

  SSL* ssl_ = nullptr;
  BIO* network_in_ = nullptr;   // owned by ssl_
  BIO* network_out_ = nullptr;  // owned by ssl_
  bool done_ = false;
  std::string out_;
  std::string error_;
};

}  // namespace pb::http_client
