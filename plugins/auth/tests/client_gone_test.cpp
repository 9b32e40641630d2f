// Logins whose client left before their turn in the hashing queue (ABI minor 6, req_peer_gone):
// never hashed, answered at once (499, dropped by a real host), counted on /metrics; the rest of
// the queue runs in order; a host of minor 5 cannot tell, so every login is hashed as before.
#include <gtest/gtest.h>

#include <patchbay/fake_host.hpp>

#include <optional>
#include <string>
#include <vector>

#include "plugins/auth/password_hasher.h"
#include "plugins/auth/tests/fake_host_fixture.h"

namespace pb::auth {
namespace {

// One hash at a time, so a second and third login wait in the plugin's queue.
constexpr const char* kOneAtATime =
    R"({"HashConcurrency":1,"PasswordHashCost":"minimum","ClockOffsetSeconds":0})";

double sample(FakeHost& host, std::string_view name) {
  for (const auto& s : host.scrape_metrics()) {
    if (s.name == name) return s.value;
  }
  ADD_FAILURE() << name << " not on the page";
  return -1;
}

class ClientGoneTest : public AuthPluginTest {
 protected:
  void SetUp() override {}  // each test starts the plugin on the host it wants
  // host_minor: the ABI minor of the host the plugin runs on.
  void start_on(uint32_t host_minor = PB_ABI_MINOR) {
    if (host_minor != PB_ABI_MINOR) {
      ASSERT_EQ(host.simulate_abi_minor(host_minor), PB_OK);
    }
    start(config(), kOneAtATime);
    alice = make_user("alice", "password1");
  }
  // Sends a login and leaves it in flight (its verification queued, not run).
  const FakeHost::Response& send_login(const std::string& password = "password1") {
    return host.request("POST", "/api/v4/users/login", {},
                        R"({"login_id":"alice","password":")" + password + R"("})");
  }
  double skipped() { return sample(host, "patchbay_plugin_auth_logins_skipped_client_gone_total"); }
  double started() { return sample(host, "patchbay_plugin_auth_password_hashes_started_total"); }

  std::string alice;
};

TEST_F(ClientGoneTest, AQueuedLoginWhoseClientLeftIsNeverHashedTheOthersAre) {
  start_on();
  const double before = started();
  const auto& first = send_login();
  const auto& second = send_login("wrong-password");  // would count a failed attempt if checked
  const auto& third = send_login();
  EXPECT_EQ(sample(host, "patchbay_plugin_auth_password_hashes_running"), 1);
  EXPECT_EQ(sample(host, "patchbay_plugin_auth_password_hashes_queued"), 2);
  ASSERT_TRUE(host.disconnect(second));
  host.run_pending();

  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(third.status, 200) << third.body;
  ASSERT_TRUE(second.answered);  // answered, so the host can free the request; then dropped
  EXPECT_EQ(second.status, 499);
  EXPECT_EQ(field(second.body, "id"), "api.context.client_gone.app_error");
  EXPECT_EQ(started() - before, 2);  // first and third only
  EXPECT_EQ(skipped(), 1);
  EXPECT_FALSE(host.kv().count("attempts/" + alice));  // the wrong password was never checked
}

TEST_F(ClientGoneTest, ALoginWhoseClientLeavesWhileItsHashRunsIsFinishedAsUsual) {
  start_on();
  const double before = started();
  const auto& running = send_login("wrong-password");  // handed to a worker at once
  ASSERT_TRUE(host.disconnect(running));
  host.run_pending();
  EXPECT_EQ(running.status, 401);  // the hash was paid for: its outcome counts
  EXPECT_EQ(host.kv()["attempts/" + alice], "1");
  EXPECT_EQ(started() - before, 1);
  EXPECT_EQ(skipped(), 0);
}

TEST_F(ClientGoneTest, OnAHostOfMinor5EveryQueuedLoginIsHashedAsBefore) {
  start_on(5);
  ASSERT_EQ(host.api()->abi_minor, 5u);
  ASSERT_FALSE(PB_HOST_HAS(host.api(), req_peer_gone));
  const double before = started();
  const auto& first = send_login();
  const auto& second = send_login("wrong-password");
  const auto& third = send_login();
  ASSERT_TRUE(host.disconnect(second));  // the host knows, but cannot say
  host.run_pending();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 401);
  EXPECT_EQ(third.status, 200);
  EXPECT_EQ(started() - before, 3);
  EXPECT_EQ(skipped(), 0);
}

// The hasher alone: completions of the jobs that stay come in queue order.
TEST(PasswordHasherClientGone, SkipsOnlyTheJobsWhoseClientLeftTheRestRunInOrder) {
  FakeHost fake;
  sdk::Host host(fake.self(), fake.api());
  std::vector<sdk::Request> held;  // requests the route keeps open, as a login does
  ASSERT_EQ(fake.run_in_init_phase([&] {
    return host.route("POST", "/hold", [&](sdk::Request r) {
      held.push_back(r);
      return PB_OK;
    });
  }),
            PB_OK);
  std::vector<const FakeHost::Response*> responses;
  for (int i = 0; i < 5; ++i) responses.push_back(&fake.request("POST", "/hold"));
  ASSERT_EQ(held.size(), 5u);

  PasswordHasher hasher(host);
  hasher.configure(1, AuthSettings::HashCost::minimum);
  std::optional<std::string> stored;
  hasher.hash("password0", [&](std::optional<std::string> h) { stored = std::move(h); });
  fake.run_pending();
  ASSERT_TRUE(stored);

  std::vector<int> finished;
  for (int i = 0; i < 5; ++i) {
    hasher.verify(*stored, "password0", [&finished, i](bool match) {
      EXPECT_TRUE(match);
      finished.push_back(i);
    }, held[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(hasher.running(), 1u);
  EXPECT_EQ(hasher.queued(), 4u);
  ASSERT_TRUE(fake.disconnect(*responses[0]));  // already on a worker: runs to the end
  ASSERT_TRUE(fake.disconnect(*responses[2]));
  ASSERT_TRUE(fake.disconnect(*responses[3]));
  fake.run_pending();

  EXPECT_EQ(finished, (std::vector<int>{0, 1, 4}));
  EXPECT_EQ(hasher.skipped_client_gone(), 2u);
  EXPECT_EQ(hasher.started(), 4u);  // the hash() and three verifications
  for (int i : {2, 3}) {
    EXPECT_TRUE(responses[static_cast<size_t>(i)]->answered) << i;
    EXPECT_EQ(responses[static_cast<size_t>(i)]->status, 499) << i;
  }
  for (int i : {0, 1, 4}) EXPECT_FALSE(responses[static_cast<size_t>(i)]->answered) << i;
  for (int i : {0, 1, 4}) held[static_cast<size_t>(i)].respond_json(200, "{}");
  host.release_all();
}

// A job without a request (a hash for a new user, staged by an interceptor) is always run.
TEST(PasswordHasherClientGone, JobsWithoutARequestAlwaysRun) {
  FakeHost fake;
  sdk::Host host(fake.self(), fake.api());
  PasswordHasher hasher(host);
  hasher.configure(1, AuthSettings::HashCost::minimum);
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    hasher.hash("pw", [&](std::optional<std::string> h) { done += h ? 1 : 0; });
  }
  fake.run_pending();
  EXPECT_EQ(done, 3);
  EXPECT_EQ(hasher.skipped_client_gone(), 0u);
  host.release_all();
}

// The fake's own minor-6 pieces, which the tests above rely on.
TEST(FakeHostPeerGone, AnswersPerRequestAndOlderTablesEndWhereTheirMinorEnded) {
  FakeHost fake;
  sdk::Host host(fake.self(), fake.api());
  std::vector<sdk::Request> held;
  ASSERT_EQ(fake.run_in_init_phase([&] {
    return host.route("GET", "/x", [&](sdk::Request r) {
      held.push_back(r);
      return PB_OK;
    });
  }),
            PB_OK);
  const auto& a = fake.request("GET", "/x");
  fake.request("GET", "/x");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_FALSE(host.peer_gone(held[0]));
  EXPECT_TRUE(fake.disconnect(a));
  EXPECT_TRUE(host.peer_gone(held[0]));
  EXPECT_FALSE(host.peer_gone(held[1]));
  EXPECT_EQ(fake.api()->req_peer_gone(nullptr), PB_E_INVALID);
  FakeHost::Response stranger;
  EXPECT_FALSE(fake.disconnect(stranger));
  for (auto& r : held) r.respond_json(200, "{}");
  host.release_all();

  FakeHost old;
  ASSERT_EQ(old.simulate_abi_minor(5), PB_OK);
  EXPECT_EQ(old.api()->abi_minor, 5u);
  EXPECT_TRUE(PB_HOST_HAS(old.api(), metrics_sample));
  EXPECT_FALSE(PB_HOST_HAS(old.api(), req_peer_gone));
  EXPECT_EQ(old.api()->req_peer_gone, nullptr);
  ASSERT_EQ(old.simulate_abi_minor(4), PB_OK);
  EXPECT_TRUE(PB_HOST_HAS(old.api(), team_get));
  EXPECT_FALSE(PB_HOST_HAS(old.api(), metrics_register));
  EXPECT_EQ(old.simulate_abi_minor(PB_ABI_MINOR + 1), PB_E_INVALID);
}

}  // namespace
}  // namespace pb::auth
