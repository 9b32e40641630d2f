#include "tests/integration/support/server_process.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace pb::itest {
namespace {

constexpr std::string_view kListening = "[http] listening on ";

void raw(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& json) {
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

}  // namespace

std::string patchbay_binary() { return PATCHBAY_BINARY; }
std::filesystem::path test_plugin_dir() { return PATCHBAY_TEST_PLUGIN_DIR; }
std::filesystem::path abi_plugin_dir() { return PATCHBAY_ABI_PLUGIN_DIR; }

std::string config_json(const ServerConfig& config, const std::filesystem::path& store_dir) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("ServiceSettings");
  w.StartObject();
  w.Key("ListenAddress");
  w.String(config.listen_address);
  for (const auto& [key, value] : config.service) {
    w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    raw(w, value);
  }
  w.EndObject();
  w.Key("PluginSettings");
  w.StartObject();
  w.Key("Directory");
  w.String(config.plugin_dir.string());
  w.Key("PluginStates");
  w.StartObject();
  for (const auto& [id, state] : config.plugin_states) {
    w.Key(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
    w.StartObject();
    w.Key("Enable");
    w.Bool(state.enable);
    w.Key("Required");
    w.Bool(state.required);
    w.EndObject();
  }
  w.EndObject();
  w.Key("Plugins");
  w.StartObject();
  for (const auto& [id, settings] : config.plugin_settings) {
    w.Key(id.c_str(), static_cast<rapidjson::SizeType>(id.size()));
    raw(w, settings);
  }
  w.EndObject();
  w.EndObject();
  w.Key("StoreSettings");
  w.StartObject();
  w.Key("Directory");
  w.String(store_dir.string());
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

ServerProcess::ServerProcess(ServerConfig config) : config_(std::move(config)) {}

ServerProcess::~ServerProcess() {
  if (child_.running()) child_.kill_and_reap();
  join_reader();
  if (::testing::Test::HasFailure()) {
    std::fprintf(stderr, "---- patchbay stderr (%s) ----\n%s---- end ----\n",
                 dir_.path().c_str(), log().c_str());
  }
}

::testing::AssertionResult ServerProcess::spawn() {
  if (child_.running()) return ::testing::AssertionFailure() << "the server is already running";
  join_reader();
  if (!write_file(config_path(), config_json(config_, store_dir()))) {
    return ::testing::AssertionFailure() << "cannot write " << config_path();
  }
  SpawnOptions options;
  options.program = patchbay_binary();
  options.args = {"serve", "--config", config_path().string()};
  options.env = config_.env;
  options.cwd = dir_.path();
  std::string why;
  {
    std::lock_guard lock(mu_);
    run_start_ = log_.size();
    reader_done_ = false;
  }
  host_.clear();
  port_ = 0;
  if (!child_.spawn(options, &why)) {
    std::lock_guard lock(mu_);
    reader_done_ = true;
    return ::testing::AssertionFailure() << "cannot start " << options.program << ": " << why;
  }
  child_.close_stdout();  // the server writes nothing useful to stdout
  int fd = child_.stderr_fd();
  reader_ = std::thread([this, fd] { reader_main(fd); });
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult ServerProcess::start(std::chrono::milliseconds timeout) {
  if (auto spawned = spawn(); !spawned) return spawned;
  std::unique_lock lock(mu_);
  bool found = changed_.wait_for(lock, timeout, [this] {
    return reader_done_ || log_.find(kListening, run_start_) != std::string::npos;
  });
  size_t at = log_.find(kListening, run_start_);
  size_t eol = at == std::string::npos ? std::string::npos : log_.find('\n', at);
  if (!found || eol == std::string::npos) {
    return ::testing::AssertionFailure()
           << (found ? "patchbay exited before listening" : "no listening line in time")
           << "; stderr:\n" << log_.substr(run_start_);
  }
  std::string address = log_.substr(at + kListening.size(), eol - at - kListening.size());
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return ::testing::AssertionFailure() << "cannot read the port in '" << address << "'";
  }
  host_ = address.substr(0, colon);
  port_ = static_cast<uint16_t>(std::stoi(address.substr(colon + 1)));
  return ::testing::AssertionSuccess();
}

void ServerProcess::reader_main(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    std::lock_guard lock(mu_);
    log_.append(buf, static_cast<size_t>(got));
    changed_.notify_all();
  }
  std::lock_guard lock(mu_);
  reader_done_ = true;
  changed_.notify_all();
}

void ServerProcess::join_reader() {
  if (reader_.joinable()) reader_.join();
  child_.close_stderr();
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto code = child_.wait_exit(timeout);
  if (code) join_reader();  // the pipe reaches EOF once the process is gone
  return code;
}

std::optional<int> ServerProcess::stop(std::chrono::milliseconds timeout) {
  child_.send_signal(SIGTERM);
  auto code = wait_exit(timeout);
  if (!code) kill();
  // A server killed by a signal while draining crashed: its stderr (the sanitizer's report) is
  // the evidence, printed now in case the test process does not reach the destructor.
  if (code && *code > kExitBySignal) {
    std::fprintf(stderr,
                 "---- patchbay crashed on SIGTERM (exit %d), stderr ----\n%s---- end ----\n",
                 *code, log().c_str());
  }
  return code;
}

void ServerProcess::kill() {
  child_.kill_and_reap();
  join_reader();
}

bool ServerProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    return log_.find(needle, run_start_) != std::string::npos || reader_done_;
  }) && log_.find(needle, run_start_) != std::string::npos;
}

std::string ServerProcess::log() const {
  std::lock_guard lock(mu_);
  return log_;
}

CommandResult run_patchbay(std::vector<std::string> args, Env env,
                           std::chrono::milliseconds timeout) {
  SpawnOptions options;
  options.program = patchbay_binary();
  options.args = std::move(args);
  options.env = std::move(env);
  return run_command(options, timeout);
}

}  // namespace pb::itest
