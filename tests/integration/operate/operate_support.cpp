#include "tests/integration/operate/operate_support.h"

#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>

namespace pb::itest::operate {

::testing::AssertionResult install_build(const fs::path& prefix) {
  auto r = run(PATCHBAY_CMAKE_COMMAND, {"--install", PATCHBAY_BUILD_DIR, "--prefix", prefix.string()});
  if (r.exit_code != 0)
    return ::testing::AssertionFailure() << "cmake --install failed (" << r.exit_code << "):\n"
                                         << r.out << r.err;
  return ::testing::AssertionSuccess();
}

CommandResult run(const std::string& program, std::vector<std::string> args, Env env,
                  const fs::path& cwd) {
  SpawnOptions options;
  options.program = program;
  options.args = std::move(args);
  options.env = std::move(env);
  options.cwd = cwd;
  return run_command(options, std::chrono::seconds(50));
}

InstalledServer::~InstalledServer() {
  if (child_.running()) child_.kill_and_reap();
}

::testing::AssertionResult InstalledServer::start(const fs::path& binary, const fs::path& cwd,
                                                  Env env) {
  SpawnOptions options;
  options.program = binary.string();
  options.args = {"serve"};
  options.env = std::move(env);
  options.cwd = cwd;
  std::string why;
  if (!child_.spawn(options, &why)) return ::testing::AssertionFailure() << why;
  child_.close_stdout();
  constexpr std::string_view kListening = "[http] listening on ";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    size_t at = log_.find(kListening);
    if (at != std::string::npos) {
      size_t end = log_.find('\n', at);
      if (end != std::string::npos) {
        std::string address = log_.substr(at + kListening.size(), end - at - kListening.size());
        std::string_view port = std::string_view(address).substr(address.rfind(':') + 1);
        std::from_chars(port.data(), port.data() + port.size(), port_);
        return ::testing::AssertionSuccess();
      }
    }
    pollfd p{child_.stderr_fd(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    ssize_t n = ::read(child_.stderr_fd(), buffer, sizeof buffer);
    if (n <= 0) break;
    log_.append(buffer, static_cast<size_t>(n));
  }
  return ::testing::AssertionFailure() << "no listening line; stderr:\n" << log_;
}

std::optional<int> InstalledServer::stop() {
  child_.send_signal(SIGTERM);
  return child_.wait_exit(std::chrono::seconds(20));
}

namespace {

// Opens the environment in `dir`, runs fn(txn, meta) in one transaction, commits if `write`.
template <typename Fn>
bool with_meta(const fs::path& dir, bool write, Fn&& fn) {
  MDB_env* env = nullptr;
  if (mdb_env_create(&env) != 0) return false;
  mdb_env_set_maxdbs(env, 32);
  bool ok = false;
  if (mdb_env_open(env, dir.c_str(), write ? 0 : MDB_RDONLY, 0600) == 0) {
    MDB_txn* txn = nullptr;
    if (mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn) == 0) {
      MDB_dbi meta;
      ok = mdb_dbi_open(txn, "meta", 0, &meta) == 0 && fn(txn, meta);
      if (ok && write) ok = mdb_txn_commit(txn) == 0;
      else mdb_txn_abort(txn);
    }
  }
  mdb_env_close(env);
  return ok;
}

}  // namespace

std::optional<unsigned> read_schema_version(const fs::path& dir) {
  unsigned version = 0;
  bool ok = with_meta(dir, false, [&](MDB_txn* txn, MDB_dbi meta) {
    MDB_val k{14, const_cast<char*>("schema_version")};
    MDB_val v;
    if (mdb_get(txn, meta, &k, &v) != 0) return false;
    const char* p = static_cast<const char*>(v.mv_data);
    return std::from_chars(p, p + v.mv_size, version).ec == std::errc();
  });
  return ok ? std::optional<unsigned>(version) : std::nullopt;
}

bool write_schema_version(const fs::path& dir, unsigned version) {
  std::string text = std::to_string(version);
  return with_meta(dir, true, [&](MDB_txn* txn, MDB_dbi meta) {
    MDB_val k{14, const_cast<char*>("schema_version")};
    MDB_val v{text.size(), text.data()};
    return mdb_put(txn, meta, &k, &v, 0) == 0;
  });
}

std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace pb::itest::operate
