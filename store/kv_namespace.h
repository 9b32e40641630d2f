// KvNamespace: one plugin's private key-value space in table plugin_kv — the implementation
// behind the host API kv_get / kv_list / kv_put / kv_delete (sdk/include/patchbay/plugin.h),
// with exactly those contracts: keys of 1..511 bytes (any bytes), values up to 16 MiB, prefix
// listing in key order, writes acknowledged when durable (group commit).
//
// Layout. The stored key is plugin_id + '\0' + key. Plugin ids contain no NUL, so no plugin's
// prefix is a prefix of another's: one plugin can never see another's keys. LMDB keys are at
// most 511 bytes, so a key too long to fit beside the plugin id is stored as
//   plugin_id '\0' key[0, L) BLAKE2b-256(key)          (L = 511 - id - 1 - 32, at least 350)
// with the rest of the key, key[L, end), kept in front of the value (2-byte length first).
// Reads compare that rest, so lookups stay exact; listing sorts the (rare) long keys that share
// their first L bytes, so kv_list is in true key order. Keys of up to L bytes are stored as
// they are and cost nothing extra.
//
// Threads: like Store — reads on any thread, put/erase on the loop thread. A KvNamespace is a
// small value (the plugin id) that borrows the Store, which must outlive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/result.h"
#include "store/store.h"

namespace pb::store {

class KvNamespace {
 public:
  static constexpr size_t kMaxPluginIdBytes = 128;
  static constexpr size_t kMaxKeyBytes = 511;
  static constexpr size_t kMaxValueBytes = 16u << 20;

  // Errors: PB_E_INVALID (plugin id empty, longer than kMaxPluginIdBytes, or containing NUL).
  static Result<KvNamespace> create(Store& store, std::string plugin_id);

  const std::string& plugin_id() const { return plugin_id_; }

  using ValueFn = void (*)(void* user, std::string_view value);
  using EachFn = bool (*)(void* user, std::string_view key, std::string_view value);  // false: stop

  // Calls fn with the committed value of `key` (borrowed during the call) before returning.
  // Returns PB_OK (fn called), PB_E_NOT_FOUND, PB_E_INVALID (key not 1..511 bytes), PB_E_IO.
  int get(std::string_view key, ValueFn fn, void* user) const;
  // Copying convenience: the value, or nullopt when absent. Errors: PB_E_INVALID, PB_E_IO.
  Result<std::optional<std::string>> get(std::string_view key) const;

  // Calls fn for each key starting with `prefix` (0..511 bytes; empty = every key), in key
  // order, until it returns false. Returns PB_OK, PB_E_INVALID, PB_E_IO.
  int list(std::string_view prefix, EachFn fn, void* user) const;

  // Queues key = value; done(user, status) runs on the loop thread once durable. Returns PB_OK,
  // or (done never called) PB_E_INVALID (key not 1..511 bytes), PB_E_LIMIT (value > 16 MiB),
  // PB_E_STATE (store closing, no loop, wrong thread).
  int put(std::string_view key, std::string_view value, CommitFn done, void* user);
  // Deletes key durably; done gets PB_OK also when the key did not exist. Same returns.
  int erase(std::string_view key, CommitFn done, void* user);

  // The same mutations added to a caller's batch, to commit them with other writes or with
  // Store::commit_sync (CLI). Same validation and returns as put/erase, without PB_E_STATE; a
  // refused mutation poisons `batch` (WriteBatch::refuse), so it cannot be half-committed.
  int stage_put(WriteBatch& batch, std::string_view key, std::string_view value) const;
  int stage_erase(WriteBatch& batch, std::string_view key) const;

 private:
  KvNamespace(Store& store, std::string plugin_id);

  // The stored key for `key` (which must be 1..511 bytes) in `out`; true when it is hashed.
  bool stored_key(std::string_view key, std::string& out) const;
  // Keys up to this length are stored verbatim after the namespace prefix.
  size_t verbatim_limit() const;

  Store* store_;
  std::string plugin_id_;
  std::string prefix_;  // plugin_id + '\0'
};

}  // namespace pb::store
