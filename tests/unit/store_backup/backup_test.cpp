// Backup and restore of a whole store (store/backup.h). The concurrent writer and the "server"
// holding the store open are child processes: LMDB's locks are per process, as in production
// (the server in one process, `patchbay backup` in another).
#include "store/backup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <string>

#include "patchbay/plugin.h"
#include "store/migrations.h"
#include "store/store.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::unique_ptr<Store> open_store(const std::string& dir) {
  StoreOptions options;
  options.directory = dir;
  options.map_size_bytes = 64ull << 20;
  auto store = Store::open(nullptr, options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

// Key "k<n>" -> value "v<n>" for n in [from, to), one commit each (as a server's requests).
void write_range(Store& store, int from, int to) {
  for (int n = from; n < to; ++n) {
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "k" + std::to_string(n), "v" + std::to_string(n)), PB_OK);
    ASSERT_TRUE(store.commit_sync(std::move(batch)).ok());
  }
}

// The keys k<n> present, checked to be exactly k0..k<count-1> with their values.
int count_consecutive(Store& store) {
  auto txn = store.begin_read();
  EXPECT_TRUE(txn.ok());
  int count = 0;
  while (auto v = store.get(*txn, Table::plugin_kv, "k" + std::to_string(count))) {
    EXPECT_EQ(*v, "v" + std::to_string(count));
    ++count;
  }
  int total = 0;
  store.for_each_prefix(*txn, Table::plugin_kv, "k", [&](std::string_view, std::string_view) {
    ++total;
    return true;
  });
  EXPECT_EQ(total, count) << "the copy holds a key outside the consecutive prefix";
  return count;
}

// A child process that opens the store, then writes k<from>..k<limit-1> and waits to be killed.
// The constructor returns once the child has the store open; the destructor kills it.
class StoreHolder {
 public:
  StoreHolder(const std::string& dir, int from, int limit) {
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) run_child(dir, from, limit, fds[1]);
    char byte;
    ready_ = ::read(fds[0], &byte, 1) == 1;
    ::close(fds[0]);
    ::close(fds[1]);
  }
  ~StoreHolder() { stop(); }
  bool ready() const { return ready_; }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  [[noreturn]] static void run_child(const std::string& dir, int from, int limit, int ready_fd) {
    StoreOptions options;
    options.directory = dir;
    options.map_size_bytes = 64ull << 20;
    options.sync = SyncMode::none;  // many commits while the copy runs
    auto store = Store::open(nullptr, options);
    if (!store.ok()) ::_exit(2);
    char byte = 1;
    if (::write(ready_fd, &byte, 1) != 1) ::_exit(3);
    for (int n = from; n < limit; ++n) {
      WriteBatch batch;
      batch.put(Table::plugin_kv, "k" + std::to_string(n), "v" + std::to_string(n));
      if (!(*store)->commit_sync(std::move(batch)).ok()) ::_exit(4);
    }
    ::pause();
    ::_exit(0);
  }
  pid_t pid_ = -1;
  bool ready_ = false;
};

TEST(Backup, ACopyTakenWhileAnotherProcessWritesIsConsistentAndRestores) {
  TempDir tmp;
  std::string live = tmp.sub("live");
  {
    auto store = open_store(live);
    ASSERT_TRUE(store);
    write_range(*store, 0, 500);
  }
  StoreHolder writer(live, 500, 200000);
  ASSERT_TRUE(writer.ready());  // the writer has the store open and is writing
  EXPECT_TRUE(store_in_use(live));

  std::string file = tmp.sub("backup.pbk");
  auto backup = backup_store(live, file);
  writer.stop();
  ASSERT_TRUE(backup.ok()) << backup.error().message;
  EXPECT_EQ(backup->schema_version, kSchemaVersion);
  EXPECT_EQ(backup->bytes, fs::file_size(file));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(file + ".partial"));

  std::string restored = tmp.sub("restored");
  auto done = restore_store(file, restored, false);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->store_id, backup->store_id);
  auto copy = open_store(restored);
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->store_id(), backup->store_id);
  // A snapshot: every key written before it, and for the keys written during it a consecutive
  // prefix (commits are ordered), never a hole.
  int copied = count_consecutive(*copy);
  EXPECT_GE(copied, 500);
  auto original = open_store(live);
  ASSERT_TRUE(original);
  EXPECT_GE(count_consecutive(*original), copied);
}

TEST(Backup, NeverOverwritesAFileAndNeedsAStore) {
  TempDir tmp;
  std::string file = tmp.sub("exists");
  std::FILE* f = std::fopen(file.c_str(), "w");
  std::fclose(f);
  {
    auto store = open_store(tmp.sub("s"));
    ASSERT_TRUE(store);
  }
  auto refused = backup_store(tmp.sub("s"), file);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_EXISTS);
  auto none = backup_store(tmp.sub("nothing"), tmp.sub("b"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, PB_E_NOT_FOUND);
}

TEST(Restore, RefusesAStoreInUseEvenWithForce) {
  TempDir tmp;
  std::string live = tmp.sub("live");
  {
    auto store = open_store(live);
    ASSERT_TRUE(store);
    write_range(*store, 0, 10);
  }
  std::string file = tmp.sub("b");
  ASSERT_TRUE(backup_store(live, file).ok());
  StoreHolder holder(live, 0, 0);
  ASSERT_TRUE(holder.ready());
  auto refused = restore_store(file, live, true);
  holder.stop();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_STATE);
  EXPECT_NE(refused.error().message.find("in use"), std::string::npos);
  EXPECT_FALSE(store_in_use(live));  // the holder is gone: its lock went with it
}

TEST(Restore, RefusesANonEmptyStoreWithoutForceAndReplacesItWithForce) {
  TempDir tmp;
  std::string a = tmp.sub("a"), b = tmp.sub("b");
  {
    auto store = open_store(a);
    ASSERT_TRUE(store);
    write_range(*store, 0, 3);
    auto other = open_store(b);
    ASSERT_TRUE(other);
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "only-in-b", "x"), PB_OK);
    ASSERT_TRUE(other->commit_sync(std::move(batch)).ok());
  }
  std::string file = tmp.sub("a.pbk");
  auto backup = backup_store(a, file);
  ASSERT_TRUE(backup.ok());
  auto refused = restore_store(file, b, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_EXISTS);
  {
    auto still_b = open_store(b);  // untouched
    ASSERT_TRUE(still_b);
    auto txn = still_b->begin_read();
    EXPECT_TRUE(still_b->get(*txn, Table::plugin_kv, "only-in-b").has_value());
  }
  ASSERT_TRUE(restore_store(file, b, true).ok());
  auto now_a = open_store(b);
  ASSERT_TRUE(now_a);
  EXPECT_EQ(now_a->store_id(), backup->store_id);
  EXPECT_EQ(count_consecutive(*now_a), 3);
  auto txn = now_a->begin_read();
  EXPECT_FALSE(now_a->get(*txn, Table::plugin_kv, "only-in-b").has_value());
}

TEST(Restore, RefusesAFileThatIsNotAStoreAndLeavesTheTargetAlone) {
  TempDir tmp;
  std::string junk = tmp.sub("junk");
  std::FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("not an lmdb file at all", f);
  std::fclose(f);
  auto refused = restore_store(junk, tmp.sub("target"), false);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_IO);
  EXPECT_FALSE(fs::exists(tmp.sub("target")));
  EXPECT_FALSE(fs::exists(junk + "-lock"));  // inspecting wrote nothing beside the file
}

TEST(Restore, RefusesABackupOfANewerSchema) {
  TempDir tmp;
  std::string dir = tmp.sub("s");
  {
    auto store = open_store(dir);
    ASSERT_TRUE(store);
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::meta, kSchemaVersionKey, std::to_string(kSchemaVersion + 1)), PB_OK);
    ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
  }
  std::string file = tmp.sub("newer.pbk");
  auto backup = backup_store(dir, file);
  ASSERT_TRUE(backup.ok()) << backup.error().message;
  EXPECT_EQ(backup->schema_version, kSchemaVersion + 1);
  auto refused = restore_store(file, tmp.sub("target"), false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("newer than this binary"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace pb::store
