// GET /metrics: the Prometheus page, on a listener of its own (MetricsSettings.ListenAddress),
// never on the main port. It reuses the core HTTP server (same parser, limits and ordering) with
// a dispatch that knows one route: GET (and HEAD) /metrics; anything else is 404/405 with
// Mattermost's error JSON.
//
// The page (render_metrics) is built on the loop thread at scrape time from what the App
// already counts: requests (core/metrics/request_metrics.h), connections, the store, plugin
// states, the process (/proc/self), uptime and build info, then each plugin's own samples
// (collect callbacks, ABI minor 5).
//
// Threading: loop thread. Lifetime: owned by the App, drained by App::drain().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/config/listen_address.h"
#include "core/http/server.h"
#include "core/util/result.h"

namespace pb::server {

class App;

class MetricsEndpoint {
 public:
  // Binds `address`. Errors: as http::Server::create (PB_E_IO names the address when taken).
  static Result<std::unique_ptr<MetricsEndpoint>> create(App& app,
                                                         const config::ListenAddress& address,
                                                         std::string version_id);
  uint16_t port() const { return http_->port(); }
  // Stops listening and closes scrape connections (answers already made are flushed first).
  void drain();

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<http::Server> http_;
};

// The whole page, in Prometheus text format 0.0.4.
std::string render_metrics(App& app);

}  // namespace pb::server
