// GroupCommitter: the store's writer thread. Internal to store/ (Store::commit is the API).
//
// The loop thread queues batches; the writer takes EVERYTHING queued so far, applies them in one
// write transaction (straight into it; when one fails, again, each in its own child transaction,
// so that a failing batch is aborted alone), commits once, and hands the statuses back to the
// loop thread through a uv_async_t, where the callbacks run in commit order (a group's failed
// batches are answered at once, its committed ones once durable, see below). While the writer
// syncs, new batches queue up and form the next group. Statuses are "durable" as the environment's
// sync mode defines it.
//
// One fsync per group, not two. An LMDB commit syncs the data pages, then writes and syncs the
// meta page that makes them visible. SyncMode::full opens the environment with MDB_NOMETASYNC:
// a group's commit syncs its data pages and writes its meta page without syncing it. That meta
// page is in the same file, so the NEXT group's data sync makes it durable; only then is the
// group acknowledged. When no next group comes (the queue is empty), the writer syncs at once
// (mdb_env_sync), so an idle server acknowledges after two syncs, as before, and a loaded one
// after one per group. A crash before that sync loses only unacknowledged groups: LMDB falls
// back to the previous meta page, whose data pages a later commit never overwrites.
//
// When the store has a redo log (redo_log.h: SyncMode::full on ext4/xfs), the environment runs
// without syncs instead: a group's batches are appended to the log and flushed before the
// commit, and the group is acknowledged as soon as its commit returns; checkpoints flush the
// data file on their own thread. A group the log cannot take (too large, the ring full, an I/O
// error) is made durable by a checkpoint on the writer before it is acknowledged, and so is a
// transaction another process committed, before the next group is logged. When idle for
// RedoLog::kIdleCheck (growing to kIdleCheckMax) the writer checkpoints what is not covered
// yet; closing, it writes the final checkpoint.
//
// In SyncMode::full the writer also keeps zero-filled space written ahead of the data file's end
// after a commit (file_headroom.h), so writes overwrite allocated blocks instead of appending
// and syncs need no filesystem metadata written with them.
//
// The writer runs at a lower priority than the loop (nice + kWriterNiceIncrement): when the two
// want the same core, the loop, which every request passes through, gets it, and the batches
// queued meanwhile make the next group larger, which costs less per batch. Measured on 2 vCPUs
// with wrk -c64 beside: +7.5 % webhooks/s with SyncMode none (14 alternating rounds, 11 won),
// +10 % with SyncMode full (5 rounds); nice 10 gained less than nice 5.
//
// Threading: submit(), close() and the destructor on the loop thread; stats() any thread.
// The queue vectors circulate between the loop and the writer (swapped, not reallocated), so a
// steady load causes no allocation here beyond the batches themselves.
#pragma once

#include <uv.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/lmdb_util.h"
#include "store/redo_log.h"
#include "store/write_batch.h"

namespace pb::store {

// How much nicer than the thread that opened the store the writer runs (see above). Raising a
// thread's nice value needs no privilege.
inline constexpr int kWriterNiceIncrement = 5;

// Emptied batches kept for take_batch: as many as a large group holds (~25 posts per commit at
// 64 connections), each no larger than a post's few kB (a larger one is freed, not kept).
inline constexpr size_t kSpareBatches = 64;
inline constexpr size_t kSpareBatchBytes = 16 * 1024;

// Completion of Store::commit: status PB_OK once the batch is durable, or the reason nothing of
// it was written. Runs on the loop thread.
using CommitFn = void (*)(void* user, int status);

struct Stats {
  uint64_t groups_committed = 0;   // write transactions committed by the writer
  uint64_t batches_committed = 0;  // batches acknowledged with PB_OK
  uint64_t batches_failed = 0;     // batches acknowledged with an error
  uint64_t largest_group = 0;      // most batches in one write transaction
  uint64_t syncs = 0;              // fsyncs the writer paid (a commit's own, or an explicit one)
  uint64_t queued = 0;             // batches submitted and not yet taken by the writer (now)
  // Zeros written ahead of the data file's end (file_headroom.h).
  uint64_t headroom_bytes_written = 0;
  uint64_t groups_logged = 0;  // groups acknowledged after one sync, their redo record durable
  uint64_t batches_refused_full = 0;  // of batches_failed: PB_E_LIMIT, the map is full
  uint64_t checkpoints = 0;  // redo log checkpoints written (redo_log.h), the one at open included
};

class GroupCommitter {
 public:
  // `env`, `tables` and `redo` (nullptr: none) must outlive this object. Call start() before
  // submit().
  GroupCommitter(MDB_env* env, const TableHandles& tables, uv_loop_t* loop, RedoLog* redo);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Registers the async handle and starts the writer thread. Errors: PB_E_IO.
  Result<void> start();

  // PB_OK (fn will be called exactly once, later, on the loop thread) or PB_E_STATE (closing,
  // or not on the loop thread): then fn is never called.
  int submit(WriteBatch&& batch, CommitFn fn, void* user);

  // An empty batch for the next submit, on the loop thread: one whose callback has run, kept
  // with its capacity (a post's batch is two heap blocks otherwise), or a new one.
  WriteBatch take_batch();

  // Refuses new batches, lets the writer finish every queued one (their callbacks run), joins
  // it, closes the async handle and then calls on_closed on the loop thread. Once only.
  void close(std::function<void()> on_closed);

  Stats stats() const;

  // Told (loop thread) how many batches were refused because the map is full, after their
  // callbacks ran. Set before start().
  void set_on_refused_full(std::function<void(uint64_t refused)> fn) {
    on_refused_full_ = std::move(fn);
  }
  // When this process does not keep the redo log of the store in `directory` (redo_log.h):
  // each durable group is acknowledged only once RedoLog::confirm says no restore can take it
  // back (PB_E_IO after RedoLog::kConfirmTimeout). Before start().
  void set_confirm_directory(std::string directory) { confirm_directory_ = std::move(directory); }

 private:
  struct Pending {
    WriteBatch batch;
    CommitFn fn;
    void* user;
    int status;
  };
  // The async handle lives on the heap: libuv frees handles in close callbacks, which may run
  // after this object is gone (destruction without close()).
  struct AsyncBox {
    uv_async_t handle;
    GroupCommitter* owner;
  };

  enum class Committed {
    nothing_synced,          // failed, or changed nothing: no data sync happened
    data_synced,             // data pages synced (and with them the previous group's meta page)
    data_synced_and_logged,  // durable already: its redo record flushed, or a checkpoint taken
  };
  void writer_main();
  // Applies and commits `group` (statuses set per batch).
  Committed commit_group(std::vector<Pending>& group);
  // After a batch of the group failed: each batch again in its own child transaction.
  Committed commit_batch_by_batch(std::vector<Pending>& group);
  // Logs the applied batches of `txn` (with the redo log) and commits it; sets the statuses.
  Committed log_and_commit(MDB_txn* txn, std::vector<Pending>& group);
  // Moves `from` to completed_ and counts it (mutex_ held).
  void complete_locked(std::vector<Pending>& from);
  static void on_async(uv_async_t* handle);
  static void on_async_closed(uv_handle_t* handle);
  void deliver_completed();

  MDB_env* env_;
  TableHandles tables_;
  RedoLog* redo_;
  std::string confirm_directory_;
  std::vector<const WriteBatch*> redo_batches_;  // writer thread: the group's committed batches
  uv_loop_t* loop_;
  std::thread::id loop_thread_;
  AsyncBox* async_ = nullptr;
  std::thread writer_;
  bool closing_ = false;  // loop thread only
  bool joined_ = false;   // loop thread only
  std::function<void()> on_closed_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::vector<Pending> queued_;     // guarded: submitted, not yet taken by the writer
  std::vector<Pending> completed_;  // guarded: committed (or failed), not yet delivered
  bool stop_ = false;               // guarded: the writer exits once queued_ is empty
  bool writer_done_ = false;        // guarded: the writer has returned from its last group
  Stats stats_;                     // guarded

  std::vector<Pending> delivering_;     // loop thread only: the batch being called back
  std::vector<WriteBatch> spare_batches_;  // loop thread only: delivered, emptied, for take_batch
  uint64_t refused_full_reported_ = 0;  // loop thread only: stats_.batches_refused_full told
  std::function<void(uint64_t)> on_refused_full_;
};

}  // namespace pb::store
