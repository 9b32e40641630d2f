// `patchbay serve`: run the server until SIGTERM or SIGINT, then drain and exit 0.
#include <signal.h>
#include <uv.h>

#include <cstdio>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/log/log.h"
#include "core/server/app.h"

namespace pb::cli {
namespace {

struct ServeState {
  server::App* app = nullptr;
  uv_signal_t sigterm;
  uv_signal_t sigint;
  bool draining = false;
};

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
    uv_close(reinterpret_cast<uv_handle_t*>(&state->sigterm), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&state->sigint), nullptr);
    log::info("server", "drained; bye");
  });
}

}  // namespace

int run_serve(const std::string& config_path) {
  auto config = load_config_or_report(config_path);
  if (!config) return 1;
  // A client that disconnects mid-write must cost an EPIPE, not the process.
  signal(SIGPIPE, SIG_IGN);

  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    auto app = server::App::create(&loop, server::AppOptions{std::move(*config), true});
    if (!app.ok()) {
      log::error("server", "{}", app.error().message);
      return 1;
    }
    // Signals are watched before the socket opens: a SIGTERM that arrives right after the
    // "listening" line must drain, not kill the process with the default action.
    ServeState state;
    state.app = app->get();
    uv_signal_init(&loop, &state.sigterm);
    uv_signal_init(&loop, &state.sigint);
    state.sigterm.data = state.sigint.data = &state;
    uv_signal_start(&state.sigterm, on_signal, SIGTERM);
    uv_signal_start(&state.sigint, on_signal, SIGINT);
    if (auto started = (*app)->start(); !started.ok()) {
      log::error("server", "cannot start: {}", started.error().message);
      rc = 1;
      state.draining = true;
      (*app)->drain([&state] {
        uv_close(reinterpret_cast<uv_handle_t*>(&state.sigterm), nullptr);
        uv_close(reinterpret_cast<uv_handle_t*>(&state.sigint), nullptr);
      });
    }
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // close callbacks of what the App's destructor closed
  if (uv_loop_close(&loop) != 0) log::warn("server", "the loop still had open handles at exit");
  return rc;
}

}  // namespace pb::cli
