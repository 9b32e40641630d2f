// The named LMDB databases of the store. A new table is appended here (never reordered) and
// created by a migration step in migrations.cpp; its name is persistent and never changes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pb::store {

enum class Table : uint8_t {
  meta,       // store-wide facts: schema_version, store_id
  plugin_kv,  // per-plugin key-value namespaces (see kv_namespace.h)
  // v3: the chat model (core/chat/repository.h documents every key and value).
  users,              // user id -> user JSON (never a password)
  users_by_username,  // lower-cased username -> user id (unique: written with insert)
  users_by_email,     // lower-cased email -> user id (unique)
  teams,              // team id -> team JSON
  teams_by_name,      // team name -> team id (unique)
  team_members,       // team id + user id -> team member JSON
  user_teams,         // user id + team id -> "" (the other direction)
  channels,           // channel id -> channel JSON
  channels_by_name,   // team id + ':' + channel name -> channel id (unique; DMs have team id "")
  channel_members,    // channel id + user id -> channel member JSON
  user_channels,      // user id + channel id -> team id of the channel ("" for DMs)
  posts,              // post id -> post JSON
  channel_posts,      // channel id + create_at (8 bytes big-endian) + post id -> "" (time order)
};

inline constexpr size_t kTableCount = 15;
static_assert(kTableCount == static_cast<size_t>(Table::channel_posts) + 1, "kTableCount counts every Table");

// The LMDB database name of `table` (static storage).
const char* table_name(Table table);

inline constexpr size_t table_index(Table table) { return static_cast<size_t>(table); }

// LMDB's compiled-in key limit (mdb_env_get_maxkeysize() of Debian's liblmdb).
inline constexpr size_t kMaxKeyBytes = 511;
// Largest single value a batch accepts. Larger values are refused with PB_E_LIMIT before they
// reach the writer; 64 MiB leaves room above the plugin KV limit (16 MiB) for core records.
inline constexpr size_t kMaxValueBytes = 64u << 20;

}  // namespace pb::store
