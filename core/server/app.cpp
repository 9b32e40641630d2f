#include "core/server/app.h"

#include <fmt/format.h>

#include <cstdlib>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <functional>

#include "core/config/listen_address.h"
#include "core/config/writer.h"
#include "core/log/log.h"
#include "core/ratelimit/request_limiter.h"
#include "core/server/core_routes.h"
#include "core/server/metrics_endpoint.h"
#include "core/server/plugin_options.h"
#include "core/server/store_options.h"
#include "core/server/thread_check.h"
#include "core/version.h"

namespace pb::server {
namespace {

// X-Version-Id, in Mattermost's shape "<version>.<build>.<config hash>.<licensed>": clients read
// the leading server version to gate features, so it names the API level patchbay follows.
std::string version_id(const std::string& config_json) {
  std::string build = fmt::format("patchbay-{}", kVersion);
  for (char& c : build) {
    if (c == '.') c = '_';
  }
  return fmt::format("{}.{}.{:08x}.false", kMattermostCompatVersion, build,
                     static_cast<uint32_t>(std::hash<std::string>{}(config_json)));
}

// True when the space-separated `words` (a roles string) contain `word`.
bool has_word(std::string_view words, std::string_view word) {
  size_t at = 0;
  while (at < words.size()) {
    size_t end = words.find(' ', at);
    if (end == std::string_view::npos) end = words.size();
    if (words.substr(at, end - at) == word) return true;
    at = end + 1;
  }
  return false;
}

http::Limits http_limits(const config::Config& config) {
  http::Limits limits;
  const auto& s = config.service;
  limits.max_body_bytes = static_cast<size_t>(s.MaximumPayloadSizeBytes);
  limits.header_timeout_ms = static_cast<uint32_t>(s.ReadHeaderTimeoutMilliseconds);
  limits.body_timeout_ms = static_cast<uint32_t>(s.ReadTimeout * 1000);
  limits.idle_timeout_ms = static_cast<uint32_t>(s.IdleTimeout * 1000);
  return limits;
}

}  // namespace

http_client::ClientOptions http_client_options(const config::Config& config) {
  http_client::ClientOptions options;
  options.default_timeout_ms =
      static_cast<uint32_t>(config.service.OutgoingIntegrationRequestsTimeout) * 1000;
  options.allow_list = config.service.AllowedUntrustedInternalConnections;
  if (const char* ca = std::getenv("PATCHBAY_HTTP_CLIENT_CA_FILE"); ca != nullptr) {
    options.extra_ca_file = ca;
  }
  options.user_agent = fmt::format("patchbay/{}", kVersion);
  options.invoker = fetch_done_invoker();
  return options;
}

App::App(uv_loop_t* loop, AppOptions options) : loop_(loop), options_(std::move(options)) {}

Result<std::unique_ptr<App>> App::create(uv_loop_t* loop, AppOptions options) {
  set_loop_thread();
  std::unique_ptr<App> app(new App(loop, std::move(options)));
  app->created_ns_ = uv_hrtime();
  app->config_json_ = config::to_json(app->options_.config, false);
  app->bus_.set_fault_reporter([](const bus::Subscriber& who, std::string_view what) {
    log::error(who.plugin_id, "{}", what);
  });

  app->posted_async_ = new uv_async_t;
  app->posted_async_->data = app.get();
  if (uv_async_init(loop, app->posted_async_, on_posted) != 0) {
    delete app->posted_async_;
    app->posted_async_ = nullptr;
    return make_error(PB_E_IO, "cannot create the loop's wake-up handle");
  }
  app->loop_thread_ = std::this_thread::get_id();
  app->posted_here_idle_ = new uv_idle_t;
  app->posted_here_idle_->data = app.get();
  uv_idle_init(loop, app->posted_here_idle_);  // cannot fail
  auto client = http_client::Client::create(loop, http_client_options(app->options_.config));
  if (!client.ok()) return client.error();
  app->http_client_ = std::move(*client);
  return app;
}

App::~App() {
  metrics_.reset();
  // Plugins are destroyed by drain(); a destructor without drain (start() failed) still owes
  // destroy to every plugin whose init succeeded.
  for (size_t i = 0; i < plugins_.size(); ++i) {
    if (plugins_[i].initialized) {
      plugin_host::call_stop(plugins_[i]);
      if (http_client_ && contexts_[i]) http_client_->cancel_owner(contexts_[i].get());
      plugin_host::call_destroy(plugins_[i]);
    }
    if (contexts_[i]) stop_plugin_timers(contexts_[i].get());
    plugin_host::unload(plugins_[i]);
  }
  if (posted_async_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(posted_async_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
  }
  if (posted_here_idle_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(posted_here_idle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
  }
}

Result<void> App::start() {
  store::StoreOptions store_settings = store_options(options_.config);
  store_settings.on_refused_full = [this](uint64_t refused) { report_store_full(refused); };
  auto store = store::Store::open(loop_, store_settings);
  if (!store.ok()) return store.error();
  store_ = std::move(*store);
  log::info("store", "{} (schema {}, id {}, sync {})", store_->directory(),
            store_->schema_version(), store_->store_id(), options_.config.store.SyncMode);

  server::register_core_routes(*this);
  if (auto loaded = load_plugins(); !loaded.ok()) return loaded;

  if (!options_.listen) return {};
  auto address = config::parse_listen_address(options_.config.service.ListenAddress);
  if (!address.ok()) return address.error();
  http::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  server_options.limits = http_limits(options_.config);
  server_options.version_id = version_id(config_json_);
  server_options.expose_detailed_errors = options_.config.service.EnableDeveloper;
  // RateLimitSettings: every request is counted before routing, as Mattermost wraps its whole
  // router; a limited one has been answered (429) by the limiter.
  rate_limiter_ = ratelimit::RequestLimiter::from_config(options_.config);
  if (options_.config.metrics.Enable) {
    // Request metrics: the clock is read here and when the answer is built (on_answered); a
    // request answered before routing (429, 404) counts under the route "unmatched".
    server_options.on_answered = &App::on_answered;
    server_options.on_answered_user = this;
    server_options.dispatch = [this](http::Request& request) {
      request.host_started_ns = uv_hrtime();
      request_metrics_.started();
      if (rate_limiter_ && !rate_limiter_->admit(request, static_cast<int64_t>(request.host_started_ns))) {
        return;
      }
      dispatch(request);
    };
  } else {
    server_options.dispatch = [this](http::Request& request) {
      if (rate_limiter_ && !rate_limiter_->admit(request, static_cast<int64_t>(uv_hrtime()))) return;
      dispatch(request);
    };
  }
  auto server = http::Server::create(loop_, std::move(server_options));
  if (!server.ok()) return server.error();
  http_ = std::move(*server);
  log::info("http", "listening on {}:{}", address->host, http_->port());
  if (auto metrics = start_metrics(); !metrics.ok()) return metrics;
#ifdef __GLIBC__
  // Start-up allocates and frees a lot between what stays (config and manifest documents, the
  // plugins' settings and rule files compiled to validate them): hand the freed pages back once,
  // so that an idle server's RSS is what it holds, not what starting needed.
  malloc_trim(0);
#endif
  return {};
}

Result<void> App::start_metrics() {
  if (!options_.config.metrics.Enable) return {};
  auto address = config::parse_listen_address(options_.config.metrics.ListenAddress);
  if (!address.ok()) return address.error();
  auto endpoint = MetricsEndpoint::create(*this, *address, version_id(config_json_));
  if (!endpoint.ok()) return endpoint.error();
  metrics_ = std::move(*endpoint);
  log::info("metrics", "listening on {}:{}", address->host, metrics_->port());
  return {};
}

void App::on_answered(void* arg, const http::Request& request) {
  auto* app = static_cast<App*>(arg);
  app->request_metrics_.record(request.host_route, request.method(), request.response_status(),
                               uv_hrtime() - request.host_started_ns);
}

Result<void> App::load_plugins() {
  if (!options_.config.plugins.Enable) {
    log::info("plugins", "plugins are disabled (PluginSettings.Enable=false)");
    return {};
  }
  auto options = plugin_load_options(options_.config);
  if (!options.ok()) return options.error();
  auto records = plugin_host::load_plugins(*options);
  if (!records.ok()) return records.error();
  plugins_ = std::move(*records);
  contexts_.resize(plugins_.size());

  auto fail_fatally = [](const plugin_host::PluginRecord& r) {
    return make_error(PB_E_PLUGIN, fmt::format("required plugin {} failed: {}", r.id, r.reason));
  };

  for (size_t i = 0; i < plugins_.size(); ++i) {
    auto& record = plugins_[i];
    if (record.state != plugin_host::PluginState::active) {
      if (record.state == plugin_host::PluginState::failed) {
        log::error("plugins", "{} failed: {}", record.id, record.reason);
        if (plugin_host::is_fatal(record)) return fail_fatally(record);
      }
      continue;
    }
    auto ctx = std::make_unique<pb_plugin>();
    ctx->app = this;
    ctx->id = record.id;
    auto kv = store::KvNamespace::create(*store_, record.id);
    if (!kv.ok()) return kv.error();
    ctx->kv.emplace(std::move(*kv));
    contexts_[i] = std::move(ctx);
    pb_plugin* self = contexts_[i].get();

    auto initialized = plugin_host::call_init(record, host_api(), self);
    if (!initialized.ok()) {
      // Nothing the plugin registered may outlive its library: drop it all, then unload.
      bus_.unsubscribe_all(self);
      for (auto& route : routes_) {
        if (route.plugin == self) route.fn = nullptr;
      }
      stop_plugin_timers(self);
      if (http_client_) http_client_->cancel_owner(self);
      plugin_host::unload(record);
      log::error("plugins", "{} failed: {}", record.id, record.reason);
      if (plugin_host::is_fatal(record)) return fail_fatally(record);
      continue;
    }
    self->phase = PluginPhase::running;
  }

  for (size_t i = 0; i < plugins_.size(); ++i) {
    auto& record = plugins_[i];
    if (record.state != plugin_host::PluginState::active) continue;
    if (auto started = plugin_host::call_start(record); !started.ok()) {
      fault(contexts_[i].get(), record.reason);
      if (plugin_host::is_fatal(record)) return fail_fatally(record);
      continue;
    }
    log::info("plugins", "{} {} active", record.id, record.version);
  }
  return {};
}

void App::fault(pb_plugin* plugin, std::string_view what) {
  if (plugin == nullptr) return;
  log::error(plugin->id, "{}", what);
  if (plugin->failed) return;
  // A plugin that threw may have left its own state half-updated: stop routing to it and
  // unsubscribe it, but keep its code loaded (a pending callback may still point into it).
  plugin->failed = true;
  bus_.unsubscribe_all(plugin);
  for (size_t i = 0; i < contexts_.size(); ++i) {
    if (contexts_[i].get() == plugin && plugins_[i].state == plugin_host::PluginState::active) {
      plugins_[i].fail(std::string(what));
    }
  }
}

int App::add_route(pb_plugin* plugin, std::string_view method, std::string_view pattern,
                   uint32_t flags, std::string_view permission, pb_http_handler fn, void* user) {
  routes_.push_back(RouteTarget{this, plugin, flags, std::string(permission), fn, user});
  RouteTarget* target = &routes_.back();
  int rc = router_.add(method, pattern, http::Handler{&App::on_route, target});
  if (rc != PB_OK) {
    routes_.pop_back();
    return rc;
  }
  // Per-pattern series (~480 bytes each, ~90 patterns) only when they can be scraped: with
  // metrics off nothing records into them.
  if (options_.config.metrics.Enable) target->metric_route = request_metrics_.route_id(pattern);
  return rc;
}

void App::dispatch(http::Request& request) {
  http::Match& match = match_;
  router_.match(request.method(), request.path(), match);
  if (match.kind == http::Match::Kind::kNotFound) {
    request.respond_error(404, "api.context.404.app_error",
                          fmt::format("There doesn't appear to be an api call for the url='{}'.",
                                      request.path()));
    return;
  }
  if (match.kind == http::Match::Kind::kMethodNotAllowed) {
    request.add_header("Allow", match.allow);
    request.respond_error(405, "api.context.405.app_error",
                          fmt::format("Method {} is not allowed for the url='{}'.",
                                      request.method(), request.path()));
    return;
  }
  request.set_params(match.params);
  // match_ is free again from here: a handler may dispatch a request of its own.
  const http::Handler handler = match.handler;
  handler.fn(handler.user, request);
}

// A matched route: public routes go straight to their handler; authenticated ones first through
// the auth.check chain, which fails closed.
void App::on_route(void* arg, http::Request& request) {
  const RouteTarget& target = *static_cast<const RouteTarget*>(arg);
  App* app = target.app;
  request.host_route = target.metric_route;
  if ((target.flags & PB_ROUTE_AUTHENTICATED) == 0) {
    app->invoke(target, request);
    return;
  }
  app->check_auth(request, target.permission,
                  [app, &target, &request](const bus::ChainResult& result) {
                    if (result.verdict != PB_VERDICT_ALLOW) {
                      request.respond_error(result.http_status, result.error_id, result.message);
                      return;
                    }
                    // RateLimitSettings.VaryByUser: a second pass keyed by the user, once known.
                    if (app->rate_limiter_ &&
                        !app->rate_limiter_->admit_user(request, request.user_id(),
                                                        static_cast<int64_t>(uv_hrtime()))) {
                      return;
                    }
                    app->invoke(target, request);
                  });
}

void App::check_auth(http::Request& request, std::string_view permission,
                     std::function<void(const bus::ChainResult&)> done) {
  if (request.local()) {
    // call_local: the identity was set (and checked to be an active system admin) by the
    // trusted caller; without one, the answer of a request that carries no credentials.
    bus::ChainResult result;
    if (!request.user_id().empty()) {
      result.verdict = PB_VERDICT_ALLOW;
      result.user_id = request.user_id();
      result.roles = request.roles();
      result.decided_by = "local operator";
    } else {
      result.verdict = PB_VERDICT_REJECT;
      result.http_status = 401;
      result.error_id = "api.context.session_expired.app_error";
      result.message = "Invalid or expired session, please login again.";
    }
    done(result);
    return;
  }
  pb_auth_check_v1 check{sizeof check, reinterpret_cast<const pb_http_request*>(&request),
                         pb_str{permission.data(), permission.size()}};
  int rc = bus_.run_intercept(PB_EVENT_AUTH_CHECK, &check,
                              [&request, done = std::move(done)](const bus::ChainResult& result,
                                                                 const void*) {
                                if (result.verdict == PB_VERDICT_ALLOW) {
                                  request.set_identity(result.user_id, result.session_id,
                                                       result.roles);
                                }
                                done(result);
                              });
  if (rc != PB_OK) request.respond_error(500, "api.context.auth.app_error", "The auth chain failed.");
}

struct App::LocalCall {
  App* app = nullptr;
  http::Request request;
  LocalDone done;
};

int App::call_local(std::string_view method, std::string_view target, std::string_view body,
                    std::string_view acting_user_id, LocalDone done) {
  if (!store_ || draining_) return PB_E_STATE;
  auto call = std::make_unique<LocalCall>();
  call->app = this;
  call->done = std::move(done);
  auto on_answer = [](void* user, http::Request& answered) {
    auto* call = static_cast<LocalCall*>(user);
    LocalDone finished = std::move(call->done);
    // The handler may still be on this request: free it from a later loop callback. If the
    // loop no longer takes tasks (drained), the App's destructor frees it.
    call->app->post_to_loop(&App::sweep_local_calls, call->app);
    finished(answered.response_status(), answered.response_body());
  };
  int rc = call->request.begin_local(method, target, body, on_answer, call.get());
  if (rc != PB_OK) return rc;

  if (!acting_user_id.empty()) {
    if (users_ == nullptr) return PB_E_UNSUPPORTED;
    bool admin = false;
    std::string roles;
    rc = users_->get(PB_USER_BY_ID, acting_user_id, [&](const pb_user_v1& user) {
      roles.assign(user.roles.data, user.roles.len);
      admin = user.delete_at == 0 && has_word(roles, "system_admin");
    });
    if (rc != PB_OK) return rc == PB_E_NOT_FOUND ? PB_E_NOT_FOUND : PB_E_INVALID;
    if (!admin) return PB_E_INVALID;
    // No session: the identity is the operator's choice, vouched for by filesystem access.
    call->request.set_identity(acting_user_id, "", roles);
  }
  http::Request& request = call->request;
  local_calls_.push_back(std::move(call));
  dispatch(request);
  return PB_OK;
}

void App::sweep_local_calls(void* arg) {
  auto* app = static_cast<App*>(arg);
  std::erase_if(app->local_calls_,
                [](const std::unique_ptr<LocalCall>& call) { return call->request.answered(); });
}

void App::invoke(const RouteTarget& target, http::Request& request) {
  if (target.fn == nullptr || (target.plugin != nullptr && target.plugin->failed)) {
    request.respond_error(503, "api.plugin.unavailable.app_error",
                          "The plugin that serves this route is not available.");
    return;
  }
  int rc;
  try {
    rc = target.fn(target.user, reinterpret_cast<pb_http_request*>(&request));
  } catch (const std::exception& e) {
    fault(target.plugin, fmt::format("route handler threw: {}", e.what()));
    rc = PB_E_PLUGIN;
  } catch (...) {
    fault(target.plugin, "route handler threw");
    rc = PB_E_PLUGIN;
  }
  if (rc < 0 && !request.answered()) {
    request.respond_error(500, "api.plugin.handler.app_error",
                          "The plugin failed while handling the request.");
  }
}

uint16_t App::port() const { return http_ ? http_->port() : 0; }

uint16_t App::metrics_port() const { return metrics_ ? metrics_->port() : 0; }

int App::post_to_loop(pb_task_fn fn, void* user) {
  if (std::this_thread::get_id() == loop_thread_) {
    // posted_closed_ is only ever set on this thread, so reading it needs no lock here.
    if (posted_closed_ || posted_here_idle_ == nullptr) return PB_E_STATE;
    if (posted_here_.empty()) uv_idle_start(posted_here_idle_, on_posted_here);
    posted_here_.push_back(Posted{fn, user});
    return PB_OK;
  }
  // The send stays under the lock: finish_drain() closes the door under it and then frees the
  // handle, so a poster that got in before the door closed must be done with the handle first.
  std::lock_guard lock(posted_mutex_);
  if (posted_closed_) return PB_E_STATE;
  posted_.push_back(Posted{fn, user});
  uv_async_send(posted_async_);
  return PB_OK;
}

void App::run_posted(std::vector<Posted>& tasks) {
  for (const Posted& task : tasks) {
    try {
      task.fn(task.user);
    } catch (...) {
      log::error("plugins", "a task posted to the loop threw");
    }
  }
  tasks.clear();
}

void App::on_posted(uv_async_t* handle) {
  auto* app = static_cast<App*>(handle->data);
  std::vector<Posted> tasks;
  {
    std::lock_guard lock(app->posted_mutex_);
    tasks.swap(app->posted_);
  }
  run_posted(tasks);
}

void App::on_posted_here(uv_idle_t* handle) {
  auto* app = static_cast<App*>(handle->data);
  // Tasks these tasks post wait for the next turn, as the first ones did.
  std::vector<Posted> tasks;
  tasks.swap(app->posted_here_);
  uv_idle_stop(handle);
  run_posted(tasks);
  // Keep the larger buffer: the queue refills to the same size turn after turn.
  if (app->posted_here_.empty() && tasks.capacity() > app->posted_here_.capacity()) {
    app->posted_here_.swap(tasks);
  }
}

void App::drain(std::function<void()> done) {
  if (draining_) return;
  draining_ = true;
  // The scrape listener closes at once (a scrape in progress is answered by then: rendering is
  // synchronous); it does not hold up the drain.
  if (metrics_) metrics_->drain();
  auto after_http = [this, done = std::move(done)]() mutable {
    // No request is in flight any more: stop the plugins (no new timers or writes), flush the
    // store (pending writes complete and call back), then destroy the plugins.
    for (size_t i = 0; i < plugins_.size(); ++i) {
      if (!contexts_[i]) continue;
      if (plugins_[i].initialized) plugin_host::call_stop(plugins_[i]);
      contexts_[i]->phase = PluginPhase::stopped;
      stop_plugin_timers(contexts_[i].get());
      // Requests still in flight complete with PB_E_CANCELED now, after stop() returned and
      // while the plugin's code is still loaded.
      if (http_client_) http_client_->cancel_owner(contexts_[i].get());
    }
    // Nothing may call out any more; pooled connections close so the loop can end.
    if (http_client_) http_client_->shutdown();
    auto after_store = [this, done = std::move(done)]() mutable {
      // Worker tasks still running would call back into plugin code: wait for them before
      // destroying (and unloading) any plugin.
      wait_for_plugin_work(std::move(done));
    };
    if (store_) {
      store_->close(std::move(after_store));
    } else {
      after_store();
    }
  };
  if (http_) {
    http_->drain(std::move(after_http));
  } else {
    after_http();
  }
}

void App::report_store_full(uint64_t refused) {
  // Every refused write is already answered (500 app.store.write.app_error); what the operator
  // needs is one line saying why and what to do, not one per request.
  constexpr uint64_t kEveryMs = 60 * 1000;
  store_full_unreported_ += refused;
  const uint64_t now = uv_now(loop_);
  if (store_full_reported_at_ms_ != 0 && now - store_full_reported_at_ms_ < kEveryMs) return;
  log::error("store",
             "the store is full: {} write(s) refused{} (StoreSettings.MaxSizeMB = {}); reads "
             "still work. Raise MaxSizeMB and restart to accept writes again",
             store_full_unreported_, store_full_reported_at_ms_ == 0 ? "" : " in the last minute",
             options_.config.store.MaxSizeMB);
  store_full_unreported_ = 0;
  store_full_reported_at_ms_ = now == 0 ? 1 : now;
}

void App::wait_for_plugin_work(std::function<void()> done) {
  size_t pending = 0;
  for (const auto& ctx : contexts_) pending += ctx ? ctx->pending_work : 0;
  if (pending == 0) {
    finish_drain(std::move(done));
    return;
  }
  on_work_drained_ = [this, done = std::move(done)]() mutable { finish_drain(std::move(done)); };
}

void App::plugin_work_finished() {
  if (!on_work_drained_) return;
  for (const auto& ctx : contexts_) {
    if (ctx && ctx->pending_work > 0) return;
  }
  auto next = std::move(on_work_drained_);
  on_work_drained_ = nullptr;
  next();
}

void App::finish_drain(std::function<void()> done) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_closed_ = true;
  }
  on_posted(posted_async_);  // run what was posted before the door closed
  while (!posted_here_.empty()) on_posted_here(posted_here_idle_);
  for (size_t i = 0; i < plugins_.size(); ++i) {
    if (plugins_[i].initialized) plugin_host::call_destroy(plugins_[i]);
    plugin_host::unload(plugins_[i]);
  }
  // Requests a plugin still held when it was destroyed, whose clients had left (the drain did
  // not wait for those): nobody will answer them now, so the core does, and frees them.
  if (http_) http_->answer_orphans();
  uv_close(reinterpret_cast<uv_handle_t*>(posted_async_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
  posted_async_ = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(posted_here_idle_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
  posted_here_idle_ = nullptr;
  done();
}

}  // namespace pb::server
