// The named LMDB databases of the store. A new table is appended here (never reordered) and
// created by a migration step in migrations.cpp; its name is persistent and never changes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pb::store {

enum class Table : uint8_t {
  meta,       // store-wide facts: schema_version, store_id
  plugin_kv,  // per-plugin key-value namespaces (see kv_namespace.h)
};

inline constexpr size_t kTableCount = 2;

// The LMDB database name of `table` (static storage).
const char* table_name(Table table);

inline constexpr size_t table_index(Table table) { return static_cast<size_t>(table); }

// LMDB's compiled-in key limit (mdb_env_get_maxkeysize() of Debian's liblmdb).
inline constexpr size_t kMaxKeyBytes = 511;
// Largest single value a batch accepts. Larger values are refused with PB_E_LIMIT before they
// reach the writer; 64 MiB leaves room above the plugin KV limit (16 MiB) for core records.
inline constexpr size_t kMaxValueBytes = 64u << 20;

}  // namespace pb::store
