// The pb_host_api table: the host's side of every function in plugin.h. Each function checks its
// arguments and its thread, then forwards to the App, the bus, the store or the HTTP request.
// Calls back into a plugin are guarded: an exception becomes a fault of that plugin.
#include <exception>
#include <functional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/http/request.h"
#include "core/log/log.h"
#include "core/metrics/plugin_samples.h"
#include "core/server/app.h"
#include "core/server/plugin_context.h"
#include "core/server/thread_check.h"

namespace pb::server {
namespace {

std::string_view sv(pb_str s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
pb_str ps(std::string_view s) { return pb_str{s.data(), s.size()}; }
bool valid(pb_str s) { return s.data != nullptr || s.len == 0; }

http::Request* req(pb_http_request* r) { return reinterpret_cast<http::Request*>(r); }
const http::Request* req(const pb_http_request* r) {
  return reinterpret_cast<const http::Request*>(r);
}

// The synchronous lookups (user_get, channel_get...) hand the directories their callback by
// reference (std::cref): the directory calls it before returning, and std::function keeps a
// reference_wrapper inline where a closure of three references is a heap block on every call
// (the webhook path makes two such lookups per request).

// Runs a plugin callback; an exception is reported as that plugin's fault instead of unwinding
// into libuv.
template <typename Fn>
void guarded(pb_plugin* plugin, std::string_view what, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    plugin->app->fault(plugin, fmt::format("{} threw: {}", what, e.what()));
  } catch (...) {
    plugin->app->fault(plugin, fmt::format("{} threw", what));
  }
}

// ---- diagnostics ------------------------------------------------------------------------------

void host_log(pb_plugin* self, int level, pb_str message) {
  if (self == nullptr || !valid(message)) return;
  log::Level l = level <= PB_LOG_DEBUG ? log::Level::debug
                 : level == PB_LOG_INFO ? log::Level::info
                 : level == PB_LOG_WARN ? log::Level::warn
                                        : log::Level::error;
  log::write(l, self->id, sv(message));
}

const char* host_status_name(int status) { return plugin_host::status_name(status); }

// ---- configuration ----------------------------------------------------------------------------

int host_config_json(pb_plugin* self, pb_str* out) {
  if (self == nullptr || out == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  *out = ps(self->app->config_json());
  return PB_OK;
}

// ---- HTTP -------------------------------------------------------------------------------------

int host_route_add(pb_plugin* self, pb_str method, pb_str pattern, uint32_t flags,
                   pb_str permission, pb_http_handler handler, void* user) {
  if (self == nullptr || handler == nullptr || !valid(method) || !valid(pattern) ||
      !valid(permission) || (flags & ~PB_ROUTE_AUTHENTICATED) != 0) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread() || self->phase != PluginPhase::init) return PB_E_STATE;
  return self->app->add_route(self, sv(method), sv(pattern), flags, sv(permission), handler, user);
}

pb_str host_req_method(const pb_http_request* r) { return r ? ps(req(r)->method()) : pb_str{}; }
pb_str host_req_path(const pb_http_request* r) { return r ? ps(req(r)->path()) : pb_str{}; }
pb_str host_req_query(const pb_http_request* r) { return r ? ps(req(r)->query()) : pb_str{}; }
pb_str host_req_body(const pb_http_request* r) { return r ? ps(req(r)->body()) : pb_str{}; }
pb_str host_req_request_id(const pb_http_request* r) {
  return r ? ps(req(r)->request_id()) : pb_str{};
}

int host_req_header(const pb_http_request* r, pb_str name, pb_str* out) {
  if (r == nullptr || out == nullptr || !valid(name)) return PB_E_INVALID;
  auto value = req(r)->header(sv(name));
  if (!value) return PB_E_NOT_FOUND;
  *out = ps(*value);
  return PB_OK;
}

int host_req_header_at(const pb_http_request* r, size_t i, pb_str* name, pb_str* value) {
  if (r == nullptr || name == nullptr || value == nullptr) return PB_E_INVALID;
  if (i >= req(r)->header_count()) return PB_E_NOT_FOUND;
  http::HeaderView h = req(r)->header_at(i);
  *name = ps(h.name);
  *value = ps(h.value);
  return PB_OK;
}

int host_req_param(const pb_http_request* r, pb_str name, pb_str* out) {
  if (r == nullptr || out == nullptr || !valid(name)) return PB_E_INVALID;
  auto value = req(r)->param(sv(name));
  if (!value) return PB_E_NOT_FOUND;
  *out = ps(*value);
  return PB_OK;
}

pb_str host_req_user_id(const pb_http_request* r) { return r ? ps(req(r)->user_id()) : pb_str{}; }
pb_str host_req_session_id(const pb_http_request* r) {
  return r ? ps(req(r)->session_id()) : pb_str{};
}
pb_str host_req_roles(const pb_http_request* r) { return r ? ps(req(r)->roles()) : pb_str{}; }

int host_resp_header(pb_http_request* r, pb_str name, pb_str value) {
  if (r == nullptr || !valid(name) || !valid(value)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  return req(r)->add_header(sv(name), sv(value));
}

int host_respond(pb_http_request* r, int status, pb_str content_type, pb_str body) {
  if (r == nullptr || status < 200 || status > 599 || !valid(content_type) || !valid(body)) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread()) return PB_E_STATE;
  return req(r)->respond(status, sv(content_type), sv(body));
}

int host_respond_error(pb_http_request* r, int status, pb_str id, pb_str message,
                       pb_str detailed) {
  if (r == nullptr || status < 400 || status > 599 || !valid(id) || !valid(message) ||
      !valid(detailed)) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread()) return PB_E_STATE;
  return req(r)->respond_error(status, sv(id), sv(message), sv(detailed));
}

// ---- event bus --------------------------------------------------------------------------------

int host_event_id(pb_plugin* self, pb_str name, uint32_t* out) {
  if (self == nullptr || out == nullptr || !valid(name)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  auto id = self->app->bus().event_id(sv(name));
  if (!id.ok()) return id.error().code;
  *out = *id;
  return PB_OK;
}

int host_event_id_typed(pb_plugin* self, pb_str name, int kind, uint32_t* out) {
  if (self == nullptr || out == nullptr || !valid(name)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  auto id = self->app->bus().event_id(sv(name), kind);  // refuses a kind that names no struct
  if (!id.ok()) return id.error().code;
  *out = *id;
  return PB_OK;
}

int host_subscribe_intercept(pb_plugin* self, uint32_t event, int32_t priority,
                             pb_intercept_fn fn, void* user) {
  if (self == nullptr || fn == nullptr) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase != PluginPhase::init) return PB_E_STATE;
  return self->app->bus().intercept(event, priority, bus::Subscriber{self->id, self}, fn, user);
}

int host_subscribe_observe(pb_plugin* self, uint32_t event, pb_observe_fn fn, void* user) {
  if (self == nullptr || fn == nullptr) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase != PluginPhase::init) return PB_E_STATE;
  return self->app->bus().observe(event, bus::Subscriber{self->id, self}, fn, user);
}

int host_intercept_replace(pb_intercept_ctx* ctx, const void* payload) {
  if (!on_loop_thread()) return PB_E_STATE;
  return bus::Bus::replace(ctx, payload);
}

int host_intercept_set_error(pb_intercept_ctx* ctx, int http_status, pb_str id, pb_str message) {
  if (!valid(id) || !valid(message)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  return bus::Bus::set_error(ctx, http_status, sv(id), sv(message));
}

int host_auth_set_identity(pb_intercept_ctx* ctx, pb_str user_id, pb_str session_id,
                           pb_str roles) {
  if (!valid(user_id) || !valid(session_id) || !valid(roles)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  return bus::Bus::set_identity(ctx, sv(user_id), sv(session_id), sv(roles));
}

int host_intercept_resume(pb_intercept_ctx* ctx, int verdict) {
  if (!on_loop_thread()) return PB_E_STATE;
  return bus::Bus::resume(ctx, verdict);
}

int host_publish_intercept(pb_plugin* self, uint32_t event, const void* payload,
                           pb_publish_done_fn done, void* user) {
  if (self == nullptr || payload == nullptr || done == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  // Only plugin-defined events may be published by plugins: the core events are the core's
  // (a plugin must not forge an auth.check or a post.created).
  if (event < PB_EVENT_FIRST_DYNAMIC) return PB_E_INVALID;
  return self->app->bus().run_intercept(
      event, payload, [self, done, user](const bus::ChainResult& r, const void* final_payload) {
        guarded(self, "publish_intercept completion", [&] {
          done(user, r.verdict, r.http_status, ps(r.error_id), ps(r.message), final_payload);
        });
      });
}

int host_publish_observe(pb_plugin* self, uint32_t event, const void* payload) {
  if (self == nullptr || payload == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  if (event < PB_EVENT_FIRST_DYNAMIC) return PB_E_INVALID;
  return self->app->bus().run_observe(event, payload);
}

// ---- key-value store --------------------------------------------------------------------------

// Adapters from the store's (void*, string_view) callbacks to the plugin's (void*, pb_str) ones.
struct KvRead {
  pb_plugin* plugin;
  pb_kv_value_fn value_fn;
  pb_kv_each_fn each_fn;
  void* user;
};

void kv_value_thunk(void* arg, std::string_view value) {
  auto* read = static_cast<KvRead*>(arg);
  guarded(read->plugin, "kv_get callback", [&] { read->value_fn(read->user, ps(value)); });
}

bool kv_each_thunk(void* arg, std::string_view key, std::string_view value) {
  auto* read = static_cast<KvRead*>(arg);
  int stop = 1;
  guarded(read->plugin, "kv_list callback", [&] { stop = read->each_fn(read->user, ps(key), ps(value)); });
  return stop == 0;
}

int host_kv_get(pb_plugin* self, pb_str key, pb_kv_value_fn fn, void* user) {
  if (self == nullptr || fn == nullptr || !valid(key)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  KvRead read{self, fn, nullptr, user};
  return self->kv->get(sv(key), kv_value_thunk, &read);
}

int host_kv_list(pb_plugin* self, pb_str prefix, pb_kv_each_fn fn, void* user) {
  if (self == nullptr || fn == nullptr || !valid(prefix)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  KvRead read{self, nullptr, fn, user};
  return self->kv->list(sv(prefix), kv_each_thunk, &read);
}

// One pending durable write of a plugin: the completion to call once the store acknowledged it.
struct KvWrite {
  pb_plugin* plugin;
  pb_done_fn done;
  void* user;
};

void on_kv_committed(void* arg, int status) {
  auto* write = static_cast<KvWrite*>(arg);
  if (write->done != nullptr) {
    guarded(write->plugin, "kv write completion", [&] { write->done(write->user, status); });
  }
  delete write;
}

int host_kv_put(pb_plugin* self, pb_str key, pb_str value, pb_done_fn done, void* user) {
  if (self == nullptr || !valid(key) || !valid(value)) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  auto* write = new KvWrite{self, done, user};
  int status = self->kv->put(sv(key), sv(value), on_kv_committed, write);
  if (status != PB_OK) delete write;
  return status;
}

int host_kv_delete(pb_plugin* self, pb_str key, pb_done_fn done, void* user) {
  if (self == nullptr || !valid(key)) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  auto* write = new KvWrite{self, done, user};
  int status = self->kv->erase(sv(key), on_kv_committed, write);
  if (status != PB_OK) delete write;
  return status;
}

// ---- loop -------------------------------------------------------------------------------------

void on_timer_closed(uv_handle_t* handle) { delete static_cast<pb_timer*>(handle->data); }

void close_timer(pb_timer* timer) {
  timer->owner->timers.erase(timer);
  uv_timer_stop(&timer->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle), on_timer_closed);
}

void on_timer(uv_timer_t* handle) {
  auto* timer = static_cast<pb_timer*>(handle->data);
  pb_plugin* plugin = timer->owner;
  // A one-shot timer is gone once it fired: close it first so that the callback may not stop it.
  pb_timer_fn fn = timer->fn;
  void* user = timer->user;
  if (!timer->repeating) close_timer(timer);
  guarded(plugin, "timer callback", [&] { fn(user); });
}

int host_timer_start(pb_plugin* self, uint64_t timeout_ms, uint64_t repeat_ms, pb_timer_fn fn,
                     void* user, pb_timer** out) {
  if (self == nullptr || fn == nullptr) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  auto* timer = new pb_timer{};
  timer->owner = self;
  timer->fn = fn;
  timer->user = user;
  timer->repeating = repeat_ms != 0;
  uv_timer_init(self->app->loop(), &timer->handle);
  timer->handle.data = timer;
  uv_timer_start(&timer->handle, on_timer, timeout_ms, repeat_ms);
  self->timers.insert(timer);
  if (out != nullptr) *out = timer;
  return PB_OK;
}

int host_timer_stop(pb_timer* timer) {
  if (timer == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  if (timer->owner->timers.count(timer) == 0) return PB_E_INVALID;  // already fired or stopped
  close_timer(timer);
  return PB_OK;
}

int host_post_to_loop(pb_plugin* self, pb_task_fn fn, void* user) {
  if (self == nullptr || fn == nullptr) return PB_E_INVALID;
  return self->app->post_to_loop(fn, user);
}

struct Work {
  uv_work_t req;
  pb_plugin* plugin;
  pb_task_fn work;
  pb_task_fn after;
  void* user;
};

void run_work(uv_work_t* req) {
  auto* w = static_cast<Work*>(req->data);
  // On a worker thread: an exception here must not reach libuv's thread pool.
  try {
    w->work(w->user);
  } catch (...) {
    log::error(w->plugin->id, "queue_work task threw (on a worker thread)");
  }
}

void after_work(uv_work_t* req, int) {
  auto* w = static_cast<Work*>(req->data);
  w->plugin->pending_work--;
  if (w->after != nullptr) guarded(w->plugin, "queue_work completion", [&] { w->after(w->user); });
  App* app = w->plugin->app;
  delete w;
  app->plugin_work_finished();
}

int host_queue_work(pb_plugin* self, pb_task_fn work, pb_task_fn after, void* user) {
  if (self == nullptr || work == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  auto* w = new Work{{}, self, work, after, user};
  w->req.data = w;
  int rc = uv_queue_work(self->app->loop(), &w->req, run_work, after_work);
  if (rc != 0) {
    delete w;
    return PB_E_IO;
  }
  self->pending_work++;  // the plugin's code must stay loaded until `after` has run
  return PB_OK;
}

// ---- minor 1: users and staged writes ------------------------------------------------------

int host_user_get(pb_plugin* self, int by, pb_str value, pb_user_fn fn, void* user) {
  if (self == nullptr || fn == nullptr || !valid(value)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  UserDirectory* users = self->app->users();
  if (users == nullptr) return PB_E_UNSUPPORTED;
  auto found_fn = [&](const pb_user_v1& found) {
    guarded(self, "user_get callback", [&] { fn(user, &found); });
  };
  return users->get(by, sv(value), std::cref(found_fn));
}

int host_user_create(pb_plugin* self, const pb_user_v1* draft, pb_user_done_fn done, void* user) {
  if (self == nullptr || draft == nullptr || done == nullptr ||
      draft->struct_size < sizeof(pb_user_v1)) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  UserDirectory* users = self->app->users();
  if (users == nullptr) return PB_E_UNSUPPORTED;
  return users->create(*draft, [self, done, user](int status, int http_status, std::string_view id,
                                                  std::string_view message, const pb_user_v1* created) {
    guarded(self, "user_create completion",
            [&] { done(user, status, http_status, ps(id), ps(message), created); });
  });
}

int host_user_set_active(pb_plugin* self, pb_str user_id, int active, pb_done_fn done, void* user) {
  if (self == nullptr || !valid(user_id) || user_id.len == 0) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  UserDirectory* users = self->app->users();
  if (users == nullptr) return PB_E_UNSUPPORTED;
  return users->set_active(sv(user_id), active != 0, [self, done, user](int status) {
    if (done != nullptr) guarded(self, "user_set_active completion", [&] { done(user, status); });
  });
}

int host_intercept_stage_kv_put(pb_intercept_ctx* ctx, pb_str key, pb_str value) {
  if (!valid(key) || !valid(value)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  return bus::Bus::stage(ctx, sv(key), sv(value));
}

// ---- minor 2: channels, team roles, posts --------------------------------------------------

int host_channel_get(pb_plugin* self, pb_str channel_id, pb_channel_fn fn, void* user) {
  if (self == nullptr || fn == nullptr || !valid(channel_id)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  auto found_fn = [&](const pb_channel_v1& found) {
    guarded(self, "channel_get callback", [&] { fn(user, &found); });
  };
  return chat->channel(sv(channel_id), std::cref(found_fn));
}

int host_channel_get_by_name(pb_plugin* self, pb_str team_id, pb_str name, pb_channel_fn fn,
                             void* user) {
  if (self == nullptr || fn == nullptr || !valid(team_id) || !valid(name)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  auto found_fn = [&](const pb_channel_v1& found) {
    guarded(self, "channel_get_by_name callback", [&] { fn(user, &found); });
  };
  return chat->channel_by_name(sv(team_id), sv(name), std::cref(found_fn));
}

// ---- minor 4: teams -------------------------------------------------------------------------

int host_team_get(pb_plugin* self, pb_str team_id, pb_team_fn fn, void* user) {
  if (self == nullptr || fn == nullptr || !valid(team_id)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  auto found_fn = [&](const pb_team_v1& found) {
    guarded(self, "team_get callback", [&] { fn(user, &found); });
  };
  return chat->team(sv(team_id), std::cref(found_fn));
}

// ---- minor 5: metrics -----------------------------------------------------------------------

int host_metrics_register(pb_plugin* self, pb_metrics_collect_fn fn, void* user) {
  if (self == nullptr) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  self->metrics_fn = fn;
  self->metrics_user = fn != nullptr ? user : nullptr;
  return PB_OK;
}

// ---- minor 6: requests whose client left ----------------------------------------------------

// What the connection knows: closed by the server after a reset, a read or write error or a
// time-out. A request the host makes to itself (call_local) has no connection: never gone.
int host_req_peer_gone(const pb_http_request* r) {
  if (r == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  return req(r)->peer_gone() ? 1 : 0;
}

}  // namespace
}  // namespace pb::server

// One collect call's destination. The host has a single, static sink and points it at a
// scrape's samples only for the duration of a collect call, so a sink a plugin wrongly kept
// answers PB_E_STATE afterwards instead of pointing at freed memory.
struct pb_metrics_sink {
  pb::metrics::PluginSamples* samples = nullptr;
};

namespace pb::server {
namespace {

int host_metrics_sample(pb_metrics_sink* sink, pb_str name, pb_str help, int type,
                        const pb_metric_label* labels, size_t label_count, double value) {
  if (!on_loop_thread() || sink == nullptr || sink->samples == nullptr) return PB_E_STATE;
  if (!valid(name) || !valid(help) || (labels == nullptr && label_count > 0)) return PB_E_INVALID;
  if (label_count > metrics::PluginSamples::kMaxLabels) return PB_E_INVALID;
  metrics::Type t;
  if (type == PB_METRIC_COUNTER) {
    t = metrics::Type::counter;
  } else if (type == PB_METRIC_GAUGE) {
    t = metrics::Type::gauge;
  } else {
    return PB_E_INVALID;
  }
  metrics::Label copied[metrics::PluginSamples::kMaxLabels];
  for (size_t i = 0; i < label_count; ++i) {
    if (!valid(labels[i].name) || !valid(labels[i].value)) return PB_E_INVALID;
    copied[i] = {sv(labels[i].name), sv(labels[i].value)};
  }
  auto added = sink->samples->add(sv(name), sv(help), t,
                                  std::span<const metrics::Label>(copied, label_count), value);
  return added.ok() ? PB_OK : added.error().code;
}

int host_channel_direct(pb_plugin* self, pb_str user_a, pb_str user_b, pb_channel_done_fn done,
                        void* user) {
  if (self == nullptr || done == nullptr || !valid(user_a) || !valid(user_b) || user_a.len == 0 ||
      user_b.len == 0) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  return chat->direct_channel(sv(user_a), sv(user_b),
                              [self, done, user](int status, const pb_channel_v1* channel) {
                                guarded(self, "channel_direct completion",
                                        [&] { done(user, status, channel); });
                              });
}

int host_channel_can_read(pb_plugin* self, pb_str channel_id, pb_str user_id) {
  if (self == nullptr || !valid(channel_id) || !valid(user_id)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  return chat->can_read(sv(channel_id), sv(user_id));
}

int host_team_member_roles(pb_plugin* self, pb_str team_id, pb_str user_id, pb_kv_value_fn fn,
                           void* user) {
  if (self == nullptr || fn == nullptr || !valid(team_id) || !valid(user_id)) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  auto found_fn = [&](std::string_view roles) {
    guarded(self, "team_member_roles callback", [&] { fn(user, ps(roles)); });
  };
  return chat->team_roles(sv(team_id), sv(user_id), std::cref(found_fn));
}

int host_post_create(pb_plugin* self, const pb_post_v1* draft, pb_post_done_fn done, void* user) {
  if (self == nullptr || draft == nullptr || done == nullptr ||
      draft->struct_size < sizeof(pb_post_v1) || !valid(draft->channel_id) ||
      !valid(draft->user_id) || !valid(draft->root_id) || !valid(draft->type) ||
      !valid(draft->message) || !valid(draft->props_json)) {
    return PB_E_INVALID;
  }
  if (!on_loop_thread() || self->phase == PluginPhase::stopped) return PB_E_STATE;
  ChatDirectory* chat = self->app->chat();
  if (chat == nullptr) return PB_E_UNSUPPORTED;
  return chat->create_post(*draft, [self, done, user](int status, int http_status,
                                                      std::string_view id, std::string_view message,
                                                      const pb_post_v1* created) {
    guarded(self, "post_create completion",
            [&] { done(user, status, http_status, ps(id), ps(message), created); });
  });
}

// ---- minor 3: outbound HTTP -------------------------------------------------------------------

// The client calls completions through this, so a plugin that throws is faulted, not unwound
// into libuv. `owner` is the pb_plugin the request was made for.
void invoke_fetch_done(const void* owner, pb_http_fetch_done_fn done, void* user, int status,
                       const pb_http_response_v1* response, pb_str detail) {
  auto* plugin = static_cast<pb_plugin*>(const_cast<void*>(owner));
  guarded(plugin, "http_fetch completion", [&] { done(user, status, response, detail); });
}

int host_http_fetch(pb_plugin* self, const pb_http_fetch_v1* request, pb_http_fetch_done_fn done,
                    void* user, uint64_t* request_id) {
  if (self == nullptr || request == nullptr || done == nullptr) return PB_E_INVALID;
  if (!on_loop_thread() || self->phase == PluginPhase::stopped || self->app->draining()) {
    return PB_E_STATE;
  }
  http_client::Client* client = self->app->http_client();
  if (client == nullptr) return PB_E_UNSUPPORTED;
  auto id = client->fetch(*request, self, done, user);
  if (!id.ok()) {
    log::debug(self->id, "http_fetch refused: {}", id.error().message);
    return id.error().code;
  }
  if (request_id != nullptr) *request_id = *id;
  return PB_OK;
}

int host_http_cancel(pb_plugin* self, uint64_t request_id) {
  if (self == nullptr) return PB_E_INVALID;
  if (!on_loop_thread()) return PB_E_STATE;
  http_client::Client* client = self->app->http_client();
  if (client == nullptr) return PB_E_NOT_FOUND;
  return client->cancel(self, request_id);
}

const pb_host_api kHostApi = {
    sizeof(pb_host_api),
    PB_ABI_MAJOR,
    PB_ABI_MINOR,
    host_log,
    host_status_name,
    host_config_json,
    host_route_add,
    host_req_method,
    host_req_path,
    host_req_query,
    host_req_body,
    host_req_request_id,
    host_req_header,
    host_req_header_at,
    host_req_param,
    host_req_user_id,
    host_req_session_id,
    host_req_roles,
    host_resp_header,
    host_respond,
    host_respond_error,
    host_event_id,
    host_subscribe_intercept,
    host_subscribe_observe,
    host_intercept_replace,
    host_intercept_set_error,
    host_auth_set_identity,
    host_intercept_resume,
    host_publish_intercept,
    host_publish_observe,
    host_kv_get,
    host_kv_list,
    host_kv_put,
    host_kv_delete,
    host_timer_start,
    host_timer_stop,
    host_post_to_loop,
    host_queue_work,
    host_user_get,
    host_user_create,
    host_user_set_active,
    host_intercept_stage_kv_put,
    host_channel_get,
    host_channel_get_by_name,
    host_channel_direct,
    host_channel_can_read,
    host_team_member_roles,
    host_post_create,
    host_http_fetch,
    host_http_cancel,
    host_team_get,
    host_metrics_register,
    host_metrics_sample,
    host_req_peer_gone,
    host_event_id_typed,
};

}  // namespace

const pb_host_api* host_api() { return &kHostApi; }

http_client::Invoker fetch_done_invoker() { return &invoke_fetch_done; }

void collect_plugin_metrics(pb_plugin* plugin, std::string& page) {
  if (plugin->metrics_fn == nullptr || plugin->failed || plugin->phase != PluginPhase::running) {
    return;
  }
  metrics::PluginSamples samples(plugin->id);
  // Static: a plugin that (wrongly) kept the sink finds it disarmed, never dangling.
  static pb_metrics_sink sink;
  sink.samples = &samples;
  guarded(plugin, "metrics collect callback",
          [&] { plugin->metrics_fn(plugin->metrics_user, &sink); });
  sink.samples = nullptr;
  metrics::TextWriter out(page);
  samples.render(out);
}

void stop_plugin_timers(pb_plugin* plugin) {
  while (!plugin->timers.empty()) close_timer(*plugin->timers.begin());
}

}  // namespace pb::server
