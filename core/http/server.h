// pb::http::Server: the HTTP/1.1 server of the core. It parses and orders; it does not route or
// authenticate. Every complete request goes to one dispatch function supplied by the host,
// which answers it (Request::respond / respond_error) now or later, on the loop thread.
//
// What it guarantees on every connection: keep-alive (HTTP/1.1 by default, HTTP/1.0 with
// "Connection: keep-alive"); pipelining with responses in request order whatever order they
// are answered in (reading pauses while Limits::max_pipelined requests are pending);
// "Expect: 100-continue" (interim 100 once the request is first in line, 413 without reading
// the body when Content-Length is over the limit, 417 for other expectations); the header,
// body and time limits of Limits; malformed and smuggling-shaped requests refused with 400 and
// close. Every response carries X-Request-Id, X-Version-Id, Content-Length (except 204) and
// "Connection: close" when the server closes after it.
//
// Threading: everything on the thread running `loop`. Lifetime: create() -> (serve) -> drain()
// -> done -> destroy. Destroying without a finished drain closes every connection abruptly;
// the loop must then still run once for the close callbacks. Requests still awaiting answers
// stay valid after the Server is gone (answers are dropped).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http/limits.h"
#include "core/http/request.h"
#include "core/util/result.h"

namespace pb::http {

class Connection;
struct ServerContext;

// Called on the loop thread for each complete request. Must not throw (an exception is caught
// and answered with 500). Must not destroy the Server.
using DispatchFn = std::function<void(Request&)>;

// Called on the loop thread when a request that was dispatched is answered, after its response
// is built (response_status() is valid) and before it is queued for writing; the request's
// host_* fields are as the host left them. For metrics: it must be cheap and must not answer,
// touch the connection or throw. Requests refused by the server before dispatch (parse errors,
// limits) and local requests are not reported.
using AnsweredFn = void (*)(void* user, const Request& request);

struct ServerOptions {
  std::string host = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 8065;            // 0 = an ephemeral port, see Server::port()
  Limits limits;
  std::string version_id;          // sent as X-Version-Id
  bool expose_detailed_errors = false;  // fill "detailed_error" (ServiceSettings.EnableDeveloper)
  DispatchFn dispatch;             // required
  AnsweredFn on_answered = nullptr;  // optional; see AnsweredFn
  void* on_answered_user = nullptr;
};

class Server {
 public:
  // Binds and listens. Errors: PB_E_INVALID (no dispatch, bad host, bad limits, CR/LF in the
  // version id), PB_E_IO (bind/listen failed: the message names the address and the cause).
  static Result<std::unique_ptr<Server>> create(uv_loop_t* loop, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The port actually bound (useful with port 0).
  uint16_t port() const { return port_; }
  // Open connections right now.
  size_t connection_count() const { return connection_count_; }

  // Graceful stop: closes the listener, closes idle keep-alive connections, lets in-flight
  // requests (already begun) finish and flush with "Connection: close", then closes the rest
  // and calls `done` once (from a libuv callback, never from inside drain()). Calling it again
  // replaces `done`.
  void drain(std::function<void()> done);

  // After drain, once nothing is left that could answer them (the plugins are destroyed):
  // answers 503 every request still dispatched on a connection whose client had left, which
  // frees those connections. Without it they would live on (and leak at exit).
  void answer_orphans();

 private:
  friend class Connection;
  struct Listener;

  Server() = default;
  static void on_connection(uv_stream_t* listener, int status);
  static void on_listener_closed(uv_handle_t* handle);
  void connection_closed(Connection* c);
  void check_drained();

  std::shared_ptr<ServerContext> ctx_;
  Listener* listener_ = nullptr;  // freed in its close callback
  uint16_t port_ = 0;
  Connection* connections_ = nullptr;  // intrusive list of open connections
  size_t connection_count_ = 0;
  bool draining_ = false;
  bool listener_closed_ = false;
  std::function<void()> drain_done_;
};

}  // namespace pb::http
