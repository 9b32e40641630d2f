#include "bench/outgoing/callback_receiver.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "bench/outgoing/delivery_sequence.h"
#include "core/http/server.h"
#include "patchbay/plugin.h"

namespace pb::bench {

CallbackReceiver::CallbackReceiver(std::string word, size_t capacity)
    : word_(std::move(word)), receive_ns_(capacity) {}

CallbackReceiver::~CallbackReceiver() { stop(); }

Result<std::unique_ptr<CallbackReceiver>> CallbackReceiver::start(uint16_t port, std::string word,
                                                                  size_t capacity) {
  std::unique_ptr<CallbackReceiver> r(new CallbackReceiver(std::move(word), capacity));
  r->port_ = port;
  std::atomic<int> started{0};  // 1: listening, -1: failed (start_error_ says why)
  r->thread_ = std::thread(&CallbackReceiver::run, r.get(), &started);
  started.wait(0);
  if (started.load() < 0) {
    r->thread_.join();
    return make_error(PB_E_IO, "callback server: " + r->start_error_);
  }
  return r;
}

void CallbackReceiver::stop() {
  if (!thread_.joinable()) return;
  uv_async_send(&stop_async_);
  thread_.join();
}

void CallbackReceiver::on_stop(uv_async_t* async) {
  auto* self = static_cast<CallbackReceiver*>(async->data);
  // Closes the listener and every connection; the loop then runs out of handles and returns.
  self->server_.reset();
  uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
}

void CallbackReceiver::run(std::atomic<int>* started) {
  thread_id_ = gettid();
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &stop_async_, &on_stop);
  stop_async_.data = this;

  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.version_id = "bench";
  options.dispatch = [this](http::Request& request) {
    const uint64_t now = uv_hrtime();
    ++requests_;
    connections_ = std::max<uint64_t>(connections_, server_->connection_count());
    auto n = delivery_sequence(request.body(), word_);
    if (!n || *n >= receive_ns_.size()) {
      ++unmatched_;
    } else if (receive_ns_[*n] != 0) {
      ++duplicates_;
    } else {
      receive_ns_[*n] = now;
      received_.fetch_add(1, std::memory_order_relaxed);
    }
    request.respond(200, {}, {});
  };
  auto server = http::Server::create(&loop_, std::move(options));
  if (!server) {
    start_error_ = server.error().message;
    uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    started->store(-1);
    started->notify_one();
    return;
  }
  server_ = std::move(server.value());
  port_ = server_->port();
  started->store(1);
  started->notify_one();

  uv_run(&loop_, UV_RUN_DEFAULT);  // until on_stop() closed everything
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto ns = [](const timeval& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(t.tv_usec) * 1000;
  };
  thread_cpu_ns_ = ns(usage.ru_utime) + ns(usage.ru_stime);
  uv_loop_close(&loop_);
}

}  // namespace pb::bench
