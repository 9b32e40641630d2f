#include "store/migrations.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "core/util/ids.h"
#include "patchbay/plugin.h"
#include "store/lmdb_util.h"
#include "store/table.h"

namespace pb::store {
namespace {

Result<MDB_dbi> create_table(MDB_txn* txn, Table table) {
  MDB_dbi dbi;
  int rc = mdb_dbi_open(txn, table_name(table), MDB_CREATE, &dbi);
  if (rc != MDB_SUCCESS) return lmdb_error(table_name(table), rc);
  return dbi;
}

Result<void> put_meta(MDB_txn* txn, std::string_view key, std::string_view value) {
  auto meta = create_table(txn, Table::meta);
  if (!meta) return meta.error();
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  int rc = mdb_put(txn, *meta, &k, &v, 0);
  if (rc != MDB_SUCCESS) return lmdb_error("meta", rc);
  return {};
}

// v1: the meta table that holds the schema version itself.
Result<void> create_meta(MDB_txn* txn) {
  auto meta = create_table(txn, Table::meta);
  if (!meta) return meta.error();
  return {};
}

// v2: plugin key-value namespaces, and a store id that names this store in backups and, later,
// in replication (a node's local view is "store X at log position N").
Result<void> create_plugin_kv_and_store_id(MDB_txn* txn) {
  auto kv = create_table(txn, Table::plugin_kv);
  if (!kv) return kv.error();
  return put_meta(txn, kStoreIdKey, new_id());
}

// v3: the chat model's tables (users, teams, channels, memberships, posts and their indexes).
Result<void> create_chat_tables(MDB_txn* txn) {
  for (size_t i = table_index(Table::users); i <= table_index(Table::channel_posts); ++i) {
    auto table = create_table(txn, static_cast<Table>(i));
    if (!table) return table.error();
  }
  return {};
}

constexpr Migration kMigrations[] = {
    {1, "create table meta", &create_meta},
    {2, "create table plugin_kv and meta.store_id", &create_plugin_kv_and_store_id},
    {3, "create the chat model's tables", &create_chat_tables},
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration step per version");

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<uint32_t> read_schema_version(MDB_txn* txn) {
  MDB_dbi meta;
  int rc = mdb_dbi_open(txn, table_name(Table::meta), 0, &meta);
  if (rc == MDB_NOTFOUND) return uint32_t{0};
  if (rc != MDB_SUCCESS) return lmdb_error("meta", rc);
  std::string_view key = kSchemaVersionKey;
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v;
  rc = mdb_get(txn, meta, &k, &v);
  if (rc == MDB_NOTFOUND) return uint32_t{0};
  if (rc != MDB_SUCCESS) return lmdb_error("meta.schema_version", rc);
  const char* begin = static_cast<const char*>(v.mv_data);
  uint32_t version = 0;
  auto [end, ec] = std::from_chars(begin, begin + v.mv_size, version);
  if (ec != std::errc() || end != begin + v.mv_size) {
    return make_error(PB_E_IO, fmt::format("meta.schema_version is not a number: '{}'",
                                           std::string_view(begin, v.mv_size)));
  }
  return version;
}

Result<void> migrate(MDB_txn* txn, uint32_t from) {
  for (const Migration& step : kMigrations) {
    if (step.to_version <= from) continue;
    auto done = step.apply(txn);
    if (!done) {
      return make_error(done.error().code,
                        fmt::format("migration to schema version {} ({}): {}", step.to_version,
                                    step.what, done.error().message));
    }
  }
  return put_meta(txn, kSchemaVersionKey, std::to_string(kSchemaVersion));
}

}  // namespace pb::store
