// Shared fixtures of the store tests: a fresh temp directory per test, a libuv loop, and a
// helper process that holds LMDB's write lock so a test can make group commits deterministic.
#pragma once

#include <gtest/gtest.h>
#include <lmdb.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace pb::store::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base != nullptr ? base : "/tmp") + "/pb-store-test-XXXXXX";
    char* made = ::mkdtemp(templ.data());
    if (made == nullptr) std::abort();
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A loop for one test; run_until() runs it until `done` turns true (the loop never idles
// while the store's writer has work: its async handle keeps it alive).
class Loop {
 public:
  Loop() { uv_loop_init(&loop_); }
  ~Loop() {
    uv_run(&loop_, UV_RUN_DEFAULT);  // let closing handles finish
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a libuv handle leaked";
  }
  uv_loop_t* get() { return &loop_; }
  void run_until(const std::function<bool()>& done) {
    while (!done()) uv_run(&loop_, UV_RUN_ONCE);
  }

 private:
  uv_loop_t loop_;
};

// Opens the store in `dir`; a failed open fails the test and returns nullptr.
inline std::unique_ptr<Store> open_or_die(const std::string& dir, uv_loop_t* loop = nullptr,
                                          SyncMode sync = SyncMode::full, bool redo_log = true) {
  StoreOptions options;
  options.directory = dir;
  options.sync = sync;
  options.redo_log = redo_log;
  auto store = Store::open(loop, options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(store).value() : nullptr;
}

// Writes one byte / reads one byte on a pipe; false on EOF or error.
inline bool send_byte(int fd, char c) { return ::write(fd, &c, 1) == 1; }
inline bool receive_byte(int fd, char& c) {
  for (;;) {
    ssize_t n = ::read(fd, &c, 1);
    if (n == 1) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// Runs `child` in a forked process, which then _exits with its return value (no gtest, no
// destructors of the parent's objects run in the child).
inline pid_t fork_child(const std::function<int()>& child) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(child());
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Another process that holds the store's LMDB write lock between hold() and release(): every
// batch committed meanwhile must wait, so all of them form at most two groups. Forked at
// construction (before the test starts threads); it opens the environment only in hold(),
// after the test created it.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(std::string directory) : directory_(std::move(directory)) {
    int to_child[2], to_parent[2];
    if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) std::abort();
    pid_ = fork_child([&]() -> int {
      ::close(to_child[1]);
      ::close(to_parent[0]);
      char c;
      if (!receive_byte(to_child[0], c)) return 1;
      MDB_env* env = nullptr;
      MDB_txn* txn = nullptr;
      if (mdb_env_create(&env) != 0 || mdb_env_set_maxdbs(env, 32) != 0 ||
          mdb_env_open(env, directory_.c_str(), MDB_NOTLS, 0600) != 0 ||
          mdb_txn_begin(env, nullptr, 0, &txn) != 0) {
        return 2;
      }
      if (!send_byte(to_parent[1], 'H')) return 3;
      receive_byte(to_child[0], c);  // release (or the parent went away)
      mdb_txn_abort(txn);
      mdb_env_close(env);
      return 0;
    });
    ::close(to_child[0]);
    ::close(to_parent[1]);
    command_fd_ = to_child[1];
    reply_fd_ = to_parent[0];
  }
  ~WriteLockHolder() {
    if (command_fd_ >= 0) ::close(command_fd_);
    if (reply_fd_ >= 0) ::close(reply_fd_);
    if (pid_ > 0) wait_exit_code(pid_);
  }

  // Returns once the other process holds the write lock.
  bool hold() {
    char c;
    return send_byte(command_fd_, 'G') && receive_byte(reply_fd_, c) && c == 'H';
  }
  // Lets the other process drop the lock; returns its exit code (0 = it held and released).
  int release() {
    send_byte(command_fd_, 'R');
    ::close(command_fd_);
    command_fd_ = -1;
    int code = wait_exit_code(pid_);
    pid_ = -1;
    return code;
  }

 private:
  std::string directory_;
  pid_t pid_ = -1;
  int command_fd_ = -1;
  int reply_fd_ = -1;
};

// One key read in its own read transaction: the value, or nullopt when absent.
inline std::optional<std::string> read_key(Store& store, Table table, std::string_view key) {
  auto txn = store.begin_read();
  EXPECT_TRUE(txn.ok());
  if (!txn.ok()) return std::nullopt;
  auto value = store.get(*txn, table, key);
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}
// The same in the plugins' table.
inline std::optional<std::string> read_key(Store& store, std::string_view key) {
  return read_key(store, Table::plugin_kv, key);
}

// The same mutations (op, table, key, value) in the same order.
inline void expect_same(const WriteBatch& a, const WriteBatch& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& ma = a.mutations()[i];
    const auto& mb = b.mutations()[i];
    EXPECT_EQ(ma.op, mb.op);
    EXPECT_EQ(ma.table, mb.table);
    EXPECT_EQ(a.key(ma), b.key(mb));
    EXPECT_EQ(a.value(ma), b.value(mb));
  }
}

}  // namespace pb::store::testing
