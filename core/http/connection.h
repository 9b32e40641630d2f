// Internal to pb::http: one accepted TCP connection. It reads bytes into a reused buffer, feeds
// them to its RequestParser, hands complete requests to the host's dispatch function, and writes
// the answers back strictly in request order (several ready answers in one uv_write).
//
// Lifetime: created by Server on accept, freed by itself once both of its libuv handles are
// closed AND every request it dispatched has been answered (an answer to a request whose client
// is gone is accepted and dropped). So it may outlive the Server; it then only touches the
// shared ServerContext, whose `server` pointer is null.
//
// Threading: loop thread only.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/http/request_parser.h"
#include "core/http/server_context.h"

namespace pb::http {

class Request;

class Connection {
 public:
  // Accepts the pending connection on `listener`. The returned connection is reading; it may
  // already be closing (accept failed), in which case it frees itself. Never null.
  static Connection* accept(uv_stream_t* listener, std::shared_ptr<ServerContext> ctx);

  // Stops taking new requests; in-flight ones are answered and flushed, then it closes.
  void begin_drain();
  // Closes the socket now. Requests still awaiting answers stay valid until answered.
  void close_now();

  // Called by Request.
  void on_answered(Request& request);
  bool closes_after(const Request& request) const;
  bool dead() const { return closing_; }
  // The client is gone or has finished sending (end of input): what a request's peer_gone()
  // reports. Requests already read are still answered (a half-close), but nobody is taken to
  // wait for slow work any more, as Go's net/http cancels a request's context on EOF.
  bool peer_finished() const { return closing_ || peer_eof_; }
  // The peer's IP address as text ("127.0.0.1", "::1"), no port; "" if it could not be read.
  std::string_view remote_addr() const { return {remote_addr_, remote_addr_len_}; }

  // Answers every dispatched request of a closed connection (nobody receives it) so that the
  // connection is freed; the owner of a request must never touch it again. May delete this.
  // For Server::answer_orphans(), once nothing can answer them any more.
  void answer_outstanding(int status, std::string_view id, std::string_view message);

  // The Server's intrusive list of open connections; once closed with requests still
  // dispatched, the context's list of orphans.
  Connection* prev = nullptr;
  Connection* next = nullptr;

 private:
  enum class TimerKind { kNone, kIdle, kHeaders, kBody, kLinger };

  explicit Connection(std::shared_ptr<ServerContext> ctx);
  ~Connection() = default;

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_timer(uv_timer_t* timer);
  static void on_close(uv_handle_t* handle);

  void process_input();
  void dispatch(Request& request);
  void refuse(int status, std::string_view id, std::string_view message, std::string_view detail);
  void flush();
  void write_complete(int status);
  void finish_if_done();
  void start_linger();
  void update_reading();
  void update_timer();
  void maybe_delete();
  void read_peer_address();
  Request* acquire();
  void release(Request* request);

  std::shared_ptr<ServerContext> ctx_;
  const Limits& limits_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_write_t write_req_;
  uv_shutdown_t shutdown_req_;
  int open_handles_ = 0;
  // Read once at accept (rate-limit keys, logs); INET6_ADDRSTRLEN is 46 with the NUL.
  char remote_addr_[46] = {};
  uint8_t remote_addr_len_ = 0;

  RequestParser parser_;
  std::unique_ptr<char[]> buf_;
  size_t buf_begin_ = 0;  // unparsed input is buf_[buf_begin_, buf_end_)
  size_t buf_end_ = 0;

  std::vector<std::unique_ptr<Request>> pool_;  // owns every Request of this connection
  std::vector<Request*> free_;
  std::vector<Request*> queue_;  // complete or refused requests, request order, until written
  Request* current_ = nullptr;   // receives the request being parsed
  std::vector<uv_buf_t> bufs_;   // the write in flight
  size_t writing_ = 0;           // queue_ entries covered by the write in flight
  size_t outstanding_ = 0;       // dispatched, not yet answered
  uint64_t completed_ = 0;       // requests completed; tells the timer a new one began
  uint64_t last_input_ms_ = 0;   // loop time of the last bytes received (idle timeout)
  uint64_t idle_since_ms_ = 0;   // loop time when the connection last became idle
  bool idle_ = false;            // nothing queued or being written, between requests

  TimerKind timer_kind_ = TimerKind::kNone;
  uint64_t timer_request_ = 0;   // completed_ when the header/body timer was armed
  bool reading_ = false;
  bool write_in_flight_ = false;
  bool stop_parsing_ = false;    // no further request will be parsed on this connection
  bool draining_ = false;
  bool peer_eof_ = false;
  bool lingering_ = false;
  bool closing_ = false;         // uv_close called
  bool handles_closed_ = false;  // both close callbacks ran
  bool orphaned_ = false;        // in ctx_->orphans: closed, answers outstanding
  bool in_process_ = false;      // inside process_input: answers are flushed at its end
};

}  // namespace pb::http
