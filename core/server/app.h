// The server: one libuv loop, the store, the HTTP server and router, the event bus, and the
// plugins, wired together. Lifecycle: create() -> start() -> (loop runs) -> drain() -> destroy.
//
// Threading: loop thread only, except post_to_loop().
#pragma once

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bus/bus.h"
#include "core/config/config.h"
#include "core/http/router.h"
#include "core/http/server.h"
#include "core/http_client/client.h"
#include "core/metrics/request_metrics.h"
#include "core/plugin_host/loader.h"
#include "core/ratelimit/request_limiter.h"
#include "core/server/plugin_context.h"
#include "core/server/chat_directory.h"
#include "core/server/user_directory.h"
#include "core/util/result.h"
#include "store/store.h"

namespace pb::server {

// What a route leads to: a plugin's handler, or one of the core's own.
class App;

struct RouteTarget {
  App* app = nullptr;
  pb_plugin* plugin = nullptr;  // nullptr: a core route
  uint32_t flags = PB_ROUTE_PUBLIC;
  std::string permission;
  pb_http_handler fn = nullptr;
  void* user = nullptr;
  uint32_t metric_route = 0;  // the pattern's id in the request metrics
};

class MetricsEndpoint;

struct AppOptions {
  config::Config config;
  bool listen = true;      // false: load everything but open no socket (CLI: plugins chain)
};

class App {
 public:
  static Result<std::unique_ptr<App>> create(uv_loop_t* loop, AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Opens the store, loads and initialises the plugins, starts them, then listens.
  // Fails when the store cannot be opened, a Required plugin fails, or the port is taken.
  Result<void> start();

  // Graceful drain: stop accepting, finish in-flight requests, stop plugins, flush the store;
  // then `done` runs on the loop thread and the loop has no more active handles of ours.
  void drain(std::function<void()> done);

  uint16_t port() const;
  // The /metrics listener's port; 0 when MetricsSettings.Enable is off (nothing listens).
  uint16_t metrics_port() const;
  std::string describe_chains() const { return bus_.describe(); }
  const std::vector<plugin_host::PluginRecord>& plugins() const { return plugins_; }

  // SIGHUP with a re-read config (plugin_reload.cpp): for every running plugin whose settings
  // object changed, the new one is validated against its manifest; if every changed key is
  // marked "live" it goes to the plugin's configure() and is logged as applied, otherwise the
  // keys that need a restart are logged and the running settings stay. Enabling or disabling a
  // plugin, PluginSettings.Enable and .Directory are reported as needing a restart. The App's
  // config() follows what was applied. Returns true when nothing needs a restart. Loop thread.
  bool reload_plugin_settings(const config::PluginSettings& next);

  // ---- for /metrics (metrics_endpoint.cpp) ----
  const metrics::RequestMetrics& request_metrics() const { return request_metrics_; }
  size_t open_connections() const { return http_ ? http_->connection_count() : 0; }
  uint64_t created_ns() const { return created_ns_; }  // uv_hrtime() at create()
  // The loaded plugins' contexts, parallel to plugins() (null where not loaded).
  const std::vector<std::unique_ptr<pb_plugin>>& plugin_contexts() const { return contexts_; }

  // ---- for the host API (host_api.cpp) ----
  uv_loop_t* loop() const { return loop_; }
  bus::Bus& bus() { return bus_; }
  store::Store& store() { return *store_; }
  const std::string& config_json() const { return config_json_; }
  const config::Config& config() const { return options_.config; }
  // The outbound HTTP client behind http_fetch (created with the App; shut down by drain()).
  http_client::Client* http_client() const { return http_client_.get(); }
  // Keeps a core component (the chat model's service) alive as long as the App, whose routes
  // point into it; destroyed after the plugins. Returns the raw pointer for convenience.
  template <typename T>
  T* own(std::shared_ptr<T> component) {
    T* raw = component.get();
    owned_.push_back(std::move(component));
    return raw;
  }

  // The chat model's users (nullptr in a build without one). Set before start().
  UserDirectory* users() const { return users_; }
  void set_user_directory(UserDirectory* users) { users_ = users; }
  // The chat model's channels and posts (nullptr in a build without one). Set before start().
  ChatDirectory* chat() const { return chat_; }
  void set_chat_directory(ChatDirectory* chat) { chat_ = chat; }
  int add_route(pb_plugin* plugin, std::string_view method, std::string_view pattern,
                uint32_t flags, std::string_view permission, pb_http_handler fn, void* user);
  bool draining() const { return draining_; }
  // Any thread. PB_OK, or PB_E_STATE when the server is shutting down (fn will not run).
  int post_to_loop(pb_task_fn fn, void* user);

  // Runs the auth.check chain for `request` (as authenticated routes do) and hands the result
  // to `done`; on ALLOW the request's identity is already set. For public routes whose answer
  // depends on who asks (POST /api/v4/users: first user vs admin). `request` must stay unanswered
  // until done runs.
  void check_auth(http::Request& request, std::string_view permission,
                  std::function<void(const bus::ChainResult&)> done);

  // ---- the operator's trusted local entry point ----
  //
  // Performs one request in process, through the same router, routes, interceptors and plugins
  // a client reaches, and hands back the answer: for the `patchbay user|team|channel|token`
  // commands, which run an App without a socket beside (or instead of) the server.
  //
  // TRUSTED: auth.check is skipped. The caller is a local operator with filesystem access to the
  // store, who could write it directly; this entry point exists so that they go through the
  // routes' rules instead. No network request can reach it. The request acts as
  // `acting_user_id`, who must be an active system admin (so skipping auth.check's permission
  // check grants nothing a real session of theirs would not have); "" means no identity: public
  // routes only (POST /api/v4/users on an empty store: the first user), authenticated routes
  // answer 401 as for a request without credentials. The request has no headers and no remote
  // address; `target` is a path with an optional query, as on the wire.
  //
  // Loop thread, after start() and before drain(). Returns PB_OK, and then `done` runs exactly
  // once on the loop thread (possibly before call_local returns) with the status and the
  // response body (borrowed for the call). Errors, after which `done` never runs:
  // PB_E_INVALID (method not GET/HEAD/POST/PUT/PATCH/DELETE, target not starting with '/', or
  // the acting user is deactivated or not a system admin), PB_E_NOT_FOUND (no such acting
  // user), PB_E_STATE (not started, or draining), PB_E_UNSUPPORTED (no chat model to look the
  // acting user up). drain() does not wait for local calls: call it once every done has run.
  using LocalDone = std::function<void(int status, std::string_view body)>;
  int call_local(std::string_view method, std::string_view target, std::string_view body,
                 std::string_view acting_user_id, LocalDone done);

  // A queue_work completion ran (host_api.cpp): resumes a drain waiting for worker tasks.
  void plugin_work_finished();

  // Marks a plugin failed at run time (a callback threw): its routes answer 503 from now on.
  void fault(pb_plugin* plugin, std::string_view what);

 private:
  App(uv_loop_t* loop, AppOptions options);

  Result<void> load_plugins();
  void dispatch(http::Request& request);
  Result<void> start_metrics();
  static void on_answered(void* app, const http::Request& request);
  static void on_route(void* target, http::Request& request);
  void invoke(const RouteTarget& target, http::Request& request);
  static void on_posted(uv_async_t* handle);
  static void on_posted_here(uv_idle_t* handle);
  void wait_for_plugin_work(std::function<void()> done);
  void finish_drain(std::function<void()> done);
  // The store refused `refused` writes because it is full: an error line, at most one a minute.
  void report_store_full(uint64_t refused);

  uv_loop_t* loop_;
  AppOptions options_;
  std::string config_json_;
  bus::Bus bus_;
  std::unique_ptr<store::Store> store_;
  http::Router router_;
  http::Match match_;  // dispatch() matches every request into it (its storage is reused)
  std::deque<RouteTarget> routes_;  // stable addresses: the router points into it
  std::unique_ptr<http::Server> http_;
  metrics::RequestMetrics request_metrics_;   // counted only when MetricsSettings.Enable
  std::unique_ptr<MetricsEndpoint> metrics_;  // null unless MetricsSettings.Enable
  uint64_t created_ns_ = 0;
  std::unique_ptr<http_client::Client> http_client_;
  std::shared_ptr<ratelimit::RequestLimiter> rate_limiter_;  // null unless RateLimitSettings.Enable
  std::vector<plugin_host::PluginRecord> plugins_;
  std::vector<std::unique_ptr<pb_plugin>> contexts_;  // parallel to plugins_ (null if not loaded)
  bool draining_ = false;
  UserDirectory* users_ = nullptr;
  ChatDirectory* chat_ = nullptr;
  std::vector<std::shared_ptr<void>> owned_;  // core components; see own()
  std::function<void()> on_work_drained_;  // set while a drain waits for worker tasks
  uint64_t store_full_unreported_ = 0;      // refused writes since the last error line
  uint64_t store_full_reported_at_ms_ = 0;  // loop time of that line (0: never)

  // post_to_loop: a queue filled from any thread, emptied on the loop by an async handle.
  struct Posted {
    pb_task_fn fn;
    void* user;
  };
  static void run_posted(std::vector<Posted>& tasks);
  // call_local's requests: each lives until a loop callback after its answer (the handler may
  // still read it while respond() unwinds), then sweep_local_calls() frees it.
  struct LocalCall;
  std::vector<std::unique_ptr<LocalCall>> local_calls_;
  static void sweep_local_calls(void* app);

  uv_async_t* posted_async_ = nullptr;  // heap: freed in its close callback
  std::mutex posted_mutex_;
  std::vector<Posted> posted_;
  bool posted_closed_ = false;  // guarded by posted_mutex_
  // Posts made on the loop thread itself (every post creation makes one): no lock and no
  // eventfd write and read per loop turn; an idle handle runs them on the next turn instead
  // (while it is active the loop polls without blocking).
  uv_idle_t* posted_here_idle_ = nullptr;  // heap: freed in its close callback
  std::thread::id loop_thread_;            // the thread create() ran on
  std::vector<Posted> posted_here_;
};

// The completion invoker the App's HTTP client uses: guards plugin callbacks (host_api.cpp).
http_client::Invoker fetch_done_invoker();

// What the HTTP client is built from: ServiceSettings' outgoing timeout and allow-list, and the
// extra CA file named by the environment variable PATCHBAY_HTTP_CLIENT_CA_FILE (for tests and
// private CAs; empty or unset for none).
http_client::ClientOptions http_client_options(const config::Config& config);

}  // namespace pb::server
