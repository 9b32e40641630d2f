// Delivery of staged outgoing-webhook calls (wire spec §4.3), through the host's http_fetch.
//
// Each hook has its own FIFO queue and at most `max_in_flight_per_hook` deliveries in flight, so
// a dead or slow endpoint holds back only its own hook. What one hook can cost is bounded too: its
// queue holds at most `max_queued_per_hook` deliveries, and a CircuitBreaker stops calling an
// endpoint that keeps not answering; deliveries over the bound or behind an open breaker are
// shed (their records deleted, counted, logged), as a failed call would have been. A delivery calls every callback URL of
// the hook (each its own request, concurrently); when all have answered or failed, its store
// record is deleted. Failures (refused address, timeout, I/O, body over 1 MiB) are logged and
// counted, not retried, as Mattermost does; a delivery cancelled by stop() keeps its record, so
// the next start makes it again (at least once).
//
// Ownership: owned by the plugin; holds references to the Host and the HookIndex, which outlive
// it. Threading: loop thread only. Errors: never thrown; reported through logs and metrics().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <patchbay/plugin.hpp>

#include "plugins/outgoing_webhooks/circuit_breaker.h"
#include "plugins/outgoing_webhooks/delivery_record.h"
#include "plugins/outgoing_webhooks/hook_index.h"
#include "plugins/outgoing_webhooks/latency_histogram.h"

namespace pb::outgoing {

// Callback responses are read up to this size (Mattermost's 1 MiB); larger ones fail.
inline constexpr size_t kMaxResponseBytes = 1u << 20;

class Dispatcher {
 public:
  // Called with each callback's response body (any HTTP status), borrowed for the call.
  using ResponseFn = std::function<void(const DeliveryRecord&, std::string_view body)>;

  Dispatcher(sdk::Host& host, const HookIndex& index, ResponseFn on_response);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void set_max_in_flight_per_hook(size_t n) { max_in_flight_ = n == 0 ? 1 : n; }
  void set_max_queued_per_hook(size_t n) { max_queued_ = n == 0 ? 1 : n; }

  // True when a delivery for `hook_id` would be shed right now (its queue is full or its breaker
  // is open); it is then counted and logged as shed. The plugin asks before staging a record,
  // so a dead endpoint does not cost a store write and a delete per triggering post.
  bool shed_instead_of_staging(const std::string& hook_id);

  // Queues a delivery whose record is durable under `key`. Starts it at once when its hook has
  // room.
  void enqueue(std::string key, DeliveryRecord record);

  // Cancels every request in flight and starts no more; records stay in the store.
  void stop();

  // Counters and latencies as a JSON object, for the metrics route.
  std::string metrics_json() const;
  size_t queued() const;
  size_t in_flight() const;

 private:
  struct Delivery;
  struct Call;
  struct HookState {
    std::deque<std::shared_ptr<Delivery>> waiting;
    size_t in_flight = 0;
    uint64_t delivered = 0;
    uint64_t failed_calls = 0;
    uint64_t shed = 0;
    CircuitBreaker breaker;
    int64_t last_warning_ms = 0;
    uint64_t warnings_suppressed = 0;
  };

  void pump(const std::string& hook_id, HookState& state);
  void start(const std::shared_ptr<Delivery>& delivery, const OutgoingHook& hook);
  void finish_call(Call* call, int status, const pb_http_response_v1* response,
                   std::string_view detail);
  void finish_delivery(const std::shared_ptr<Delivery>& delivery, bool canceled);
  void drop(const std::shared_ptr<Delivery>& delivery);
  // Deletes the record of a delivery that will not be made (queue full, breaker open).
  void shed(HookState& state, const std::string& key);
  // Sheds the hook's queue and logs the opening (every one: they are at least a second apart).
  void breaker_opened(HookState& state, const std::string& hook_id, int64_t now);
  void warn_failure(HookState& state, const std::string& hook_id, std::string_view url,
                    int status, std::string_view detail);
  static void fetch_done(void* user, int status, const pb_http_response_v1* response,
                         pb_str detail);

  sdk::Host& host_;
  const HookIndex& index_;
  ResponseFn on_response_;
  bool can_fetch_;
  bool stopping_ = false;
  bool pumping_ = false;
  size_t max_in_flight_ = 32;
  size_t max_queued_ = 10000;
  std::unordered_map<std::string, HookState> hooks_;
  std::unordered_map<uint64_t, Call*> calls_;  // in flight, by http_fetch request id
  uint64_t enqueued_ = 0;
  uint64_t delivered_ = 0;
  uint64_t failed_calls_ = 0;
  uint64_t dropped_ = 0;  // hook deleted before its delivery ran
  uint64_t shed_ = 0;     // queue full or breaker open
  LatencyHistogram queue_to_done_;
};

}  // namespace pb::outgoing
