// `patchbay serve`: run the server until SIGTERM or SIGINT, then drain and exit 0. SIGHUP
// re-reads the config: LogSettings apply at once, plugin settings marked "live" in a plugin's
// manifest go to that plugin's configure() (App::reload_plugin_settings), every other change is
// reported as needing a restart.
#include <signal.h>
#include <uv.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/cli/log_settings.h"
#include "core/log/log.h"
#include "core/server/app.h"

namespace pb::cli {
namespace {

struct ServeState {
  server::App* app = nullptr;
  std::string config_path;
  config::Config running;  // what the server runs with (LogSettings as last reloaded)
  uv_signal_t sigterm;
  uv_signal_t sigint;
  uv_signal_t sighup;
  bool draining = false;
};

void close_signals(ServeState* state) {
  uv_close(reinterpret_cast<uv_handle_t*>(&state->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&state->sigint), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&state->sighup), nullptr);
}

void on_signal(uv_signal_t* handle, int signum) {
  auto* state = static_cast<ServeState*>(handle->data);
  if (state->draining) {
    // A second signal: the operator does not want to wait for in-flight requests.
    log::warn("server", "second signal {}: exiting without waiting", signum);
    std::_Exit(1);
  }
  state->draining = true;
  log::info("server", "signal {}: draining (stop accepting, finish in-flight requests)", signum);
  state->app->drain([state] {
    close_signals(state);
    log::info("server", "drained; bye");
    log::flush();
  });
}

// The sections whose values differ (by their JSON), in key-table order.
std::vector<std::string> changed_sections(const config::Config& a, const config::Config& b) {
  std::vector<std::string> changed;
#define PB_SERVE_COMPARE(Name, member, KEYS) \
  if (!(a.member == b.member)) changed.push_back(#Name);
  PB_CONFIG_SECTIONS(PB_SERVE_COMPARE)
#undef PB_SERVE_COMPARE
  return changed;
}

void on_reload(uv_signal_t* handle, int) {
  auto* state = static_cast<ServeState*>(handle->data);
  if (state->draining) return;
  log::info("server", "SIGHUP: reloading {}", state->config_path);
  auto next = load_config_or_report(state->config_path);
  if (!next) {
    log::error("server", "reload: {} is not valid; keeping the running configuration",
               state->config_path);
    return;
  }
  std::vector<std::string> restart;
  bool plugins_need_restart = false;
  for (const std::string& section : changed_sections(state->running, *next)) {
    if (section == "LogSettings") {
      if (auto applied = apply_log_settings(*next); !applied) {
        log::error("server", "reload: LogSettings: {}; keeping the previous log outputs",
                   applied.error().message);
        continue;
      }
      state->running.log = next->log;
      log::info("server", "reload: LogSettings applied");
    } else if (section == "PluginSettings") {
      // Reported key by key inside; the running config follows what was applied.
      plugins_need_restart = !state->app->reload_plugin_settings(next->plugins);
      state->running.plugins = state->app->config().plugins;
    } else {
      restart.push_back(section);
    }
  }
  for (const std::string& section : restart)
    log::warn("server", "reload: {} changed; it takes effect after a restart", section);
  if (restart.empty() && !plugins_need_restart) {
    log::info("server", "reload: done, nothing needs a restart");
  }
}

}  // namespace

int run_serve(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return 1;
  if (auto logs = apply_log_settings(*config); !logs) {
    log::error("server", "LogSettings: {}", logs.error().message);
    return 1;
  }
  // A client that disconnects mid-write must cost an EPIPE, not the process.
  signal(SIGPIPE, SIG_IGN);

  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    ServeState state;
    state.config_path = config_path;
    state.running = *config;
    auto app = server::App::create(&loop, server::AppOptions{std::move(*config), true});
    if (!app.ok()) {
      log::error("server", "{}", app.error().message);
      log::flush();
      return 1;
    }
    // Signals are watched before the socket opens: a SIGTERM that arrives right after the
    // "listening" line must drain, not kill the process with the default action.
    state.app = app->get();
    uv_signal_init(&loop, &state.sigterm);
    uv_signal_init(&loop, &state.sigint);
    uv_signal_init(&loop, &state.sighup);
    state.sigterm.data = state.sigint.data = state.sighup.data = &state;
    uv_signal_start(&state.sigterm, on_signal, SIGTERM);
    uv_signal_start(&state.sigint, on_signal, SIGINT);
    uv_signal_start(&state.sighup, on_reload, SIGHUP);
    if (auto started = (*app)->start(); !started.ok()) {
      log::error("server", "cannot start: {}", started.error().message);
      rc = 1;
      state.draining = true;
      (*app)->drain([&state] { close_signals(&state); });
    }
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // close callbacks of what the App's destructor closed
  if (uv_loop_close(&loop) != 0) log::warn("server", "the loop still had open handles at exit");
  log::flush();
  return rc;
}

}  // namespace pb::cli
