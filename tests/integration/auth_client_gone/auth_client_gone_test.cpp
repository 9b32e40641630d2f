// Logins whose client left before their turn in the auth plugin's hashing queue, through the real
// binary (ABI minor 6, req_peer_gone): one login keeps the only hashing slot busy
// (HashConcurrency 1, the "moderate" argon2id cost: hundreds of milliseconds per hash), more
// logins queue behind it on raw sockets and hang up; /metrics then shows that none of them was
// hashed, and a later login still works.
//
// Not timing luck: the abandoned logins are seen queued (hashes_queued) and their connections
// seen gone (open_connections) while the first hash still runs (hashes_started unchanged), and
// the test says so if a machine ever was too slow for that.
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include "plugins/auth/tests/server_fixture.h"
#include "tests/integration/metrics/prometheus_text.h"

namespace pb::auth::itest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSkipped = "patchbay_plugin_auth_logins_skipped_client_gone_total";
constexpr const char* kStarted = "patchbay_plugin_auth_password_hashes_started_total";
constexpr const char* kRunning = "patchbay_plugin_auth_password_hashes_running";
constexpr const char* kQueued = "patchbay_plugin_auth_password_hashes_queued";
constexpr const char* kOpen = "patchbay_http_open_connections";

// A client socket that sends one request and then goes away: with a reset (SO_LINGER 0), or
// with a plain close (FIN), as a client that gives up usually does. Reset in the destructor if
// still open.
class HangUpClient {
 public:
  HangUpClient(const std::string& host, uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~HangUpClient() { reset(); }
  HangUpClient(const HangUpClient&) = delete;
  HangUpClient& operator=(const HangUpClient&) = delete;

  bool send_all(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
  }
  void hang_up(bool with_reset) {
    if (fd_ < 0) return;
    if (with_reset) {
      linger hard{1, 0};
      setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    ::close(fd_);
    fd_ = -1;
  }
  void reset() { hang_up(true); }

 private:
  int fd_ = -1;
};

class AuthClientGone : public AuthServer {
 protected:
  void SetUp() override {
    config_.plugin_dir = pb::itest::test_plugin_dir().parent_path() / "plugins";
    config_.plugin_settings["auth"] = R"({"HashConcurrency":1,"PasswordHashCost":"moderate"})";
    config_.env = {{"PB_METRICSSETTINGS_ENABLE", "true"},
                   {"PB_METRICSSETTINGS_LISTENADDRESS", "127.0.0.1:0"}};
    start_server();
    static const std::regex line(R"(\[metrics\] listening on [0-9.]+:([0-9]+))");
    ASSERT_TRUE(server_->wait_for_log("[metrics] listening on", 10s));
    std::smatch m;
    std::string log = server_->log();
    ASSERT_TRUE(std::regex_search(log, m, line));
    metrics_port_ = static_cast<uint16_t>(std::stoi(m[1]));
  }

  double metric(const char* name) {
    auto r = pb::itest::round_trip(server_->host(), metrics_port_,
                                   pb::itest::get_request("/metrics"));
    EXPECT_TRUE(r);
    if (!r) return -1;
    std::string error;
    auto page = pb::test::prom::parse(r->body, &error);
    EXPECT_TRUE(page) << error;
    return page ? page->value(name).value_or(-1) : -1;
  }
  // Polls /metrics until `name` equals `want` (10 s at most).
  ::testing::AssertionResult wait_metric(const char* name, double want) {
    double seen = -1;
    for (auto end = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(5ms)) {
      if ((seen = metric(name)) == want) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << name << " is " << seen << ", not " << want;
  }

  std::string login_request() {
    std::string body = R"({"login_id":"admin","password":")" + std::string(kPassword) + "\"}";
    return pb::itest::post_request("/api/v4/users/login", body,
                                   "Content-Type: application/json\r\n");
  }

  uint16_t metrics_port_ = 0;

  void queued_logins_whose_clients_hang_up_are_never_hashed(bool with_reset);
};

void AuthClientGone::queued_logins_whose_clients_hang_up_are_never_hashed(bool with_reset) {
  create_user("admin");
  ASSERT_TRUE(wait_metric(kRunning, 0));
  const double started = metric(kStarted);
  ASSERT_EQ(metric(kSkipped), 0);

  // The first login takes the only hashing slot; its client stays.
  pb::itest::HttpConnection first(server_->host(), server_->port());
  ASSERT_TRUE(first.connected());
  ASSERT_TRUE(first.send(login_request()));
  ASSERT_TRUE(wait_metric(kRunning, 1));

  // Four more queue behind it, then their clients hang up.
  constexpr int kAbandoned = 4;
  std::vector<std::unique_ptr<HangUpClient>> gone;
  for (int i = 0; i < kAbandoned; ++i) {
    gone.push_back(std::make_unique<HangUpClient>(server_->host(), server_->port()));
    ASSERT_TRUE(gone.back()->send_all(login_request()));
  }
  ASSERT_TRUE(wait_metric(kQueued, kAbandoned));
  for (auto& c : gone) c->hang_up(with_reset);
  ASSERT_TRUE(wait_metric(kOpen, 1));  // only `first` is left
  ASSERT_EQ(metric(kStarted), started + 1)
      << "queued logins were hashed before the server saw their clients leave (or it never "
         "did, and answered them): see the FIN case below";

  auto answer = first.next(30s);
  ASSERT_TRUE(answer) << first.why();
  EXPECT_EQ(answer->status, 200) << answer->body;
  ASSERT_TRUE(wait_metric(kQueued, 0));
  ASSERT_TRUE(wait_metric(kRunning, 0));
  EXPECT_EQ(metric(kSkipped), kAbandoned);
  EXPECT_EQ(metric(kStarted), started + 1);  // none of the four was hashed

  // The queue is free again: a later login is hashed and answered as always.
  auto later = login("admin");
  EXPECT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(metric(kStarted), started + 2);
  EXPECT_EQ(metric(kSkipped), kAbandoned);
}

TEST_F(AuthClientGone, QueuedLoginsWhoseClientsResetAreNeverHashed) {
  queued_logins_whose_clients_hang_up_are_never_hashed(true);
}

// A plain close (FIN) is how wrk, curl --max-time and most abandoned clients leave: the core
// counts end of input as a client that gave up (Request::peer_gone()), as Go's net/http does.
TEST_F(AuthClientGone, QueuedLoginsWhoseClientsCloseAreNeverHashed) {
  queued_logins_whose_clients_hang_up_are_never_hashed(false);
}

}  // namespace
}  // namespace pb::auth::itest
