// The core's outbound HTTP/1.1 client: what the host API's http_fetch / http_cancel run on.
//
// libuv TCP, DNS through uv_getaddrinfo (on the thread pool) behind a small cache (DnsCache), llhttp response parsing
// (ResponseParser), TLS through OpenSSL memory BIOs (TlsSession), the outbound address guard
// (AddressGuard) applied to every address right before connecting to it, a pool of keep-alive
// connections per origin (scheme, host, port) with an idle limit and an idle timeout, one
// timer per request covering DNS, connect, TLS, send and receive. Redirects are not followed.
//
// Contract (libuv's, as plugin.h states it): fetch() either returns an error and never calls
// `done`, or returns an id and calls `done` exactly once, later, on the loop thread — never
// from inside fetch() or cancel(). cancel_owner() and shutdown() complete the requests they end
// before returning (they are called by the host after a plugin's stop(), never by a plugin).
// A reused connection that fails before any byte of the response arrived is retried once on a
// new connection.
//
// Threading: loop thread only. Ownership: the Client owns its requests and connections; their
// libuv handles are freed in close callbacks that never touch the Client, so the Client may be
// destroyed while closes are pending (the loop must run once more to free them).
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/http_client/address_guard.h"
#include "core/http_client/dns_cache.h"
#include "core/http_client/tls.h"
#include "core/util/result.h"
#include "patchbay/plugin.h"

namespace pb::http_client {

// Calls a request's completion. The host passes one that guards plugin callbacks (an exception
// becomes a fault of the plugin); `owner` is what fetch() was given.
using Invoker = void (*)(const void* owner, pb_http_fetch_done_fn done, void* user, int status,
                         const pb_http_response_v1* response, pb_str detail);

struct ClientOptions {
  uint32_t default_timeout_ms = 30000;  // ServiceSettings.OutgoingIntegrationRequestsTimeout
  size_t default_max_response_bytes = size_t{1} << 20;
  std::string allow_list;     // ServiceSettings.AllowedUntrustedInternalConnections
  std::string extra_ca_file;  // PEM CAs trusted beside the system store ("" for none)
  size_t max_idle_per_origin = 64;  // ≥ outgoing webhooks' MaxInFlightPerHook, or deliveries reconnect
  size_t max_idle_total = 512;
  uint32_t idle_timeout_ms = 30000;
  std::string user_agent = "patchbay";
  DnsCacheOptions dns;  // resolved names kept 30 s, failures 5 s (dns_cache.h)
  Invoker invoker = nullptr;  // nullptr: call `done` directly
};

class Client {
 public:
  // PB_E_IO when the TLS context cannot be set up (e.g. the extra CA file is unreadable).
  static Result<std::unique_ptr<Client>> create(uv_loop_t* loop, ClientOptions options);
  // Abandons what is left without calling back (the host cancels first; see shutdown()).
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts a request on behalf of `owner` (the plugin; any tag). `request` is copied. Returns
  // the request id (> 0). Errors, after which `done` is never called: PB_E_INVALID (struct too
  // small, bad method, URL, scheme or header; done NULL), PB_E_STATE (after shutdown()).
  Result<uint64_t> fetch(const pb_http_fetch_v1& request, const void* owner,
                         pb_http_fetch_done_fn done, void* user);

  // Ends a request of `owner`: its done runs with PB_E_CANCELED on a later loop turn.
  // PB_OK; PB_E_NOT_FOUND (unknown id, another owner's, already completed or cancelled).
  int cancel(const void* owner, uint64_t id);

  // Completes every request of `owner` with PB_E_CANCELED before returning (plugin stop).
  void cancel_owner(const void* owner);

  // Completes everything with PB_E_CANCELED, closes pooled connections; fetch() answers
  // PB_E_STATE from now on (server drain).
  void shutdown();

  // For tests and operators.
  size_t in_flight() const { return fetches_.size(); }
  size_t spare_fetches() const { return spare_fetches_.size(); }
  size_t idle_connections() const { return idle_total_; }
  uint64_t connections_opened() const { return connections_opened_; }
  uint64_t dns_lookups() const { return dns_lookups_; }  // getaddrinfo calls made

  struct Fetch;       // one request (client.cpp)
  struct Connection;  // one TCP (+TLS) connection (client.cpp)

 private:
  Client(uv_loop_t* loop, ClientOptions options);

  // The steps of a request, in order.
  void start(Fetch* f);
  void resolve(Fetch* f);
  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* result);
  void try_next_address(Fetch* f);
  static void on_connected(uv_connect_t* req, int status);
  void send_request(Fetch* f);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void on_bytes(Connection* c, std::string_view bytes);
  void feed(Connection* c, std::string_view plain);
  void on_eof(Connection* c);
  void on_connection_error(Connection* c, int uv_error, std::string_view what);
  void retry(Fetch* f);
  static void on_timer(uv_timer_t* timer);

  // Completion: `response` borrows the connection's parser, which goes back to the pool after
  // `done` returned when `reusable`.
  void complete(Fetch* f, int status, std::string_view detail,
                const pb_http_response_v1* response = nullptr, bool reusable = false);
  // Closes the timers of the requests kept for reuse (their close callbacks free them).
  void close_spare_fetches();
  // Completion on the next loop turn (inside fetch() or cancel()).
  void complete_soon(Fetch* f, int status, std::string detail);
  void detach(Fetch* f);

  // Writing.
  void queue_write(Connection* c, std::string_view bytes);
  void start_write(Connection* c);
  static void on_written(uv_write_t* req, int status);

  // Connections and the pool.
  Connection* open_connection(Fetch* f);
  void close_connection(Connection* c);
  Connection* take_idle(const std::string& origin);
  void release_to_pool(Connection* c);
  void remove_from_pool(Connection* c);
  static void on_idle_timeout(uv_timer_t* timer);
  // The TLS context, made on first use (system CA store + the extra CA file).
  Result<TlsContext*> tls_context();

  uv_loop_t* loop_;
  ClientOptions options_;
  AddressGuard guard_;
  DnsCache dns_cache_;
  std::unique_ptr<TlsContext> tls_;  // null until the first https:// request
  bool shut_down_ = false;
  bool in_fetch_ = false;  // inside fetch(): completions are deferred
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Fetch*> fetches_;
  std::vector<Fetch*> spare_fetches_;  // completed, kept for reuse (client.cpp)
  std::unordered_map<std::string, std::vector<Connection*>> idle_;
  size_t idle_total_ = 0;
  uint64_t connections_opened_ = 0;
  uint64_t dns_lookups_ = 0;
};

}  // namespace pb::http_client
