// patchbay/plugin.hpp — a header-only C++20 wrapper over the C ABI in plugin.h.
//
// A C++ plugin derives from pb::sdk::Plugin, overrides init() (and optionally start, configure,
// stop), registers routes, interceptors, observers, kv callbacks and timers with lambdas through
// pb::sdk::Host, and ends its source file with
//
//     PB_PLUGIN(MyPlugin, "my-plugin", "1.2.3")
//
// which defines the exported pb_plugin_entry() and a static pb_plugin_descriptor whose lifecycle
// trampolines are noexcept: an exception thrown by the plugin is logged through host->log and
// turned into PB_E_PLUGIN, so nothing ever unwinds into the host.
//
// Ownership. Host owns every closure it was given. Persistent ones (routes, interceptors,
// observers, repeating timers) live until the plugin is destroyed; one-shot ones (kv write
// completions, one-shot timers, post_to_loop, queue_work, publish_intercept, http_fetch) are
// freed right after they ran, or at once when the host function returned an error (the host
// then never calls back), or at destroy if the host never called them.
//
// Threading. As plugin.h: everything on the loop thread, except Host::log and Host::post_to_loop.
//
// Strings. Every std::string_view handed to a callback is borrowed for that call only (see
// plugin.h "Strings"); copy what you keep.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "patchbay/json_escape.hpp"
#include "patchbay/plugin.h"

// The name of the entry point PB_PLUGIN defines. A build that links several plugins statically
// into one binary defines this per plugin (e.g. -DPB_PLUGIN_ENTRY_NAME=pb_plugin_entry_auth) so
// the entries do not collide; shared-object plugins keep the ABI's name.
#ifndef PB_PLUGIN_ENTRY_NAME
#define PB_PLUGIN_ENTRY_NAME pb_plugin_entry
#endif

namespace pb::sdk {

inline pb_str to_pb(std::string_view s) noexcept { return pb_str{s.data(), s.size()}; }
inline std::string_view to_sv(pb_str s) noexcept {
  return s.data == nullptr ? std::string_view{} : std::string_view{s.data, s.len};
}

// `s` as a complete JSON string literal, quotes included.
inline std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  append_json_escaped(out, s);
  out += '"';
  return out;
}

// One HTTP request, as a route handler sees it. A cheap value (two pointers): copy it into a
// closure to answer later. Valid until respond()/respond_error() succeeded.
class Request {
 public:
  Request(const pb_host_api* api, pb_http_request* request) noexcept : api_(api), req_(request) {}

  std::string_view method() const { return to_sv(api_->req_method(req_)); }
  std::string_view path() const { return to_sv(api_->req_path(req_)); }
  std::string_view query() const { return to_sv(api_->req_query(req_)); }
  std::string_view body() const { return to_sv(api_->req_body(req_)); }
  std::string_view request_id() const { return to_sv(api_->req_request_id(req_)); }
  std::string_view user_id() const { return to_sv(api_->req_user_id(req_)); }
  std::string_view session_id() const { return to_sv(api_->req_session_id(req_)); }
  std::string_view roles() const { return to_sv(api_->req_roles(req_)); }

  // The first header called `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const {
    pb_str out{};
    if (api_->req_header(req_, to_pb(name), &out) != PB_OK) return std::nullopt;
    return to_sv(out);
  }
  // The route parameter {name}, percent-decoded, or nullopt.
  std::optional<std::string_view> param(std::string_view name) const {
    pb_str out{};
    if (api_->req_param(req_, to_pb(name), &out) != PB_OK) return std::nullopt;
    return to_sv(out);
  }
  // Calls fn(name, value) for each header in arrival order.
  template <typename Fn>
  void for_each_header(Fn&& fn) const {
    pb_str name{}, value{};
    for (size_t i = 0; api_->req_header_at(req_, i, &name, &value) == PB_OK; ++i) {
      fn(to_sv(name), to_sv(value));
    }
  }

  // Each returns the host's status (PB_OK, PB_E_INVALID, PB_E_STATE); see plugin.h.
  int add_header(std::string_view name, std::string_view value) const {
    return api_->resp_header(req_, to_pb(name), to_pb(value));
  }
  int respond(int status, std::string_view content_type, std::string_view body) const {
    return api_->respond(req_, status, to_pb(content_type), to_pb(body));
  }
  int respond_json(int status, std::string_view json) const {
    return respond(status, "application/json", json);
  }
  int respond_error(int status, std::string_view error_id, std::string_view message,
                    std::string_view detailed = {}) const {
    return api_->respond_error(req_, status, to_pb(error_id), to_pb(message), to_pb(detailed));
  }

  pb_http_request* raw() const noexcept { return req_; }

 private:
  const pb_host_api* api_;
  pb_http_request* req_;
};

// One interceptor turn. Valid during the interceptor call and, if it returned
// PB_VERDICT_PENDING, until resume(); copy it into a closure to resume later.
class Intercept {
 public:
  Intercept(const pb_host_api* api, pb_intercept_ctx* ctx) noexcept : api_(api), ctx_(ctx) {}

  // Replaces the payload with a copy of `payload` (the event's struct type).
  int replace(const void* payload) const { return api_->intercept_replace(ctx_, payload); }
  int set_error(int http_status, std::string_view error_id, std::string_view message) const {
    return api_->intercept_set_error(ctx_, http_status, to_pb(error_id), to_pb(message));
  }
  int set_identity(std::string_view user_id, std::string_view session_id,
                   std::string_view roles) const {
    return api_->auth_set_identity(ctx_, to_pb(user_id), to_pb(session_id), to_pb(roles));
  }
  int resume(int verdict) const { return api_->intercept_resume(ctx_, verdict); }
  pb_intercept_ctx* raw() const noexcept { return ctx_; }

 private:
  const pb_host_api* api_;
  pb_intercept_ctx* ctx_;
};

namespace detail {

// Logs the exception in flight (call only inside a catch block). Never throws.
inline void log_current_exception(const pb_host_api* api, pb_plugin* self,
                                  std::string_view where) noexcept {
  if (api == nullptr || api->log == nullptr) return;
  try {
    std::string line(where);
    try {
      throw;
    } catch (const std::exception& e) {
      line += " threw: ";
      line += e.what();
    } catch (...) {
      line += " threw an exception that is not a std::exception";
    }
    api->log(self, PB_LOG_ERROR, to_pb(line));
  } catch (...) {
    api->log(self, PB_LOG_ERROR, to_pb(std::string_view("a plugin callback threw")));
  }
}

// Every closure a Host keeps. Most are linked into the Host's list (keeping and dropping one
// allocates nothing and hashes nothing: two of them come and go per webhook); a timer's is looked
// up by address instead (Host::keep_timer), since Timer asks whether it is still alive after a
// one-shot may have freed itself.
struct ClosureBase {
  virtual ~ClosureBase() = default;
  ClosureBase* prev = nullptr;
  ClosureBase* next = nullptr;
  bool listed = false;  // in the Host's list (else in its timer map)
};

}  // namespace detail

class Host;

// ---- outbound HTTP (ABI minor 3) ----

// One header of an outbound request (borrowed views; see FetchRequest).
inline pb_http_header http_header(std::string_view name, std::string_view value) noexcept {
  return pb_http_header{to_pb(name), to_pb(value)};
}

// What Host::http_fetch sends. Views: they must stay valid only until http_fetch returns (the
// host copies everything).
struct FetchRequest {
  std::string_view method = "GET";
  std::string_view url;  // absolute http:// or https://
  std::vector<pb_http_header> headers;  // e.g. {http_header("Content-Type", "application/json")}
  std::string_view body;
  uint32_t timeout_ms = 0;        // 0: ServiceSettings.OutgoingIntegrationRequestsTimeout
  size_t max_response_bytes = 0;  // 0: 1 MiB
};

// A response handed to an http_fetch callback; borrowed until the callback returns.
class FetchResponse {
 public:
  explicit FetchResponse(const pb_http_response_v1* r) noexcept : r_(r) {}
  int status() const noexcept { return r_->status; }
  std::string_view body() const noexcept { return to_sv(r_->body); }
  size_t header_count() const noexcept { return r_->header_count; }
  std::pair<std::string_view, std::string_view> header_at(size_t i) const noexcept {
    return {to_sv(r_->headers[i].name), to_sv(r_->headers[i].value)};
  }
  // The first header called `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const noexcept {
    for (size_t i = 0; i < r_->header_count; ++i) {
      std::string_view n = to_sv(r_->headers[i].name);
      if (n.size() != name.size()) continue;
      bool same = true;
      for (size_t k = 0; k < n.size() && same; ++k) {
        char a = n[k], b = name[k];
        if (a >= 'A' && a <= 'Z') a = char(a + 32);
        if (b >= 'A' && b <= 'Z') b = char(b + 32);
        same = a == b;
      }
      if (same) return to_sv(r_->headers[i].value);
    }
    return std::nullopt;
  }
  const pb_http_response_v1* raw() const noexcept { return r_; }

 private:
  const pb_http_response_v1* r_;
};

// A timer started with Host::timer_start. Empty (falsy) when starting failed.
class Timer {
 public:
  Timer() = default;
  explicit operator bool() const noexcept { return timer_ != nullptr; }
  pb_timer* raw() const noexcept { return timer_; }

 private:
  friend class Host;
  Timer(pb_timer* t, detail::ClosureBase* c) : timer_(t), closure_(c) {}
  pb_timer* timer_ = nullptr;
  detail::ClosureBase* closure_ = nullptr;
};

// Where a collect function (Host::metrics_collect, ABI minor 5) adds its samples; valid only
// during that call. Each add returns what host->metrics_sample returns: PB_OK, PB_E_INVALID (a
// naming, label or value rule broken; also more than 8 labels), PB_E_EXISTS, PB_E_LIMIT,
// PB_E_STATE. Names must start with "patchbay_plugin_<id>_" (see plugin.h).
class MetricsSink {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  MetricsSink(const pb_host_api* api, pb_metrics_sink* sink) noexcept : api_(api), sink_(sink) {}

  int counter(std::string_view name, std::string_view help, Labels labels, double value) const {
    return add(name, help, PB_METRIC_COUNTER, labels, value);
  }
  int gauge(std::string_view name, std::string_view help, Labels labels, double value) const {
    return add(name, help, PB_METRIC_GAUGE, labels, value);
  }
  int add(std::string_view name, std::string_view help, pb_metric_type type, Labels labels,
          double value) const {
    pb_metric_label raw[8];
    if (labels.size() > 8) return PB_E_INVALID;
    size_t n = 0;
    for (const auto& [k, v] : labels) raw[n++] = pb_metric_label{to_pb(k), to_pb(v)};
    return api_->metrics_sample(sink_, to_pb(name), to_pb(help), type, raw, n, value);
  }

 private:
  const pb_host_api* api_;
  pb_metrics_sink* sink_;
};

// The host, as a plugin sees it: the function table plus this plugin's handle. Owns every closure
// registered through it. Not copyable: plugins hold a Host& (Plugin::host()).
class Host {
 public:
  using RouteFn = std::function<int(Request)>;
  using InterceptFn = std::function<int(Intercept, uint32_t event, const void* payload)>;
  using ObserveFn = std::function<void(uint32_t event, const void* payload)>;
  using DoneFn = std::function<void(int status)>;
  using TaskFn = std::function<void()>;
  using PublishDoneFn = std::function<void(int verdict, int http_status, std::string_view error_id,
                                           std::string_view message, const void* payload)>;

  Host(pb_plugin* self, const pb_host_api* api) noexcept : self_(self), api_(api) {}
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const pb_host_api* api() const noexcept { return api_; }
  pb_plugin* self() const noexcept { return self_; }

  // ---- diagnostics (any thread) ----
  void log(pb_log_level level, std::string_view message) const noexcept {
    api_->log(self_, level, to_pb(message));
  }
  void debug(std::string_view m) const noexcept { log(PB_LOG_DEBUG, m); }
  void info(std::string_view m) const noexcept { log(PB_LOG_INFO, m); }
  void warn(std::string_view m) const noexcept { log(PB_LOG_WARN, m); }
  void error(std::string_view m) const noexcept { log(PB_LOG_ERROR, m); }
  std::string_view status_name(int status) const { return api_->status_name(status); }

  // The effective server configuration as JSON ("" when the host could not give it).
  std::string_view config_json() const {
    pb_str out{};
    return api_->config_json(self_, &out) == PB_OK ? to_sv(out) : std::string_view{};
  }

  // ---- HTTP (init only) ----
  // `fn` must answer the Request exactly once, now or later; return PB_OK, or a negative
  // status without answering to make the host answer 500.
  int route(std::string_view method, std::string_view pattern, RouteFn fn,
            uint32_t flags = PB_ROUTE_PUBLIC, std::string_view permission = {}) {
    auto* c = keep(std::make_unique<Persistent<RouteFn>>(this, std::move(fn)));
    int rc = api_->route_add(self_, to_pb(method), to_pb(pattern), flags, to_pb(permission),
                             &route_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }

  // ---- event bus ----
  // The id of a plugin-defined event, registering it on first use; nullopt on error.
  std::optional<uint32_t> event_id(std::string_view name) const {
    uint32_t id = 0;
    if (api_->event_id(self_, to_pb(name), &id) != PB_OK) return std::nullopt;
    return id;
  }
  // The id of a plugin-defined event whose payload is the struct `kind` names; nullopt on error,
  // on a host without event_id_typed (minor < 7) too.
  std::optional<uint32_t> event_id(std::string_view name, pb_payload_kind kind) const {
    if (!PB_HOST_HAS(api_, event_id_typed)) return std::nullopt;
    uint32_t id = 0;
    if (api_->event_id_typed(self_, to_pb(name), kind, &id) != PB_OK) return std::nullopt;
    return id;
  }
  // `fn` returns a pb_verdict (or a negative status = reject with 500). Init only.
  int intercept(uint32_t event, int32_t priority, InterceptFn fn) {
    auto* c = keep(std::make_unique<Persistent<InterceptFn>>(this, std::move(fn)));
    int rc = api_->subscribe_intercept(self_, event, priority, &intercept_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }
  int observe(uint32_t event, ObserveFn fn) {
    auto* c = keep(std::make_unique<Persistent<ObserveFn>>(this, std::move(fn)));
    int rc = api_->subscribe_observe(self_, event, &observe_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }
  // Runs the intercept chain of a plugin-defined event; `done` runs once, later.
  // `done`: a PublishDoneFn or any callable with its signature, kept as it is (a lambda is not
  // wrapped in a std::function: one heap block per publish instead of two, on request paths).
  template <typename Fn = PublishDoneFn>
  int publish_intercept(uint32_t event, std::string_view data, Fn done) {
    pb_blob_v1 blob{sizeof(pb_blob_v1), to_pb(data)};
    return publish_intercept_payload(event, &blob, std::move(done));
  }
  // The same for an event declared with PB_PAYLOAD_POST (the bus copies `post` at once).
  template <typename Fn = PublishDoneFn>
  int publish_intercept(uint32_t event, const pb_post_v1& post, Fn done) {
    return publish_intercept_payload(event, &post, std::move(done));
  }
  int publish_observe(uint32_t event, std::string_view data) const {
    pb_blob_v1 blob{sizeof(pb_blob_v1), to_pb(data)};
    return api_->publish_observe(self_, event, &blob);
  }

  // ---- key-value store ----
  // The committed value of `key`, copied; nullopt when absent or on error (see kv_get_raw).
  std::optional<std::string> kv_get(std::string_view key) const {
    std::optional<std::string> out;
    kv_get_raw(key, [&](std::string_view v) { out.emplace(v); });
    return out;
  }
  // Calls fn(value) before returning when the key exists (value borrowed). Returns the status.
  template <typename Fn>
  int kv_get_raw(std::string_view key, Fn&& fn) const {
    auto cb = [](void* user, pb_str value) { (*static_cast<Fn*>(user))(to_sv(value)); };
    return api_->kv_get(self_, to_pb(key), cb, const_cast<void*>(static_cast<const void*>(&fn)));
  }
  // Calls fn(key, value) in key order for keys starting with `prefix`; fn returns true to stop.
  // An exception thrown by fn stops the iteration and is rethrown after the host returned.
  template <typename Fn>
  int kv_list(std::string_view prefix, Fn&& fn) const {
    struct Ctx {
      Fn* fn;
      std::exception_ptr error;
    } ctx{&fn, nullptr};
    auto cb = [](void* user, pb_str k, pb_str v) -> int {
      auto* c = static_cast<Ctx*>(user);
      try {
        return (*c->fn)(to_sv(k), to_sv(v)) ? 1 : 0;
      } catch (...) {
        c->error = std::current_exception();
        return 1;
      }
    };
    int rc = api_->kv_list(self_, to_pb(prefix), cb, &ctx);
    if (ctx.error) std::rethrow_exception(ctx.error);
    return rc;
  }
  // Durable write; `done(status)` runs once, later, after the write is durable (or failed).
  int kv_put(std::string_view key, std::string_view value, DoneFn done) {
    auto* c = keep(std::make_unique<OneShot<DoneFn>>(this, std::move(done)));
    int rc = api_->kv_put(self_, to_pb(key), to_pb(value), &done_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }
  int kv_delete(std::string_view key, DoneFn done) {
    auto* c = keep(std::make_unique<OneShot<DoneFn>>(this, std::move(done)));
    int rc = api_->kv_delete(self_, to_pb(key), &done_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }

  // ---- loop ----
  // Starts a timer; a falsy Timer when the host refused. A one-shot timer's closure is freed
  // after it fired; a repeating one's at timer_stop or destroy.
  Timer timer_start(uint64_t timeout_ms, uint64_t repeat_ms, TaskFn fn) {
    std::unique_ptr<detail::ClosureBase> owned;
    pb_timer_fn tramp;
    if (repeat_ms == 0) {
      owned = std::make_unique<OneShot<TaskFn>>(this, std::move(fn));
      tramp = &oneshot_task_trampoline;
    } else {
      owned = std::make_unique<Persistent<TaskFn>>(this, std::move(fn));
      tramp = &persistent_task_trampoline;
    }
    auto* c = keep_timer(std::move(owned));
    pb_timer* t = nullptr;
    int rc = api_->timer_start(self_, timeout_ms, repeat_ms, tramp, c, &t);
    if (rc != PB_OK) {
      drop(c);
      return Timer{};
    }
    return Timer{t, c};
  }
  // Stops a timer and frees its closure (only if it is still registered: a one-shot that fired
  // is already gone and the host says PB_E_INVALID or similar; we never touch it twice).
  int timer_stop(Timer& timer) {
    if (!timer) return PB_E_INVALID;
    bool live = is_kept(timer.closure_);
    int rc = live ? api_->timer_stop(timer.timer_) : PB_E_INVALID;
    if (live) drop(timer.closure_);
    timer = Timer{};
    return rc;
  }
  // Any thread: runs fn on the loop thread soon.
  int post_to_loop(TaskFn fn) {
    auto* c = keep(std::make_unique<OneShot<TaskFn>>(this, std::move(fn)));
    int rc = api_->post_to_loop(self_, &oneshot_task_trampoline, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }
  // Runs `work` on a worker thread, then `after` on the loop thread. `work` may only call the
  // "any thread" host functions.
  int queue_work(TaskFn work, TaskFn after) {
    struct Pair {
      TaskFn work, after;
    };
    auto* c = keep(std::make_unique<OneShot<Pair>>(this, Pair{std::move(work), std::move(after)}));
    auto work_tramp = [](void* user) noexcept {
      auto* self = static_cast<OneShot<Pair>*>(user);
      try {
        if (self->fn.work) self->fn.work();
      } catch (...) {
        detail::log_current_exception(self->host->api_, self->host->self_, "queue_work task");
      }
    };
    auto after_tramp = [](void* user) noexcept {
      auto* self = static_cast<OneShot<Pair>*>(user);
      Host* host = self->host;
      try {
        if (self->fn.after) self->fn.after();
      } catch (...) {
        detail::log_current_exception(host->api_, host->self_, "queue_work completion");
      }
      host->drop(self);
    };
    int rc = api_->queue_work(self_, work_tramp, after_tramp, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }

  // ---- outbound HTTP (minor 3) ----
  // `status` is PB_OK with `response` set, or an error (PB_E_DENIED, PB_E_TIMEOUT, PB_E_LIMIT,
  // PB_E_IO, PB_E_CANCELED) with `response` null; `detail` says what happened, for logs.
  using FetchFn =
      std::function<void(int status, const FetchResponse* response, std::string_view detail)>;

  // Starts an outbound request; `done` runs exactly once, later, on the loop thread, unless this
  // returns an error (then never). `request_id` (optional) receives the id for http_cancel.
  // Errors: PB_E_INVALID (bad method, URL, scheme or header), PB_E_STATE (stopped, draining, or
  // not the loop thread), PB_E_UNSUPPORTED (a host older than ABI minor 3).
  int http_fetch(const FetchRequest& request, FetchFn done, uint64_t* request_id = nullptr) {
    if (!PB_HOST_HAS(api_, http_fetch)) return PB_E_UNSUPPORTED;
    pb_http_fetch_v1 raw{};
    raw.struct_size = sizeof raw;
    raw.method = to_pb(request.method);
    raw.url = to_pb(request.url);
    raw.headers = request.headers.empty() ? nullptr : request.headers.data();
    raw.header_count = request.headers.size();
    raw.body = to_pb(request.body);
    raw.timeout_ms = request.timeout_ms;
    raw.max_response_bytes = request.max_response_bytes;
    auto* c = keep(std::make_unique<OneShot<FetchFn>>(this, std::move(done)));
    uint64_t id = 0;
    int rc = api_->http_fetch(self_, &raw, &fetch_done_trampoline, c, &id);
    if (rc != PB_OK) {
      drop(c);
      return rc;
    }
    if (request_id != nullptr) *request_id = id;
    return PB_OK;
  }
  // Cancels a request of this plugin: its callback runs later with PB_E_CANCELED.
  // PB_OK; PB_E_NOT_FOUND (unknown or already completed); PB_E_UNSUPPORTED (old host).
  int http_cancel(uint64_t request_id) {
    if (!PB_HOST_HAS(api_, http_cancel)) return PB_E_UNSUPPORTED;
    return api_->http_cancel(self_, request_id);
  }

  // ---- metrics (minor 5) ----
  using CollectFn = std::function<void(const MetricsSink&)>;
  // Registers the function the host calls (loop thread) while rendering GET /metrics; it adds
  // this plugin's samples to the sink. Replaces an earlier one; an empty fn unregisters.
  // PB_OK; PB_E_STATE (after stop, or not the loop thread); PB_E_UNSUPPORTED (a host older
  // than ABI minor 5).
  int metrics_collect(CollectFn fn) {
    if (!PB_HOST_HAS(api_, metrics_register)) return PB_E_UNSUPPORTED;
    collect_ = std::move(fn);
    return api_->metrics_register(self_, collect_ ? &collect_trampoline : nullptr, this);
  }

  // ---- requests whose client left (minor 6) ----
  // Whether the client of `request` is gone (plugin.h req_peer_gone): the request must still
  // be answered, the answer is dropped, so slow work for it may be skipped. False on a host
  // older than ABI minor 6 (it cannot tell), for a request of the host's own, and on an error.
  bool peer_gone(const Request& request) const noexcept {
    return PB_HOST_HAS(api_, req_peer_gone) && api_->req_peer_gone(request.raw()) == 1;
  }

  // Frees every closure (called by the PB_PLUGIN trampolines at destroy).
  void release_all() noexcept {
    std::unordered_map<detail::ClosureBase*, std::unique_ptr<detail::ClosureBase>> gone;
    detail::ClosureBase* list = nullptr;
    {
      std::lock_guard lock(mu_);
      gone.swap(timers_);
      list = std::exchange(list_, nullptr);
      listed_count_ = 0;
    }
    while (list != nullptr) delete std::exchange(list, list->next);
  }
  size_t closure_count() const {
    std::lock_guard lock(mu_);
    return listed_count_ + timers_.size();
  }

 private:
  template <typename Fn>
  struct Persistent : detail::ClosureBase {
    Persistent(Host* h, Fn f) : host(h), fn(std::move(f)) {}
    Host* host;
    Fn fn;
  };
  template <typename Fn>
  struct OneShot : detail::ClosureBase {
    OneShot(Host* h, Fn f) : host(h), fn(std::move(f)) {}
    Host* host;
    Fn fn;
  };

  // Takes ownership of `c` until drop() or release_all(). drop() may be called once per kept
  // closure (the ABI calls a completion at most once; a refused call never calls it).
  detail::ClosureBase* keep(std::unique_ptr<detail::ClosureBase> c) {
    auto* raw = c.release();
    std::lock_guard lock(mu_);
    raw->listed = true;
    raw->next = list_;
    if (list_ != nullptr) list_->prev = raw;
    list_ = raw;
    ++listed_count_;
    return raw;
  }
  // A timer's closure: timer_stop() asks is_kept() about it, possibly after it freed itself.
  detail::ClosureBase* keep_timer(std::unique_ptr<detail::ClosureBase> c) {
    auto* raw = c.get();
    std::lock_guard lock(mu_);
    timers_.emplace(raw, std::move(c));
    return raw;
  }
  // Frees `c`, a closure still kept. Its destructor runs after the lock is released.
  void drop(detail::ClosureBase* c) noexcept {
    std::unique_ptr<detail::ClosureBase> gone;
    std::lock_guard lock(mu_);
    if (c->listed) {
      gone.reset(c);
      c->listed = false;
      (c->prev != nullptr ? c->prev->next : list_) = c->next;
      if (c->next != nullptr) c->next->prev = c->prev;
      --listed_count_;
    } else if (auto it = timers_.find(c); it != timers_.end()) {
      gone = std::move(it->second);
      timers_.erase(it);
    }
  }
  // Only for timers' closures (any other may be freed memory by the time it is asked about).
  bool is_kept(detail::ClosureBase* c) const {
    std::lock_guard lock(mu_);
    return timers_.count(c) != 0;
  }

  static int route_trampoline(void* user, pb_http_request* request) noexcept {
    auto* c = static_cast<Persistent<RouteFn>*>(user);
    try {
      return c->fn(Request(c->host->api_, request));
    } catch (...) {
      detail::log_current_exception(c->host->api_, c->host->self_, "route handler");
      return PB_E_PLUGIN;
    }
  }
  static int intercept_trampoline(void* user, pb_intercept_ctx* ctx, uint32_t event,
                                  const void* payload) noexcept {
    auto* c = static_cast<Persistent<InterceptFn>*>(user);
    try {
      return c->fn(Intercept(c->host->api_, ctx), event, payload);
    } catch (...) {
      detail::log_current_exception(c->host->api_, c->host->self_, "interceptor");
      return PB_E_PLUGIN;
    }
  }
  static void observe_trampoline(void* user, uint32_t event, const void* payload) noexcept {
    auto* c = static_cast<Persistent<ObserveFn>*>(user);
    try {
      c->fn(event, payload);
    } catch (...) {
      detail::log_current_exception(c->host->api_, c->host->self_, "observer");
    }
  }
  template <typename Fn>
  int publish_intercept_payload(uint32_t event, const void* payload, Fn done) {
    auto* c = keep(std::make_unique<OneShot<Fn>>(this, std::move(done)));
    int rc = api_->publish_intercept(self_, event, payload, &publish_done_trampoline<Fn>, c);
    if (rc != PB_OK) drop(c);
    return rc;
  }
  template <typename Fn>
  static void publish_done_trampoline(void* user, int verdict, int http_status, pb_str error_id,
                                      pb_str message, const void* payload) noexcept {
    auto* c = static_cast<OneShot<Fn>*>(user);
    Host* host = c->host;
    try {
      c->fn(verdict, http_status, to_sv(error_id), to_sv(message), payload);
    } catch (...) {
      detail::log_current_exception(host->api_, host->self_, "publish_intercept completion");
    }
    host->drop(c);
  }
  static void done_trampoline(void* user, int status) noexcept {
    auto* c = static_cast<OneShot<DoneFn>*>(user);
    Host* host = c->host;
    try {
      if (c->fn) c->fn(status);
    } catch (...) {
      detail::log_current_exception(host->api_, host->self_, "kv completion");
    }
    host->drop(c);
  }
  static void fetch_done_trampoline(void* user, int status, const pb_http_response_v1* response,
                                    pb_str what) noexcept {
    auto* c = static_cast<OneShot<FetchFn>*>(user);
    Host* host = c->host;
    try {
      if (c->fn) {
        if (response != nullptr) {
          FetchResponse view(response);
          c->fn(status, &view, to_sv(what));
        } else {
          c->fn(status, nullptr, to_sv(what));
        }
      }
    } catch (...) {
      detail::log_current_exception(host->api_, host->self_, "http_fetch completion");
    }
    host->drop(c);
  }
  static void oneshot_task_trampoline(void* user) noexcept {
    auto* c = static_cast<OneShot<TaskFn>*>(user);
    Host* host = c->host;
    try {
      if (c->fn) c->fn();
    } catch (...) {
      detail::log_current_exception(host->api_, host->self_, "task");
    }
    host->drop(c);
  }
  static void collect_trampoline(void* user, pb_metrics_sink* sink) noexcept {
    auto* host = static_cast<Host*>(user);
    try {
      if (host->collect_) host->collect_(MetricsSink(host->api_, sink));
    } catch (...) {
      detail::log_current_exception(host->api_, host->self_, "metrics collect");
    }
  }
  static void persistent_task_trampoline(void* user) noexcept {
    auto* c = static_cast<Persistent<TaskFn>*>(user);
    try {
      if (c->fn) c->fn();
    } catch (...) {
      detail::log_current_exception(c->host->api_, c->host->self_, "timer");
    }
  }

  pb_plugin* self_;
  const pb_host_api* api_;
  CollectFn collect_;  // metrics_collect's function (loop thread only)
  mutable std::mutex mu_;  // post_to_loop may be called from any thread; guards the closures
  detail::ClosureBase* list_ = nullptr;  // owned, linked through prev/next
  size_t listed_count_ = 0;
  std::unordered_map<detail::ClosureBase*, std::unique_ptr<detail::ClosureBase>> timers_;
};

// The base class of a C++ plugin. One instance per loaded plugin, default-constructed by the
// PB_PLUGIN trampolines right before init() and deleted at destroy (before the Host's closures
// are freed, so a destructor may still stop its timers).
class Plugin {
 public:
  virtual ~Plugin() = default;

  // Register routes and subscriptions here. Return PB_OK or a negative pb_status.
  virtual int init(std::string_view settings_json) = 0;
  virtual int start() { return PB_OK; }
  // New settings (validated against the manifest). Negative: rejected, old settings stay.
  virtual int configure(std::string_view /*settings_json*/) { return PB_OK; }
  virtual void stop() {}

  Host& host() const noexcept { return *host_; }

 private:
  template <typename T>
  friend struct PluginGlue;
  Host* host_ = nullptr;
};

// The C trampolines behind PB_PLUGIN. Every one is noexcept and catches everything.
template <typename T>
struct PluginGlue {
  struct Instance {
    Instance(pb_plugin* self, const pb_host_api* api) : host(self, api) {}
    Host host;
    std::unique_ptr<T> plugin;
  };

  static int init(pb_plugin* self, const pb_host_api* api, pb_str settings, void** state) noexcept {
    if (api == nullptr || state == nullptr) return PB_E_INVALID;
    Instance* inst = nullptr;
    try {
      inst = new Instance(self, api);
      inst->plugin = std::make_unique<T>();
      inst->plugin->host_ = &inst->host;
      int rc = inst->plugin->init(to_sv(settings));
      if (rc != PB_OK) {
        destroy_instance(inst);
        return rc < 0 ? rc : PB_E_PLUGIN;
      }
      *state = inst;
      return PB_OK;
    } catch (...) {
      detail::log_current_exception(api, self, "init");
      destroy_instance(inst);
      return PB_E_PLUGIN;
    }
  }
  static int start(void* state) noexcept {
    auto* inst = static_cast<Instance*>(state);
    try {
      return inst->plugin->start();
    } catch (...) {
      detail::log_current_exception(inst->host.api(), inst->host.self(), "start");
      return PB_E_PLUGIN;
    }
  }
  static int configure(void* state, pb_str settings) noexcept {
    auto* inst = static_cast<Instance*>(state);
    try {
      return inst->plugin->configure(to_sv(settings));
    } catch (...) {
      detail::log_current_exception(inst->host.api(), inst->host.self(), "configure");
      return PB_E_PLUGIN;
    }
  }
  static void stop(void* state) noexcept {
    auto* inst = static_cast<Instance*>(state);
    try {
      inst->plugin->stop();
    } catch (...) {
      detail::log_current_exception(inst->host.api(), inst->host.self(), "stop");
    }
  }
  static void destroy(void* state) noexcept { destroy_instance(static_cast<Instance*>(state)); }

  static void destroy_instance(Instance* inst) noexcept {
    if (inst == nullptr) return;
    try {
      inst->plugin.reset();  // the plugin first: its destructor may still use the Host
    } catch (...) {
      detail::log_current_exception(inst->host.api(), inst->host.self(), "destructor");
    }
    inst->host.release_all();
    delete inst;
  }

  static pb_plugin_descriptor make(const char* id, const char* version) noexcept {
    pb_plugin_descriptor d{};
    d.struct_size = sizeof(pb_plugin_descriptor);
    d.abi_major = PB_ABI_MAJOR;
    d.abi_minor = PB_ABI_MINOR;
    d.id = id;
    d.version = version;
    d.init = &init;
    d.start = &start;
    d.configure = &configure;
    d.stop = &stop;
    d.destroy = &destroy;
    return d;
  }
};

}  // namespace pb::sdk

// Defines the plugin's exported entry point. Use once per plugin, at namespace scope. The
// descriptor is returned whatever the host's version: the host decides, and names the mismatch.
#define PB_PLUGIN(ClassName, ID, VERSION)                                                     \
  extern "C" PB_EXPORT const pb_plugin_descriptor* PB_PLUGIN_ENTRY_NAME(uint32_t, uint32_t) { \
    static const pb_plugin_descriptor descriptor =                                            \
        ::pb::sdk::PluginGlue<ClassName>::make(ID, VERSION);                                  \
    return &descriptor;                                                                       \
  }
