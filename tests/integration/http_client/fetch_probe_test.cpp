// http_fetch / http_cancel through the real binary: the fetch_probe test plugin performs a fetch
// for each GET it gets and answers what happened. Covers the host wiring: the config's
// allow-list and timeout, the CA file from the environment, cancel, and a server stopped with a
// request in flight.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/support/loopback_server.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest {
namespace {

std::string encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ServerConfig probe_config(std::string allow = "", std::string timeout_s = "") {
  ServerConfig config;
  config.plugin_dir = FETCH_PROBE_DIR;
  if (!allow.empty()) config.service["AllowedUntrustedInternalConnections"] = "\"" + allow + "\"";
  if (!timeout_s.empty()) config.service["OutgoingIntegrationRequestsTimeout"] = timeout_s;
  return config;
}

// GET /api/v4/fetch_probe?url=...&extra; the probe's JSON answer.
std::string probe(ServerProcess& server, const std::string& url, const std::string& extra = "") {
  auto response = round_trip(server.host(), server.port(),
                             get_request("/api/v4/fetch_probe?url=" + encode(url) + extra),
                             std::chrono::milliseconds(20000));
  if (!response) return "no response";
  EXPECT_EQ(response->status, 200) << response->body;
  return response->body;
}

LoopbackServer::Script answer(std::string response, std::string* seen = nullptr) {
  return [response, seen](LoopbackConnection& c) {
    for (;;) {
      std::string request = c.read_request();
      if (request.empty()) return;
      if (seen) *seen = request;
      c.write(response);
    }
  };
}

TEST(FetchProbe, InternalAddressesRefusedByDefault) {
  LoopbackServer target(answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  ServerProcess server(probe_config());
  ASSERT_TRUE(server.start());
  std::string port = std::to_string(target.port());
  for (const std::string& url : std::vector<std::string>{"http://127.0.0.1:" + port + "/", "http://localhost:" + port + "/",
                          "http://[::1]:" + port + "/", "http://10.0.0.1/",
                          "http://169.254.169.254/latest/meta-data/"}) {
    std::string body = probe(server, url);
    EXPECT_NE(body.find("\"status\":\"PB_E_DENIED\""), std::string::npos) << url << ": " << body;
  }
  EXPECT_EQ(target.accepted(), 0);
}

TEST(FetchProbe, AllowListedLoopbackIsFetched) {
  std::string seen;
  LoopbackServer target(answer("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi", &seen));
  ServerProcess server(probe_config("127.0.0.1"));
  ASSERT_TRUE(server.start());
  std::string body = probe(server, "http://127.0.0.1:" + std::to_string(target.port()) + "/cb",
                           "&method=POST&body=" + encode("{\"x\":1}"));
  EXPECT_NE(body.find("\"status\":\"PB_OK\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"http_status\":201"), std::string::npos) << body;
  EXPECT_NE(body.find("\"body\":\"hi\""), std::string::npos) << body;
  EXPECT_EQ(seen.rfind("POST /cb HTTP/1.1\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("\r\nX-Probe: 1\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\nUser-Agent: patchbay/"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\n\r\n{\"x\":1}"), std::string::npos) << seen;
}

TEST(FetchProbe, ConfiguredTimeoutApplies) {
  LoopbackServer target([](LoopbackConnection& c) { c.wait_closed(); });
  ServerProcess server(probe_config("127.0.0.1", "1"));
  ASSERT_TRUE(server.start());
  std::string body = probe(server, "http://127.0.0.1:" + std::to_string(target.port()) + "/");
  EXPECT_NE(body.find("\"status\":\"PB_E_TIMEOUT\""), std::string::npos) << body;
}

TEST(FetchProbe, CancelAndInvalidUrl) {
  LoopbackServer target([](LoopbackConnection& c) { c.wait_closed(); });
  ServerProcess server(probe_config("127.0.0.1"));
  ASSERT_TRUE(server.start());
  std::string body = probe(server, "http://127.0.0.1:" + std::to_string(target.port()) + "/", "&cancel=1");
  EXPECT_NE(body.find("\"status\":\"PB_E_CANCELED\""), std::string::npos) << body;
  body = probe(server, "gopher://example.com/");
  EXPECT_NE(body.find("\"start\":\"PB_E_INVALID\""), std::string::npos) << body;
  body = probe(server, "http://127.0.0.1/", "&method=" + encode("GET /x"));
  EXPECT_NE(body.find("\"start\":\"PB_E_INVALID\""), std::string::npos) << body;
}

TEST(FetchProbe, StoppingTheServerCancelsRequestsInFlight) {
  LoopbackServer target([](LoopbackConnection& c) { c.wait_closed(); });
  ServerProcess server(probe_config("127.0.0.1"));
  ASSERT_TRUE(server.start());
  std::string url = "http://127.0.0.1:" + std::to_string(target.port()) + "/";
  auto started = round_trip(server.host(), server.port(),
                            get_request("/api/v4/fetch_probe/pending?url=" + encode(url)));
  ASSERT_TRUE(started);
  EXPECT_EQ(started->body, "{\"started\":true}");
  auto code = server.stop();
  ASSERT_TRUE(code.has_value()) << "the server did not exit";
  EXPECT_EQ(*code, 0);
  EXPECT_NE(server.log().find("pending fetch ended: PB_E_CANCELED"), std::string::npos) << server.log();
}

TEST(FetchProbe, TlsWithTheCaFromTheEnvironment) {
  TempDir dir;
  TestPki pki;
  ASSERT_TRUE(make_test_pki(dir.path().string(), &pki));
  TlsFiles files{pki.cert_file, pki.key_file};
  LoopbackServer target(answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntls"), "127.0.0.1", &files);
  std::string url = "https://localhost:" + std::to_string(target.port()) + "/";

  ServerProcess trusting(probe_config("localhost"));
  trusting.config().env = {{"PATCHBAY_HTTP_CLIENT_CA_FILE", pki.ca_file}};
  ASSERT_TRUE(trusting.start());
  std::string body = probe(trusting, url);
  EXPECT_NE(body.find("\"status\":\"PB_OK\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"body\":\"tls\""), std::string::npos) << body;

  ServerProcess default_store(probe_config("localhost"));
  ASSERT_TRUE(default_store.start());
  body = probe(default_store, url);
  EXPECT_NE(body.find("\"status\":\"PB_E_IO\""), std::string::npos) << body;
  EXPECT_NE(body.find("certificate verify failed"), std::string::npos) << body;
}

}  // namespace
}  // namespace pb::itest
