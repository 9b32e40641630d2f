// Store: opening, the directory, reads, commit_sync, batch validation, sync modes.
#include "store/store.h"

#include <lmdb.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "core/util/ids.h"
#include "patchbay/plugin.h"
#include "store/migrations.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::Loop;
using testing::open_or_die;
using testing::read_key;
using testing::TempDir;


TEST(Store, FreshDirectoryOpensAtLatestSchemaWithStableStoreId) {
  TempDir tmp;
  std::string id;
  {
    auto store = open_or_die(tmp.sub("data"));
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schema_version(), kSchemaVersion);
    EXPECT_TRUE(is_valid_id(store->store_id())) << store->store_id();
    EXPECT_EQ(read_key(*store, Table::meta, kSchemaVersionKey), std::to_string(kSchemaVersion));
    id = store->store_id();
  }
  auto again = open_or_die(tmp.sub("data"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->store_id(), id);
}

TEST(Store, CreatesMissingDirectoriesWithMode0700) {
  TempDir tmp;
  std::string dir = tmp.sub("a/b/data");
  ASSERT_TRUE(open_or_die(dir));
  for (const std::string& path : {tmp.sub("a"), tmp.sub("a/b"), dir}) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << path;
    EXPECT_EQ(st.st_mode & 0777, 0700u) << path;
  }
}

TEST(Store, RefusesAPathThatIsNotADirectory) {
  TempDir tmp;
  std::string file = tmp.sub("file");
  std::ofstream(file) << "x";
  StoreOptions options;
  options.directory = file;
  auto store = Store::open(nullptr, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, PB_E_IO);
  EXPECT_NE(store.error().message.find("not a directory"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(file), std::string::npos) << store.error().message;
}

TEST(Store, CommitSyncIsVisibleToLaterReadsAndSurvivesReopen) {
  TempDir tmp;
  {
    auto store = open_or_die(tmp.path());
    ASSERT_TRUE(store);
    auto before = store->begin_read();  // a snapshot taken before the write
    ASSERT_TRUE(before.ok());
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "k1", "v1"), PB_OK);
    ASSERT_EQ(batch.put(Table::plugin_kv, "k2", "v2"), PB_OK);
    ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
    EXPECT_FALSE(store->get(*before, Table::plugin_kv, "k1"));  // snapshots are isolated
    EXPECT_EQ(read_key(*store, Table::plugin_kv, "k1"), "v1");
    EXPECT_EQ(read_key(*store, Table::plugin_kv, "k2"), "v2");
    EXPECT_EQ(read_key(*store, Table::plugin_kv, "k3"), std::nullopt);
    EXPECT_EQ(read_key(*store, Table::meta, "k1"), std::nullopt);  // tables are separate
  }
  auto store = open_or_die(tmp.path());
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "k2"), "v2");
}

TEST(Store, InsertOverAnExistingKeyFailsTheWholeBatch) {
  TempDir tmp;
  auto store = open_or_die(tmp.path());
  WriteBatch first;
  ASSERT_EQ(first.insert(Table::plugin_kv, "taken", "1"), PB_OK);
  ASSERT_TRUE(store->commit_sync(std::move(first)).ok());

  WriteBatch second;
  ASSERT_EQ(second.put(Table::plugin_kv, "other", "2"), PB_OK);
  ASSERT_EQ(second.insert(Table::plugin_kv, "taken", "2"), PB_OK);
  auto result = store->commit_sync(std::move(second));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, PB_E_EXISTS);
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "other"), std::nullopt);
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "taken"), "1");
}

TEST(Store, InsertsThatSortLastFillLeavesAndOthersStillLand) {
  TempDir tmp;
  constexpr int kRows = 2000;
  const std::string row(700, 'r');  // five to a 4 KiB leaf
  {
    auto store = open_or_die(tmp.path());
    for (int b = 0; b < kRows / 20; ++b) {
      WriteBatch batch;
      for (int i = b * 20; i < b * 20 + 20; ++i) {
        char key[16];
        std::snprintf(key, sizeof key, "k%08d", i);
        ASSERT_EQ(batch.insert(Table::posts, key, row), PB_OK);
      }
      ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
    }
    // A key that does not sort last, and one that exists, take the ordinary way.
    WriteBatch middle;
    ASSERT_EQ(middle.insert(Table::posts, "k00000005x", "middle"), PB_OK);
    ASSERT_TRUE(store->commit_sync(std::move(middle)).ok());
    EXPECT_EQ(read_key(*store, Table::posts, "k00000005x"), "middle");
    WriteBatch taken;
    ASSERT_EQ(taken.insert(Table::posts, "k00000007", "again"), PB_OK);
    auto result = store->commit_sync(std::move(taken));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, PB_E_EXISTS);
  }
  // Appended rows fill their leaves (ordinary puts split full leaves in halves: ~667 leaves).
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
  mdb_env_set_maxdbs(env, 32);
  ASSERT_EQ(mdb_env_open(env, tmp.path().c_str(), MDB_RDONLY, 0600), MDB_SUCCESS);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), MDB_SUCCESS);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, table_name(Table::posts), 0, &dbi), MDB_SUCCESS);
  MDB_stat stat{};
  ASSERT_EQ(mdb_stat(txn, dbi, &stat), MDB_SUCCESS);
  EXPECT_EQ(stat.ms_entries, static_cast<size_t>(kRows + 1));
  EXPECT_LE(stat.ms_leaf_pages, static_cast<size_t>(kRows / 5 + 2));
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

TEST(Store, EraseRemovesAndToleratesMissingKeys) {
  TempDir tmp;
  auto store = open_or_die(tmp.path());
  WriteBatch put;
  ASSERT_EQ(put.put(Table::plugin_kv, "k", "v"), PB_OK);
  ASSERT_TRUE(store->commit_sync(std::move(put)).ok());
  WriteBatch erase;
  ASSERT_EQ(erase.erase(Table::plugin_kv, "k"), PB_OK);
  ASSERT_EQ(erase.erase(Table::plugin_kv, "never-there"), PB_OK);
  ASSERT_TRUE(store->commit_sync(std::move(erase)).ok());
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "k"), std::nullopt);
}

TEST(Store, PrefixIterationIsInKeyOrderAndStopsOnRequest) {
  TempDir tmp;
  auto store = open_or_die(tmp.path());
  WriteBatch batch;
  for (const char* key : {"b/1", "a/2", "a", "a/10", "a/1", "ab"}) {
    ASSERT_EQ(batch.put(Table::plugin_kv, key, std::string("v") + key), PB_OK);
  }
  ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
  auto txn = store->begin_read();
  ASSERT_TRUE(txn.ok());

  std::vector<std::string> seen;
  EXPECT_EQ(store->for_each_prefix(*txn, Table::plugin_kv, "a/",
                                   [&](std::string_view k, std::string_view v) {
                                     EXPECT_EQ(v, "v" + std::string(k));
                                     seen.emplace_back(k);
                                     return true;
                                   }),
            PB_OK);
  EXPECT_EQ(seen, (std::vector<std::string>{"a/1", "a/10", "a/2"}));

  seen.clear();
  store->for_each_prefix(*txn, Table::plugin_kv, "", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "a/1", "a/10", "a/2", "ab", "b/1"}));

  seen.clear();
  store->for_each_prefix(*txn, Table::plugin_kv, "a", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return seen.size() < 2;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "a/1"}));

  seen.clear();
  store->for_each_prefix(*txn, Table::plugin_kv, "zzz", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  });
  EXPECT_TRUE(seen.empty());
}

TEST(Store, ReusedReadTransactionsSeeLaterCommits) {
  TempDir tmp;
  auto store = open_or_die(tmp.path());
  for (int i = 0; i < 20; ++i) {
    // Released snapshots are pooled and renewed: each must still see the newest data.
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "counter", std::to_string(i)), PB_OK);
    ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
    EXPECT_EQ(read_key(*store, Table::plugin_kv, "counter"), std::to_string(i));
  }
  std::vector<ReadTxn> many;  // more live snapshots than the pool keeps
  for (int i = 0; i < 20; ++i) {
    auto txn = store->begin_read();
    ASSERT_TRUE(txn.ok());
    many.push_back(std::move(txn).value());
  }
  for (const ReadTxn& txn : many) EXPECT_EQ(store->get(txn, Table::plugin_kv, "counter"), "19");
  many.clear();
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "counter"), "19");
}

TEST(Store, BadMutationsPoisonTheBatch) {
  TempDir tmp;
  Loop loop;
  auto store = open_or_die(tmp.path(), loop.get());
  {
    WriteBatch batch;
    EXPECT_EQ(batch.put(Table::plugin_kv, "", "v"), PB_E_INVALID);
    EXPECT_EQ(batch.put(Table::plugin_kv, "fine", "v"), PB_OK);
    EXPECT_EQ(batch.status(), PB_E_INVALID);
    bool called = false;
    EXPECT_EQ(store->commit(std::move(batch), [&](int) { called = true; }), PB_E_INVALID);
    EXPECT_FALSE(called);
  }
  {
    WriteBatch batch;
    EXPECT_EQ(batch.put(Table::plugin_kv, std::string(kMaxKeyBytes + 1, 'k'), "v"), PB_E_LIMIT);
    EXPECT_EQ(batch.status(), PB_E_LIMIT);
    auto result = store->commit_sync(std::move(batch));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, PB_E_LIMIT);
  }
  {
    WriteBatch batch;
    EXPECT_EQ(batch.put(Table::plugin_kv, std::string(kMaxKeyBytes, 'k'), "max"), PB_OK);
    ASSERT_TRUE(store->commit_sync(std::move(batch)).ok());
    EXPECT_EQ(read_key(*store, Table::plugin_kv, std::string(kMaxKeyBytes, 'k')), "max");
  }
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "fine"), std::nullopt);
  bool closed = false;
  store->close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

TEST(Store, WithoutALoopOnlyCommitSyncWrites) {
  TempDir tmp;
  auto store = open_or_die(tmp.path());
  WriteBatch batch;
  ASSERT_EQ(batch.put(Table::plugin_kv, "k", "v"), PB_OK);
  bool called = false;
  EXPECT_EQ(store->commit(std::move(batch), [&](int) { called = true; }), PB_E_STATE);
  EXPECT_FALSE(called);
  bool closed = false;
  store->close([&] { closed = true; });
  EXPECT_TRUE(closed);
}

TEST(Store, SyncModeNoneCommitsAndReopens) {
  TempDir tmp;
  {
    Loop loop;
    auto store = open_or_die(tmp.path(), loop.get(), SyncMode::none);
    ASSERT_TRUE(store);
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "fast", "yes"), PB_OK);
    int status = 1;
    ASSERT_EQ(store->commit(std::move(batch), [&](int s) { status = s; }), PB_OK);
    loop.run_until([&] { return status != 1; });
    EXPECT_EQ(status, PB_OK);
    EXPECT_EQ(read_key(*store, Table::plugin_kv, "fast"), "yes");
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  auto store = open_or_die(tmp.path());
  EXPECT_EQ(read_key(*store, Table::plugin_kv, "fast"), "yes");
}

}  // namespace
}  // namespace pb::store
