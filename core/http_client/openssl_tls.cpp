// libpatchbay_tls.so: the OpenSSL implementation of tls.h, loaded on the first https:// request
// (see tls.h for why it is a separate shared object). Exports only patchbay_tls_create_context.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/http_client/tls.h"

namespace pb::http_client {
namespace {

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

class OpenSslSession final : public TlsSession {
 public:
  explicit OpenSslSession(SSL_CTX* ctx) : ctx_(ctx) {}
  ~OpenSslSession() override {
    if (ssl_ != nullptr) SSL_free(ssl_);  // frees both BIOs
  }
  OpenSslSession(const OpenSslSession&) = delete;
  OpenSslSession& operator=(const OpenSslSession&) = delete;

  bool start(const std::string& host, bool host_is_ip) override;
  bool handshake_done() const override { return done_; }
  void receive(std::string_view ciphertext) override;
  Status handshake() override;
  bool write(std::string_view plain) override;
  Status read(std::string& plain) override;

 private:
  void drain_out();
  void record_error(const char* what, int ssl_error);

  SSL_CTX* ctx_;                // borrowed from the context, which outlives its sessions
  SSL* ssl_ = nullptr;
  BIO* network_in_ = nullptr;   // owned by ssl_
  BIO* network_out_ = nullptr;  // owned by ssl_
  bool done_ = false;
};

class OpenSslContext final : public TlsContext {
 public:
  explicit OpenSslContext(SSL_CTX* ctx) : ctx_(ctx) {}
  ~OpenSslContext() override { SSL_CTX_free(ctx_); }
  OpenSslContext(const OpenSslContext&) = delete;
  OpenSslContext& operator=(const OpenSslContext&) = delete;
  std::unique_ptr<TlsSession> new_session() override { return std::make_unique<OpenSslSession>(ctx_); }

 private:
  SSL_CTX* ctx_;
};

// The context, or null with the reason in `error`.
std::unique_ptr<TlsContext> create_context(const std::string& extra_ca_file, std::string& error) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = "cannot create the TLS context: " + openssl_errors();
    return nullptr;
  }
  auto out = std::make_unique<OpenSslContext>(ctx);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    error = "cannot load the system CA store: " + openssl_errors();
    return nullptr;
  }
  if (!extra_ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx, extra_ca_file.c_str(), nullptr) != 1) {
    error = fmt::format("cannot load the CA file {}: {}", extra_ca_file, openssl_errors());
    return nullptr;
  }
  // Client sessions are not cached: connections are reused instead (keep-alive).
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return out;
}

bool OpenSslSession::start(const std::string& host, bool host_is_ip) {
  ERR_clear_error();
  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr) {
    record_error("SSL_new", 0);
    return false;
  }
  network_in_ = BIO_new(BIO_s_mem());
  network_out_ = BIO_new(BIO_s_mem());
  if (network_in_ == nullptr || network_out_ == nullptr) {
    BIO_free(network_in_);
    BIO_free(network_out_);
    network_in_ = network_out_ = nullptr;
    record_error("BIO_new", 0);
    return false;
  }
  // An empty memory BIO reports "retry" instead of EOF, which is what a socket would do.
  BIO_set_mem_eof_return(network_in_, -1);
  SSL_set_bio(ssl_, network_in_, network_out_);
  SSL_set_connect_state(ssl_);
  if (host_is_ip) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
      record_error("cannot set the expected IP address", 0);
      return false;
    }
  } else {
    if (SSL_set_tlsext_host_name(ssl_, host.c_str()) != 1 || SSL_set1_host(ssl_, host.c_str()) != 1) {
      record_error("cannot set the server name", 0);
      return false;
    }
    SSL_set_hostflags(ssl_, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  }
  return handshake() != Status::kError;
}

void OpenSslSession::receive(std::string_view ciphertext) {
  if (!ciphertext.empty()) BIO_write(network_in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
}

TlsSession::Status OpenSslSession::handshake() {
  if (done_) return Status::kDone;
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  drain_out();
  if (rc == 1) {
    done_ = true;
    return Status::kDone;
  }
  int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status::kWantRead;
  record_error("TLS handshake failed", err);
  return Status::kError;
}

bool OpenSslSession::write(std::string_view plain) {
  ERR_clear_error();
  while (!plain.empty()) {
    size_t written = 0;
    int rc = SSL_write_ex(ssl_, plain.data(), plain.size(), &written);
    if (rc != 1) {
      record_error("TLS write failed", SSL_get_error(ssl_, rc));
      return false;
    }
    plain.remove_prefix(written);
  }
  drain_out();
  return true;
}

TlsSession::Status OpenSslSession::read(std::string& plain) {
  ERR_clear_error();
  char buf[16 * 1024];
  for (;;) {
    size_t got = 0;
    int rc = SSL_read_ex(ssl_, buf, sizeof buf, &got);
    if (rc == 1) {
      plain.append(buf, got);
      continue;
    }
    int err = SSL_get_error(ssl_, rc);
    drain_out();  // a TLS 1.3 key update or alert may want to go out
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status::kWantRead;
    if (err == SSL_ERROR_ZERO_RETURN) return Status::kDone;
    record_error("TLS read failed", err);
    return Status::kError;
  }
}

void OpenSslSession::drain_out() {
  char buf[16 * 1024];
  for (;;) {
    int n = BIO_read(network_out_, buf, sizeof buf);
    if (n <= 0) break;
    out_.append(buf, static_cast<size_t>(n));
  }
}

void OpenSslSession::record_error(const char* what, int ssl_error) {
  std::string reasons = openssl_errors();
  error_ = what;
  if (ssl_ != nullptr) {
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      error_ += fmt::format(": certificate verify failed: {}", X509_verify_cert_error_string(verify));
      return;
    }
  }
  if (!reasons.empty()) {
    error_ += ": ";
    error_ += reasons;
  } else if (ssl_error != 0) {
    error_ += fmt::format(" (SSL error {})", ssl_error);
  }
}

}  // namespace
}  // namespace pb::http_client

extern "C" __attribute__((visibility("default"))) pb::http_client::TlsContext*
patchbay_tls_create_context(const char* extra_ca_file, std::string* error) {
  auto context = pb::http_client::create_context(extra_ca_file ? extra_ca_file : "", *error);
  return context.release();
}
