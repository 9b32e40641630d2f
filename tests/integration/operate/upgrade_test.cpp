// Upgrades through the real binary: an older store is migrated on start with its data kept, a
// store of a newer schema is refused with a clear message and left byte-for-byte as it was, and
// `patchbay config migrate` writes the upgraded config beside the old one.
#include <lmdb.h>
#include <rapidjson/document.h>

#include "tests/integration/operate/operate_support.h"
#include "tests/integration/support/server_process.h"
#include "tests/integration/support/temp_dir.h"

namespace pb::itest::operate {
namespace {

constexpr unsigned kCurrentSchema = 3;  // store/migrations.h kSchemaVersion

TEST(Upgrade, AStoreOfANewerSchemaIsRefusedWithAClearMessageAndLeftUntouched) {
  ServerProcess server;
  ASSERT_TRUE(server.start());
  ASSERT_EQ(server.stop(), 0);
  ASSERT_EQ(read_schema_version(server.store_dir()), kCurrentSchema);
  // What a later release would leave behind.
  ASSERT_TRUE(write_schema_version(server.store_dir(), kCurrentSchema + 1));
  std::string before = file_bytes(server.store_dir() / "data.mdb");
  auto mtime = fs::last_write_time(server.store_dir() / "data.mdb");

  ASSERT_TRUE(server.spawn());
  EXPECT_EQ(server.wait_exit(), 1);
  std::string expected = "store at " + server.store_dir().string() + " has schema version " +
                         std::to_string(kCurrentSchema + 1) + ", newer than this binary's " +
                         std::to_string(kCurrentSchema) + "; refusing to touch it";
  EXPECT_NE(server.log().find(expected), std::string::npos) << server.log();
  EXPECT_EQ(file_bytes(server.store_dir() / "data.mdb"), before);
  EXPECT_EQ(fs::last_write_time(server.store_dir() / "data.mdb"), mtime);
  EXPECT_EQ(read_schema_version(server.store_dir()), kCurrentSchema + 1);

  // The CLI refuses it the same way.
  auto kv = run_patchbay({"kv", "list", "--plugin", "kv_probe", "--config",
                          server.config_path().string()});
  EXPECT_EQ(kv.exit_code, 1);
  EXPECT_NE(kv.err.find("newer than this binary's"), std::string::npos) << kv.err;
  EXPECT_EQ(file_bytes(server.store_dir() / "data.mdb"), before);
}

// A schema-2 store as the release before the chat model left it: meta (schema_version 2 and a
// store id) and plugin_kv, written with raw LMDB here (not a binary blob).
void write_schema2_store(const fs::path& dir) {
  fs::create_directories(dir);
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi meta, kv;
  ASSERT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "plugin_kv", MDB_CREATE, &kv), 0);
  auto put = [&](MDB_dbi dbi, std::string key, std::string value) {
    MDB_val k{key.size(), key.data()};
    MDB_val v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  };
  put(meta, "schema_version", "2");
  put(meta, "store_id", "storeid0000000000000000001");
  for (int i = 0; i < 50; ++i)
    put(kv, std::string("kv_probe") + '\0' + "key" + std::to_string(i), "value" + std::to_string(i));
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(Upgrade, AnOlderStoreIsMigratedOnceOnStartAndKeepsItsData) {
  ServerProcess server;
  write_schema2_store(server.store_dir());
  ASSERT_TRUE(server.start());
  EXPECT_NE(server.log().find("(schema 3, id storeid0000000000000000001"), std::string::npos)
      << server.log();
  ASSERT_EQ(server.stop(), 0);
  EXPECT_EQ(read_schema_version(server.store_dir()), kCurrentSchema);
  // Migrated once: a second start finds the current version and changes nothing.
  std::string migrated = file_bytes(server.store_dir() / "data.mdb");
  auto mtime = fs::last_write_time(server.store_dir() / "data.mdb");
  auto listed = run_patchbay({"kv", "list", "--plugin", "kv_probe", "--config",
                              server.config_path().string()});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(file_bytes(server.store_dir() / "data.mdb"), migrated);
  EXPECT_EQ(fs::last_write_time(server.store_dir() / "data.mdb"), mtime);
  std::string expected;
  std::vector<std::string> lines;
  for (int i = 0; i < 50; ++i) lines.push_back("key" + std::to_string(i) + "\tvalue" + std::to_string(i));
  std::sort(lines.begin(), lines.end());
  for (const auto& line : lines) expected += line + "\n";
  EXPECT_EQ(listed.out, expected);
  // The chat model's tables exist and take writes: the first user can be created.
  ASSERT_TRUE(server.start());
  auto user = run_patchbay({"user", "create", "--email", "a@example.com", "--username", "alice",
                            "--password", "correct-horse-1", "--config",
                            server.config_path().string()});
  EXPECT_EQ(user.exit_code, 0) << user.err;
  EXPECT_EQ(server.stop(), 0);
}

TEST(ConfigMigrate, WritesTheUpgradedFileBesideTheOldOneAndNeverRewritesIt) {
  TempDir tmp;
  fs::path old_file = tmp.path() / "config.json";
  // A config from an older release: some keys missing, one this release no longer knows.
  std::string old_text =
      R"({"ServiceSettings":{"ListenAddress":"127.0.0.1:9100","RetiredKey":true},)"
      R"("StoreSettings":{"Directory":"/srv/patchbay/data"}})";
  ASSERT_TRUE(write_file(old_file, old_text));
  auto r = run_patchbay({"config", "migrate", "--config", old_file.string()},
                        {{"PB_SERVICESETTINGS_SITEURL", "https://from-env.example.com"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("RetiredKey"), std::string::npos) << r.err;  // reported, then dropped
  EXPECT_EQ(file_bytes(old_file), old_text);
  fs::path migrated = tmp.path() / "config.json.migrated";
  EXPECT_EQ(r.out, old_file.string() + ": every key of this version written to " +
                       migrated.string() + "\n");
  rapidjson::Document doc;
  std::string text = file_bytes(migrated);
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_STREQ(doc["ServiceSettings"]["ListenAddress"].GetString(), "127.0.0.1:9100");
  EXPECT_FALSE(doc["ServiceSettings"].HasMember("RetiredKey"));
  EXPECT_STREQ(doc["ServiceSettings"]["SiteURL"].GetString(), "");  // the file's, not the env's
  EXPECT_STREQ(doc["StoreSettings"]["Directory"].GetString(), "/srv/patchbay/data");
  EXPECT_STREQ(doc["StoreSettings"]["SyncMode"].GetString(), "full");  // a new key, at its default
  EXPECT_TRUE(doc["LogSettings"]["FileJson"].GetBool());
  auto valid = run_patchbay({"config", "validate", "--config", migrated.string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  EXPECT_EQ(valid.err, "");  // no unknown keys left

  ASSERT_TRUE(write_file(old_file, "{\"ServiceSettings\":{\"ListenAddress\":5}}"));
  auto bad = run_patchbay({"config", "migrate", "--config", old_file.string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ServiceSettings.ListenAddress"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace pb::itest::operate
