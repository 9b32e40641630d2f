// CallbackReceiver: the outgoing webhook's callback endpoint, on loopback, on a thread and libuv
// loop of its own (so receiving thousands of callbacks a second never queues behind the poster,
// and the receive time is taken when the request is complete, not when another thread gets to
// it). It is the core's own HTTP server (pb::http::Server) answering every request with 200 and
// an empty body; a body whose text is "<word> <n>" (delivery_sequence.h) records the receive
// time of post n.
//
// Threading: start() and stop() on one (the owner's) thread; received() from any thread; the
// receive times only after stop() (which joins the thread, so they are then safe to read).
// Errors: start() returns the bind error; nothing after that fails.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "bench/outgoing/sample_array.h"
#include "core/util/result.h"

namespace pb::http {
class Server;
}

namespace pb::bench {

class CallbackReceiver {
 public:
  // Listens on 127.0.0.1:`port` (0: any free port) and records posts 0 .. capacity - 1.
  static Result<std::unique_ptr<CallbackReceiver>> start(uint16_t port, std::string word,
                                                         size_t capacity);
  ~CallbackReceiver();  // stop()s
  CallbackReceiver(const CallbackReceiver&) = delete;
  CallbackReceiver& operator=(const CallbackReceiver&) = delete;

  uint16_t port() const { return port_; }
  // Deliveries matched to a post so far (the first of each post; any thread).
  uint64_t received() const { return received_.load(std::memory_order_relaxed); }

  // Closes the server and its connections, joins the thread. Idempotent.
  void stop();

  // After stop(): [n] is when post n's delivery arrived (uv_hrtime ns; 0: never).
  const SampleArray& receive_times() const { return receive_ns_; }
  uint64_t duplicates() const { return duplicates_; }  // a post delivered more than once
  uint64_t unmatched() const { return unmatched_; }    // requests that named no post of the run
  uint64_t requests() const { return requests_; }
  uint64_t connections() const { return connections_; }  // most open at once
  // The receiver thread's id (for /proc/self/task/TID), from start() on.
  pid_t thread_id() const { return thread_id_; }
  // CPU time of the receiver's thread (user + system), ns.
  uint64_t thread_cpu_ns() const { return thread_cpu_ns_; }

 private:
  CallbackReceiver(std::string word, size_t capacity);
  void run(std::atomic<int>* started);
  static void on_stop(uv_async_t* async);

  std::string word_;
  SampleArray receive_ns_;
  std::atomic<uint64_t> received_{0};
  uint16_t port_ = 0;
  pid_t thread_id_ = 0;
  std::string start_error_;
  uv_loop_t loop_{};
  uv_async_t stop_async_{};
  std::unique_ptr<http::Server> server_;  // the receiver thread's; reset by on_stop()
  std::thread thread_;
  // Written by the receiver's thread, read after the join.
  uint64_t duplicates_ = 0, unmatched_ = 0, requests_ = 0, connections_ = 0, thread_cpu_ns_ = 0;
};

}  // namespace pb::bench
