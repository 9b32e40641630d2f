// Poster: the load half of the outgoing-webhook benchmark. `POST /api/v4/posts` with the text
// "<word> <n>" (n = 0, 1, 2, ... the post's sequence number in the run) over at most
// `connections` keep-alive connections to patchbay on 127.0.0.1, one request in flight per
// connection (no pipelining: what HTTP clients do).
//
// Two ways to load:
//   - open loop (rate > 0): post n is due at start + n / rate (OpenLoopSchedule) and issued
//     then, whatever the earlier posts are doing; when every connection is busy it waits in a
//     FIFO for the first free one. With more than `max_backlog` posts waiting the rate is not
//     sustainable: issuing stops there (aborted_after_ns() says when) rather than queue for
//     minutes.
//   - closed loop (rate == 0): every connection posts back to back until the duration is over.
// Every post's times are kept (PostTimes): due, issued (the issuer got to it: due + the
// issuer's own lag), sent (written to a connection: issued + the wait for a free one) and
// acknowledged (the 201 read). Latencies are taken from `due`, so nothing is hidden by the
// issuer or the connection limit (no coordinated omission). The issuer runs off a 1 ms timer
// and also whenever a response frees a connection.
//
// Threading: the loop's thread only. Lifetime: create -> start(done) -> done runs (on the loop)
// when every issued post is answered or failed -> close() -> run the loop until its handles are
// closed -> destroy. Errors: a connection that fails fails its post (counted, never retried)
// and is replaced by a new one.
#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/outgoing/open_loop_schedule.h"
#include "bench/outgoing/sample_array.h"
#include "core/util/result.h"

namespace pb::bench {

struct PosterOptions {
  uint16_t port = 0;          // patchbay's, on 127.0.0.1
  std::string token;          // a session token (Authorization: Bearer)
  std::string channel_id;
  std::string word = "go";    // the hook's trigger word
  size_t connections = 32;
  double rate = 0;            // posts/s; 0: closed loop
  double duration_s = 10;
  size_t max_backlog = 10000;
  size_t capacity = 0;        // most posts the run may make (the arrays' size)
};

// Per post n (uv_hrtime ns; 0: did not happen).
struct PostTimes {
  explicit PostTimes(size_t capacity) : due(capacity), issued(capacity), sent(capacity), acked(capacity) {}
  SampleArray due, issued, sent, acked;
};

class Poster {
 public:
  // PB_E_INVALID: no connections, no capacity, a negative rate, a token or channel id with
  // characters that do not belong in a header or a JSON string.
  static Result<std::unique_ptr<Poster>> create(uv_loop_t* loop, PosterOptions options);
  ~Poster();
  Poster(const Poster&) = delete;
  Poster& operator=(const Poster&) = delete;

  // Connects and starts posting (the schedule starts once every connection is up). `done` runs
  // once, on the loop thread.
  void start(std::function<void()> done);
  // Stops the timer and closes every connection (after done).
  void close();

  const PostTimes& times() const { return times_; }
  uint64_t issued() const { return next_; }  // posts 0 .. issued() - 1 were issued
  uint64_t acknowledged() const { return acked_; }
  uint64_t failed() const { return failed_; }
  uint64_t started_ns() const { return started_ns_; }  // the schedule's start
  uint64_t last_ack_ns() const { return last_ack_ns_; }
  uint64_t aborted_after_ns() const { return aborted_after_ns_; }  // 0: not aborted
  uint64_t connections_opened() const { return connections_opened_; }
  // Posts that found every connection busy and waited in the FIFO for one.
  uint64_t waited_for_connection() const { return waited_; }
  // "status 500: 3, connection errors: 2", or "" when nothing failed.
  std::string failure_summary() const;

  struct Connection;

 private:
  Poster(uv_loop_t* loop, PosterOptions options);

  void open_connection();
  static void on_connected(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_written(uv_write_t* req, int status);
  static void on_tick(uv_timer_t* timer);

  void connect_attempt_over(bool connected);
  void begin_schedule();
  void issue_due();
  void send(Connection* c, uint64_t n);
  void answered(Connection* c, int status);
  void connection_failed(Connection* c, const char* what);
  void give_work(Connection* c);
  void discard(Connection* c);
  void replace(Connection* c);
  void check_done();

  uv_loop_t* loop_;
  PosterOptions options_;
  PostTimes times_;
  std::string head_prefix_;  // the request's headers up to the Content-Length value
  std::string body_prefix_;  // {"channel_id":"…","message":"<word> 
  uv_timer_t timer_{};
  std::function<void()> done_;
  bool done_called_ = false;

  std::vector<Connection*> connections_;  // open or connecting
  std::vector<Connection*> idle_;         // connected, nothing in flight
  std::deque<uint64_t> waiting_;          // open loop: issued, waiting for a free connection
  size_t connected_ = 0;               // of the first `connections` attempts
  size_t connect_attempts_done_ = 0;   // of the first `connections` attempts, either way
  bool schedule_started_ = false;
  std::optional<OpenLoopSchedule> schedule_;
  uint64_t total_ = 0;         // open loop: posts in the run (lowered when aborted)
  uint64_t end_ns_ = 0;        // closed loop: no post starts after this
  bool issuing_over_ = false;

  uint64_t next_ = 0, acked_ = 0, failed_ = 0, answered_ = 0, waited_ = 0;
  uint64_t started_ns_ = 0, last_ack_ns_ = 0, aborted_after_ns_ = 0;
  uint64_t connections_opened_ = 0, connection_errors_ = 0;
  std::map<int, uint64_t> failed_statuses_;
};

}  // namespace pb::bench
