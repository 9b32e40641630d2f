// Schema versions: upgrading an older store, refusing a newer one without touching it.
#include "store/migrations.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/util/ids.h"
#include "patchbay/plugin.h"
#include "store/store.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::read_key;
using testing::TempDir;

// Writes meta entries with raw LMDB, the way an older binary would have laid the store out.
void write_raw_meta(const std::string& dir,
                    std::initializer_list<std::pair<std::string, std::string>> entries) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi meta;
  ASSERT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
  for (const auto& [key, value] : entries) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
  }
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}


TEST(Migrations, StepsAreConsecutiveUpToTheSchemaVersion) {
  auto steps = migrations();
  ASSERT_EQ(steps.size(), size_t{kSchemaVersion});
  for (size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].to_version, i + 1);
}

TEST(Migrations, AVersion1StoreIsUpgradedAndKeepsItsData) {
  TempDir tmp;
  write_raw_meta(tmp.path(), {{"schema_version", "1"}, {"written_by", "v1"}});
  StoreOptions options;
  options.directory = tmp.path();
  auto store = Store::open(nullptr, options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  Store& s = **store;
  EXPECT_EQ(s.schema_version(), kSchemaVersion);
  EXPECT_EQ(read_key(s, Table::meta, "schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(read_key(s, Table::meta, "written_by"), "v1");
  EXPECT_TRUE(is_valid_id(s.store_id()));
  WriteBatch batch;  // the table version 2 added is usable
  ASSERT_EQ(batch.put(Table::plugin_kv, "k", "v"), PB_OK);
  ASSERT_TRUE(s.commit_sync(std::move(batch)).ok());
  EXPECT_EQ(read_key(s, Table::plugin_kv, "k"), "v");
}

TEST(Migrations, AVersion2StoreGetsTheChatTablesAndKeepsItsData) {
  TempDir tmp;
  {
    // A version-2 store as the previous binary left it: meta (with a store id) and plugin_kv.
    write_raw_meta(tmp.path(), {{"schema_version", "2"}, {"store_id", "storeid0000000000000000001"}});
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
    ASSERT_EQ(mdb_env_open(env, tmp.path().c_str(), 0, 0600), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi kv;
    ASSERT_EQ(mdb_dbi_open(txn, "plugin_kv", MDB_CREATE, &kv), 0);
    std::string key = std::string("auth") + '\0' + "pwd/x";
    MDB_val k{key.size(), key.data()};
    MDB_val v{4, const_cast<char*>("hash")};
    ASSERT_EQ(mdb_put(txn, kv, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  StoreOptions options;
  options.directory = tmp.path();
  auto store = Store::open(nullptr, options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  Store& s = **store;
  EXPECT_EQ(s.schema_version(), 3u);
  EXPECT_EQ(s.store_id(), "storeid0000000000000000001");
  EXPECT_EQ(read_key(s, Table::plugin_kv, std::string("auth") + '\0' + "pwd/x"), "hash");
  // Every chat table exists and takes writes; the unique indexes refuse a second insert.
  WriteBatch batch;
  for (size_t i = table_index(Table::users); i < kTableCount; ++i) {
    ASSERT_EQ(batch.insert(static_cast<Table>(i), "k", table_name(static_cast<Table>(i))), PB_OK);
  }
  ASSERT_TRUE(s.commit_sync(std::move(batch)).ok());
  EXPECT_EQ(read_key(s, Table::users, "k"), "users");
  EXPECT_EQ(read_key(s, Table::channel_posts, "k"), "channel_posts");
  WriteBatch again;
  ASSERT_EQ(again.insert(Table::users_by_username, "k", "other"), PB_OK);
  auto refused = s.commit_sync(std::move(again));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_EXISTS);
}

TEST(Migrations, ANewerStoreIsRefusedAndLeftUntouched) {
  TempDir tmp;
  write_raw_meta(tmp.path(), {{"schema_version", std::to_string(kSchemaVersion + 1)}});
  std::string data_file = tmp.sub("data.mdb");
  std::string before = file_bytes(data_file);
  struct stat st_before {};
  ASSERT_EQ(::stat(data_file.c_str(), &st_before), 0);

  StoreOptions options;
  options.directory = tmp.path();
  auto store = Store::open(nullptr, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message, "store at " + tmp.path() + " has schema version " +
                                       std::to_string(kSchemaVersion + 1) +
                                       ", newer than this binary's " +
                                       std::to_string(kSchemaVersion) + "; refusing to touch it");

  struct stat st_after {};
  ASSERT_EQ(::stat(data_file.c_str(), &st_after), 0);
  EXPECT_EQ(file_bytes(data_file), before);
  EXPECT_EQ(st_after.st_mtim.tv_sec, st_before.st_mtim.tv_sec);
  EXPECT_EQ(st_after.st_mtim.tv_nsec, st_before.st_mtim.tv_nsec);
}

TEST(Migrations, AnUnreadableVersionIsAnError) {
  TempDir tmp;
  write_raw_meta(tmp.path(), {{"schema_version", "two"}});
  StoreOptions options;
  options.directory = tmp.path();
  auto store = Store::open(nullptr, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, PB_E_IO);
  EXPECT_NE(store.error().message.find("not a number"), std::string::npos) << store.error().message;
}

TEST(Migrations, AFailedMigrationLeavesTheOldVersion) {
  // A v1 store whose map is already full cannot take the v2 step: the open fails and the store
  // still reads as version 1 (the steps share one transaction).
  TempDir tmp;
  write_raw_meta(tmp.path(), {{"schema_version", "1"}, {"filler", std::string(40 * 1024, 'x')}});
  StoreOptions options;
  options.directory = tmp.path();
  options.map_size_bytes = 1;  // LMDB keeps the file's current size as the minimum
  auto store = Store::open(nullptr, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, PB_E_LIMIT) << store.error().message;
  EXPECT_NE(store.error().message.find("migration to schema version 2"), std::string::npos)
      << store.error().message;

  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
  ASSERT_EQ(mdb_env_open(env, tmp.path().c_str(), MDB_RDONLY, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
  auto version = read_schema_version(txn);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 1u);
  MDB_dbi kv;
  EXPECT_EQ(mdb_dbi_open(txn, "plugin_kv", 0, &kv), MDB_NOTFOUND);
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

}  // namespace
}  // namespace pb::store
