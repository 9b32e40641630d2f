#include "store/store.h"

#include <fmt/format.h>

#include <filesystem>
#include <limits>

#include "patchbay/plugin.h"
#include "store/directory.h"
#include "store/migrations.h"

namespace pb::store {
namespace {

// Room for tables added by future migrations without reopening with a new limit.
constexpr MDB_dbi kMaxDatabases = 32;
// Released read transactions kept for reuse: enough for the loop plus a few worker threads.
constexpr size_t kMaxPooledReads = 8;

// Aborts a transaction unless it was handed over to commit.
struct TxnGuard {
  MDB_txn* txn = nullptr;
  ~TxnGuard() {
    if (txn != nullptr) mdb_txn_abort(txn);
  }
  int commit() { return mdb_txn_commit(std::exchange(txn, nullptr)); }
  int commit_durably(MDB_env* env) { return store::commit_durably(env, std::exchange(txn, nullptr)); }
};

Error refuse_newer(const std::string& dir, uint32_t version) {
  return make_error(PB_E_IO, fmt::format("store at {} has schema version {}, newer than this "
                                         "binary's {}; refusing to touch it",
                                         dir, version, kSchemaVersion));
}

// Opens every table's handle in `txn`; they become usable by later transactions once `txn`
// commits.
// The tables a store of any schema version has; the others get a handle LMDB refuses (EINVAL),
// so a redo record that names one cannot be applied. For replaying the log before migrating.
Result<void> open_existing_tables(MDB_txn* txn, TableHandles& tables) {
  for (size_t i = 0; i < kTableCount; ++i) {
    const char* name = table_name(static_cast<Table>(i));
    int rc = mdb_dbi_open(txn, name, 0, &tables[i]);
    if (rc == MDB_NOTFOUND) tables[i] = std::numeric_limits<MDB_dbi>::max();
    else if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("open table {}", name), rc);
  }
  return {};
}

Result<void> open_tables(MDB_txn* txn, TableHandles& tables) {
  for (size_t i = 0; i < kTableCount; ++i) {
    const char* name = table_name(static_cast<Table>(i));
    int rc = mdb_dbi_open(txn, name, 0, &tables[i]);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("open table {}", name), rc);
  }
  return {};
}

void call_std_function(void* user, int status) {
  auto* cb = static_cast<std::function<void(int)>*>(user);
  (*cb)(status);
  delete cb;
}

}  // namespace

ReadTxn& ReadTxn::operator=(ReadTxn&& other) noexcept {
  if (this != &other) {
    if (txn_ != nullptr) owner_->release_read(txn_);
    txn_ = std::exchange(other.txn_, nullptr);
    owner_ = other.owner_;
  }
  return *this;
}

ReadTxn::~ReadTxn() {
  if (txn_ != nullptr) owner_->release_read(txn_);
}

Result<std::unique_ptr<Store>> Store::open(uv_loop_t* loop, const StoreOptions& options) {
  if (options.map_size_bytes == 0) return make_error(PB_E_INVALID, "store: map_size_bytes is 0");
  auto dir = ensure_store_directory(options.directory);
  if (!dir) return dir.error();

  std::unique_ptr<Store> store(new Store());
  store->directory_ = options.directory;
  const std::string& where = store->directory_;

  // The redo log first: after a machine crash the data file's meta pages must be put back to
  // the log's checkpoint before LMDB reads them (redo_log.h).
  // Every process recovers a log it finds free, whether or not it keeps it (below).
  const bool keeps_log = loop != nullptr && options.sync == SyncMode::full && options.redo_log;
  std::unique_ptr<RedoLog> redo;
  if (keeps_log || std::filesystem::exists(where + "/" + RedoLog::kFileName)) {
    auto opened = RedoLog::open(where, options.redo_ring_bytes, options.redo_groups_per_checkpoint);
    if (!opened) return opened.error();
    redo = std::move(*opened);
    if (redo != nullptr) {
      auto restored = redo->restore(where);
      if (!restored) return restored.error();
    }
  }

  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: create", where), rc);
  store->env_.reset(env);
  mdb_env_set_maxdbs(env, kMaxDatabases);
  rc = mdb_env_set_mapsize(env, options.map_size_bytes);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: map size", where), rc);
  unsigned flags = MDB_NOTLS;
  // full: data pages are synced by every commit, the meta page by the next one (or an explicit
  // sync): one fsync per group under load instead of two (group_commit.h).
  flags |= options.sync == SyncMode::none ? MDB_NOSYNC | MDB_NOMETASYNC : MDB_NOMETASYNC;
  rc = mdb_env_open(env, where.c_str(), flags, 0600);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: open", where), rc);
  int dead_readers = 0;
  mdb_reader_check(env, &dead_readers);  // slots left by killed processes

  // Look before writing anything: a newer store must stay byte-for-byte as it is.
  uint32_t version;
  TableHandles existing{};   // for the redo log's replay, which comes before any migration
  std::string logged_store;  // the store id records must carry
  {
    TxnGuard read;
    rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &read.txn);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: read", where), rc);
    auto v = read_schema_version(read.txn);
    if (!v)
      return make_error(v.error().code, fmt::format("store at {}: {}", where, v.error().message));
    version = *v;
    if (version > kSchemaVersion) return refuse_newer(where, version);
    auto opened = version == kSchemaVersion ? open_tables(read.txn, store->tables_)
                                            : Result<void>{};
    if (opened) opened = open_existing_tables(read.txn, existing);
    if (!opened)
      return make_error(opened.error().code,
                        fmt::format("store at {}: {}", where, opened.error().message));
    MDB_val key = to_val(kStoreIdKey);
    MDB_val value;
    if (mdb_get(read.txn, existing[table_index(Table::meta)], &key, &value) == MDB_SUCCESS)
      logged_store = std::string(to_view(value));
    rc = read.commit();
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: read", where), rc);
  }
  // Groups acknowledged before a crash are applied as they were written: before a newer binary
  // migrates the store, or the migration's transaction would stand where they must follow on.
  if (redo != nullptr && !logged_store.empty()) {
    auto recovered = redo->recover(env, existing, logged_store);
    if (!recovered) return recovered.error();
  }
  if (version < kSchemaVersion) {
    // All steps in ONE write transaction: a crash mid-way leaves the old version intact.
    TxnGuard write;
    rc = mdb_txn_begin(env, nullptr, 0, &write.txn);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: migrate", where), rc);
    auto v = read_schema_version(write.txn);  // another process may have migrated meanwhile
    if (!v)
      return make_error(v.error().code, fmt::format("store at {}: {}", where, v.error().message));
    if (*v > kSchemaVersion) return refuse_newer(where, *v);
    if (*v < kSchemaVersion) {
      auto migrated = migrate(write.txn, *v);
      if (!migrated)
        return make_error(migrated.error().code,
                          fmt::format("store at {}: {}", where, migrated.error().message));
    }
    auto opened = open_tables(write.txn, store->tables_);
    if (!opened)
      return make_error(opened.error().code,
                        fmt::format("store at {}: {}", where, opened.error().message));
    rc = write.commit_durably(env);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: migrate commit", where), rc);
  }
  store->schema_version_ = kSchemaVersion;

  {
    auto txn = store->begin_read();
    if (!txn) return txn.error();
    auto id = store->get(*txn, Table::meta, kStoreIdKey);
    if (!id)
      return make_error(PB_E_IO, fmt::format("store at {}: meta.store_id is missing", where));
    store->store_id_ = std::string(*id);
  }

  if (redo != nullptr) {
    if (keeps_log) {
      auto reset = redo->reset(env, store->store_id_);
      if (!reset) return reset.error();
      store->redo_log_ = std::move(redo);
      mdb_env_set_flags(env, MDB_NOSYNC, 1);  // the log and its checkpoints make groups durable
    } else {
      // Without a loop (the CLI), or not syncing through the log: recovering was all it was
      // for; what this process commits is outside the log.
      auto cleared = redo->clear();
      if (!cleared) return cleared.error();
      redo.reset();
    }
  }
  // Commits outside the log must not be taken back by a later restore (RedoLog::confirm).
  store->confirm_outside_log_ = store->redo_log_ == nullptr && options.sync == SyncMode::full &&
                                RedoLog::supported_at(where);

  if (loop != nullptr) {
    store->committer_ =
        std::make_unique<GroupCommitter>(env, store->tables_, loop, store->redo_log_.get());
    store->committer_->set_on_refused_full(options.on_refused_full);
    if (store->confirm_outside_log_) store->committer_->set_confirm_directory(where);
    auto started = store->committer_->start();
    if (!started) return started.error();
  }
  return store;
}

Store::~Store() {
  committer_.reset();  // joins the writer before the environment goes away
  redo_log_.reset();   // its checkpoint thread and pinned snapshot, too
  for (MDB_txn* txn : read_pool_) mdb_txn_abort(txn);
  read_pool_.clear();
  env_.reset();
}

void Store::release_read(MDB_txn* txn) const {
  // Reset keeps the reader slot and the allocation, so the next begin_read is a renew.
  mdb_txn_reset(txn);
  {
    std::lock_guard lock(read_pool_mutex_);
    if (read_pool_.size() < kMaxPooledReads) {
      read_pool_.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

uint64_t Store::snapshot_of(const ReadTxn& txn) { return mdb_txn_id(txn.raw()); }

uint64_t Store::newest_txnid() const {
  MDB_envinfo info{};
  mdb_env_info(env_.get(), &info);
  return info.me_last_txnid;
}

Result<ReadTxn> Store::begin_read() const {
  MDB_txn* txn = nullptr;
  {
    std::lock_guard lock(read_pool_mutex_);
    if (!read_pool_.empty()) {
      txn = read_pool_.back();
      read_pool_.pop_back();
    }
  }
  if (txn != nullptr) {
    if (mdb_txn_renew(txn) == MDB_SUCCESS) return ReadTxn(txn, this);
    mdb_txn_abort(txn);  // e.g. the map was resized by another process: start afresh
    txn = nullptr;
  }
  int rc = mdb_txn_begin(env_.get(), nullptr, MDB_RDONLY, &txn);
  if (rc == MDB_MAP_RESIZED) {  // another process grew the map
    mdb_env_set_mapsize(env_.get(), 0);
    rc = mdb_txn_begin(env_.get(), nullptr, MDB_RDONLY, &txn);
  }
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: begin read", directory_), rc);
  return ReadTxn(txn, this);
}

std::optional<std::string_view> Store::get(const ReadTxn& txn, Table table,
                                           std::string_view key) const {
  if (key.empty() || key.size() > kMaxKeyBytes) return std::nullopt;
  MDB_val k = to_val(key);
  MDB_val v;
  if (mdb_get(txn.raw(), tables_[table_index(table)], &k, &v) != MDB_SUCCESS) return std::nullopt;
  return to_view(v);
}

int Store::for_each_prefix_raw(const ReadTxn& txn, Table table, std::string_view prefix, EachFn fn,
                               void* user) const {
  if (prefix.size() > kMaxKeyBytes) return PB_OK;  // no key is that long
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(txn.raw(), tables_[table_index(table)], &cursor);
  if (rc != MDB_SUCCESS) return status_from_lmdb(rc);
  MDB_val k = to_val(prefix);
  MDB_val v;
  rc = prefix.empty() ? mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
                      : mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS) {
    std::string_view key = to_view(k);
    if (!key.starts_with(prefix)) break;
    if (!fn(user, key, to_view(v))) break;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
  return (rc == MDB_SUCCESS || rc == MDB_NOTFOUND) ? PB_OK : status_from_lmdb(rc);
}

WriteBatch Store::new_batch() {
  return committer_ != nullptr ? committer_->take_batch() : WriteBatch{};
}

int Store::commit(WriteBatch batch, CommitFn fn, void* user) {
  if (committer_ == nullptr) return PB_E_STATE;
  return committer_->submit(std::move(batch), fn, user);
}

int Store::commit(WriteBatch batch, std::function<void(int status)> cb) {
  if (!cb) return PB_E_INVALID;
  auto* holder = new std::function<void(int)>(std::move(cb));
  int status = commit(std::move(batch), &call_std_function, holder);
  if (status != PB_OK) delete holder;
  return status;
}

Result<void> Store::commit_sync(WriteBatch batch) {
  if (batch.status() != PB_OK)
    return make_error(batch.status(), "store: the batch refused a mutation");
  TxnGuard write;
  int rc = begin_write_txn(env_.get(), &write.txn);
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: begin write", directory_), rc);
  int status = apply_batch(write.txn, tables_, batch);
  if (status != PB_OK) {
    return make_error(status, status == PB_E_EXISTS ? "store: an inserted key already exists"
                                                    : "store: the batch could not be applied");
  }
  rc = write.commit_durably(env_.get());
  if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("store at {}: commit", directory_), rc);
  if (redo_log_ != nullptr || confirm_outside_log_) {
    // Outside the log (also in the process that keeps it: this is not a group): durable once
    // no restore can take it back (redo_log.h).
    MDB_envinfo info{};
    mdb_env_info(env_.get(), &info);
    if (!RedoLog::confirm(directory_, info.me_last_txnid, RedoLog::kConfirmTimeout))
      return make_error(PB_E_IO, fmt::format("store at {}: written, but the process holding {} "
                                             "did not confirm it durable in time",
                                             directory_, RedoLog::kFileName));
  }
  return {};
}

void Store::close(std::function<void()> on_closed) {
  if (committer_ != nullptr) {
    committer_->close(std::move(on_closed));
  } else if (on_closed) {
    on_closed();
  }
}

Stats Store::stats() const { return committer_ != nullptr ? committer_->stats() : Stats{}; }

const char* table_name(Table table) {
  switch (table) {
    case Table::meta:
      return "meta";
    case Table::plugin_kv:
      return "plugin_kv";
    case Table::users:
      return "users";
    case Table::users_by_username:
      return "users_by_username";
    case Table::users_by_email:
      return "users_by_email";
    case Table::teams:
      return "teams";
    case Table::teams_by_name:
      return "teams_by_name";
    case Table::team_members:
      return "team_members";
    case Table::user_teams:
      return "user_teams";
    case Table::channels:
      return "channels";
    case Table::channels_by_name:
      return "channels_by_name";
    case Table::channel_members:
      return "channel_members";
    case Table::user_channels:
      return "user_channels";
    case Table::posts:
      return "posts";
    case Table::channel_posts:
      return "channel_posts";
  }
  return "?";
}

}  // namespace pb::store
