// RedoLog: makes a durable group cost ONE small sequential write and flush of redo.log instead
// of LMDB's scattered page writes and flush. Internal to store/ (the writer thread and
// Store::open use it).
//
// Why: an LMDB commit is durable when its data pages, then its meta page, are on disk. A group's
// pages lie at ~10 places in the file (the B-tree paths it copied, the free list, new leaves at
// the end), and on this project's VM disk a flush costs 135 us after one page, 280 after 8
// scattered ones, 514 after 16 (16 contiguous: 147). The log's record of a group is one
// contiguous write, so acknowledging after it alone (measured: +15 % durable webhooks, wrk -c64,
// 5 alternating rounds) leaves the page writes to a checkpoint that flushes many groups at once.
//
// How: the environment runs with MDB_NOSYNC. Before a group's transaction commits, the writer
// appends its batches (a redo_record.h record naming the snapshot they apply to, with a
// sequence number one above the previous record's) to a ring of records in redo.log and flushes
// it (fdatasync): the group is durable. Every 512 groups (kDefaultGroupsPerCheckpoint) (sooner when the ring
// fills, and when the writer is idle) a checkpoint runs on its own thread: it flushes the data
// file, then writes a redo_checkpoint.h checkpoint (the transaction, a copy of the data file's
// two meta pages at that transaction, where in the ring its first continuing record is) into the
// older of two checkpoint slots and flushes it. Records before it are then free space.
//
// Why a crash loses nothing acknowledged: the checkpoint's transaction keeps a read transaction
// open (a "pin") until the next checkpoint is durable, so LMDB never reuses its pages: the
// checkpointed tree stays intact on disk whatever later commits wrote. A machine crash can leave
// any subset of the later page writes on disk, meta pages included, so restore() first puts the
// checkpoint's meta pages back into the data file (before LMDB opens it), and recover() then
// applies the records that continue it, in order, each as the transaction it was: LMDB is back
// exactly where the last acknowledged group left it. Records and checkpoints are checksummed:
// a torn write parses as nothing, and replay stops at the first record that is not the next one
// (its sequence number and snapshot must both follow on), so a stale record of an earlier lap is
// never applied.
//
// Other processes (the CLI while the server runs) commit with LMDB's own syncs; their
// transactions are not in the log. The writer notices a transaction it did not log (at its next
// group, or within kIdleCheckMax when idle) and checkpoints before logging anything after it, and
// the CLI waits for that checkpoint (confirm) before it reports a write as done. A process that
// opens the store without keeping the log recovers it if it is free and then clears its
// checkpoints (clear): a restore never takes back a write made outside the log.
//
// Where it is used: SyncMode::full, on filesystems that overwrite allocated blocks in place
// (ext4, xfs; tmpfs). The file is written in full when created, so later overwrites need no
// filesystem metadata and a flush covers them. Elsewhere (btrfs and other copy-on-write
// filesystems) open() gives no log and every group waits for LMDB's own syncs. One process at a
// time: the log is held with an exclusive flock.
//
// Threading: open(), restore(), recover(), reset() before the writer starts; write(),
// committed(), unchanged(), discard(), after_group(), idle(), checkpoint_now() on the writer
// thread only; the checkpoint thread is internal. The destructor stops it and releases the pins:
// destroy the log before the environment.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "core/util/result.h"
#include "store/lmdb_util.h"
#include "store/redo_checkpoint.h"
#include "store/write_batch.h"

namespace pb::store {

class RedoLog {
 public:
  static constexpr uint64_t kCheckpointSlotBytes = 32u << 10;
  static constexpr uint64_t kRingOffset = 2 * kCheckpointSlotBytes;  // the ring follows the slots
  static constexpr uint64_t kDefaultRingBytes = 32u << 20;
  static constexpr uint64_t kMinRingBytes = 1u << 20;
  static constexpr uint64_t kDefaultGroupsPerCheckpoint = 512;
  static constexpr std::chrono::milliseconds kIdleCheck{50};
  static constexpr std::chrono::milliseconds kIdleCheckMax{400};
  static constexpr std::chrono::milliseconds kConfirmTimeout{10000};
  static constexpr std::chrono::milliseconds kWritebackInterval{5};
  static constexpr const char* kFileName = "redo.log";

  // The log of the store in `directory`, locked for this process, with a ring of `ring_bytes`
  // (at least kMinRingBytes; a file of another size is started afresh by reset()) and a
  // checkpoint every `groups_per_checkpoint` groups (0: only when the ring fills or the store
  // closes, never when idle: for tests that need records left to replay). nullptr (not an
  // error) when another process holds it or the filesystem is not one where it is safe.
  // Errors: PB_E_IO (the file cannot be created or locked), PB_E_INVALID (ring_bytes).
  // `any_filesystem` skips the filesystem check: for tests of the log's logic on whatever
  // filesystem they run on, never for a store.
  static Result<std::unique_ptr<RedoLog>> open(const std::string& directory,
                                               uint64_t ring_bytes = kDefaultRingBytes,
                                               uint64_t groups_per_checkpoint =
                                                   kDefaultGroupsPerCheckpoint,
                                               bool any_filesystem = false);
  // Whether the filesystem holding `directory` is one where the log is safe (see above).
  static bool supported_at(const std::string& directory);
  // Whether another process holds the log in `directory` now.
  static bool held_elsewhere(const std::string& directory);
  // For a process without the log that durably committed transaction `txnid` (LMDB's own
  // syncs): makes sure no restore() can take it back. True once the holder's durable
  // checkpoint covers it, or, when nobody holds the log, after clearing its checkpoints (or
  // finding none, or no log). False after `timeout`.
  static bool confirm(const std::string& directory, uint64_t txnid,
                      std::chrono::milliseconds timeout);

  ~RedoLog();
  RedoLog(const RedoLog&) = delete;
  RedoLog& operator=(const RedoLog&) = delete;

  // Before LMDB opens `directory`/data.mdb: when its meta pages differ from the last durable
  // checkpoint's (a crash after it), writes the checkpoint's back and flushes them. Leaves the
  // file alone while another process has the environment open: the pages it sees are the
  // newest (its process survived, so did the page cache). Errors: PB_E_IO (I/O, or the
  // checkpoint of another data file: the message says to move redo.log away).
  Result<void> restore(const std::string& directory);

  // After LMDB opened, before anything else writes (migrations included): applies the records
  // that continue the checkpoint, in order, each as the transaction it was, and syncs them.
  // Returns how many. Keeps the checkpoint's snapshot pinned until reset() or clear(). Errors:
  // PB_E_IO when a record that continues the store cannot be applied (a table it names is not
  // in `tables`, say): the message says to move redo.log away.
  Result<int> recover(MDB_env* env, const TableHandles& tables, const std::string& store_id);

  // For the process that keeps the log: makes the environment's current transaction the
  // checkpoint (flushes the data file), pins it, starts the ring after the records recover()
  // read, and starts the checkpoint thread. A new or foreign-format file is first written in
  // full with zeros. Errors: PB_E_IO.
  Result<void> reset(MDB_env* env, const std::string& store_id);
  // For a process that recovered but does not keep the log (no loop, SyncMode none, redo_log
  // off): zeroes both checkpoints and flushes that, since what it commits next is durable by
  // LMDB's own syncs and a restore must not take it back. Errors: PB_E_IO.
  Result<void> clear();

  // ---- writer thread ----

  // The transaction the log continues: a group whose snapshot is another one follows a
  // transaction the log does not hold, and must checkpoint_now() before it is logged.
  uint64_t continues() const { return last_txnid_; }
  // Inside the group's write transaction, before its commit: appends the record of `batches`
  // (applied to snapshot `base_txnid` == continues()) and flushes it. False when it is too large,
  // the ring has no room after the running checkpoint, or the write fails: the group must then
  // be made durable by checkpoint_now() after its commit.
  bool write(uint64_t base_txnid, std::span<const WriteBatch* const> batches);
  // The last write()'s transaction committed as `txnid`.
  void committed(uint64_t txnid);
  // The last write()'s transaction changed nothing (LMDB wrote no transaction): its record
  // stays in the log (applied again, it changes nothing either) and the next one follows it.
  void unchanged();
  // The last write()'s transaction did not commit: its record must never be applied. Zeroes its
  // header and flushes that before the group's failure is reported.
  void discard();
  // After a committed group: starts a checkpoint on the checkpoint thread when one is due.
  void after_group(MDB_env* env);
  // When the writer has had nothing to do for a while (kIdleCheck, growing to kIdleCheckMax
  // while nothing happens): checkpoints when groups or another process's transactions are not
  // covered yet, so an idle store has nothing to replay. Returns whether it checkpointed.
  bool idle(MDB_env* env);
  // Waits for a running checkpoint, then checkpoints the environment's last transaction on this
  // thread (inside a write transaction of `env`, to be sure no other process commits meanwhile,
  // when `in_txn` is that transaction; else it takes one). `final`: the store is closing and
  // logs nothing more (redo_checkpoint.h). Errors: PB_E_IO (the data file or the log cannot be
  // flushed: nothing after the previous checkpoint is known durable).
  Result<void> checkpoint_now(MDB_env* env, MDB_txn* in_txn = nullptr, bool final = false);

  uint64_t checkpoints_written() const;

 private:
  RedoLog(int fd, std::string directory, uint64_t ring_bytes, uint64_t groups_per_checkpoint)
      : fd_(fd),
        directory_(std::move(directory)),
        ring_bytes_(ring_bytes),
        groups_per_checkpoint_(groups_per_checkpoint) {}
  uint64_t file_bytes() const { return kRingOffset + ring_bytes_; }
  uint64_t max_record_bytes() const { return ring_bytes_ / 8; }  // larger: the group checkpoints

  struct Job {
    RedoCheckpoint checkpoint;
    MDB_txn* pin = nullptr;  // the checkpoint's snapshot, begun before any later commit
  };
  // Writer thread: what a checkpoint of the environment's last transaction writes, with its pin.
  // nullopt when the meta pages cannot be read or another process committed since continues().
  std::optional<Job> capture(MDB_env* env);
  // Either thread: flushes the data file, writes and flushes the checkpoint, moves the pin.
  Result<void> complete(MDB_env* env, Job job);
  void wait_checkpoint_idle(std::unique_lock<std::mutex>& lock);
  uint64_t head_snapshot() const {
    std::lock_guard lock(mutex_);
    return head_;
  }
  void checkpoint_thread_main(MDB_env* env);

  int fd_;
  std::string directory_;
  const uint64_t ring_bytes_;
  const uint64_t groups_per_checkpoint_;
  std::string store_id_;
  std::string buffer_;  // the record being written, reused
  std::optional<RedoCheckpoint> found_;  // the checkpoint restore() read (recover() continues it)
  uint64_t replay_end_ = 0;              // logical ring offset after the records recover() applied
  uint64_t replay_next_sequence_ = 1;
  bool recovered_ = false;  // recover() ran: reset() continues after what it read

  // Writer thread.
  uint64_t last_txnid_ = 0;
  uint64_t tail_ = 0;  // logical ring offset of the next record (physical: tail_ % ring_bytes_)
  uint64_t next_sequence_ = 1;
  uint64_t written_at_ = 0;      // logical offset of the last write()'s record, until resolved
  uint64_t written_bytes_ = 0;   // its length; 0: no write() pending
  uint64_t groups_since_checkpoint_ = 0;

  // Shared with the checkpoint thread.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Job> job_;            // queued for the checkpoint thread
  bool running_ = false;              // a checkpoint is being written
  bool stop_ = false;
  bool failed_ = false;               // a flush failed: nothing more is logged
  uint64_t head_ = 0;                 // logical offset of the durable checkpoint's first record
  uint64_t checkpoint_sequence_ = 0;  // of the last checkpoint written
  MDB_txn* pin_ = nullptr;            // the durable checkpoint's snapshot
  uint64_t checkpoints_written_ = 0;
  std::atomic<uint64_t> records_logged_{0};  // written by the writer, watched by the checkpoint
                                              // thread (is there anything to write back?)
  std::thread thread_;
};

}  // namespace pb::store
