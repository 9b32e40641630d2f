// Small shared pieces over the LMDB C API: error mapping, views, applying a WriteBatch.
// Internal to store/: nothing outside the store includes <lmdb.h>.
#pragma once

#include <lmdb.h>

#include <array>
#include <string_view>

#include "core/util/result.h"
#include "store/table.h"
#include "store/write_batch.h"

namespace pb::store {

using TableHandles = std::array<MDB_dbi, kTableCount>;

// The pb_status an LMDB return code means for a caller: MDB_KEYEXIST -> PB_E_EXISTS,
// MDB_NOTFOUND -> PB_E_NOT_FOUND, MDB_MAP_FULL/MDB_TXN_FULL -> PB_E_LIMIT (the store is full or
// the group too large), anything else -> PB_E_IO.
int status_from_lmdb(int rc);

// An Error whose message is "<what>: <mdb_strerror(rc)>" and whose code is status_from_lmdb(rc).
Error lmdb_error(std::string_view what, int rc);

inline MDB_val to_val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view to_view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// Applies every mutation of `batch` inside `txn` (a write transaction). Returns PB_OK or the
// first failure's status (PB_E_EXISTS for an insert over an existing key); on failure the caller
// must abort `txn`, since earlier mutations of the batch are already in it.
int apply_batch(MDB_txn* txn, const TableHandles& tables, const WriteBatch& batch);

// Begins a write transaction (LMDB's writer lock: no process commits while it is held); when
// another process grew the map meanwhile, adopts its size and retries once.
int begin_write_txn(MDB_env* env, MDB_txn** txn);

// Commits a write transaction and returns only once it is durable as the environment's flags
// say. A SyncMode::full environment is opened with MDB_NOMETASYNC (see group_commit.h: the
// writer makes each group's meta page durable with the NEXT group's data sync), so a commit
// outside the writer (the CLI, migrations) adds the sync of the meta page itself.
int commit_durably(MDB_env* env, MDB_txn* txn);

}  // namespace pb::store
