#include "plugins/outgoing_webhooks/dispatcher.h"

#include <algorithm>

namespace pb::outgoing {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

// One failure line per hook per this many ms; the rest are counted and reported with the next.
constexpr int64_t kWarningIntervalMs = 10000;

}  // namespace

struct Dispatcher::Delivery {
  std::string key;
  DeliveryRecord record;
  Clock::time_point enqueued_at;
  size_t calls_left = 0;
  bool canceled = false;
  bool answered = false;  // at least one callback URL gave an HTTP answer
};

// One callback URL's request; freed when its completion ran.
struct Dispatcher::Call {
  Dispatcher* dispatcher;
  std::shared_ptr<Delivery> delivery;
  std::string url;
  uint64_t request_id = 0;
};

Dispatcher::Dispatcher(sdk::Host& host, const HookIndex& index, ResponseFn on_response)
    : host_(host),
      index_(index),
      on_response_(std::move(on_response)),
      can_fetch_(PB_HOST_HAS(host.api(), http_fetch) && PB_HOST_HAS(host.api(), http_cancel)) {
  if (!can_fetch_) {
    host_.warn("host has no http_fetch (ABI 1.3): deliveries stay queued in the store until a "
               "host that has it runs");
  }
}

Dispatcher::~Dispatcher() {
  // The host completes every request before destroy; anything left would dangle, so forget it.
  for (auto& [id, call] : calls_) call->dispatcher = nullptr;
}

bool Dispatcher::shed_instead_of_staging(const std::string& hook_id) {
  auto it = hooks_.find(hook_id);
  if (it == hooks_.end() || !can_fetch_) return false;
  HookState& state = it->second;
  const bool open = state.breaker.rejecting(now_ms());
  if (!open && state.waiting.size() < max_queued_) return false;
  ++shed_;
  ++state.shed;
  warn_failure(state, hook_id, "", PB_E_LIMIT,
               open ? "endpoint not answering (circuit open)" : "queue full");
  return true;
}

void Dispatcher::enqueue(std::string key, DeliveryRecord record) {
  auto delivery = std::make_shared<Delivery>();
  delivery->key = std::move(key);
  delivery->record = std::move(record);
  delivery->enqueued_at = Clock::now();
  ++enqueued_;
  // Without http_fetch nothing can be made now: the record waits in the store for a host that
  // has it (start() resumes it), not in memory.
  if (!can_fetch_) return;
  std::string hook_id = delivery->record.hook_id;
  auto& state = hooks_[hook_id];
  if (state.breaker.rejecting(now_ms()) || state.waiting.size() >= max_queued_) {
    shed(state, delivery->key);
    warn_failure(state, hook_id, "", PB_E_LIMIT,
                 state.breaker.rejecting(now_ms()) ? "endpoint not answering (circuit open)"
                                                   : "queue full");
    return;
  }
  state.waiting.push_back(std::move(delivery));
  pump(hook_id, state);
}

void Dispatcher::pump(const std::string& hook_id, HookState& state) {
  // A fetch the host refuses finishes inside start(); its finish_delivery must not recurse here
  // (the loop below picks up the freed slot), or a long queue of bad URLs would blow the stack.
  if (stopping_ || !can_fetch_ || pumping_) return;
  pumping_ = true;
  const OutgoingHook* hook = index_.find(hook_id);
  if (hook == nullptr) {  // deleted: its pending deliveries go with it
    while (!state.waiting.empty()) {
      drop(state.waiting.front());
      state.waiting.pop_front();
    }
    pumping_ = false;
    return;
  }
  const int64_t now = now_ms();
  while (state.in_flight < max_in_flight_ && !state.waiting.empty()) {
    if (!state.breaker.allow(now)) break;  // open, or half-open with its probe out
    auto delivery = std::move(state.waiting.front());
    state.waiting.pop_front();
    ++state.in_flight;
    start(delivery, *hook);
  }
  pumping_ = false;
}

void Dispatcher::start(const std::shared_ptr<Delivery>& delivery, const OutgoingHook& hook) {
  const bool json = hook.sends_json();
  const std::string body = callback_body(delivery->record, hook.token, json);
  const pb_http_header headers[] = {
      {sdk::to_pb("Content-Type"),
       sdk::to_pb(json ? "application/json" : "application/x-www-form-urlencoded")},
      {sdk::to_pb("Accept"), sdk::to_pb("application/json")},
  };
  delivery->calls_left = hook.callback_urls.size();
  // Count every call before starting any: a refused fetch finishes synchronously below.
  for (const auto& url : hook.callback_urls) {
    auto* call = new Call{this, delivery, url, 0};
    pb_http_fetch_v1 request{};
    request.struct_size = sizeof request;
    request.method = sdk::to_pb("POST");
    request.url = sdk::to_pb(call->url);
    request.headers = headers;
    request.header_count = std::size(headers);
    request.body = sdk::to_pb(body);
    request.timeout_ms = 0;  // ServiceSettings.OutgoingIntegrationRequestsTimeout
    request.max_response_bytes = kMaxResponseBytes;
    int rc = host_.api()->http_fetch(host_.self(), &request, &fetch_done, call, &call->request_id);
    if (rc != PB_OK) {  // the callback will never run (plugin.h's async contract)
      finish_call(call, rc, nullptr, "http_fetch refused the request");
      continue;
    }
    calls_.emplace(call->request_id, call);
  }
}

void Dispatcher::fetch_done(void* user, int status, const pb_http_response_v1* response,
                            pb_str detail) {
  auto* call = static_cast<Call*>(user);
  if (call->dispatcher == nullptr) {
    delete call;
    return;
  }
  call->dispatcher->calls_.erase(call->request_id);
  call->dispatcher->finish_call(call, status, response, sdk::to_sv(detail));
}

void Dispatcher::finish_call(Call* call, int status, const pb_http_response_v1* response,
                             std::string_view detail) {
  std::unique_ptr<Call> owned(call);
  auto delivery = call->delivery;
  auto& state = hooks_[delivery->record.hook_id];
  if (status == PB_E_CANCELED) {
    delivery->canceled = true;
  } else if (status != PB_OK || response == nullptr) {
    ++failed_calls_;
    ++state.failed_calls;
    warn_failure(state, delivery->record.hook_id, call->url, status, detail);
  } else {
    delivery->answered = true;
    if (on_response_) on_response_(delivery->record, sdk::to_sv(response->body));
  }
  if (--delivery->calls_left == 0) finish_delivery(delivery, delivery->canceled);
}

void Dispatcher::finish_delivery(const std::shared_ptr<Delivery>& delivery, bool canceled) {
  const std::string hook_id = delivery->record.hook_id;
  auto& state = hooks_[hook_id];
  if (state.in_flight > 0) --state.in_flight;
  if (!canceled) {
    if (delivery->answered) {
      state.breaker.record_answer();
    } else {
      const uint64_t openings = state.breaker.times_opened();
      const int64_t now = now_ms();
      state.breaker.record_no_answer(now);
      if (state.breaker.times_opened() != openings) breaker_opened(state, hook_id, now);
    }
    // Done: the record goes. A failed delete only means one more delivery after a restart.
    host_.kv_delete(delivery->key, nullptr);
    ++delivered_;
    ++state.delivered;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                                        delivery->enqueued_at);
    queue_to_done_.record(static_cast<uint64_t>(std::max<int64_t>(0, micros.count())));
  }
  pump(hook_id, state);
}

void Dispatcher::drop(const std::shared_ptr<Delivery>& delivery) {
  ++dropped_;
  host_.kv_delete(delivery->key, nullptr);
}

void Dispatcher::shed(HookState& state, const std::string& key) {
  ++shed_;
  ++state.shed;
  host_.kv_delete(key, nullptr);
}

void Dispatcher::breaker_opened(HookState& state, const std::string& hook_id, int64_t now) {
  size_t n = state.waiting.size();
  for (const auto& delivery : state.waiting) shed(state, delivery->key);
  state.waiting.clear();
  // Not rate-limited like the failures: at most one line per opening, and openings are at
  // least a second apart.
  host_.warn("hook " + hook_id + ": endpoint not answering: circuit open for " +
             std::to_string(state.breaker.open_until_ms() - now) + " ms, " + std::to_string(n) +
             " queued deliveries shed");
}

void Dispatcher::warn_failure(HookState& state, const std::string& hook_id, std::string_view url,
                              int status, std::string_view detail) {
  int64_t now = now_ms();
  if (state.last_warning_ms != 0 && now - state.last_warning_ms < kWarningIntervalMs) {
    ++state.warnings_suppressed;
    return;
  }
  std::string line = "hook " + hook_id + ": ";
  line += url.empty() ? "delivery shed: " : "callback " + std::string(url) + " failed: " +
                                               std::string(host_.status_name(status)) + " ";
  line += detail;
  if (state.warnings_suppressed > 0) {
    line += " (" + std::to_string(state.warnings_suppressed) + " more failures since the last line)";
  }
  line += "; queued " + std::to_string(state.waiting.size()) + ", in flight " +
          std::to_string(state.in_flight);
  host_.warn(line);
  state.last_warning_ms = now;
  state.warnings_suppressed = 0;
}

void Dispatcher::stop() {
  stopping_ = true;
  std::vector<uint64_t> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, call] : calls_) ids.push_back(id);
  for (uint64_t id : ids) host_.api()->http_cancel(host_.self(), id);
}

size_t Dispatcher::queued() const {
  size_t n = 0;
  for (const auto& [id, s] : hooks_) n += s.waiting.size();
  return n;
}

size_t Dispatcher::in_flight() const {
  size_t n = 0;
  for (const auto& [id, s] : hooks_) n += s.in_flight;
  return n;
}

std::string Dispatcher::metrics_json() const {
  std::string out = "{\"queued\":" + std::to_string(queued());
  out += ",\"in_flight\":" + std::to_string(in_flight());
  out += ",\"enqueued\":" + std::to_string(enqueued_);
  out += ",\"delivered\":" + std::to_string(delivered_);
  out += ",\"failed_calls\":" + std::to_string(failed_calls_);
  out += ",\"dropped\":" + std::to_string(dropped_);
  out += ",\"shed\":" + std::to_string(shed_);
  out += ",\"http_fetch_available\":";
  out += can_fetch_ ? "true" : "false";
  auto ms = [](uint64_t micros) { return std::to_string(static_cast<double>(micros) / 1000.0); };
  out += ",\"queue_to_done_ms\":{\"count\":" + std::to_string(queue_to_done_.count());
  out += ",\"p50\":" + ms(queue_to_done_.quantile_micros(0.5));
  out += ",\"p99\":" + ms(queue_to_done_.quantile_micros(0.99));
  out += ",\"max\":" + ms(queue_to_done_.max_micros()) + "}";
  out += ",\"hooks\":[";
  bool first = true;
  for (const auto& [id, s] : hooks_) {
    if (!first) out += ',';
    first = false;
    out += "{\"hook_id\":" + sdk::json_string(id);
    out += ",\"queued\":" + std::to_string(s.waiting.size());
    out += ",\"in_flight\":" + std::to_string(s.in_flight);
    out += ",\"delivered\":" + std::to_string(s.delivered);
    out += ",\"failed_calls\":" + std::to_string(s.failed_calls);
    out += ",\"shed\":" + std::to_string(s.shed);
    out += ",\"circuit\":\"";
    out += s.breaker.state() == CircuitBreaker::State::kClosed ? "closed"
           : s.breaker.state() == CircuitBreaker::State::kOpen ? "open"
                                                               : "half_open";
    out += "\"}";
  }
  out += "]}";
  return out;
}

}  // namespace pb::outgoing
