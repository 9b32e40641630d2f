// Process-level guarantees: a 201 from kv_probe means durable (SIGKILL right after, restart, the
// value is there), SIGTERM drains (in-flight answered, new connections refused, exit 0), and the
// CLI writes the same store as a running server.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "tests/integration/support/expectations.h"
#include "tests/integration/support/http_client.h"
#include "tests/integration/support/server_process.h"

namespace pb::itest {
namespace {

using namespace std::chrono_literals;

TEST(Durability, AcknowledgedWritesSurviveSigkill) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  // Several writers at once, so the acknowledgements come out of shared group commits.
  constexpr int kWriters = 8;
  std::vector<std::unique_ptr<HttpConnection>> conns;
  for (int i = 0; i < kWriters; ++i) {
    conns.push_back(std::make_unique<HttpConnection>(server.host(), server.port()));
    ASSERT_TRUE(conns.back()->connected());
  }
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_TRUE(conns[i]->send(post_request("/api/v4/kv_probe", "durable-" + std::to_string(i))));
  }
  std::vector<std::string> keys;
  for (int i = 0; i < kWriters; ++i) {
    auto r = conns[i]->next();
    ASSERT_TRUE(r) << conns[i]->why();
    ASSERT_EQ(r->status, 201) << r->body;
    keys.push_back(json_string(r->body, "key"));
    ASSERT_TRUE(is_mattermost_id(keys.back())) << r->body;
  }
  server.kill();  // no drain, no clean close of the store

  ASSERT_TRUE(server.start());
  for (int i = 0; i < kWriters; ++i) {
    auto r = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/" + keys[i]));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "key " << keys[i] << " lost";
    EXPECT_EQ(r->body, "durable-" + std::to_string(i));
  }
  auto missing = round_trip(server.host(), server.port(),
                            get_request("/api/v4/kv_probe/ybndrfg8ejkmcpqxot1uwisza3"));
  ASSERT_TRUE(missing);
  EXPECT_TRUE(is_app_error(*missing, 404, "kv_probe.get.not_found"));
  EXPECT_EQ(server.stop(), 0);
}

// StoreSettings.RedoLogSizeMB sizes redo.log, and a size changed between a kill and the next start
// loses no acknowledged write: the records are replayed from the old ring, then the file is
// made anew at the new size. (Only where the store keeps a log: ext4, xfs, tmpfs.)
TEST(Durability, TheRedoLogHasItsConfiguredSizeAndAChangeAfterAKillLosesNothing) {
  ServerConfig config;
  config.env = {{"PB_STORESETTINGS_REDOLOGSIZEMB", "2"}};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  const auto log_file = server.store_dir() / "redo.log";
  if (!std::filesystem::exists(log_file)) GTEST_SKIP() << "no redo log on this filesystem";
  EXPECT_EQ(std::filesystem::file_size(log_file), (2u << 20) + (64u << 10));
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    auto r = round_trip(server.host(), server.port(),
                        post_request("/api/v4/kv_probe", "kept-" + std::to_string(i)));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    keys.push_back(json_string(r->body, "key"));
  }
  server.kill();  // the groups since the start-up checkpoint are only in the log

  server.config().env = {{"PB_STORESETTINGS_REDOLOGSIZEMB", "1"}};
  ASSERT_TRUE(server.start());
  EXPECT_EQ(std::filesystem::file_size(log_file), (1u << 20) + (64u << 10));
  for (size_t i = 0; i < keys.size(); ++i) {
    auto r = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/" + keys[i]));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "key " << keys[i] << " lost";
    EXPECT_EQ(r->body, "kept-" + std::to_string(i));
  }
  EXPECT_EQ(server.stop(), 0);
}

// A store that reached StoreSettings.MaxSizeMB refuses writes with a 500 (what Mattermost answers
// when its database refuses) and says why in one error line, not one per request; what it holds
// stays readable.
TEST(StoreFull, WritesAreRefusedReadsWorkAndTheLogSaysWhatToRaise) {
  ServerConfig config;
  config.env = {{"PB_STORESETTINGS_MAXSIZEMB", "1"}};
  ServerProcess server(config);
  ASSERT_TRUE(server.start());
  auto first = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", "kept"));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  const std::string key = json_string(first->body, "key");

  const std::string big(32 * 1024, 'x');
  int refused = 0;
  for (int i = 0; i < 200 && refused < 3; ++i) {
    auto r = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", big));
    ASSERT_TRUE(r);
    if (r->status == 500) {
      ++refused;
    } else {
      ASSERT_EQ(r->status, 201) << r->body;
    }
  }
  ASSERT_EQ(refused, 3) << "1 MiB never filled";
  ASSERT_TRUE(server.wait_for_log("the store is full", 5s)) << server.log();
  const std::string log = server.log();
  EXPECT_NE(log.find("StoreSettings.MaxSizeMB = 1"), std::string::npos) << log;
  size_t lines = 0;
  for (size_t at = 0; (at = log.find("the store is full", at)) != std::string::npos; ++at) ++lines;
  EXPECT_EQ(lines, 1u) << log;  // three refusals within a minute: one line

  auto kept = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/" + key));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, 200);
  EXPECT_EQ(kept->body, "kept");
  EXPECT_EQ(server.stop(), 0);
}

TEST(Drain, SigtermFinishesInFlightRefusesNewAndExitsZero) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  HttpConnection inflight(server.host(), server.port());
  // Headers and half the body: the request is in flight for as long as we want it to be.
  ASSERT_TRUE(inflight.send("POST /api/v4/kv_probe HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello"));
  // A second, idle keep-alive connection: draining closes it.
  HttpConnection idle(server.host(), server.port());
  ASSERT_TRUE(idle.send(get_request("/api/v4/system/ping")));
  ASSERT_TRUE(idle.next());
  // Make sure the server has parsed the partial request before the signal arrives: a ping on
  // the same loop after it proves the earlier bytes were read.
  ASSERT_TRUE(round_trip(server.host(), server.port(), get_request("/api/v4/system/ping")));

  server.send_signal(SIGTERM);
  ASSERT_TRUE(server.wait_for_log("draining", 10s));

  HttpConnection late(server.host(), server.port());
  EXPECT_FALSE(late.connected() && late.send(get_request("/api/v4/system/ping")) && late.next(2s))
      << "a new connection was served while draining";
  EXPECT_TRUE(idle.wait_closed(5s)) << "an idle keep-alive connection stayed open: " << idle.why();
  EXPECT_TRUE(server.running()) << "exited with a request still in flight";

  ASSERT_TRUE(inflight.send("world"));
  auto r = inflight.next();
  ASSERT_TRUE(r) << inflight.why();
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->header("Connection"), "close");
  std::string key = json_string(r->body, "key");
  EXPECT_TRUE(inflight.wait_closed(5s));
  inflight.shutdown_write();  // spares the server its linger for our unread input
  EXPECT_EQ(server.wait_exit(), 0);

  // What was acknowledged during the drain is in the store.
  ASSERT_TRUE(server.start());
  auto got = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/" + key));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->body, "helloworld");
  EXPECT_EQ(server.stop(), 0);
}

TEST(Drain, SigintAlsoDrainsCleanly) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  // A served request first: the loop is running, so this tests SIGINT, not start-up (below).
  ASSERT_TRUE(round_trip(server.host(), server.port(), get_request("/api/v4/system/ping")));
  server.send_signal(SIGINT);
  EXPECT_EQ(server.wait_exit(), 0);
  EXPECT_NE(server.log().find("drained"), std::string::npos);
}

// "listening on" is the readiness line supervisors and scripts wait for; a SIGTERM sent the
// moment it appears must drain like any other, not kill the process with the default action.
// One try can miss a start-up window, so a few in a row.
TEST(Drain, SigtermRightAfterTheListeningLineDrains) {
  ServerProcess server;
  for (int attempt = 0; attempt < 5; ++attempt) {
    SCOPED_TRACE(attempt);
    ASSERT_TRUE(server.start());
    server.send_signal(SIGTERM);
    auto code = server.wait_exit();
    ASSERT_TRUE(code);
    ASSERT_EQ(*code, 0) << (*code == kExitBySignal + SIGTERM
                                ? "killed by SIGTERM: signal handling starts after the listening line"
                                : "unexpected exit code");
  }
}

TEST(MultiProcessStore, CliWritesAreSeenByTheRunningServerAndBack) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  std::string config = server.config_path().string();

  auto put = run_patchbay({"kv", "put", "--plugin", "kv_probe", "from-cli", "cli value", "--config", config});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  auto got = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/from-cli"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "cli value");

  auto cli_get = run_patchbay({"kv", "get", "--plugin", "kv_probe", "from-cli", "--config", config});
  EXPECT_EQ(cli_get.exit_code, 0) << cli_get.err;
  EXPECT_EQ(cli_get.out, "cli value\n");

  // The other way: a server write, read by the CLI.
  auto posted = round_trip(server.host(), server.port(), post_request("/api/v4/kv_probe", "from server"));
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201);
  std::string key = json_string(posted->body, "key");
  auto read_back = run_patchbay({"kv", "get", "--plugin", "kv_probe", key, "--config", config});
  EXPECT_EQ(read_back.exit_code, 0) << read_back.err;
  EXPECT_EQ(read_back.out, "from server\n");

  auto del = run_patchbay({"kv", "delete", "--plugin", "kv_probe", "from-cli", "--config", config});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  auto gone = round_trip(server.host(), server.port(), get_request("/api/v4/kv_probe/from-cli"));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto cli_missing = run_patchbay({"kv", "get", "--plugin", "kv_probe", "from-cli", "--config", config});
  EXPECT_EQ(cli_missing.exit_code, 1);
  EXPECT_NE(cli_missing.err.find("no key 'from-cli'"), std::string::npos) << cli_missing.err;

  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace pb::itest
