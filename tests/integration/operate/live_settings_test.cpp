// SIGHUP and plugin settings through the real binary: a change to keys the plugin's manifest
// marks "live" reaches the running plugin (configure) and changes what it does; a change to any
// other key, or enabling/disabling a plugin, is logged as needing a restart and the plugin keeps
// behaving as before.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "tests/integration/chat_support.h"
#include "tests/integration/support/recording_server.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;

void rewrite_config(ServerProcess& server) {
  std::ofstream(server.config_path(), std::ios::trunc)
      << config_json(server.config(), server.store_dir());
}

// Outgoing webhooks with one delivery in flight and one queued per hook, towards an endpoint
// that never answers (and a request timeout longer than the test), so the hook's queue fills.
class LiveSettings : public ChatServer {
 protected:
  void SetUp() override {
    link_plugins(plugins_.path(), PB_BUILT_PLUGIN_DIR, {"outgoing_webhooks"});
    config_.plugin_dir = plugins_.path();
    config_.service["AllowedUntrustedInternalConnections"] = "\"127.0.0.1\"";
    config_.service["OutgoingIntegrationRequestsTimeout"] = "60";
    config_.plugin_settings["outgoing_webhooks"] = R"({"MaxInFlightPerHook":1,"MaxQueuedPerHook":1})";
    server_ = std::make_unique<ServerProcess>(config_);
    ASSERT_TRUE(server_->start());
    admin_ = create_user("admin");
    team_ = create_team("ops", admin_);
    channel_ = create_channel(team_, "deploys", "O", admin_);
    callback_.never_answer();
    auto hook = call("POST", "/api/v4/hooks/outgoing",
                     R"({"team_id":")" + team_ + R"(","trigger_words":["deploy"],"callback_urls":[")" +
                         callback_.url() + R"("]})",
                     admin_);
    ASSERT_EQ(hook.status, 201) << hook.body;
  }

  // The dispatcher's queued and shed counts, from the plugin's JSON metrics.
  std::pair<int64_t, int64_t> queued_and_shed() {
    auto r = call("GET", "/api/v4/outgoing_webhooks/metrics", "", admin_);
    auto doc = json(r);
    if (!doc.IsObject() || !doc.HasMember("deliveries")) return {-1, -1};
    return {doc["deliveries"]["queued"].GetInt64(), doc["deliveries"]["shed"].GetInt64()};
  }
  // Waits (bounded) until the counts are `want`; returns the last seen.
  std::pair<int64_t, int64_t> wait_counts(std::pair<int64_t, int64_t> want) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    auto seen = queued_and_shed();
    while (seen != want && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      seen = queued_and_shed();
    }
    return seen;
  }

  TempDir plugins_;
  RecordingServer callback_;
  std::string admin_, team_, channel_;
};

TEST_F(LiveSettings, ALiveKeyChangesTheRunningPluginOnSighup) {
  auto can = call("GET", "/api/v4/outgoing_webhooks/metrics", "", admin_);
  if (can.body.find("\"http_fetch_available\":true") == std::string::npos) {
    GTEST_SKIP() << "the server has no http_fetch";
  }
  create_post(channel_, "deploy 1", admin_);
  ASSERT_TRUE(callback_.wait_for(1));  // in flight, never answered
  create_post(channel_, "deploy 2", admin_);
  create_post(channel_, "deploy 3", admin_);
  using Counts = std::pair<int64_t, int64_t>;
  EXPECT_EQ(wait_counts({1, 1}), Counts(1, 1));  // one waits, one shed

  server_->config().plugin_settings["outgoing_webhooks"] =
      R"({"MaxInFlightPerHook":1,"MaxQueuedPerHook":10})";
  rewrite_config(*server_);
  server_->send_signal(SIGHUP);
  ASSERT_TRUE(server_->wait_for_log(
      "reload: plugin outgoing_webhooks: settings applied (MaxQueuedPerHook)", 10s))
      << server_->log();
  ASSERT_TRUE(server_->wait_for_log("reload: done, nothing needs a restart", 10s));

  create_post(channel_, "deploy 4", admin_);
  create_post(channel_, "deploy 5", admin_);
  EXPECT_EQ(wait_counts({3, 1}), Counts(3, 1));  // queued, none shed
  EXPECT_EQ(callback_.count(), 1u);  // MaxInFlightPerHook still 1
}

// kv_probe's Token (what its auth.check accepts) is not live: the change is reported and the
// old token keeps working until a restart; so does disabling the plugin.
TEST(LiveSettingsNotLive, ANonLiveKeyAndDisablingAreReportedAndNothingChanges) {
  ServerConfig config;
  config.plugin_settings["kv_probe"] = R"({"Token":"old-token"})";
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto whoami = [&](const std::string& token) {
    auto r = round_trip(server.host(), server.port(),
                        get_request("/api/v4/kv_probe_whoami", "Authorization: Bearer " + token + "\r\n"));
    return r ? r->status : 0;
  };
  ASSERT_EQ(whoami("old-token"), 200);

  server.config().plugin_settings["kv_probe"] = R"({"Token":"new-token"})";
  rewrite_config(server);
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log(
      "reload: plugin kv_probe: Token changed (not live; the running settings stay); it takes "
      "effect after a restart",
      10s))
      << server.log();
  EXPECT_EQ(whoami("old-token"), 200);
  EXPECT_EQ(whoami("new-token"), 401);

  // Invalid settings are refused by the manifest's schema before the plugin sees them.
  server.config().plugin_settings["kv_probe"] = R"({"Token":7})";
  rewrite_config(server);
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reload: plugin kv_probe: the new settings are not valid", 10s))
      << server.log();

  server.config().plugin_settings["kv_probe"] = R"({"Token":"old-token"})";
  server.config().plugin_states["kv_probe"].enable = false;
  rewrite_config(server);
  server.send_signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log(
      "reload: plugin kv_probe: disabling it; it takes effect after a restart", 10s))
      << server.log();
  EXPECT_EQ(whoami("old-token"), 200);
  EXPECT_EQ(server.log().find("reload: done, nothing needs a restart"), std::string::npos);
  ASSERT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace pb::itest
