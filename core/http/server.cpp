#include "core/http/server.h"

#include <fmt/format.h>

#include "core/http/ascii.h"
#include "core/http/connection.h"
#include "core/http/server_context.h"
#include "patchbay/plugin.h"

namespace pb::http {

struct Server::Listener {
  uv_tcp_t tcp;
  Server* server;  // null once the Server is destroyed
};

Result<std::unique_ptr<Server>> Server::create(uv_loop_t* loop, ServerOptions options) {
  if (!options.dispatch) return make_error(PB_E_INVALID, "http server: no dispatch function");
  if (has_line_break_or_nul(options.version_id)) {
    return make_error(PB_E_INVALID, "http server: version id contains CR, LF or NUL");
  }
  const Limits& l = options.limits;
  if (l.max_pipelined == 0 || l.max_connections == 0 || l.max_header_bytes == 0) {
    return make_error(PB_E_INVALID, "http server: max_pipelined, max_connections and "
                                    "max_header_bytes must be positive");
  }
  sockaddr_storage addr{};
  if (uv_ip4_addr(options.host.c_str(), options.port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(options.host.c_str(), options.port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    return make_error(PB_E_INVALID,
                      fmt::format("http server: '{}' is not an IPv4 or IPv6 address", options.host));
  }

  std::unique_ptr<Server> server(new Server());
  auto ctx = std::make_shared<ServerContext>();
  ctx->limits = options.limits;
  if (!options.version_id.empty()) ctx->version_line = "X-Version-Id: " + options.version_id + "\r\n";
  ctx->expose_detailed_errors = options.expose_detailed_errors;
  ctx->dispatch = std::move(options.dispatch);
  ctx->on_answered = options.on_answered;
  ctx->on_answered_user = options.on_answered_user;
  ctx->server = server.get();
  server->ctx_ = std::move(ctx);

  auto* listener = new Listener{};
  listener->server = server.get();
  listener->tcp.data = listener;
  uv_tcp_init(loop, &listener->tcp);
  server->listener_ = listener;  // from here the destructor closes (and frees) it

  int rc = uv_tcp_bind(&listener->tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->tcp), 1024, &Server::on_connection);
  }
  if (rc != 0) {
    return make_error(PB_E_IO, fmt::format("http server: cannot listen on {}:{}: {}",
                                           options.host, options.port, uv_strerror(rc)));
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&listener->tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  server->port_ = bound.ss_family == AF_INET6
                      ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return server;
}

Server::~Server() {
  ctx_->server = nullptr;  // connections that outlive us must not call back
  if (listener_ != nullptr && !listener_closed_) {
    listener_->server = nullptr;
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_->tcp))) {
      uv_close(reinterpret_cast<uv_handle_t*>(&listener_->tcp), &Server::on_listener_closed);
    }
  }
  while (connections_ != nullptr) {
    Connection* c = connections_;
    connections_ = c->next;
    c->prev = c->next = nullptr;
    c->close_now();
  }
}

void Server::on_connection(uv_stream_t* stream, int status) {
  auto* listener = static_cast<Listener*>(stream->data);
  Server* self = listener->server;
  if (status < 0 || self == nullptr) return;
  Connection* c = Connection::accept(stream, self->ctx_);
  // Track it even if it is already closing: its close callback unlinks it.
  c->next = self->connections_;
  if (c->next != nullptr) c->next->prev = c;
  self->connections_ = c;
  ++self->connection_count_;
  if (self->connection_count_ > self->ctx_->limits.max_connections || self->draining_) {
    c->close_now();
  }
}

void Server::connection_closed(Connection* c) {
  if (c->prev != nullptr) c->prev->next = c->next;
  if (c->next != nullptr) c->next->prev = c->prev;
  if (connections_ == c) connections_ = c->next;
  c->prev = c->next = nullptr;
  --connection_count_;
  check_drained();
}

void Server::on_listener_closed(uv_handle_t* handle) {
  auto* listener = static_cast<Listener*>(handle->data);
  Server* self = listener->server;
  delete listener;
  if (self != nullptr) {
    self->listener_ = nullptr;
    self->listener_closed_ = true;
    self->check_drained();
  }
}

void Server::drain(std::function<void()> done) {
  drain_done_ = std::move(done);
  if (!draining_) {
    draining_ = true;
    if (listener_ != nullptr && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_->tcp))) {
      uv_close(reinterpret_cast<uv_handle_t*>(&listener_->tcp), &Server::on_listener_closed);
    }
    for (Connection* c = connections_; c != nullptr;) {
      Connection* next = c->next;  // begin_drain may close c (unlinked later, in a callback)
      c->begin_drain();
      c = next;
    }
  }
}

void Server::answer_orphans() {
  for (Connection* c = ctx_->orphans; c != nullptr;) {
    Connection* next = c->next;  // c unlinks (and frees) itself with its last answer
    c->answer_outstanding(503, "api.context.server_stopping.app_error",
                          "The server stopped before this request was answered.");
    c = next;
  }
}

void Server::check_drained() {
  if (!draining_ || !listener_closed_ || connections_ != nullptr || !drain_done_) return;
  auto done = std::move(drain_done_);
  drain_done_ = nullptr;
  done();  // may destroy this Server: nothing after it
}

}  // namespace pb::http
