// TLS for the HTTP client, behind an interface with no OpenSSL in it.
//
// The implementation (openssl_tls.cpp, OpenSSL over memory BIOs so the bytes travel on our libuv
// stream) is a separate shared object, libpatchbay_tls.so, dlopen'ed on the first https://
// request: merely linking libssl/libcrypto costs ~1.7 MB of resident memory (their relocated
// pages) in every process, which a server that never calls out over TLS — an edge install —
// should not pay. It is core code, built with the binary by the same compiler, so C++ objects
// cross the boundary; it is not a plugin and follows no plugin ABI.
//
// TlsContext: the client's trust settings: peer verification on, the system CA store plus an
// optional extra CA file (tests; see README), TLS 1.2 minimum. TlsSession: one connection's
// client side, with SNI and host-name (or IP) verification against the URL's host.
//
// Usage of a session: start() -> out() has the ClientHello to send; every received ciphertext
// goes to receive(), then handshake() until kDone; afterwards write() plaintext, read() the
// decrypted bytes. After every call, send what out() holds. Loop thread only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::http_client {

class TlsSession {
 public:
  enum class Status { kWantRead, kDone, kError };

  virtual ~TlsSession() = default;

  // Sets up the client side for `host` (a name: SNI + name check; an IP literal: IP check)
  // and produces the ClientHello. False (with error()) when OpenSSL refuses.
  virtual bool start(const std::string& host, bool host_is_ip) = 0;
  virtual bool handshake_done() const = 0;

  // Ciphertext from the peer.
  virtual void receive(std::string_view ciphertext) = 0;
  virtual Status handshake() = 0;
  // Encrypts `plain` into out(). False on error.
  virtual bool write(std::string_view plain) = 0;
  // Appends what can be decrypted now to `plain`. kError on a TLS failure; kDone when the peer
  // sent close_notify; kWantRead otherwise.
  virtual Status read(std::string& plain) = 0;

  // Ciphertext waiting to be sent: the caller moves it out (the buffer keeps its capacity).
  std::string& out() { return out_; }
  // What went wrong, for the request's detail ("certificate verify failed: ...").
  const std::string& error() const { return error_; }

 protected:
  std::string out_;
  std::string error_;
};

class TlsContext {
 public:
  virtual ~TlsContext() = default;
  // A new client session using this context's trust settings; never null.
  virtual std::unique_ptr<TlsSession> new_session() = 0;
};

// Loads libpatchbay_tls.so (once per process; it stays loaded) from <dir of the running
// executable>/../lib/patchbay/ — the same place in the build tree (bin/, tests/) and in an
// installed one — and makes a context. `extra_ca_file`: a PEM file of additional trusted CAs
// ("" for none). PB_E_IO when the library is missing or OpenSSL cannot set up or read the file.
Result<std::unique_ptr<TlsContext>> load_tls_context(const std::string& extra_ca_file);

// The entry point libpatchbay_tls.so exports (resolved by name by load_tls_context). Returns a
// new context owned by the caller, or null with the reason in *error.
using TlsCreateFn = TlsContext* (*)(const char* extra_ca_file, std::string* error);
inline constexpr const char* kTlsCreateSymbol = "patchbay_tls_create_context";

}  // namespace pb::http_client
