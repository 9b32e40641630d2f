// DataFileHeadroom: zeros written ahead of the data file's end, never over anything written,
// never past the map size; and the store uses it only when it syncs.
#include "store/file_headroom.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "patchbay/plugin.h"
#include "store/store.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::Loop;
using testing::open_or_die;
using testing::read_key;
using testing::TempDir;

constexpr uint64_t kMiB = 1u << 20;

// A bare LMDB environment (as the store's writer sees it) in `dir`.
struct Env {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  explicit Env(const std::string& dir, size_t map_size = 64 * kMiB) {
    EXPECT_EQ(mdb_env_create(&env), MDB_SUCCESS);
    mdb_env_set_mapsize(env, map_size);
    EXPECT_EQ(mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0600), MDB_SUCCESS);
  }
  ~Env() { mdb_env_close(env); }
  // Commits `count` values of `size` bytes under fresh keys starting at `first`.
  int put(int first, int count, size_t size) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) return rc;
    mdb_dbi_open(txn, nullptr, 0, &dbi);
    std::string value(size, 'v');
    for (int i = first; i < first + count && rc == MDB_SUCCESS; ++i) {
      std::string key = "key" + std::to_string(i);
      MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
      rc = mdb_put(txn, dbi, &k, &v, 0);
    }
    if (rc != MDB_SUCCESS) {
      mdb_txn_abort(txn);
      return rc;
    }
    return mdb_txn_commit(txn);
  }
  uint64_t used_end() const {
    MDB_envinfo info{};
    MDB_stat stat{};
    mdb_env_info(env, &info);
    mdb_env_stat(env, &stat);
    return (static_cast<uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize;
  }
};

std::string read_range(const std::string& file, uint64_t from, uint64_t to) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(from));
  std::string bytes(to - from, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

bool all_zero(const std::string& bytes) {
  return bytes.find_first_not_of('\0') == std::string::npos;
}

TEST(FileHeadroom, TargetIsASixteenthOfTheUsedSizeBetween1And64MiB) {
  EXPECT_EQ(DataFileHeadroom::target_headroom(0), kMiB);
  EXPECT_EQ(DataFileHeadroom::target_headroom(8 * kMiB), kMiB);
  EXPECT_EQ(DataFileHeadroom::target_headroom(64 * kMiB), 4 * kMiB);
  EXPECT_EQ(DataFileHeadroom::target_headroom(320 * kMiB), 20 * kMiB);
  EXPECT_EQ(DataFileHeadroom::target_headroom(4096 * kMiB), 64 * kMiB);
}

TEST(FileHeadroom, WritesOneStepOfZerosPerCommitUntilTheTargetThenNothing) {
  TempDir tmp;
  Env env(tmp.path());
  DataFileHeadroom headroom(env.env);
  const std::string file = tmp.sub("data.mdb");
  auto check_zeros_after_used = [&] {
    EXPECT_TRUE(all_zero(read_range(file, env.used_end(), std::filesystem::file_size(file))));
  };
  // A small store: one step covers the 1 MiB minimum.
  ASSERT_EQ(env.put(0, 10, 100), MDB_SUCCESS);
  headroom.after_commit();
  EXPECT_EQ(std::filesystem::file_size(file), env.used_end() + kMiB);
  check_zeros_after_used();
  // ~24 MiB in one commit: the target becomes 1/16 of it (~1.5 MiB past the new end), which
  // takes two steps, one per commit.
  ASSERT_EQ(env.put(10, 240, 100000), MDB_SUCCESS);
  uint64_t used = env.used_end();
  uint64_t target = DataFileHeadroom::target_headroom(used);
  ASSERT_GT(target, kMiB);
  headroom.after_commit();
  EXPECT_EQ(std::filesystem::file_size(file), used + kMiB);
  check_zeros_after_used();
  ASSERT_EQ(env.put(250, 1, 100), MDB_SUCCESS);  // lands in the headroom
  headroom.after_commit();
  uint64_t want = env.used_end() + DataFileHeadroom::target_headroom(env.used_end());
  EXPECT_EQ(std::filesystem::file_size(file), (want + 4095) / 4096 * 4096);
  check_zeros_after_used();
  EXPECT_FALSE(headroom.failed());
  uint64_t written = headroom.zero_bytes_written();
  EXPECT_GT(written, 2 * kMiB);
  // Full: small commits that use the headroom write nothing until half of it is gone.
  uint64_t full_end = std::filesystem::file_size(file);
  int next = 251;
  while (full_end - env.used_end() >= DataFileHeadroom::target_headroom(env.used_end()) / 2) {
    EXPECT_EQ(headroom.zero_bytes_written(), written);
    ASSERT_EQ(env.put(next, 10, 2000), MDB_SUCCESS);
    next += 10;
    headroom.after_commit();
  }
  EXPECT_GT(headroom.zero_bytes_written(), written);  // the refill began
  check_zeros_after_used();
}

TEST(FileHeadroom, LmdbUsesTheZeroedSpaceAndEverythingReadsBackAfterReopening) {
  TempDir tmp;
  const std::string file = tmp.sub("data.mdb");
  uint64_t size_before = 0;
  {
    Env env(tmp.path());
    DataFileHeadroom headroom(env.env);
    for (int i = 0; i < 8; ++i) {
      ASSERT_EQ(env.put(i * 100, 100, 100), MDB_SUCCESS);
      headroom.after_commit();
    }
    size_before = std::filesystem::file_size(file);
    // 600 more values (~0.3 MB of pages) land inside the headroom (at least half of 1 MiB):
    // the file does not grow.
    ASSERT_EQ(env.put(800, 600, 400), MDB_SUCCESS);
    EXPECT_EQ(std::filesystem::file_size(file), size_before);
  }
  Env again(tmp.path());
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(again.env, nullptr, MDB_RDONLY, &txn), MDB_SUCCESS);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, nullptr, 0, &dbi), MDB_SUCCESS);
  MDB_stat stat{};
  mdb_stat(txn, dbi, &stat);
  EXPECT_EQ(stat.ms_entries, 1400u);
  for (int i : {0, 799, 800, 1399}) {
    std::string key = "key" + std::to_string(i);
    MDB_val k{key.size(), key.data()}, v;
    ASSERT_EQ(mdb_get(txn, dbi, &k, &v), MDB_SUCCESS) << key;
    EXPECT_EQ(v.mv_size, i < 800 ? 100u : 400u);
  }
  mdb_txn_abort(txn);
}

TEST(FileHeadroom, NeverWritesOverBytesPastTheEndItDidNotWrite) {
  // Another process appended to the file (its pages, from this writer's view): the zeros go
  // after them, at the file's real end.
  TempDir tmp;
  Env env(tmp.path());
  DataFileHeadroom headroom(env.env);
  ASSERT_EQ(env.put(0, 10, 100), MDB_SUCCESS);
  const std::string file = tmp.sub("data.mdb");
  uint64_t end = std::filesystem::file_size(file);
  const std::string theirs(8192, '\xab');
  {
    int fd = ::open(file.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, theirs.data(), theirs.size(), static_cast<off_t>(end)),
              static_cast<ssize_t>(theirs.size()));
    ::close(fd);
  }
  headroom.after_commit();
  EXPECT_EQ(read_range(file, end, end + theirs.size()), theirs);
  EXPECT_GT(std::filesystem::file_size(file), end + theirs.size());
  EXPECT_TRUE(all_zero(read_range(file, end + theirs.size(), std::filesystem::file_size(file))));
}

TEST(FileHeadroom, NeverGrowsTheFilePastTheMapSize) {
  TempDir tmp;
  const uint64_t map = 3 * kMiB + 20 * 4096;  // not a multiple of the 1 MiB step
  Env env(tmp.path(), map);
  DataFileHeadroom headroom(env.env);
  // ~2.5 MB used: the 1 MiB headroom would end past the map.
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(env.put(i * 10, 10, 25000), MDB_SUCCESS);
    headroom.after_commit();
  }
  ASSERT_GT(env.used_end() + kMiB, map);
  EXPECT_EQ(std::filesystem::file_size(tmp.sub("data.mdb")), map);
  EXPECT_FALSE(headroom.failed());
  // The whole map stays usable: values fill it until LMDB itself says it is full.
  int rc = MDB_SUCCESS;
  for (int i = 100; rc == MDB_SUCCESS && i < 100000; i += 100) {
    rc = env.put(i, 100, 1000);
    if (rc == MDB_SUCCESS) headroom.after_commit();
  }
  EXPECT_EQ(rc, MDB_MAP_FULL);
  EXPECT_EQ(std::filesystem::file_size(tmp.sub("data.mdb")), map);
}

// Commits one batch at a time (each its own group), then closes the store.
void commit_some(Store& store, Loop& loop, int count) {
  int done = 0;
  for (int i = 0; i < count; ++i) {
    WriteBatch batch;
    EXPECT_EQ(batch.put(Table::plugin_kv, "k" + std::to_string(i), std::string(200, 'x')), PB_OK);
    EXPECT_EQ(store.commit(std::move(batch), [&](int status) {
      EXPECT_EQ(status, PB_OK);
      ++done;
    }), PB_OK);
    loop.run_until([&] { return done == i + 1; });
  }
  bool closed = false;
  store.close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

// Only when the data file is synced: by every group's commit (SyncMode full without the redo
// log) or by checkpoints (with it). With SyncMode none nothing syncs: appends cost nothing more.
TEST(FileHeadroom, TheStoreWritesAheadOnlyWhenTheDataFileIsSynced) {
  TempDir full_dir, logged_dir, none_dir;
  {
    Loop loop;
    auto store = open_or_die(full_dir.path(), loop.get(), SyncMode::full, /*redo_log=*/false);
    ASSERT_TRUE(store);
    commit_some(*store, loop, 6);
    EXPECT_GE(store->stats().headroom_bytes_written, kMiB);
  }
  {
    Loop loop;
    auto store = open_or_die(logged_dir.path(), loop.get(), SyncMode::full);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->redo_log_active());
    commit_some(*store, loop, 6);
    EXPECT_GE(store->stats().headroom_bytes_written, kMiB);
  }
  {
    Loop loop;
    auto store = open_or_die(none_dir.path(), loop.get(), SyncMode::none);
    ASSERT_TRUE(store);
    commit_some(*store, loop, 6);
    EXPECT_EQ(store->stats().headroom_bytes_written, 0u);
  }
  EXPECT_GE(std::filesystem::file_size(full_dir.sub("data.mdb")), kMiB);
  EXPECT_LT(std::filesystem::file_size(none_dir.sub("data.mdb")), kMiB / 4);
  // And what was committed reads back from the written-ahead file.
  Loop loop;
  auto store = open_or_die(full_dir.path(), loop.get(), SyncMode::full, /*redo_log=*/false);
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "k5"), std::string(200, 'x'));
  bool closed = false;
  store->close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

}  // namespace
}  // namespace pb::store
