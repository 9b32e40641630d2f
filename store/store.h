// Store: patchbay's LMDB environment — typed tables, schema migrations, reads, group commit.
//
// Lifecycle: Store::open (creates the directory, opens the environment, migrates), use, then
// close(on_closed) on the loop and destroy the Store after on_closed ran (or at once if there
// is no loop). Only store/ touches LMDB.
//
// Threads: commit() and close() on the loop thread (the thread that called open()); reads on
// any thread (the environment is opened with MDB_NOTLS, so a ReadTxn may be used from any one
// thread at a time, never shared concurrently); commit_sync() on any thread; stats() anywhere.
// Never hold a ReadTxn across a callback: it pins an old snapshot and makes the file grow.
//
// Multi-process: another process (the CLI) may open the same directory while the server runs;
// LMDB's lock file arbitrates. A process must not open the same directory twice at once.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/util/result.h"
#include "store/group_commit.h"
#include "store/lmdb_util.h"
#include "store/options.h"
#include "store/redo_log.h"
#include "store/table.h"
#include "store/write_batch.h"

namespace pb::store {

class Store;

// A read-only snapshot, released by its destructor. Move-only. It must not outlive its Store.
// Released snapshots are kept (reset, not freed) for reuse, so a read costs no allocation.
class ReadTxn {
 public:
  ReadTxn(ReadTxn&& other) noexcept
      : txn_(std::exchange(other.txn_, nullptr)), owner_(other.owner_) {}
  ReadTxn& operator=(ReadTxn&& other) noexcept;
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  ~ReadTxn();

  MDB_txn* raw() const { return txn_; }

 private:
  friend class Store;
  ReadTxn(MDB_txn* txn, const Store* owner) : txn_(txn), owner_(owner) {}
  MDB_txn* txn_;
  const Store* owner_;
};

class Store {
 public:
  // Opens (creating and migrating as needed) the store in options.directory. `loop` may be
  // nullptr (CLI use): then commit() returns PB_E_STATE and only commit_sync() writes.
  // In SyncMode::full it first applies what the redo log (redo_log.h) holds of groups that were
  // acknowledged before a crash made their meta page durable (unless another process, the
  // server, holds the log).
  // Errors: PB_E_INVALID (bad options), PB_E_IO (directory, LMDB, a redo record that cannot be
  // applied, or a store whose schema is newer than this binary's: it is then left untouched).
  static Result<std::unique_ptr<Store>> open(uv_loop_t* loop, const StoreOptions& options);

  // Safe after close() completed and without a loop. Without close(), batches still queued are
  // written and their callbacks run from inside the destructor (they must not touch the
  // Store). Never destroy the Store from inside a commit callback.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- reads ----------------------------------------------------------------------------

  // A fresh snapshot of the committed data. Errors: PB_E_IO (e.g. the reader table is full).
  Result<ReadTxn> begin_read() const;
  // The id of the snapshot `txn` reads.
  static uint64_t snapshot_of(const ReadTxn& txn);
  // The newest committed transaction, by this process or another: never older than the snapshot
  // a begin_read() now would get (LMDB writes a commit's meta page before readers can see it).
  // So a row read in snapshot T is still the committed row while this is T, and a cache of it
  // needs no read transaction to know so. Any thread; no transaction; ~50 instructions.
  uint64_t newest_txnid() const;

  // The value of `key`, or nullopt when absent (or the key cannot exist: empty or too long).
  // The view is valid while `txn` lives.
  std::optional<std::string_view> get(const ReadTxn& txn, Table table, std::string_view key) const;

  // Calls fn(key, value) for each key starting with `prefix`, in key order (bytewise), until fn
  // returns false. Views are valid while `txn` lives. Returns PB_OK or PB_E_IO.
  template <typename Fn>
  int for_each_prefix(const ReadTxn& txn, Table table, std::string_view prefix, Fn&& fn) const {
    using F = std::remove_reference_t<Fn>;
    return for_each_prefix_raw(
        txn, table, prefix,
        [](void* f, std::string_view k, std::string_view v) -> bool {
          return (*static_cast<F*>(f))(k, v);
        },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

  using EachFn = bool (*)(void* user, std::string_view key, std::string_view value);
  int for_each_prefix_raw(const ReadTxn& txn, Table table, std::string_view prefix, EachFn fn,
                          void* user) const;

  // ---- writes ---------------------------------------------------------------------------

  // Queues `batch` for the next group commit; fn(user, status) runs later on the loop thread,
  // after the group is durable: PB_OK, PB_E_EXISTS (an insert hit an existing key; nothing of
  // the batch was written), PB_E_LIMIT (store full), PB_E_IO. Batches' callbacks run in commit
  // order. Returns PB_OK, or (and then fn is NEVER called): PB_E_STATE (no loop, not on the
  // loop thread, or close() began), PB_E_INVALID / PB_E_LIMIT (the batch refused a mutation),
  // PB_E_INVALID (fn is null).
  int commit(WriteBatch batch, CommitFn fn, void* user);
  // An empty batch to fill and commit, on the loop thread: one a delivered commit left behind
  // (its capacity kept), or a new one. Any batch may be committed; this one saves heap blocks.
  WriteBatch new_batch();
  // Convenience overload (one allocation for the std::function); same contract.
  int commit(WriteBatch batch, std::function<void(int status)> cb);

  // Commits `batch` in its own write transaction on the calling thread, blocking until it is
  // durable. For the CLI and tests; same rules and statuses as commit().
  Result<void> commit_sync(WriteBatch batch);

  // Refuses new commits, writes every queued batch (their callbacks run), stops the writer,
  // then calls on_closed on the loop thread. Without a loop, on_closed runs before it returns.
  // Call once; reads stay possible until the Store is destroyed.
  void close(std::function<void()> on_closed);

  // ---- facts ----------------------------------------------------------------------------

  Stats stats() const;
  const std::string& directory() const { return directory_; }
  const std::string& store_id() const { return store_id_; }  // 26-char id, fixed at creation
  // Whether groups are acknowledged through the redo log (redo_log.h): SyncMode::full, a loop,
  // options.redo_log, a filesystem where it is safe, and no other process holding it.
  bool redo_log_active() const { return redo_log_ != nullptr; }
  uint32_t schema_version() const { return schema_version_; }

 private:
  struct EnvCloser {
    void operator()(MDB_env* env) const { mdb_env_close(env); }
  };
  Store() = default;

  friend class ReadTxn;
  void release_read(MDB_txn* txn) const;

  std::unique_ptr<MDB_env, EnvCloser> env_;
  mutable std::mutex read_pool_mutex_;
  mutable std::vector<MDB_txn*> read_pool_;  // reset read transactions, ready for renew
  TableHandles tables_{};
  std::unique_ptr<RedoLog> redo_log_;          // SyncMode::full with a loop, where it is safe
  std::unique_ptr<GroupCommitter> committer_;  // null without a loop; uses redo_log_
  bool confirm_outside_log_ = false;  // no log of our own: RedoLog::confirm each durable commit
  std::string directory_;
  std::string store_id_;
  uint32_t schema_version_ = 0;
};

}  // namespace pb::store
