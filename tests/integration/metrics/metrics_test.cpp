// GET /metrics through the real binary: MetricsSettings off means nothing listens; on, a listener
// of its own (ephemeral port, read from its "[metrics] listening on" line) serves a page that a
// strict parser accepts, whose counters move with requests and whose route labels are the
// router's patterns, never raw paths. The main port does not serve /metrics.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "tests/integration/metrics/prometheus_text.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;

ServerConfig metrics_on() {
  ServerConfig config;
  config.env = {{"PB_METRICSSETTINGS_ENABLE", "true"},
                {"PB_METRICSSETTINGS_LISTENADDRESS", "127.0.0.1:0"}};
  return config;
}

// The port of the metrics listener, from its log line (written right after the main listener's,
// so it may still be on its way through the pipe); 0 when none came.
uint16_t metrics_port(ServerProcess& server) {
  static const std::regex line(R"(\[metrics\] listening on [0-9.]+:([0-9]+))");
  if (!server.wait_for_log("[metrics] listening on", 10s)) return 0;
  std::smatch m;
  std::string log = server.log();
  if (!std::regex_search(log, m, line)) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

test::prom::Page scrape(ServerProcess& server, uint16_t port) {
  auto response = round_trip(server.host(), port, get_request("/metrics"));
  EXPECT_TRUE(response);
  if (!response) return {};
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  std::string error;
  auto page = test::prom::parse(response->body, &error);
  EXPECT_TRUE(page) << error << "\n" << response->body;
  return page ? *page : test::prom::Page{};
}

double requests(const test::prom::Page& page, const std::string& route, const std::string& method,
                const std::string& status) {
  return page.value("patchbay_http_requests_total",
                    {{"route", route}, {"method", method}, {"status", status}})
      .value_or(0);
}

// A loopback port that was free a moment ago (bound, then released).
uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(Metrics, OffByDefaultNothingListensAndTheMainPortHasNoMetrics) {
  uint16_t port = free_port();
  ServerConfig config;
  config.env = {{"PB_METRICSSETTINGS_LISTENADDRESS", "127.0.0.1:" + std::to_string(port)}};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  // Answered: start() is over, so a metrics listener, had there been one, would be bound now.
  auto main = round_trip(server.host(), server.port(), get_request("/metrics"));
  ASSERT_TRUE(main);
  EXPECT_EQ(main->status, 404);
  HttpConnection connection(server.host(), port);
  EXPECT_FALSE(connection.connected());
  EXPECT_EQ(server.log().find("[metrics]"), std::string::npos) << server.log();
}

TEST(Metrics, PageParsesStrictlyAndNamesTheServersParts) {
  ServerProcess server(metrics_on());
  ASSERT_TRUE(server.start());
  uint16_t port = metrics_port(server);
  ASSERT_NE(port, 0) << server.log();
  ASSERT_NE(port, server.port());
  auto page = scrape(server, port);
  for (const char* family :
       {"patchbay_http_requests_total", "patchbay_http_request_duration_seconds",
        "patchbay_http_requests_in_flight", "patchbay_http_open_connections",
        "patchbay_store_map_used_bytes", "patchbay_store_map_limit_bytes",
        "patchbay_store_file_bytes", "patchbay_store_commits_total", "patchbay_store_syncs_total",
        "patchbay_store_groups_logged_total", "patchbay_store_checkpoints_total",
        "patchbay_store_queued_batches", "patchbay_plugin_state",
        "patchbay_process_resident_memory_bytes", "patchbay_process_open_fds",
        "patchbay_uptime_seconds", "patchbay_build_info"}) {
    EXPECT_EQ(page.types.count(family), 1u) << family;
  }
  EXPECT_EQ(page.value("patchbay_store_map_limit_bytes"), 1024.0 * 1024 * 1024);
  EXPECT_GT(page.value("patchbay_store_map_used_bytes").value_or(0), 0);
  EXPECT_GT(page.value("patchbay_process_resident_memory_bytes").value_or(0), 1e6);
  EXPECT_GT(page.value("patchbay_process_open_fds").value_or(0), 3);
  EXPECT_EQ(page.value("patchbay_plugin_state", {{"plugin", "kv_probe"}, {"state", "active"}}), 1);
  EXPECT_EQ(page.value("patchbay_build_info", {{"version", "0.1.0"}}), 1) << server.log();

  // Not a general HTTP server: one path, GET or HEAD.
  auto other = round_trip(server.host(), port, get_request("/api/v4/system/ping"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto post = round_trip(server.host(), port, post_request("/metrics", "x"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->header("Allow"), "GET, HEAD");
  // Nor does the main port serve it.
  auto main = round_trip(server.host(), server.port(), get_request("/metrics"));
  ASSERT_TRUE(main);
  EXPECT_EQ(main->status, 404);
}

TEST(Metrics, CountersMoveWithRequestsAndRoutesArePatterns) {
  ServerProcess server(metrics_on());
  ASSERT_TRUE(server.start());
  uint16_t port = metrics_port(server);
  ASSERT_NE(port, 0) << server.log();
  auto before = scrape(server, port);

  // Three pings on one keep-alive connection, two requests to a parameterised route with raw
  // ids that must not appear as labels, one path no route matches, one method no route takes.
  HttpConnection c(server.host(), server.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(get_request("/api/v4/system/ping")));
    auto r = c.next();
    ASSERT_TRUE(r) << c.why();
    EXPECT_EQ(r->status, 200);
  }
  const std::string raw_id = "zzrawidzzrawidzzrawidzzraw";
  ASSERT_TRUE(c.send(get_request("/api/v4/users/" + raw_id)));
  ASSERT_TRUE(c.next());
  ASSERT_TRUE(c.send(get_request("/api/v4/users/other" + raw_id.substr(5))));
  ASSERT_TRUE(c.next());
  ASSERT_TRUE(c.send(get_request("/no/such/" + raw_id)));
  auto missing = c.next();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  ASSERT_TRUE(c.send(post_request("/api/v4/system/ping", "")));
  auto not_allowed = c.next();
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 405);

  auto after = scrape(server, port);
  const std::string ping = "/api/v4/system/ping";
  EXPECT_EQ(requests(after, ping, "GET", "2xx") - requests(before, ping, "GET", "2xx"), 3);
  EXPECT_EQ(requests(after, "/api/v4/users/{user_id}", "GET", "4xx") -
                requests(before, "/api/v4/users/{user_id}", "GET", "4xx"),
            2);
  EXPECT_EQ(requests(after, "unmatched", "GET", "4xx") - requests(before, "unmatched", "GET", "4xx"), 1);
  EXPECT_EQ(requests(after, "unmatched", "POST", "4xx") - requests(before, "unmatched", "POST", "4xx"), 1);
  double count = after.value("patchbay_http_request_duration_seconds_count", {{"route", ping}}).value_or(0);
  EXPECT_GE(count, 3);
  // Every route label is a registered pattern or "unmatched": no raw path leaked.
  for (const std::string& route : after.label_values("patchbay_http_requests_total", "route")) {
    EXPECT_TRUE(route == "unmatched" || route.starts_with("/")) << route;
    EXPECT_EQ(route.find(raw_id.substr(2, 10)), std::string::npos) << route;
  }
  // The keep-alive connection is open while we scrape; the scrape's own is on the other port.
  EXPECT_GE(after.value("patchbay_http_open_connections").value_or(0), 1);
  EXPECT_EQ(after.value("patchbay_http_requests_in_flight"), 0);
  ASSERT_EQ(server.stop(), 0);
}

// ABI minor 5 through the real host: the corpus plugin "metrics" (tests/abi/cases/metrics.c)
// adds one valid sample per scrape and three the host must refuse; only the valid one reaches
// the page, which still parses, and the plugin is told why the others were refused.
TEST(Metrics, PluginSamplesAreCheckedAndCollectedOnEachScrape) {
  TempDir plugins;
  std::filesystem::create_directory_symlink(abi_plugin_dir() / "metrics", plugins.path() / "metrics");
  ServerConfig config = metrics_on();
  config.plugin_dir = plugins.path();
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  uint16_t port = metrics_port(server);
  ASSERT_NE(port, 0) << server.log();
  const std::map<std::string, std::string> kind{{"kind", "c \"quoted\""}};
  auto first = scrape(server, port);
  EXPECT_EQ(first.value("patchbay_plugin_metrics_scrapes_total", kind), 1);
  EXPECT_EQ(first.types.at("patchbay_plugin_metrics_scrapes_total"), "counter");
  EXPECT_EQ(first.helps.at("patchbay_plugin_metrics_scrapes_total"), "Collect calls so far.");
  EXPECT_FALSE(first.value("patchbay_plugin_metrics_nan"));
  EXPECT_FALSE(first.value("patchbay_plugin_metrics_labelled"));
  EXPECT_EQ(first.value("patchbay_plugin_state", {{"plugin", "metrics"}, {"state", "active"}}), 1);
  auto second = scrape(server, port);
  EXPECT_EQ(second.value("patchbay_plugin_metrics_scrapes_total", kind), 2);
  for (const char* line : {"metrics: good -> PB_OK", "metrics: foreign -> PB_E_INVALID",
                           "metrics: nan -> PB_E_INVALID", "metrics: label -> PB_E_INVALID"}) {
    EXPECT_TRUE(server.wait_for_log(line, 5s)) << line << "\n" << server.log();
  }
}

TEST(Metrics, ATakenMetricsAddressStopsTheStartWithAClearMessage) {
  ServerProcess first(metrics_on());
  ASSERT_TRUE(first.start());
  uint16_t taken = metrics_port(first);
  ASSERT_NE(taken, 0);
  ServerConfig config;
  config.env = {{"PB_METRICSSETTINGS_ENABLE", "true"},
                {"PB_METRICSSETTINGS_LISTENADDRESS", "127.0.0.1:" + std::to_string(taken)}};
  ServerProcess second(config);
  ASSERT_TRUE(second.spawn());
  auto code = second.wait_exit();
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(second.log().find("MetricsSettings.ListenAddress"), std::string::npos) << second.log();
}

}  // namespace
}  // namespace pb::itest
