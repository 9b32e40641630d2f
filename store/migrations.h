// Schema versions and the forward-only migrations between them.
//
// The schema version lives in table `meta` under key "schema_version" (decimal ASCII). An
// empty environment is version 0. Store::open runs every step from the stored version up to
// kSchemaVersion inside ONE write transaction, so a crash mid-migration leaves the old version
// intact and readable. To grow the schema: append a Table, append a step here, bump
// kSchemaVersion, add a test that migrates a fixture of the previous version.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <span>

#include "core/util/result.h"

namespace pb::store {

inline constexpr uint32_t kSchemaVersion = 3;

inline constexpr const char* kSchemaVersionKey = "schema_version";
inline constexpr const char* kStoreIdKey = "store_id";

struct Migration {
  uint32_t to_version;  // the step turns version to_version - 1 into to_version
  const char* what;     // for logs and errors
  Result<void> (*apply)(MDB_txn* txn);
};

// The ordered steps 0 -> 1 -> ... -> kSchemaVersion.
std::span<const Migration> migrations();

// The schema version seen by `txn` (read or write): 0 when `meta` or the key does not exist.
// Errors: PB_E_IO (LMDB failure or an unparsable stored version).
Result<uint32_t> read_schema_version(MDB_txn* txn);

// Runs every step after `from` inside `txn` (a write transaction the caller commits) and
// records kSchemaVersion. Errors carry the failing step's name; the caller must then abort.
Result<void> migrate(MDB_txn* txn, uint32_t from);

}  // namespace pb::store
