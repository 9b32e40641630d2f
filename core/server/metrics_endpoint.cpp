#include "core/server/metrics_endpoint.h"

#include <lmdb.h>
#include <sys/stat.h>
#include <uv.h>

#include <filesystem>

#include "core/http/request.h"
#include "core/metrics/process_stats.h"
#include "core/metrics/text_format.h"
#include "core/server/app.h"
#include "core/server/plugin_context.h"
#include "core/version.h"

namespace pb::server {
namespace {

using metrics::TextWriter;
using metrics::Type;

constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

void gauge(TextWriter& out, std::string_view name, std::string_view help, double value) {
  out.family(name, help, Type::gauge);
  out.sample(name, {}, value);
}

void counter(TextWriter& out, std::string_view name, std::string_view help, double value) {
  out.family(name, help, Type::counter);
  out.sample(name, {}, value);
}

void render_store(App& app, TextWriter& out) {
  store::Store& store = app.store();
  // Map use from LMDB's own view of the environment: pages up to the last one used, and the
  // map size (the configured limit, StoreSettings.MaxSizeMB).
  if (auto txn = store.begin_read()) {
    MDB_env* env = mdb_txn_env(txn->raw());
    MDB_envinfo info;
    MDB_stat stat;
    if (mdb_env_info(env, &info) == 0 && mdb_env_stat(env, &stat) == 0) {
      gauge(out, "patchbay_store_map_used_bytes", "Bytes of the LMDB map in use (pages up to the last used one).",
            static_cast<double>((info.me_last_pgno + 1) * static_cast<uint64_t>(stat.ms_psize)));
      gauge(out, "patchbay_store_map_limit_bytes", "The LMDB map size: the store's size limit.",
            static_cast<double>(info.me_mapsize));
    }
  }
  struct stat file;
  auto data_file = std::filesystem::path(store.directory()) / "data.mdb";
  if (::stat(data_file.c_str(), &file) == 0) {
    gauge(out, "patchbay_store_file_bytes", "Size of the LMDB data file on disk.",
          static_cast<double>(file.st_size));
  }
  store::Stats stats = store.stats();
  counter(out, "patchbay_store_commits_total", "Group-commit write transactions committed.",
          static_cast<double>(stats.groups_committed));
  counter(out, "patchbay_store_batches_committed_total", "Write batches acknowledged as durable.",
          static_cast<double>(stats.batches_committed));
  counter(out, "patchbay_store_batches_failed_total", "Write batches acknowledged with an error.",
          static_cast<double>(stats.batches_failed));
  counter(out, "patchbay_store_batches_refused_full_total",
          "Write batches refused because the store is full (StoreSettings.MaxSizeMB).",
          static_cast<double>(stats.batches_refused_full));
  gauge(out, "patchbay_store_largest_group", "Most write batches committed in one transaction.",
        static_cast<double>(stats.largest_group));
  counter(out, "patchbay_store_syncs_total", "fsyncs paid by the store's writer.",
          static_cast<double>(stats.syncs));
  counter(out, "patchbay_store_groups_logged_total",
          "Groups acknowledged after one sync, their batches durable in redo.log.",
          static_cast<double>(stats.groups_logged));
  counter(out, "patchbay_store_checkpoints_total",
          "redo.log checkpoints written (the data file flushed, the log's records before freed).",
          static_cast<double>(stats.checkpoints));
  gauge(out, "patchbay_store_queued_batches",
        "Write batches submitted and waiting for the store's writer (the group-commit queue).",
        static_cast<double>(stats.queued));
}

void render_plugins(App& app, TextWriter& out) {
  const std::string_view name = "patchbay_plugin_state";
  out.family(name, "Each plugin's state: 1 on the series whose state label is the current one.",
             Type::gauge);
  for (const auto& plugin : app.plugins()) {
    out.sample(name, {{"plugin", plugin.id}, {"state", plugin_host::state_name(plugin.state)}}, 1);
  }
}

void render_process(App& app, TextWriter& out) {
  metrics::ProcessStats process = metrics::read_process_stats();
  if (process.resident_bytes >= 0) {
    gauge(out, "patchbay_process_resident_memory_bytes", "Resident set size of the process.",
          static_cast<double>(process.resident_bytes));
  }
  if (process.open_fds >= 0) {
    gauge(out, "patchbay_process_open_fds", "Open file descriptors of the process.",
          static_cast<double>(process.open_fds));
  }
  gauge(out, "patchbay_uptime_seconds", "Seconds since the server started.",
        static_cast<double>(uv_hrtime() - app.created_ns()) / 1e9);
  out.family("patchbay_build_info", "The running build: always 1, facts in the labels.",
             Type::gauge);
  out.sample("patchbay_build_info",
             {{"version", kVersion}, {"commit", kGitCommit}, {"mattermost_api", kMattermostCompatVersion}},
             1);
}

void serve(App& app, http::Request& request) {
  if (request.path() != "/metrics") {
    request.respond_error(404, "api.context.404.app_error",
                          "This listener serves only GET /metrics.");
    return;
  }
  if (request.method() != "GET" && request.method() != "HEAD") {
    request.add_header("Allow", "GET, HEAD");
    request.respond_error(405, "api.context.405.app_error", "GET /metrics only.");
    return;
  }
  request.respond(200, kContentType, render_metrics(app));
}

}  // namespace

std::string render_metrics(App& app) {
  std::string page;
  page.reserve(16 * 1024);
  TextWriter out(page);
  app.request_metrics().render(out);
  gauge(out, "patchbay_http_open_connections", "Client connections open on the main listener.",
        static_cast<double>(app.open_connections()));
  render_store(app, out);
  render_plugins(app, out);
  render_process(app, out);
  // Each plugin's own series (ABI minor 5), checked by the host; names are per-plugin
  // prefixed, so families never collide with the core's or with each other.
  for (const auto& context : app.plugin_contexts()) {
    if (context) collect_plugin_metrics(context.get(), page);
  }
  return page;
}

Result<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::create(
    App& app, const config::ListenAddress& address, std::string version_id) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  http::ServerOptions options;
  options.host = address.host;
  options.port = address.port;
  options.version_id = std::move(version_id);
  options.limits.max_body_bytes = 1024;  // a scrape has no body
  options.dispatch = [&app](http::Request& request) { serve(app, request); };
  auto server = http::Server::create(app.loop(), std::move(options));
  if (!server.ok()) {
    return make_error(server.error().code,
                      "MetricsSettings.ListenAddress: " + server.error().message);
  }
  endpoint->http_ = std::move(*server);
  return endpoint;
}

void MetricsEndpoint::drain() {
  http_->drain([] {});
}

}  // namespace pb::server
