#include "core/http_client/client.h"

#include <fmt/format.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "core/http_client/request_writer.h"
#include "core/http_client/response_parser.h"
#include "core/http_client/url.h"

namespace pb::http_client {
namespace {

constexpr size_t kMaxAddresses = kMaxCachedAddresses;  // tried in order; more adds only delay
constexpr size_t kReadBufferBytes = 16 * 1024;
constexpr size_t kIdleBufferBytes = 64 * 1024;  // parser capacity kept by a pooled connection
// Completed requests kept for reuse, with their timer handle and buffers: a request then costs
// no ~1.4 KB allocation, no timer init and close, no growing of its wire buffer (a busy caller,
// a slash command per execute, makes thousands a second). A kept wire buffer is at most this big.
constexpr size_t kMaxSpareFetches = 64;
constexpr size_t kSpareWireBytes = 16 * 1024;

std::string_view sv(pb_str s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
pb_str ps(std::string_view s) { return pb_str{s.data(), s.size()}; }
bool valid(pb_str s) { return s.data != nullptr || s.len == 0; }

void direct_invoker(const void*, pb_http_fetch_done_fn done, void* user, int status,
                    const pb_http_response_v1* response, pb_str detail) {
  done(user, status, response, detail);
}

std::string describe(const sockaddr_storage& address) {
  IpAddress ip;
  if (!from_sockaddr(reinterpret_cast<const sockaddr*>(&address), &ip)) return "?";
  uint16_t port = address.ss_family == AF_INET
                      ? ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port)
                      : ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  std::string text = to_string(ip);
  bool v6 = text.find(':') != std::string::npos;
  return v6 ? fmt::format("[{}]:{}", text, port) : fmt::format("{}:{}", text, port);
}

void set_port(sockaddr_storage& address, uint16_t port) {
  if (address.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(port);
  }
}

}  // namespace

// One DNS lookup. Outlives its request when the request ends first (a getaddrinfo on the thread
// pool cannot always be cancelled): then `fetch` is null and the callback only frees it.
struct DnsLookup {
  uv_getaddrinfo_t req;
  Client* client;
  Client::Fetch* fetch;
};

struct Client::Fetch {
  Client* client = nullptr;
  uint64_t id = 0;
  const void* owner = nullptr;
  pb_http_fetch_done_fn done = nullptr;
  void* user = nullptr;
  Url url;
  std::string origin;
  bool host_is_ip = false;
  bool head = false;
  size_t max_body = 0;
  uint32_t timeout_ms = 0;
  std::string wire;  // the whole request, head and body

  uv_timer_t timer;  // the deadline; also fires deferred completions
  DnsLookup* dns = nullptr;
  std::array<sockaddr_storage, kMaxAddresses> addresses;
  size_t address_count = 0;
  size_t next_address = 0;
  size_t denied = 0;
  std::string last_error;
  Connection* conn = nullptr;
  bool reused = false;   // conn came from the pool
  bool retried = false;  // the one retry after a dead pooled connection was used
  bool deferred = false;
  int deferred_status = 0;
  std::string deferred_detail;

  // Back to the state of a new Fetch for reuse, except the timer (initialised, stopped) and the
  // buffers' capacity.
  void reset() {
    id = 0;
    owner = nullptr;
    done = nullptr;
    user = nullptr;
    url.host.clear();
    url.target.clear();
    origin.clear();
    if (wire.capacity() > kSpareWireBytes) std::string().swap(wire);
    wire.clear();
    dns = nullptr;
    address_count = next_address = denied = 0;
    last_error.clear();
    conn = nullptr;
    reused = retried = deferred = false;
    deferred_status = 0;
    deferred_detail.clear();
  }
};

struct Client::Connection {
  Client* client = nullptr;
  uv_tcp_t tcp;
  uv_connect_t connect_req;
  uv_write_t write_req;
  uv_timer_t idle_timer;
  int open_handles = 0;
  bool closing = false;
  bool idle = false;
  bool writing = false;
  bool https = false;
  std::string origin;
  std::string peer;  // "1.2.3.4:443", for details
  Fetch* fetch = nullptr;
  std::unique_ptr<TlsSession> tls;  // https only, from the first connect
  ResponseParser parser;
  std::string pending_out;  // queued while a write is in flight
  std::string writing_out;  // the bytes of the write in flight
  std::string plain;        // decrypted bytes (TLS)
  char read_buffer[kReadBufferBytes];
};

Client::Client(uv_loop_t* loop, ClientOptions options)
    : loop_(loop),
      options_(std::move(options)),
      guard_(options_.allow_list),
      dns_cache_(options_.dns) {
  if (options_.invoker == nullptr) options_.invoker = &direct_invoker;
}

Result<std::unique_ptr<Client>> Client::create(uv_loop_t* loop, ClientOptions options) {
  // TLS (OpenSSL, its library and the system CA store) is loaded on the first https://
  // request (see tls_context() and tls.h): a server that never calls out over TLS, an edge
  // install, should not pay its memory. A CA file that cannot be read is still refused at
  // start-up, where an operator sees it.
  if (!options.extra_ca_file.empty() && access(options.extra_ca_file.c_str(), R_OK) != 0) {
    return make_error(PB_E_IO, fmt::format("cannot read the CA file {}: {}",
                                           options.extra_ca_file, std::strerror(errno)));
  }
  return std::unique_ptr<Client>(new Client(loop, std::move(options)));
}

Result<TlsContext*> Client::tls_context() {
  if (!tls_) {
    auto tls = load_tls_context(options_.extra_ca_file);
    if (!tls.ok()) return tls.error();
    tls_ = std::move(*tls);
  }
  return tls_.get();
}

Client::~Client() {
  // The host completed everything (cancel_owner / shutdown) before; what remains belongs to no
  // one who could be called, so it is dropped silently.
  while (!fetches_.empty()) {
    Fetch* f = fetches_.begin()->second;
    f->done = nullptr;
    complete(f, PB_E_CANCELED, "client destroyed");
  }
  for (auto& [origin, list] : idle_) {
    for (Connection* c : list) {
      c->idle = false;
      close_connection(c);
    }
  }
  idle_.clear();
  close_spare_fetches();
}

void Client::close_spare_fetches() {
  for (Fetch* f : spare_fetches_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&f->timer),
             [](uv_handle_t* h) { delete static_cast<Fetch*>(h->data); });
  }
  spare_fetches_.clear();
}

// ---- starting -------------------------------------------------------------------------------

Result<uint64_t> Client::fetch(const pb_http_fetch_v1& request, const void* owner,
                               pb_http_fetch_done_fn done, void* user) {
  if (done == nullptr || request.struct_size < sizeof(pb_http_fetch_v1) || !valid(request.url) ||
      !valid(request.body)) {
    return make_error(PB_E_INVALID, "malformed request");
  }
  if (shut_down_) return make_error(PB_E_STATE, "the HTTP client is shut down");
  auto checked = validate_request(request.method, request.headers, request.header_count);
  if (!checked.ok()) return checked.error();
  auto url = parse_url(sv(request.url));
  if (!url.ok()) return url.error();

  Fetch* f;
  if (!spare_fetches_.empty()) {
    f = spare_fetches_.back();  // its timer is initialised and stopped
    spare_fetches_.pop_back();
  } else {
    f = new Fetch;
    f->client = this;
    uv_timer_init(loop_, &f->timer);
    f->timer.data = f;
  }
  f->id = next_id_++;
  f->owner = owner;
  f->done = done;
  f->user = user;
  f->url = std::move(*url);
  f->origin = f->url.origin();
  IpAddress literal;
  f->host_is_ip = parse_ip(f->url.host, &literal);
  f->head = sv(request.method) == "HEAD";
  f->max_body = request.max_response_bytes ? request.max_response_bytes
                                           : options_.default_max_response_bytes;
  f->timeout_ms = request.timeout_ms ? request.timeout_ms : options_.default_timeout_ms;
  write_request(f->wire, sv(request.method), f->url, request.headers, request.header_count,
                sv(request.body), options_.user_agent);
  uv_update_time(loop_);  // the deadline counts from now, not from the loop's last wake-up
  uv_timer_start(&f->timer, &Client::on_timer, f->timeout_ms, 0);
  fetches_.emplace(f->id, f);
  // Inside fetch() nothing may complete: a failure found now (an internal literal IP, a dead
  // pooled socket) is delivered on the next loop turn (complete() defers while in_fetch_).
  in_fetch_ = true;
  start(f);
  in_fetch_ = false;
  return f->id;
}

void Client::start(Fetch* f) {
  if (Connection* c = take_idle(f->origin)) {
    c->fetch = f;
    f->conn = c;
    f->reused = true;
    send_request(f);
    return;
  }
  resolve(f);
}

void Client::resolve(Fetch* f) {
  f->address_count = 0;
  f->next_address = 0;
  f->denied = 0;
  if (f->host_is_ip) {
    auto& slot = f->addresses[0];
    std::memset(&slot, 0, sizeof slot);
    int rc = f->url.host.find(':') != std::string::npos
                 ? uv_ip6_addr(f->url.host.c_str(), f->url.port, reinterpret_cast<sockaddr_in6*>(&slot))
                 : uv_ip4_addr(f->url.host.c_str(), f->url.port, reinterpret_cast<sockaddr_in*>(&slot));
    if (rc != 0) {
      complete_soon(f, PB_E_INVALID, "invalid IP address in the URL");
      return;
    }
    f->address_count = 1;
    try_next_address(f);
    return;
  }
  // A cached lookup (or failure) answers at once; the guard still checks each address when
  // try_next_address() connects to it.
  if (const DnsCache::Entry* cached = dns_cache_.find(f->url.host, uv_now(loop_))) {
    if (cached->address_count == 0) {
      complete_soon(f, PB_E_IO, cached->failure);
      return;
    }
    std::copy_n(cached->addresses.begin(), cached->address_count, f->addresses.begin());
    f->address_count = cached->address_count;
    for (size_t i = 0; i < f->address_count; ++i) set_port(f->addresses[i], f->url.port);
    try_next_address(f);
    return;
  }
  auto* lookup = new DnsLookup{{}, this, f};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  char port[8];
  std::snprintf(port, sizeof port, "%u", static_cast<unsigned>(f->url.port));
  f->dns = lookup;
  ++dns_lookups_;
  int rc = uv_getaddrinfo(loop_, &lookup->req, &Client::on_resolved, f->url.host.c_str(), port, &hints);
  if (rc != 0) {
    f->dns = nullptr;
    delete lookup;
    complete_soon(f, PB_E_IO, fmt::format("resolve {}: {}", f->url.host, uv_strerror(rc)));
  }
}

void Client::on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result) {
  auto* lookup = reinterpret_cast<DnsLookup*>(req);
  Fetch* f = lookup->fetch;
  Client* self = lookup->client;
  delete lookup;
  if (f == nullptr) {  // the request ended while the lookup ran
    if (result != nullptr) uv_freeaddrinfo(result);
    return;
  }
  f->dns = nullptr;
  const uint64_t now = uv_now(self->loop_);
  if (status != 0) {
    if (result != nullptr) uv_freeaddrinfo(result);
    std::string failure = fmt::format("resolve {}: {}", f->url.host, uv_strerror(status));
    if (status != UV_ECANCELED) self->dns_cache_.store_failure(f->url.host, failure, now);
    self->complete(f, PB_E_IO, failure);
    return;
  }
  for (addrinfo* a = result; a != nullptr && f->address_count < kMaxAddresses; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    auto& slot = f->addresses[f->address_count++];
    std::memset(&slot, 0, sizeof slot);
    std::memcpy(&slot, a->ai_addr, a->ai_addrlen);
  }
  uv_freeaddrinfo(result);
  if (f->address_count == 0) {
    std::string failure = fmt::format("resolve {}: no IPv4 or IPv6 address", f->url.host);
    self->dns_cache_.store_failure(f->url.host, failure, now);
    self->complete(f, PB_E_IO, failure);
    return;
  }
  self->dns_cache_.store_addresses(
      f->url.host, std::span<const sockaddr_storage>(f->addresses.data(), f->address_count), now);
  self->try_next_address(f);
}

void Client::try_next_address(Fetch* f) {
  while (f->next_address < f->address_count) {
    const sockaddr_storage& address = f->addresses[f->next_address++];
    IpAddress ip;
    if (!from_sockaddr(reinterpret_cast<const sockaddr*>(&address), &ip) ||
        !guard_.allows(f->url.host, ip)) {
      ++f->denied;
      f->last_error = fmt::format(
          "{} is {}, an internal address not listed in "
          "ServiceSettings.AllowedUntrustedInternalConnections",
          f->url.host, to_string(ip));
      continue;
    }
    Connection* c = open_connection(f);
    c->peer = describe(address);
    int rc = uv_tcp_connect(&c->connect_req, &c->tcp, reinterpret_cast<const sockaddr*>(&address),
                            &Client::on_connected);
    if (rc != 0) {
      f->last_error = fmt::format("connect {}: {}", c->peer, uv_strerror(rc));
      detach(f);
      close_connection(c);
      continue;
    }
    return;
  }
  if (f->denied == f->address_count) {
    complete_soon(f, PB_E_DENIED, f->last_error);
  } else {
    complete_soon(f, PB_E_IO, f->last_error);
  }
}

void Client::on_connected(uv_connect_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  if (c->closing) return;
  Client* self = c->client;
  Fetch* f = c->fetch;
  if (status != 0) {
    f->last_error = fmt::format("connect {}: {}", c->peer, uv_strerror(status));
    self->detach(f);
    self->close_connection(c);
    self->try_next_address(f);
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), &Client::on_alloc, &Client::on_read);
  if (!c->https) {
    self->send_request(f);
    return;
  }
  auto ctx = self->tls_context();
  if (!ctx.ok()) {
    self->complete(f, PB_E_IO, ctx.error().message);
    return;
  }
  if (!c->tls) c->tls = (*ctx)->new_session();
  if (!c->tls->start(f->url.host, f->host_is_ip)) {
    self->complete(f, PB_E_IO, fmt::format("TLS {}: {}", c->peer, c->tls->error()));
    return;
  }
  self->queue_write(c, c->tls->out());
  c->tls->out().clear();
}

void Client::send_request(Fetch* f) {
  Connection* c = f->conn;
  c->parser.begin(f->head, f->max_body);
  if (!c->https) {
    // Nothing queued on the socket (the usual case): the request goes out from its own buffer
    // in one write, without a copy into the connection's queue and a write request to complete.
    if (!c->writing && c->pending_out.empty()) {
      uv_buf_t buf = uv_buf_init(f->wire.data(), static_cast<unsigned>(f->wire.size()));
      int written = uv_try_write(reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1);
      if (written == static_cast<int>(f->wire.size())) return;
      if (written < 0 && written != UV_EAGAIN) {
        on_connection_error(c, written, "write");
        return;
      }
      queue_write(c, std::string_view(f->wire).substr(written < 0 ? 0 : static_cast<size_t>(written)));
      return;
    }
    queue_write(c, f->wire);
    return;
  }
  if (!c->tls->write(f->wire)) {
    complete(f, PB_E_IO, fmt::format("TLS {}: {}", c->peer, c->tls->error()));
    return;
  }
  queue_write(c, c->tls->out());
  c->tls->out().clear();
}

// ---- reading --------------------------------------------------------------------------------

void Client::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(handle->data);
  *buf = uv_buf_init(c->read_buffer, sizeof c->read_buffer);
}

void Client::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(stream->data);
  if (c->closing || nread == 0) return;
  Client* self = c->client;
  if (c->fetch == nullptr) {
    // Idle in the pool: the server closed it or sent something unasked. Either way it is done.
    self->close_connection(c);
    return;
  }
  if (nread == UV_EOF) {
    self->on_eof(c);
    return;
  }
  if (nread < 0) {
    self->on_connection_error(c, static_cast<int>(nread), "read");
    return;
  }
  self->on_bytes(c, std::string_view(buf->base, static_cast<size_t>(nread)));
}

void Client::on_bytes(Connection* c, std::string_view bytes) {
  if (!c->https) {
    feed(c, bytes);
    return;
  }
  Fetch* f = c->fetch;
  c->tls->receive(bytes);
  if (!c->tls->handshake_done()) {
    TlsSession::Status st = c->tls->handshake();
    if (!c->tls->out().empty()) {
      queue_write(c, c->tls->out());
      c->tls->out().clear();
    }
    if (st == TlsSession::Status::kError) {
      complete(f, PB_E_IO, fmt::format("TLS {} ({}): {}", c->peer, f->url.host, c->tls->error()));
      return;
    }
    if (st == TlsSession::Status::kWantRead) return;
    send_request(f);
    if (c->fetch != f) return;  // completed while sending
  }
  c->plain.clear();
  TlsSession::Status st = c->tls->read(c->plain);
  if (!c->tls->out().empty()) {
    queue_write(c, c->tls->out());
    c->tls->out().clear();
  }
  if (st == TlsSession::Status::kError) {
    complete(f, PB_E_IO, fmt::format("TLS {}: {}", c->peer, c->tls->error()));
    return;
  }
  if (!c->plain.empty()) feed(c, c->plain);
  if (st == TlsSession::Status::kDone && c->fetch == f && !c->closing) on_eof(c);
}

void Client::feed(Connection* c, std::string_view plain) {
  Fetch* f = c->fetch;
  ResponseParser::Step step = c->parser.feed(plain);
  switch (step.outcome) {
    case ResponseParser::Outcome::kNeedMore:
      return;
    case ResponseParser::Outcome::kComplete: {
      pb_http_response_v1 response{sizeof(pb_http_response_v1), c->parser.status(),
                                   c->parser.headers().data(), c->parser.headers().size(),
                                   ps(c->parser.body())};
      // Bytes after the response on a connection we did not ask anything else on: not reusable.
      bool reusable = c->parser.keep_alive() && step.consumed == plain.size();
      complete(f, PB_OK, {}, &response, reusable);
      return;
    }
    case ResponseParser::Outcome::kTooLarge:
      complete(f, PB_E_LIMIT,
               fmt::format("the response body of {} exceeds {} bytes", f->origin, f->max_body));
      return;
    case ResponseParser::Outcome::kError:
      complete(f, PB_E_IO, fmt::format("malformed response from {}: {}", c->peer, c->parser.error()));
      return;
  }
}

void Client::on_eof(Connection* c) {
  Fetch* f = c->fetch;
  bool started = c->parser.started();
  switch (c->parser.finish()) {
    case ResponseParser::Outcome::kComplete: {
      pb_http_response_v1 response{sizeof(pb_http_response_v1), c->parser.status(),
                                   c->parser.headers().data(), c->parser.headers().size(),
                                   ps(c->parser.body())};
      complete(f, PB_OK, {}, &response, false);
      return;
    }
    case ResponseParser::Outcome::kTooLarge:
      complete(f, PB_E_LIMIT,
               fmt::format("the response body of {} exceeds {} bytes", f->origin, f->max_body));
      return;
    default:
      if (f->reused && !started && !f->retried) {
        retry(f);
        return;
      }
      complete(f, PB_E_IO, fmt::format("{}: {}", c->peer, c->parser.error()));
  }
}

void Client::on_connection_error(Connection* c, int uv_error, std::string_view what) {
  Fetch* f = c->fetch;
  if (f->reused && !c->parser.started() && !f->retried) {
    retry(f);
    return;
  }
  complete(f, PB_E_IO, fmt::format("{} {}: {}", what, c->peer, uv_strerror(uv_error)));
}

// A pooled connection died before answering (the server closed it while we reused it): one
// more try on a fresh connection.
void Client::retry(Fetch* f) {
  Connection* c = f->conn;
  detach(f);
  close_connection(c);
  f->retried = true;
  f->reused = false;
  resolve(f);
}

// ---- completion -----------------------------------------------------------------------------

void Client::on_timer(uv_timer_t* timer) {
  auto* f = static_cast<Fetch*>(timer->data);
  Client* self = f->client;
  if (f->deferred) {
    std::string detail = std::move(f->deferred_detail);
    self->complete(f, f->deferred_status, detail);
    return;
  }
  self->complete(f, PB_E_TIMEOUT,
                 fmt::format("no complete response from {} within {} ms", f->origin, f->timeout_ms));
}

// Lets go of the request's DNS lookup and connection (the connection is not closed here).
void Client::detach(Fetch* f) {
  if (f->dns != nullptr) {
    f->dns->fetch = nullptr;
    uv_cancel(reinterpret_cast<uv_req_t*>(&f->dns->req));  // best effort; the callback frees it
    f->dns = nullptr;
  }
  if (f->conn != nullptr) {
    f->conn->fetch = nullptr;
    f->conn = nullptr;
  }
}

void Client::complete_soon(Fetch* f, int status, std::string detail) {
  Connection* c = f->conn;
  detach(f);
  if (c != nullptr) close_connection(c);
  f->deferred = true;
  f->deferred_status = status;
  f->deferred_detail = std::move(detail);
  uv_timer_start(&f->timer, &Client::on_timer, 0, 0);
}

void Client::complete(Fetch* f, int status, std::string_view detail,
                      const pb_http_response_v1* response, bool reusable) {
  if (in_fetch_) {  // never call back from inside fetch(); no response can exist yet
    complete_soon(f, status, std::string(detail));
    return;
  }
  fetches_.erase(f->id);
  uv_timer_stop(&f->timer);
  Connection* c = f->conn;
  detach(f);
  if (f->done != nullptr) options_.invoker(f->owner, f->done, f->user, status, response, ps(detail));
  // After done: the response borrowed the connection's parser.
  if (c != nullptr) {
    if (response != nullptr && reusable && !shut_down_) {
      release_to_pool(c);
    } else {
      close_connection(c);
    }
  }
  if (!shut_down_ && spare_fetches_.size() < kMaxSpareFetches) {
    f->reset();
    spare_fetches_.push_back(f);
    return;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&f->timer),
           [](uv_handle_t* h) { delete static_cast<Fetch*>(h->data); });
}

int Client::cancel(const void* owner, uint64_t id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end() || it->second->owner != owner || it->second->deferred) {
    return PB_E_NOT_FOUND;
  }
  complete_soon(it->second, PB_E_CANCELED, "canceled");
  return PB_OK;
}

void Client::cancel_owner(const void* owner) {
  std::vector<uint64_t> ids;
  for (const auto& [id, f] : fetches_) {
    if (f->owner == owner) ids.push_back(id);
  }
  for (uint64_t id : ids) {
    auto it = fetches_.find(id);  // a completion may have ended others meanwhile
    if (it != fetches_.end()) complete(it->second, PB_E_CANCELED, "the plugin stopped");
  }
}

void Client::shutdown() {
  shut_down_ = true;
  while (!fetches_.empty()) {
    complete(fetches_.begin()->second, PB_E_CANCELED, "the server is shutting down");
  }
  for (auto& [origin, list] : idle_) {
    for (Connection* c : list) {
      c->idle = false;
      close_connection(c);
    }
  }
  idle_.clear();
  idle_total_ = 0;
  close_spare_fetches();
}

// ---- writing --------------------------------------------------------------------------------

void Client::queue_write(Connection* c, std::string_view bytes) {
  if (bytes.empty()) return;
  c->pending_out.append(bytes.data(), bytes.size());
  if (!c->writing) start_write(c);
}

void Client::start_write(Connection* c) {
  c->writing_out.swap(c->pending_out);
  c->pending_out.clear();
  uv_buf_t buf = uv_buf_init(c->writing_out.data(), static_cast<unsigned>(c->writing_out.size()));
  int rc = uv_write(&c->write_req, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1,
                    &Client::on_written);
  if (rc != 0) {
    if (c->fetch != nullptr) {
      on_connection_error(c, rc, "write");
    } else {
      close_connection(c);
    }
    return;
  }
  c->writing = true;
}

void Client::on_written(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  c->writing = false;
  if (c->closing) return;
  if (status < 0) {
    if (c->fetch != nullptr) c->client->on_connection_error(c, status, "write");
    else c->client->close_connection(c);
    return;
  }
  if (!c->pending_out.empty()) c->client->start_write(c);
}

// ---- connections and the pool ---------------------------------------------------------------

Client::Connection* Client::open_connection(Fetch* f) {
  auto* c = new Connection;
  c->client = this;
  c->https = f->url.https;
  c->origin = f->origin;
  uv_tcp_init(loop_, &c->tcp);
  uv_timer_init(loop_, &c->idle_timer);
  c->open_handles = 2;
  c->tcp.data = c;
  c->idle_timer.data = c;
  c->connect_req.data = c;
  c->write_req.data = c;
  uv_tcp_nodelay(&c->tcp, 1);
  c->fetch = f;
  f->conn = c;
  ++connections_opened_;
  return c;
}

void Client::close_connection(Connection* c) {
  if (c->closing) return;
  if (c->idle) remove_from_pool(c);
  c->closing = true;
  c->fetch = nullptr;
  auto closed = [](uv_handle_t* h) {
    auto* conn = static_cast<Connection*>(h->data);
    if (--conn->open_handles == 0) delete conn;
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->idle_timer), closed);
}

Client::Connection* Client::take_idle(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end() || it->second.empty()) return nullptr;
  Connection* c = it->second.back();  // the most recently used is the likeliest to be alive
  it->second.pop_back();
  --idle_total_;
  c->idle = false;
  uv_timer_stop(&c->idle_timer);
  return c;
}

void Client::release_to_pool(Connection* c) {
  auto& list = idle_[c->origin];
  if (list.size() >= options_.max_idle_per_origin || idle_total_ >= options_.max_idle_total) {
    close_connection(c);
    return;
  }
  c->parser.shrink(kIdleBufferBytes);
  c->idle = true;
  list.push_back(c);
  ++idle_total_;
  uv_timer_start(&c->idle_timer, &Client::on_idle_timeout, options_.idle_timeout_ms, 0);
}

void Client::remove_from_pool(Connection* c) {
  auto it = idle_.find(c->origin);
  if (it != idle_.end()) {
    auto& list = it->second;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i] == c) {
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
        --idle_total_;
        break;
      }
    }
  }
  c->idle = false;
}

void Client::on_idle_timeout(uv_timer_t* timer) {
  auto* c = static_cast<Connection*>(timer->data);
  if (!c->closing) c->client->close_connection(c);
}

}  // namespace pb::http_client
