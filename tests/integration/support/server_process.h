// One real `patchbay serve` per test: its own temporary directory (cwd, config.json, store), an
// ephemeral loopback port read from the "[http] listening on HOST:PORT" log line, stderr captured
// for assertions and printed when the test fails, and SIGTERM / SIGKILL control.
//
// Threading: the object is driven from the test's thread; a helper thread drains the server's
// stderr (so the server never blocks on a full pipe) and is joined whenever the server exits.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tests/integration/support/child_process.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest {

// Paths that reach the tests through compile definitions set in CMakeLists.txt.
std::string patchbay_binary();
std::filesystem::path test_plugin_dir();  // holds kv_probe/
std::filesystem::path abi_plugin_dir();   // the broken-plugin corpus (tests/abi)

// Timeouts generous enough for an ASan build on a loaded two-core machine.
constexpr std::chrono::milliseconds kStartTimeout{20000};
constexpr std::chrono::milliseconds kExitTimeout{20000};

struct PluginStateConfig {
  bool enable = true;
  bool required = false;
};

// What goes into the generated config.json. Everything not named here takes patchbay's default.
struct ServerConfig {
  std::string listen_address = "127.0.0.1:0";
  std::filesystem::path plugin_dir = test_plugin_dir();
  // PluginSettings.PluginStates and PluginSettings.Plugins (raw JSON objects), by plugin id.
  std::map<std::string, PluginStateConfig> plugin_states;
  std::map<std::string, std::string> plugin_settings;
  // Further ServiceSettings keys as raw JSON values, e.g. {"MaximumPayloadSizeBytes", "2048"}.
  std::map<std::string, std::string> service;
  // Environment for the server process (PB_<SECTION>_<KEY> overrides and the like).
  Env env;
};

// The config.json text for `config`, with StoreSettings.Directory = store_dir.
std::string config_json(const ServerConfig& config, const std::filesystem::path& store_dir);

class ServerProcess {
 public:
  explicit ServerProcess(ServerConfig config = {});
  // Kills a server still running. If the current test failed, prints the captured stderr.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // (Re)writes config.json and starts `patchbay serve --config config.json` in dir(), then waits
  // for the listening line. May be called again after the previous run exited: the store in
  // dir()/data is reused, which is how restarts are tested.
  ::testing::AssertionResult start(std::chrono::milliseconds timeout = kStartTimeout);

  // Starts the binary without waiting for anything (for runs that are expected to fail).
  ::testing::AssertionResult spawn();

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return child_.pid(); }
  bool running() const { return child_.running(); }

  void send_signal(int signal) { child_.send_signal(signal); }
  // Waits for the exit; nullopt if still running at the deadline. Exit codes as in ChildProcess.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kExitTimeout);
  // SIGTERM, then wait (SIGKILL after `timeout`, reported as nullopt).
  std::optional<int> stop(std::chrono::milliseconds timeout = kExitTimeout);
  // SIGKILL now (no drain), and reap.
  void kill();

  // Waits until the stderr of the current run contains `needle`.
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout);
  // Everything the server wrote to stderr, over every run of this object.
  std::string log() const;

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path config_path() const { return dir_.path() / "config.json"; }
  std::filesystem::path store_dir() const { return dir_.path() / "data"; }
  ServerConfig& config() { return config_; }

 private:
  void reader_main(int fd);
  void join_reader();

  ServerConfig config_;
  TempDir dir_;
  ChildProcess child_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::string log_;           // guarded by mu_
  size_t run_start_ = 0;      // offset in log_ where the current run's output begins
  bool reader_done_ = true;   // guarded by mu_: the current run's stderr reached EOF
  std::string host_;
  uint16_t port_ = 0;
};

// Runs `patchbay ARGS...` to completion (CLI subcommands).
CommandResult run_patchbay(std::vector<std::string> args, Env env = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace pb::itest
