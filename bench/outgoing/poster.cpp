#include "bench/outgoing/poster.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "core/http_client/response_parser.h"
#include "patchbay/plugin.h"

namespace pb::bench {

struct Poster::Connection {
  Poster* owner = nullptr;
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  uv_write_t write{};
  http_client::ResponseParser parser;
  std::string request;  // the bytes of the request in flight (alive until on_written)
  char read_buffer[16 * 1024];
  uint64_t post = 0;           // in flight when busy
  bool busy = false;           // a request is in flight
  bool writing = false;        // uv_write pending: `request` and `write` are in use
  bool answered_while_writing = false;  // its response came before the write callback
  bool keep_alive = true;      // the last response allows another request
  bool closing = false;
};

namespace {

constexpr size_t kMaxResponseBody = 1 << 20;

bool plain_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace

Result<std::unique_ptr<Poster>> Poster::create(uv_loop_t* loop, PosterOptions options) {
  if (options.connections == 0 || options.capacity == 0 || options.rate < 0 || options.duration_s <= 0)
    return make_error(PB_E_INVALID, "poster: connections, capacity and duration must be > 0, rate >= 0");
  if (!plain_token(options.token) || !plain_token(options.channel_id) || !plain_token(options.word))
    return make_error(PB_E_INVALID, "poster: token, channel id and word must be [A-Za-z0-9_-]+");
  return std::unique_ptr<Poster>(new Poster(loop, std::move(options)));
}

Poster::Poster(uv_loop_t* loop, PosterOptions options)
    : loop_(loop), options_(std::move(options)), times_(options_.capacity) {
  head_prefix_ = fmt::format(
      "POST /api/v4/posts HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n"
      "Content-Type: application/json\r\nContent-Length: ",
      options_.port, options_.token);
  body_prefix_ = fmt::format(R"({{"channel_id":"{}","message":"{} )", options_.channel_id, options_.word);
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
}

Poster::~Poster() {
  // close() ran and the loop closed the handles: only the Connection objects' memory is left
  // to the close callbacks, which own it.
}

void Poster::start(std::function<void()> done) {
  done_ = std::move(done);
  for (size_t i = 0; i < options_.connections; ++i) open_connection();
}

void Poster::close() {
  uv_timer_stop(&timer_);
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&timer_)))
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  for (Connection* c : std::vector<Connection*>(connections_)) discard(c);
}

std::string Poster::failure_summary() const {
  std::string out;
  for (const auto& [status, count] : failed_statuses_)
    out += fmt::format("{}status {}: {}", out.empty() ? "" : ", ", status, count);
  if (connection_errors_ > 0)
    out += fmt::format("{}connection errors: {}", out.empty() ? "" : ", ", connection_errors_);
  return out;
}

// ---- connections ---------------------------------------------------------------------------

void Poster::open_connection() {
  auto* c = new Connection;
  c->owner = this;
  uv_tcp_init(loop_, &c->tcp);
  c->tcp.data = c;
  c->connect.data = c;
  c->write.data = c;
  connections_.push_back(c);
  ++connections_opened_;
  uv_tcp_nodelay(&c->tcp, 1);
  sockaddr_in address{};
  uv_ip4_addr("127.0.0.1", options_.port, &address);
  int rc = uv_tcp_connect(&c->connect, &c->tcp, reinterpret_cast<const sockaddr*>(&address), &on_connected);
  if (rc != 0) {
    ++connection_errors_;
    fmt::print(stderr, "connect: {}\n", uv_strerror(rc));
    discard(c);
    connect_attempt_over(false);
  }
}

// The schedule starts once each of the first `connections` attempts is over, with the
// connections that came up (none: the run ends at once). Replacements later do not count.
void Poster::connect_attempt_over(bool connected) {
  if (schedule_started_) {
    check_done();
    return;
  }
  if (connected) ++connected_;
  if (++connect_attempts_done_ < options_.connections) return;
  begin_schedule();
  if (connected_ == 0) issuing_over_ = true;
  check_done();
}

void Poster::on_connected(uv_connect_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  Poster* self = c->owner;
  if (c->closing) return;
  if (status != 0) {
    ++self->connection_errors_;
    fmt::print(stderr, "connect: {}\n", uv_strerror(status));
    self->discard(c);
    self->connect_attempt_over(false);
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), &on_alloc, &on_read);
  self->connect_attempt_over(true);
  self->give_work(c);
}

void Poster::discard(Connection* c) {
  if (c->closing) return;
  c->closing = true;
  std::erase(connections_, c);
  std::erase(idle_, c);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp),
           [](uv_handle_t* h) { delete static_cast<Connection*>(h->data); });
}

void Poster::connection_failed(Connection* c, const char* what) {
  if (++connection_errors_ <= 5) fmt::print(stderr, "connection to patchbay failed: {}\n", what);
  if (c->busy) {
    c->busy = false;
    ++failed_;
    ++answered_;
  }
  replace(c);
}

// A connection that cannot carry another request is closed; a new one takes its place while
// posts are still to be sent (waiting ones included).
void Poster::replace(Connection* c) {
  discard(c);
  if (!issuing_over_ || !waiting_.empty()) open_connection();
  check_done();
}

// ---- the schedule --------------------------------------------------------------------------

void Poster::begin_schedule() {
  schedule_started_ = true;
  started_ns_ = uv_hrtime();
  if (options_.rate > 0) {
    total_ = std::min<uint64_t>(options_.capacity,
                                static_cast<uint64_t>(options_.rate * options_.duration_s + 0.5));
    schedule_.emplace(started_ns_, options_.rate, total_);
    uv_timer_start(&timer_, &on_tick, 1, 1);
  } else {
    end_ns_ = started_ns_ + static_cast<uint64_t>(options_.duration_s * 1e9);
    // Ends the run when the duration is over even if no response ever comes back.
    uv_timer_start(&timer_, &on_tick, static_cast<uint64_t>(options_.duration_s * 1000) + 1, 0);
    // Every connection that came up waits in idle_: all of them start posting now.
    std::vector<Connection*> ready;
    ready.swap(idle_);
    for (Connection* c : ready) give_work(c);
  }
}

void Poster::on_tick(uv_timer_t* timer) {
  auto* self = static_cast<Poster*>(timer->data);
  if (self->schedule_) {
    self->issue_due();
  } else {
    self->issuing_over_ = true;
    self->check_done();
  }
}

void Poster::issue_due() {
  if (issuing_over_ || !schedule_) return;
  const uint64_t now = uv_hrtime();
  const uint64_t due = schedule_->due_by(now);
  for (; next_ < due; ++next_) {
    times_.due[next_] = schedule_->due_ns(next_);
    times_.issued[next_] = now;
    if (!idle_.empty()) {
      Connection* c = idle_.back();
      idle_.pop_back();
      send(c, next_);
    } else {
      waiting_.push_back(next_);
      ++waited_;
    }
  }
  if (waiting_.size() > options_.max_backlog) {
    aborted_after_ns_ = now - started_ns_;
    total_ = next_;
  }
  if (next_ >= total_) {
    issuing_over_ = true;
    uv_timer_stop(&timer_);
    check_done();
  }
}

// A connection is free: the oldest waiting post first, then (open loop) whatever fell due, or
// (closed loop) the next post while the duration lasts.
void Poster::give_work(Connection* c) {
  if (c->closing || c->busy) return;
  if (!waiting_.empty()) {
    uint64_t n = waiting_.front();
    waiting_.pop_front();
    send(c, n);
    return;
  }
  if (!schedule_started_ || issuing_over_) {
    idle_.push_back(c);
    check_done();
    return;
  }
  if (schedule_) {
    idle_.push_back(c);
    issue_due();
    return;
  }
  const uint64_t now = uv_hrtime();
  if (now >= end_ns_ || next_ >= options_.capacity) {
    issuing_over_ = true;
    idle_.push_back(c);
    check_done();
    return;
  }
  times_.due[next_] = times_.issued[next_] = now;
  send(c, next_++);
}

void Poster::send(Connection* c, uint64_t n) {
  c->busy = true;
  c->post = n;
  c->writing = true;
  c->answered_while_writing = false;
  c->parser.begin(false, kMaxResponseBody);
  const std::string number = fmt::format_int(n).str();
  const size_t body_size = body_prefix_.size() + number.size() + 2;
  std::string& r = c->request;
  r.clear();
  r += head_prefix_;
  r += fmt::format_int(body_size).c_str();
  r += "\r\n\r\n";
  r += body_prefix_;
  r += number;
  r += "\"}";
  times_.sent[n] = uv_hrtime();
  uv_buf_t buf = uv_buf_init(r.data(), static_cast<unsigned>(r.size()));
  int rc = uv_write(&c->write, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1, &on_written);
  if (rc != 0) {
    c->writing = false;
    connection_failed(c, "write");
  }
}

void Poster::on_written(uv_write_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  c->writing = false;
  if (c->closing) return;
  Poster* self = c->owner;
  if (status != 0) {
    self->connection_failed(c, "write");
    return;
  }
  if (c->answered_while_writing) {
    c->answered_while_writing = false;
    if (!c->keep_alive) {
      self->replace(c);
    } else {
      self->give_work(c);
    }
  }
}

// ---- responses -----------------------------------------------------------------------------

void Poster::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(handle->data);
  *buf = uv_buf_init(c->read_buffer, sizeof c->read_buffer);
}

void Poster::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(stream->data);
  Poster* self = c->owner;
  if (c->closing || nread == 0) return;
  if (nread < 0) {
    self->connection_failed(c, "read");
    return;
  }
  if (!c->busy) {  // bytes nobody asked for
    self->connection_failed(c, "unexpected bytes");
    return;
  }
  auto step = c->parser.feed(std::string_view(buf->base, static_cast<size_t>(nread)));
  switch (step.outcome) {
    case http_client::ResponseParser::Outcome::kNeedMore:
      return;
    case http_client::ResponseParser::Outcome::kComplete:
      self->answered(c, c->parser.status());
      return;
    default:
      self->connection_failed(c, "bad response");
      return;
  }
}

void Poster::answered(Connection* c, int status) {
  const uint64_t now = uv_hrtime();
  c->busy = false;
  ++answered_;
  if (status == 201) {
    times_.acked[c->post] = now;
    last_ack_ns_ = std::max(last_ack_ns_, now);
    ++acked_;
  } else {
    ++failed_;
    ++failed_statuses_[status];
  }
  c->keep_alive = c->parser.keep_alive();
  if (c->writing) {  // on_written continues
    c->answered_while_writing = true;
    return;
  }
  if (!c->keep_alive) {
    replace(c);
    return;
  }
  give_work(c);
}

void Poster::check_done() {
  if (done_called_ || !issuing_over_ || answered_ < next_) return;
  done_called_ = true;
  uv_timer_stop(&timer_);
  if (done_) done_();
}

}  // namespace pb::bench
