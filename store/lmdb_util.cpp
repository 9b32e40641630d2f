#include "store/lmdb_util.h"

#include <fmt/format.h>

#include "patchbay/plugin.h"

namespace pb::store {

int status_from_lmdb(int rc) {
  switch (rc) {
    case MDB_SUCCESS:
      return PB_OK;
    case MDB_KEYEXIST:
      return PB_E_EXISTS;
    case MDB_NOTFOUND:
      return PB_E_NOT_FOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
      return PB_E_LIMIT;
    default:
      return PB_E_IO;
  }
}

Error lmdb_error(std::string_view what, int rc) {
  return make_error(status_from_lmdb(rc), fmt::format("{}: {}", what, mdb_strerror(rc)));
}

int apply_batch(MDB_txn* txn, const TableHandles& tables, const WriteBatch& batch) {
  if (batch.status() != PB_OK) return batch.status();
  for (const WriteBatch::Mutation& m : batch.mutations()) {
    MDB_dbi dbi = tables[table_index(m.table)];
    MDB_val key = to_val(batch.key(m));
    int rc;
    switch (m.op) {
      case WriteBatch::Op::put: {
        MDB_val value = to_val(batch.value(m));
        rc = mdb_put(txn, dbi, &key, &value, 0);
        break;
      }
      case WriteBatch::Op::insert: {
        MDB_val value = to_val(batch.value(m));
        // Inserts are mostly of keys that sort after every other (posts: time-ordered ids).
        // MDB_APPEND then fills the last leaf before starting the next, where an ordinary put
        // splits full leaves in halves and leaves them half empty: a table of half-empty leaves
        // dirties twice the pages per commit, and each scattered page costs its fdatasync ~30 us
        // here. A key that does not sort last is refused (MDB_KEYEXIST, nothing written) and
        // inserted the ordinary way, which also tells an existing key apart.
        rc = mdb_put(txn, dbi, &key, &value, MDB_APPEND | MDB_NOOVERWRITE);
        if (rc == MDB_KEYEXIST) rc = mdb_put(txn, dbi, &key, &value, MDB_NOOVERWRITE);
        break;
      }
      case WriteBatch::Op::erase:
        rc = mdb_del(txn, dbi, &key, nullptr);
        if (rc == MDB_NOTFOUND) rc = MDB_SUCCESS;
        break;
    }
    if (rc != MDB_SUCCESS) return status_from_lmdb(rc);
  }
  return PB_OK;
}

int begin_write_txn(MDB_env* env, MDB_txn** txn) {
  int rc = mdb_txn_begin(env, nullptr, 0, txn);
  if (rc == MDB_MAP_RESIZED) {
    mdb_env_set_mapsize(env, 0);
    rc = mdb_txn_begin(env, nullptr, 0, txn);
  }
  return rc;
}

int commit_durably(MDB_env* env, MDB_txn* txn) {
  int rc = mdb_txn_commit(txn);
  if (rc != MDB_SUCCESS) return rc;
  unsigned flags = 0;
  mdb_env_get_flags(env, &flags);
  if ((flags & MDB_NOMETASYNC) != 0 && (flags & MDB_NOSYNC) == 0) rc = mdb_env_sync(env, 1);
  return rc;
}

}  // namespace pb::store
