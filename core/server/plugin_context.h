// The host's side of one loaded plugin: what the opaque `pb_plugin*` of plugin.h points to.
// Every host API function receives it and finds the server through it.
#pragma once

#include <uv.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "patchbay/plugin.h"
#include "store/kv_namespace.h"

namespace pb::server {
class App;

enum class PluginPhase {
  init,     // inside init(): routes and subscriptions may be registered
  running,  // after init returned PB_OK
  stopped,  // stop() was called: no new timers or writes
};

}  // namespace pb::server

struct pb_timer {
  uv_timer_t handle;
  pb_plugin* owner;
  pb_timer_fn fn;
  void* user;
  bool repeating;
};

struct pb_plugin {
  pb::server::App* app = nullptr;
  std::string id;
  pb::server::PluginPhase phase = pb::server::PluginPhase::init;
  std::optional<pb::store::KvNamespace> kv;  // set once the store is open
  std::unordered_set<pb_timer*> timers;  // live timers, stopped when the plugin stops
  bool failed = false;                   // a callback threw: its routes answer 503
  size_t pending_work = 0;               // queue_work tasks whose completion has not run yet
  pb_metrics_collect_fn metrics_fn = nullptr;  // metrics_register (minor 5); null: none
  void* metrics_user = nullptr;
};

namespace pb::server {

// The host API table every plugin receives (static storage; the same for all plugins).
const pb_host_api* host_api();

// GET /metrics: runs `plugin`'s collect callback (if it registered one and is running) and
// renders the samples the host accepted from it. A callback that throws faults the plugin.
// Loop thread.
void collect_plugin_metrics(pb_plugin* plugin, std::string& page);

// Stops every timer of `plugin` (without firing them); used when the plugin stops.
void stop_plugin_timers(pb_plugin* plugin);

}  // namespace pb::server
