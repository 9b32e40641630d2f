// `patchbay plugins list` and `patchbay plugins chain`.
#include <uv.h>

#include <cstdio>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/server/app.h"
#include "core/server/plugin_options.h"

namespace pb::cli {

int run_plugins_list(const std::string& config_path) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return 1;
  if (!config->plugins.Enable) {
    std::printf("(plugins are disabled: PluginSettings.Enable is false)\n");
    return 0;
  }
  auto options = server::plugin_load_options(*config);
  if (!options.ok()) {
    std::fprintf(stderr, "patchbay: %s\n", options.error().message.c_str());
    return 1;
  }
  // Discovery, manifests, settings and dlopen with every ABI check, but no plugin code runs
  // beyond pb_plugin_entry.
  auto records = plugin_host::load_plugins(*options);
  if (!records.ok()) {
    std::fprintf(stderr, "patchbay: %s\n", records.error().message.c_str());
    return 1;
  }
  if (records->empty()) {
    std::printf("(no plugins in %s)\n", options->dir.string().c_str());
    return 0;
  }
  std::fputs(plugin_host::format_plugin_list(*records).c_str(), stdout);
  return 0;
}

int run_plugins_chain(const std::string& config_path) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return 1;
  // The chain order is only known once every plugin's init has subscribed, so this starts the
  // server without a socket, prints, and drains.
  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    auto app = server::App::create(&loop, server::AppOptions{*config, false});
    if (!app.ok()) {
      std::fprintf(stderr, "patchbay: %s\n", app.error().message.c_str());
      rc = 1;
    } else if (auto started = (*app)->start(); !started.ok()) {
      std::fprintf(stderr, "patchbay: %s\n", started.error().message.c_str());
      rc = 1;
    } else {
      std::fputs((*app)->describe_chains().c_str(), stdout);
    }
    if (app.ok()) {
      (*app)->drain([] {});
      uv_run(&loop, UV_RUN_DEFAULT);
    }
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return rc;
}

}  // namespace pb::cli
