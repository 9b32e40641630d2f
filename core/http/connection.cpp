#include "core/http/connection.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include "core/http/request.h"
#include "core/http/server.h"

namespace pb::http {
namespace {

// Big enough for a typical request and a fair slice of a body per read; the parser copies what
// it keeps, so the buffer is reused from the start after every read.
constexpr size_t kReadBufferSize = 16 * 1024;

char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

Connection* self_of(uv_handle_t* h) { return static_cast<Connection*>(h->data); }

}  // namespace

Connection::Connection(std::shared_ptr<ServerContext> ctx)
    : ctx_(std::move(ctx)),
      limits_(ctx_->limits),
      parser_(ctx_->limits),
      buf_(new char[kReadBufferSize]) {
  queue_.reserve(limits_.max_pipelined + 1);
  bufs_.reserve(limits_.max_pipelined + 2);
}

Connection* Connection::accept(uv_stream_t* listener, std::shared_ptr<ServerContext> ctx) {
  auto* c = new Connection(std::move(ctx));
  uv_tcp_init(listener->loop, &c->tcp_);
  uv_timer_init(listener->loop, &c->timer_);
  c->tcp_.data = c;
  c->timer_.data = c;
  c->open_handles_ = 2;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp_)) != 0) {
    c->close_now();
    return c;
  }
  uv_tcp_nodelay(&c->tcp_, 1);
  c->read_peer_address();
  c->last_input_ms_ = uv_now(listener->loop);
  c->update_reading();
  c->update_timer();
  return c;
}

Request* Connection::acquire() {
  if (free_.empty()) {
    pool_.push_back(std::make_unique<Request>());
    Request* r = pool_.back().get();
    r->conn_ = this;
    r->ctx_ = ctx_.get();
    return r;
  }
  Request* r = free_.back();
  free_.pop_back();
  return r;
}

void Connection::release(Request* request) { free_.push_back(request); }

void Connection::read_peer_address() {
  sockaddr_storage peer{};
  int len = sizeof peer;
  if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return;
  int rc = UV_EINVAL;
  if (peer.ss_family == AF_INET) {
    rc = uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&peer), remote_addr_,
                     sizeof remote_addr_);
  } else if (peer.ss_family == AF_INET6) {
    rc = uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&peer), remote_addr_,
                     sizeof remote_addr_);
  }
  remote_addr_len_ = rc == 0 ? static_cast<uint8_t>(strnlen(remote_addr_, sizeof remote_addr_)) : 0;
}

// ---- reading -----------------------------------------------------------------------------

void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  Connection* c = self_of(handle);
  if (c->buf_begin_ == c->buf_end_) c->buf_begin_ = c->buf_end_ = 0;
  if (c->buf_end_ == kReadBufferSize && c->buf_begin_ > 0) {
    std::copy(c->buf_.get() + c->buf_begin_, c->buf_.get() + c->buf_end_, c->buf_.get());
    c->buf_end_ -= c->buf_begin_;
    c->buf_begin_ = 0;
  }
  *buf = uv_buf_init(c->buf_.get() + c->buf_end_,
                     static_cast<unsigned>(kReadBufferSize - c->buf_end_));
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
  Connection* c = self_of(reinterpret_cast<uv_handle_t*>(stream));
  if (nread > 0) {
    if (c->lingering_) return;  // discarding what the client still sends before we close
    c->last_input_ms_ = uv_now(c->tcp_.loop);
    c->buf_end_ += static_cast<size_t>(nread);
    c->process_input();
    return;
  }
  if (nread == 0) return;
  if (nread == UV_ENOBUFS) {  // buffer full while we cannot parse: wait for room
    uv_read_stop(stream);
    c->reading_ = false;
    return;
  }
  if (nread == UV_EOF && !c->lingering_) {
    // The client finished sending (maybe only half-closed): answer what it asked, then close.
    // A partial request is dropped: it can never complete.
    c->peer_eof_ = true;
    c->stop_parsing_ = true;
    c->update_reading();
    c->update_timer();
    c->finish_if_done();
    return;
  }
  c->close_now();
}

void Connection::update_reading() {
  bool want = !closing_ && (lingering_ || (!stop_parsing_ && !peer_eof_ &&
                                           queue_.size() < limits_.max_pipelined));
  if (want == reading_) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (want) {
    reading_ = uv_read_start(stream, &Connection::on_alloc, &Connection::on_read) == 0;
  } else {
    uv_read_stop(stream);
    reading_ = false;
  }
}

void Connection::process_input() {
  if (closing_ || lingering_) return;
  in_process_ = true;
  for (;;) {
    while (!stop_parsing_ && buf_begin_ < buf_end_ && queue_.size() < limits_.max_pipelined) {
      if (current_ == nullptr) current_ = acquire();
      RequestParser::Step step = parser_.feed(
          std::string_view(buf_.get() + buf_begin_, buf_end_ - buf_begin_), *current_);
      buf_begin_ += step.consumed;
      if (step.outcome == RequestParser::Outcome::kNeedMore) break;
      if (step.outcome == RequestParser::Outcome::kError) {
        const ParseError& e = parser_.error();
        refuse(e.status, e.id, e.message, e.detail);
        break;
      }
      Request* r = current_;
      current_ = nullptr;
      ++completed_;
      queue_.push_back(r);
      if (!r->keep_alive_ || parser_.upgrade() || draining_) {
        r->close_after_ = true;
        stop_parsing_ = true;
      }
      dispatch(*r);
    }
    // Everything answered so far goes out in one write. When it completes at once and frees
    // room in a full queue, parse what waited in the buffer.
    bool was_full = queue_.size() >= limits_.max_pipelined;
    flush();
    bool more = was_full && queue_.size() < limits_.max_pipelined && !stop_parsing_ &&
                !closing_ && !lingering_ && buf_begin_ < buf_end_;
    if (!more) break;
  }
  in_process_ = false;
  update_reading();
  update_timer();
}

void Connection::dispatch(Request& r) {
  r.dispatched_ = true;
  ++outstanding_;
  try {
    ctx_->dispatch(r);
  } catch (const std::exception&) {
    // Answered or not, `r` is still ours here: it is only recycled after being written.
    if (!r.answered_) r.respond_error(500, "api.http.internal.app_error", "Internal server error.");
  } catch (...) {
    if (!r.answered_) r.respond_error(500, "api.http.internal.app_error", "Internal server error.");
  }
}

void Connection::refuse(int status, std::string_view id, std::string_view message,
                        std::string_view detail) {
  Request* r = current_ != nullptr ? current_ : acquire();
  current_ = nullptr;
  // An error before the first byte of a request was parsed leaves the object not begun.
  if (parser_.phase() == RequestParser::Phase::kIdle) r->begin();
  r->close_after_ = true;
  stop_parsing_ = true;
  queue_.push_back(r);
  bool was_in_process = in_process_;
  in_process_ = true;  // defer the flush to our caller
  r->respond_error(status, id, message, detail);
  in_process_ = was_in_process;
}

// ---- answering and writing ------------------------------------------------------------------

bool Connection::closes_after(const Request& r) const {
  if (r.close_after_ || !r.keep_alive_) return true;
  // Draining or half-closed: the last queued request is the last one this connection serves.
  return stop_parsing_ && (draining_ || peer_eof_) && !queue_.empty() && queue_.back() == &r;
}

void Connection::on_answered(Request& r) {
  if (r.dispatched_) {
    r.dispatched_ = false;
    --outstanding_;
  }
  if (closing_) {
    // Nobody to send it to: drop the answer.
    auto it = std::find(queue_.begin(), queue_.end(), &r);
    if (it != queue_.end()) {
      queue_.erase(it);
      release(&r);
    }
    maybe_delete();  // may free this connection (and `r`)
    return;
  }
  if (!in_process_) {
    flush();
    update_timer();
  }
}

void Connection::flush() {
  if (write_in_flight_ || closing_ || lingering_) return;
  bufs_.clear();
  size_t n = 0;
  bool closes = false;
  while (n < queue_.size() && queue_[n]->answered_) {
    Request* r = queue_[n++];
    bufs_.push_back(uv_buf_init(r->response_.data(), static_cast<unsigned>(r->response_.size())));
    if (r->close_after_) {
      closes = true;
      break;
    }
  }
  // The interim 100 goes out once every earlier response has, so the client sends the body.
  if (!closes && n == queue_.size() && current_ != nullptr && current_->expects_continue_ &&
      !current_->continue_sent_ && !stop_parsing_ &&
      parser_.phase() == RequestParser::Phase::kBody) {
    bufs_.push_back(uv_buf_init(kContinue, sizeof kContinue - 1));
    current_->continue_sent_ = true;
  }
  if (bufs_.empty()) {
    finish_if_done();
    return;
  }
  writing_ = n;
  // Most responses fit the socket buffer: uv_try_write sends them without a write request,
  // which also spares libuv an epoll_ctl per response.
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  int written = uv_try_write(stream, bufs_.data(), static_cast<unsigned>(bufs_.size()));
  if (written == UV_EAGAIN) written = 0;
  if (written < 0) {
    writing_ = 0;
    close_now();
    return;
  }
  size_t skip = static_cast<size_t>(written);
  size_t first = 0;
  while (first < bufs_.size() && skip >= bufs_[first].len) skip -= bufs_[first++].len;
  if (first == bufs_.size()) {
    write_complete(0);
    return;
  }
  bufs_[first].base += skip;
  bufs_[first].len -= skip;
  write_in_flight_ = true;
  write_req_.data = this;
  int rc = uv_write(&write_req_, stream, bufs_.data() + first,
                    static_cast<unsigned>(bufs_.size() - first), &Connection::on_write);
  if (rc != 0) {
    write_in_flight_ = false;
    writing_ = 0;
    close_now();
  }
}

void Connection::on_write(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  c->write_in_flight_ = false;
  c->write_complete(status);
}

void Connection::write_complete(int status) {
  bool closes = false;
  for (size_t i = 0; i < writing_; ++i) {
    closes = queue_[i]->close_after_;
    release(queue_[i]);
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(writing_));
  writing_ = 0;
  if (closing_) return;
  if (status < 0) {
    close_now();
    return;
  }
  if (closes) {
    start_linger();
    return;
  }
  // Room in the queue again: parse what waited, read, write more. Inside process_input its
  // own loop does this.
  if (!in_process_) process_input();
}

void Connection::finish_if_done() {
  if (closing_ || lingering_ || write_in_flight_ || !queue_.empty()) return;
  if (peer_eof_ || (draining_ && stop_parsing_)) close_now();
}

// ---- closing --------------------------------------------------------------------------------

void Connection::start_linger() {
  // Send FIN, then keep reading (and discarding) for a while: closing with unread input makes
  // the kernel send RST, which can destroy the response before the client reads it.
  lingering_ = true;
  stop_parsing_ = true;
  shutdown_req_.data = this;
  if (uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&tcp_),
                  &Connection::on_shutdown) != 0) {
    close_now();
  }
}

void Connection::on_shutdown(uv_shutdown_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  if (c->closing_) return;
  if (status < 0 || c->peer_eof_) {
    c->close_now();
    return;
  }
  c->update_reading();
  c->timer_kind_ = TimerKind::kLinger;
  uv_timer_start(&c->timer_, &Connection::on_timer, c->limits_.linger_ms, 0);
}

void Connection::begin_drain() {
  draining_ = true;
  if (parser_.phase() == RequestParser::Phase::kIdle) stop_parsing_ = true;
  update_reading();
  update_timer();
  finish_if_done();
}

void Connection::close_now() {
  if (closing_) return;
  closing_ = true;
  stop_parsing_ = true;
  reading_ = false;
  uv_timer_stop(&timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::on_close);
}

void Connection::on_close(uv_handle_t* handle) {
  Connection* c = self_of(handle);
  if (--c->open_handles_ > 0) return;
  c->handles_closed_ = true;
  if (c->ctx_->server != nullptr) c->ctx_->server->connection_closed(c);
  // Answers already made can go; dispatched requests wait for the host's answer.
  auto keep = std::remove_if(c->queue_.begin(), c->queue_.end(), [c](Request* r) {
    if (r->dispatched_) return false;
    c->release(r);
    return true;
  });
  c->queue_.erase(keep, c->queue_.end());
  if (c->current_ != nullptr) {
    c->release(c->current_);
    c->current_ = nullptr;
  }
  if (!c->queue_.empty()) {  // dispatched requests wait for their handlers: an orphan till then
    c->prev = nullptr;
    c->next = c->ctx_->orphans;
    if (c->next != nullptr) c->next->prev = c;
    c->ctx_->orphans = c;
    c->orphaned_ = true;
  }
  c->maybe_delete();
}

void Connection::maybe_delete() {
  if (!handles_closed_ || !queue_.empty()) return;
  if (orphaned_) {
    if (prev != nullptr) prev->next = next;
    if (next != nullptr) next->prev = prev;
    if (ctx_->orphans == this) ctx_->orphans = next;
  }
  delete this;
}

void Connection::answer_outstanding(int status, std::string_view id, std::string_view message) {
  // Each answer is dropped (closing_) and its request released; the last one frees this
  // connection, so nothing here touches `this` after it.
  std::vector<Request*> waiting = queue_;
  for (Request* r : waiting) r->respond_error(status, id, message);
}

// ---- timers -------------------------------------------------------------------------------

void Connection::update_timer() {
  if (closing_ || lingering_) return;
  TimerKind want = TimerKind::kNone;
  uint64_t timeout = 0;
  RequestParser::Phase phase = parser_.phase();
  if (!stop_parsing_ && phase == RequestParser::Phase::kHeaders) {
    want = TimerKind::kHeaders;
    timeout = limits_.header_timeout_ms;
  } else if (!stop_parsing_ && phase == RequestParser::Phase::kBody) {
    want = TimerKind::kBody;
    timeout = limits_.body_timeout_ms;
  } else if (!stop_parsing_) {
    // Between requests, busy or not: the idle timer stays armed while a request is answered
    // (stopping and restarting it for every request cost two timer-heap updates, ~1.5% of the
    // loop under load) and tells busy from idle when it fires.
    want = TimerKind::kIdle;
    timeout = limits_.idle_timeout_ms;
  }
  const bool idle = want == TimerKind::kIdle && queue_.empty() && !write_in_flight_;
  if (idle && !idle_) idle_since_ms_ = uv_now(tcp_.loop);
  idle_ = idle;
  // A running deadline is kept while the state lasts: trickling bytes do not extend it.
  bool same_request = want == TimerKind::kIdle || timer_request_ == completed_;
  if (want == timer_kind_ && same_request) return;
  timer_kind_ = want;
  timer_request_ = completed_;
  if (want == TimerKind::kNone) {
    uv_timer_stop(&timer_);
  } else {
    uv_timer_start(&timer_, &Connection::on_timer, timeout, 0);
  }
}

void Connection::on_timer(uv_timer_t* timer) {
  Connection* c = self_of(reinterpret_cast<uv_handle_t*>(timer));
  TimerKind kind = c->timer_kind_;
  c->timer_kind_ = TimerKind::kNone;
  if (kind == TimerKind::kHeaders || kind == TimerKind::kBody) {
    // Too slow (slowloris): answer 408 in order, then close.
    c->in_process_ = true;
    c->refuse(408, "api.http.request_timeout.app_error", "The request took too long.",
              kind == TimerKind::kHeaders ? "headers not complete in time" : "body not complete in time");
    c->in_process_ = false;
    c->update_reading();
    c->flush();
    return;
  }
  if (kind == TimerKind::kIdle) {
    // The idle timer is not restarted for every request (that would cost timer heap updates per
    // request); instead, when it fires, it checks whether the connection is idle and since when:
    // it closes idle_timeout_ms after the later of the last input and the moment it became idle,
    // and never while a request is being answered or written.
    const uint64_t now = uv_now(c->tcp_.loop);
    const uint64_t timeout = c->limits_.idle_timeout_ms;
    const bool busy = !c->queue_.empty() || c->write_in_flight_;
    if (!busy && !c->idle_) {  // became idle without update_timer noticing yet: from now
      c->idle_ = true;
      c->idle_since_ms_ = now;
    }
    const uint64_t idle_for = busy ? 0 : now - std::max(c->last_input_ms_, c->idle_since_ms_);
    if (idle_for < timeout) {
      c->timer_kind_ = TimerKind::kIdle;
      uv_timer_start(&c->timer_, &Connection::on_timer, timeout - idle_for, 0);
      return;
    }
  }
  c->close_now();  // idle keep-alive, or the linger after a closing response
}

}  // namespace pb::http
