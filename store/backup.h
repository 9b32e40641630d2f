// Backup and restore of a whole store: one file, a compacted consistent snapshot of the LMDB
// environment (mdb_env_copyfd2 with MDB_CP_COMPACT), taken while a server may be writing.
//
// Both are for the CLI (`patchbay backup`, `patchbay restore`); they block the calling thread
// and may run in a process other than the server's. Errors are Result errors with a message
// that names the path and the cause.
#pragma once

#include <cstdint>
#include <string>

#include "core/util/result.h"

namespace pb::store {

struct BackupInfo {
  std::string store_id;
  uint32_t schema_version = 0;
  uint64_t bytes = 0;  // size of the backup file
};

// Writes a snapshot of the store in `directory` to `file` (mode 0600). It reads one LMDB
// snapshot, so writers keep going and the copy holds exactly the transactions committed before
// it began. The file appears only when complete (written as `file`.partial, fsynced, renamed).
// Errors: PB_E_EXISTS (`file` exists: never overwritten), PB_E_NOT_FOUND (no store there),
// PB_E_IO (LMDB or filesystem).
Result<BackupInfo> backup_store(const std::string& directory, const std::string& file);

// What a backup file holds, read without modifying it. Errors: PB_E_IO (not a patchbay store).
Result<BackupInfo> inspect_backup(const std::string& file);

// True when a process has the store in `directory` open (it holds LMDB's lock on lock.mdb).
// A process never sees its own lock: ask from another process than the one serving.
bool store_in_use(const std::string& directory);

// Replaces the store in `directory` by the backup `file`. Refused: PB_E_STATE
// when the store is in use (always, even with force); PB_E_EXISTS when `directory` already holds
// a store and `force` is false; PB_E_IO when `file` is not a patchbay store or its schema is
// newer than this binary's. The new data.mdb is written beside the old one and renamed over it,
// so a failed restore leaves the old store as it was. An older backup's schema is migrated by
// the next Store::open, as any older store.
Result<BackupInfo> restore_store(const std::string& file, const std::string& directory, bool force);

}  // namespace pb::store
