// One HTTP request as the server hands it to the host, and the way to answer it.
//
// Ownership and lifetime: Requests belong to the server (each connection keeps a small pool and
// reuses them, buffers included). The host gets a Request& in its dispatch function and may keep
// the reference until it answers (respond / respond_error), then must never touch it again: the
// object is recycled for a later request. If the client goes away before the answer, the Request
// stays valid until answered; the answer is then dropped.
//
// Threading: loop thread only, like everything in pb::http.
//
// Error returns are pb_status codes (sdk/include/patchbay/plugin.h) because they map one to one
// onto the plugin ABI's req_*/resp_* functions: PB_OK, PB_E_INVALID, PB_E_STATE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/params.h"

namespace pb::http {

class Connection;
class RequestParser;
struct ServerContext;

struct HeaderView {
  std::string_view name;
  std::string_view value;
};

class Request {
 public:
  Request() = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  // ---- what arrived (views valid until the request is answered) ----------------------------

  std::string_view method() const { return method_; }  // "GET", "POST", ...
  std::string_view target() const { return target_; }  // raw request-target, as sent
  std::string_view path() const;   // target without the query, NOT percent-decoded
  std::string_view query() const;  // raw query without '?', "" when none
  int http_minor() const { return http_minor_; }  // 1 for HTTP/1.1, 0 for HTTP/1.0
  size_t header_count() const { return headers_.size(); }
  HeaderView header_at(size_t i) const;  // arrival order; i < header_count()
  // The first header named `name`, compared case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
  std::string_view body() const { return body_; }
  // The fresh 26-character id of this request, also sent back as X-Request-Id.
  std::string_view request_id() const { return {request_id_, sizeof request_id_}; }
  // The client's IP address as the socket sees it ("127.0.0.1", "::1"; no port), read once per
  // connection at accept. "" when unknown or for a request parsed without a connection. A proxy
  // in front makes this the proxy's address; see ServiceSettings.TrustedProxyIPHeader.
  std::string_view remote_addr() const;

  // ---- filled in by the host -------------------------------------------------------------

  // Copies the route's parameters into storage the request keeps from one message to the next
  // (a Request serves every message of its connection): no heap block once warm.
  void set_params(const Params& params);
  std::optional<std::string_view> param(std::string_view name) const;

  void set_identity(std::string_view user_id, std::string_view session_id,
                    std::string_view roles);
  std::string_view user_id() const { return user_id_; }
  std::string_view session_id() const { return session_id_; }
  std::string_view roles() const { return roles_; }

  // Anything the host wants to hang on the request; reset to nullptr for every new request.
  void* host_data = nullptr;
  // For the host's request metrics (ServerOptions::on_answered reads them back): when the host
  // took the request (uv_hrtime) and which route it matched. Reset to 0 for every new request.
  uint64_t host_started_ns = 0;
  uint32_t host_route = 0;

  // ---- answering --------------------------------------------------------------------------

  // Adds a response header, sent in call order. PB_E_INVALID: empty or non-token name, CR, LF
  // or NUL in the value, or a header the server owns (Content-Length, Content-Type,
  // Transfer-Encoding, Connection, X-Request-Id, X-Version-Id). PB_E_STATE: already answered.
  int add_header(std::string_view name, std::string_view value);

  // Answers with `status` (200..599), `content_type` sent exactly as given (omitted when
  // empty) and `body` (copied). Responses on a connection go out in request order, whenever
  // they are produced. After PB_OK the request must not be touched again.
  // PB_E_INVALID: status out of range or CR/LF in content_type. PB_E_STATE: already answered.
  int respond(int status, std::string_view content_type, std::string_view body);

  // Answers with Mattermost's AppError JSON (see error_body.h), Content-Type application/json.
  // `detailed` is sent only when the server exposes detailed errors. Same returns as respond.
  int respond_error(int status, std::string_view id, std::string_view message,
                    std::string_view detailed = {});

  bool answered() const { return answered_; }
  // True once the client is gone (the connection closed, reset, failed or timed out: an answer
  // will be accepted and dropped) or has closed its sending side (end of input: the answer is
  // still sent, but the client is taken to have given up, as Go's net/http takes it).
  bool peer_gone() const;

  // ---- local requests (no connection) ------------------------------------------------------
  //
  // A request the host makes to itself (server::App::call_local, the operator CLI): it has no
  // connection, no headers and no remote address. Whoever calls begin_local owns the object and
  // must keep it alive until on_answer has run; on_answer runs exactly once, from inside
  // respond() (so possibly before begin_local's caller regains control, and always on the loop
  // thread), with the answered request, whose response_status() and response_body() are then
  // valid. The host may still read the object after respond() returns (the handler's stack is
  // still on it), so on_answer must not destroy it: free it later, from another loop callback.
  using LocalAnswerFn = void (*)(void* user, Request& answered);
  // PB_E_INVALID: `method` is not one of GET, HEAD, POST, PUT, PATCH, DELETE, or `target` does
  // not start with '/'. Resets everything else, as a new request on a connection would.
  int begin_local(std::string_view method, std::string_view target, std::string_view body,
                  LocalAnswerFn on_answer, void* user);
  bool local() const { return on_local_answer_ != nullptr; }
  // The answer's status and body (the bytes after the headers; empty for HEAD, 204 and 304).
  // Valid once answered() until the object is reused; 0 and "" before.
  int response_status() const { return response_status_; }
  std::string_view response_body() const;

 private:
  friend class Connection;
  friend class RequestParser;

  struct HeaderSlot {
    uint32_t name_off, name_len, value_off, value_len;
  };

  // Clears everything for a new request, keeping buffer capacity, and draws a new id.
  void begin();
  void build_response(int status, std::string_view content_type, std::string_view body);
  bool closes_connection() const;

  // Arrived.
  std::string_view method_;
  std::string target_;
  std::string header_bytes_;  // names and values back to back; HeaderSlot indexes into it
  std::vector<HeaderSlot> headers_;
  std::string body_;
  char request_id_[26] = {};
  int http_minor_ = 1;
  bool keep_alive_ = true;
  bool expects_continue_ = false;

  // Host.
  Params params_;  // the first params_used_ are this message's
  size_t params_used_ = 0;
  std::string user_id_, session_id_, roles_;

  // Answer.
  std::string extra_headers_;  // "Name: value\r\n" lines from add_header
  std::string response_;       // the whole serialized response
  size_t response_body_at_ = 0;  // where the body starts in response_
  int response_status_ = 0;
  bool answered_ = false;

  // Local requests (begin_local): who gets the answer instead of a connection.
  LocalAnswerFn on_local_answer_ = nullptr;
  void* local_user_ = nullptr;

  // Server bookkeeping.
  Connection* conn_ = nullptr;           // null when used without a connection (parser tests)
  const ServerContext* ctx_ = nullptr;   // version id, detailed-error switch
  bool dispatched_ = false;              // handed to the host, answer outstanding
  bool close_after_ = false;             // the connection closes after this response
  bool continue_sent_ = false;           // the interim 100 Continue went out
};

}  // namespace pb::http
