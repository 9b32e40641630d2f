// RedoLog: lets a durable group be acknowledged after ONE flush of the disk's cache instead of
// two. Internal to store/ (the writer thread and Store::open use it).
//
// Why: an LMDB commit is durable when its data pages AND then its meta page are on disk, two
// flushes one after the other (group_commit.h pipelines the second into the next group's
// first). Under load a request therefore waits for about three commit cycles: the one running
// when it arrives, its own, and the one that carries its meta page. Each flush costs the same
// whatever it carries (measured on this project's VM disk: 2 threads flushing two files at once
// get fewer flushes per second together than one thread alone), so the way to wait less is to
// need one flush per group.
//
// How: before a group's transaction commits, the writer writes the group's batches (a
// redo_record.h record naming the snapshot they were applied to) into redo.log beside the data
// file and waits until the device has them (sync_file_range: written, not yet flushed). The
// commit's own data sync then flushes the disk's cache, which makes the record durable too:
// a flush makes every write the device completed before it durable, whichever file it belongs
// to. So once the commit returns, the group is durable even though its meta page is not yet:
// after a crash LMDB opens at the previous transaction, and Store::open applies the record again
// (recover()), which rebuilds exactly the transaction the group committed. Records live in two
// fixed slots of a pre-written file: overwriting allocated, written blocks needs no filesystem
// metadata, so the record needs nothing the device flush does not cover. A record stays until
// the meta page of its transaction is durable: the next record goes to the other slot, and only
// a commit that synced data (which also carried the previous meta page) makes its slot the live
// one (see write() and committed()).
//
// Where it is used: SyncMode::full, on filesystems that overwrite allocated blocks in place
// (ext4, xfs; tmpfs, where nothing survives a machine crash anyway). Elsewhere (btrfs and other
// copy-on-write filesystems: an overwrite there is new metadata) open() gives no log and the
// store acknowledges after the meta page's sync, as before. One process at a time: the log is
// held with an exclusive flock; the CLI, opening the store while the server runs, does not get
// it and neither writes records nor recovers (the server did at its start).
//
// Threading: open() and recover() before the writer starts; write(), committed(), discard()
// on the writer thread only.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/util/result.h"
#include "store/lmdb_util.h"
#include "store/write_batch.h"

namespace pb::store {

class RedoLog {
 public:
  static constexpr uint64_t kSlotBytes = 2u << 20;  // a larger group waits for its meta page
  static constexpr const char* kFileName = "redo.log";

  // The log of the store in `directory` whose meta.store_id is `store_id`, locked for this
  // process. nullptr (not an error) when another process holds it or the filesystem is not one
  // where it is safe. Errors: PB_E_IO (the file cannot be created, read or locked).
  // Does not touch the records: call recover(), then reset().
  // `any_filesystem` skips the filesystem check: for tests of the log's logic on whatever
  // filesystem they run on, never for a store.
  static Result<std::unique_ptr<RedoLog>> open(const std::string& directory,
                                               std::string store_id, bool any_filesystem = false);
  // Whether the filesystem holding `directory` is one where the log is safe (see above).
  static bool supported_at(const std::string& directory);

  ~RedoLog();
  RedoLog(const RedoLog&) = delete;
  RedoLog& operator=(const RedoLog&) = delete;

  // Applies, each in its own durable transaction, the records that continue the environment's
  // last committed transaction (at most the two slots, in order). Returns how many were applied.
  // Errors: PB_E_IO when a record continues the store but cannot be applied (the store is not
  // the one the record was written for): the message says to move redo.log away.
  Result<int> recover(MDB_env* env, const TableHandles& tables);

  // Zero-fills and syncs the whole file (its blocks allocated and written, no record left).
  // Errors: PB_E_IO.
  Result<void> reset();

  // Writer thread, inside the group's write transaction, before its commit: writes the record
  // of `batches` (applied to snapshot `base_txnid`) into the slot that is not live and waits
  // until the device has it. False when the record does not fit a slot or the write fails:
  // the group must then wait for its meta page's sync.
  bool write(uint64_t base_txnid, std::span<const WriteBatch* const> batches);
  // The transaction of the last write() committed and synced its data pages: its slot is the
  // live one now (the previous record's meta page was made durable by that same sync).
  void committed();
  // The transaction of the last write() did not commit: its record must never be applied.
  // Zeroes the record's header and syncs it before the group's failure is reported.
  void discard();

  uint64_t records_written() const { return sequence_; }

 private:
  RedoLog(int fd, std::string path, std::string store_id)
      : fd_(fd), path_(std::move(path)), store_id_(std::move(store_id)) {}

  int fd_;
  std::string path_;
  std::string store_id_;
  std::string buffer_;     // the record being written, reused
  uint64_t sequence_ = 0;  // records written by this process
  int live_slot_ = 1;      // the slot whose record may still be needed; write() uses the other
  int written_slot_ = -1;  // the slot of the last write(), until committed() or discard()
};

}  // namespace pb::store
