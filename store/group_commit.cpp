#include "store/group_commit.h"

#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include "patchbay/plugin.h"
#include "store/file_headroom.h"

namespace pb::store {

GroupCommitter::GroupCommitter(MDB_env* env, const TableHandles& tables, uv_loop_t* loop,
                               RedoLog* redo)
    : env_(env),
      tables_(tables),
      redo_(redo),
      loop_(loop),
      loop_thread_(std::this_thread::get_id()) {}

GroupCommitter::~GroupCommitter() {
  // Without close(): still finish what was queued (it was promised to be written) and keep
  // the exactly-once promise by calling back here, before the handle goes. The handle is
  // closed and freed by the loop later.
  if (writer_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_writer_.notify_one();
    writer_.join();
    delivering_.swap(completed_);  // the writer is gone: no lock needed
    for (Pending& p : delivering_) p.fn(p.user, p.status);
    delivering_.clear();
  }
  if (async_ != nullptr) {
    async_->owner = nullptr;
    auto* handle = reinterpret_cast<uv_handle_t*>(&async_->handle);
    if (!uv_is_closing(handle)) uv_close(handle, on_async_closed);
  }
}

Result<void> GroupCommitter::start() {
  async_ = new AsyncBox{};
  async_->owner = this;
  async_->handle.data = async_;
  int rc = uv_async_init(loop_, &async_->handle, on_async);
  if (rc != 0) {
    delete async_;
    async_ = nullptr;
    return make_error(PB_E_IO, std::string("store writer: uv_async_init: ") + uv_strerror(rc));
  }
  try {
    writer_ = std::thread([this] { writer_main(); });
  } catch (const std::system_error& e) {
    return make_error(PB_E_IO, std::string("store writer: cannot start thread: ") + e.what());
  }
  return {};
}

int GroupCommitter::submit(WriteBatch&& batch, CommitFn fn, void* user) {
  if (closing_ || std::this_thread::get_id() != loop_thread_ || async_ == nullptr) {
    return PB_E_STATE;
  }
  if (fn == nullptr) return PB_E_INVALID;
  if (batch.status() != PB_OK) return batch.status();
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    was_empty = queued_.empty();
    queued_.push_back(Pending{std::move(batch), fn, user, PB_OK});
  }
  // The writer only ever waits on an empty queue: a non-empty one has been signalled already,
  // and a futex wake per request cost 3.6% of the loop thread under load.
  if (was_empty) wake_writer_.notify_one();
  return PB_OK;
}

WriteBatch GroupCommitter::take_batch() {
  if (spare_batches_.empty()) return WriteBatch{};
  WriteBatch batch = std::move(spare_batches_.back());
  spare_batches_.pop_back();
  return batch;
}

void GroupCommitter::close(std::function<void()> on_closed) {
  if (closing_) return;
  closing_ = true;
  on_closed_ = std::move(on_closed);
  if (async_ == nullptr) {  // never started: nothing queued, nothing to drain
    if (on_closed_) std::exchange(on_closed_, nullptr)();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_writer_.notify_one();
  // The writer drains the queue, then says writer_done_ through the async handle, where
  // deliver_completed() joins it and closes the handle.
}

Stats GroupCommitter::stats() const {
  std::lock_guard lock(mutex_);
  Stats now = stats_;
  now.queued = queued_.size();
  if (redo_ != nullptr) now.checkpoints = redo_->checkpoints_written();
  return now;
}

void GroupCommitter::writer_main() {
  pthread_setname_np(pthread_self(), "pb-store-write");
  // Linux: PRIO_PROCESS with 0 is this thread, and a new thread starts at its creator's nice.
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (errno == 0) setpriority(PRIO_PROCESS, 0, std::min(nice + kWriterNiceIncrement, 19));
  unsigned env_flags = 0;
  mdb_env_get_flags(env_, &env_flags);
  // SyncMode::full (see the header): a committed group waits in `awaiting` for the sync that
  // makes its meta page durable. Otherwise a commit is as durable as it will get.
  const bool meta_deferred = (env_flags & MDB_NOMETASYNC) != 0 && (env_flags & MDB_NOSYNC) == 0;
  const bool commit_syncs = (env_flags & MDB_NOSYNC) == 0;  // SyncMode none: commits never do
  // Only a syncing store gains from writing ahead: without syncs an append costs what an
  // overwrite does. With the redo log the data file is synced by checkpoints, and appends there
  // would also put a filesystem journal commit in the way of the log's own writes and flushes.
  std::optional<DataFileHeadroom> headroom;
  if (commit_syncs || redo_ != nullptr) headroom.emplace(env_);
  std::vector<Pending> group;
  std::vector<Pending> awaiting;
  // With the log, the writer looks after kIdleCheck without work, then less often the longer
  // nothing happens (an idle server wakes twice a second, not twenty times).
  auto idle_wait = RedoLog::kIdleCheck;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (awaiting.empty()) {
        auto woken = [this] { return !queued_.empty() || stop_; };
        if (redo_ == nullptr) {
          wake_writer_.wait(lock, woken);
        } else if (!wake_writer_.wait_for(lock, idle_wait, woken)) {
          lock.unlock();
          if (!redo_->idle(env_)) idle_wait = std::min(2 * idle_wait, RedoLog::kIdleCheckMax);
          continue;
        }
        idle_wait = RedoLog::kIdleCheck;
        if (queued_.empty()) {
          writer_done_ = true;
          break;
        }
      }
      group.swap(queued_);  // may be empty: then only `awaiting` is made durable below
    }
    Committed committed = group.empty() ? Committed::nothing_synced : commit_group(group);
    bool synced_data = committed != Committed::nothing_synced;
    bool synced_explicitly = false;
    if (!awaiting.empty() && !synced_data) {
      // Nothing queued (or nothing written): sync the previous group's meta page now.
      int rc = mdb_env_sync(env_, 1);
      synced_explicitly = true;
      if (rc != MDB_SUCCESS) {
        // Written but not known to be durable: the caller must not count on it.
        for (Pending& p : awaiting) p.status = status_from_lmdb(rc);
      }
    }
    if (!confirm_directory_.empty() && (synced_data || synced_explicitly)) {
      // This process does not keep the redo log: durable here is durable only once no
      // restore can take it back (redo_log.h).
      MDB_envinfo info{};
      mdb_env_info(env_, &info);
      if (!RedoLog::confirm(confirm_directory_, info.me_last_txnid, RedoLog::kConfirmTimeout)) {
        for (std::vector<Pending>* list : {&awaiting, &group}) {
          for (Pending& p : *list) {
            if (p.status == PB_OK) p.status = PB_E_IO;
          }
        }
      }
    }
    {
      std::lock_guard lock(mutex_);
      stats_.syncs += static_cast<uint64_t>(committed == Committed::data_synced_and_logged) +
                      static_cast<uint64_t>(synced_data && commit_syncs) +
                      static_cast<uint64_t>(synced_explicitly);
      complete_locked(awaiting);  // durable now (or failed just above)
      if (committed == Committed::data_synced_and_logged) {
        ++stats_.groups_logged;
      } else if (meta_deferred) {
        // The failed batches are answered now; the committed ones wait for the next sync.
        auto failed = std::stable_partition(group.begin(), group.end(),
                                            [](const Pending& p) { return p.status == PB_OK; });
        std::move(group.begin(), failed, std::back_inserter(awaiting));
        group.erase(group.begin(), failed);
      }
      complete_locked(group);
    }
    uv_async_send(&async_->handle);
    if (redo_ != nullptr && committed == Committed::data_synced_and_logged)
      redo_->after_group(env_);  // may start a checkpoint on its thread
    // Between groups, once per MiB the file grows: a step of zeros costs the writer ~0.2 ms.
    if (headroom && synced_data) {
      uint64_t before = headroom->zero_bytes_written();
      headroom->after_commit();
      if (headroom->zero_bytes_written() != before) {
        std::lock_guard lock(mutex_);
        stats_.headroom_bytes_written = headroom->zero_bytes_written();
      }
    }
  }
  // A stopped server has nothing to replay at its next start.
  if (redo_ != nullptr) (void)redo_->checkpoint_now(env_, nullptr, /*final=*/true);
  uv_async_send(&async_->handle);
}

void GroupCommitter::complete_locked(std::vector<Pending>& from) {
  if (from.empty()) return;
  bool committed = false;
  for (const Pending& p : from) {
    if (p.status == PB_OK) {
      ++stats_.batches_committed;
      committed = true;
    } else {
      ++stats_.batches_failed;
      if (p.status == PB_E_LIMIT) ++stats_.batches_refused_full;
    }
  }
  if (committed) ++stats_.groups_committed;
  stats_.largest_group = std::max<uint64_t>(stats_.largest_group, from.size());
  if (completed_.empty()) {
    completed_.swap(from);
  } else {
    std::move(from.begin(), from.end(), std::back_inserter(completed_));
  }
  from.clear();
}

GroupCommitter::Committed GroupCommitter::commit_group(std::vector<Pending>& group) {
  MDB_txn* txn = nullptr;
  int rc = begin_write_txn(env_, &txn);
  if (rc != MDB_SUCCESS) {
    for (Pending& p : group) p.status = status_from_lmdb(rc);
    return Committed::nothing_synced;
  }
  if (redo_ != nullptr && mdb_txn_id(txn) - 1 != redo_->continues()) {
    // Another process committed a transaction the log does not hold: replay would stop before
    // this group's record. Checkpoint it first (a failure leaves the group unlogged, below).
    (void)redo_->checkpoint_now(env_, txn);
  }
  // Optimistically, every batch straight into the group's transaction: almost none fails, and a
  // child transaction per batch cost ~2 us each (LMDB hands its dirty pages into the child and
  // back), 60% of applying a group of webhook posts on the writer's critical path.
  bool all_applied = true;
  for (Pending& p : group) {
    p.status = apply_batch(txn, tables_, p.batch);
    if (p.status != PB_OK) {
      all_applied = false;
      break;
    }
  }
  if (!all_applied) {
    // A failed batch may have written part of itself: undo the whole attempt. Alone in its
    // group, the batch has its answer; otherwise apply the group again, each batch in its own
    // child transaction, so that only failing batches are undone.
    mdb_txn_abort(txn);
    if (group.size() == 1) return Committed::nothing_synced;
    return commit_batch_by_batch(group);
  }
  return log_and_commit(txn, group);
}

GroupCommitter::Committed GroupCommitter::commit_batch_by_batch(std::vector<Pending>& group) {
  // The commit itself needs pages (the free list of the pages the undone batches took): when
  // the batches that fit filled the map to the brim, the commit fails with MDB_MAP_FULL and
  // would take every batch of the group with it. Then the last batch applied is given up too
  // and the rest tried again, until the commit fits (a page or two: one round, rarely more).
  size_t tried = group.size();  // batches [tried, size) are refused without being applied
  for (;;) {
    MDB_txn* txn = nullptr;
    int rc = begin_write_txn(env_, &txn);
    if (rc != MDB_SUCCESS) {
      for (Pending& p : group) p.status = status_from_lmdb(rc);
      return Committed::nothing_synced;
    }
    size_t last_applied = group.size();
    for (size_t i = 0; i < group.size(); ++i) {
      Pending& p = group[i];
      if (i >= tried) {
        p.status = PB_E_LIMIT;
        continue;
      }
      MDB_txn* child = nullptr;
      rc = mdb_txn_begin(env_, txn, 0, &child);
      if (rc != MDB_SUCCESS) {
        p.status = status_from_lmdb(rc);
        continue;
      }
      p.status = apply_batch(child, tables_, p.batch);
      if (p.status != PB_OK) {
        mdb_txn_abort(child);  // only this batch is undone; the group goes on
        continue;
      }
      rc = mdb_txn_commit(child);  // merges into the parent; nothing is synced yet
      if (rc != MDB_SUCCESS) {
        p.status = status_from_lmdb(rc);
      } else {
        last_applied = i;
      }
    }
    Committed committed = log_and_commit(txn, group);
    // A failed commit answers every applied batch with its error: the last one applied tells.
    if (last_applied == group.size() || group[last_applied].status != PB_E_LIMIT) {
      return committed;
    }
    tried = last_applied;  // the commit did not fit: one batch fewer
  }
}

GroupCommitter::Committed GroupCommitter::log_and_commit(MDB_txn* txn,
                                                         std::vector<Pending>& group) {
  bool logged = false;
  if (redo_ != nullptr) {
    redo_batches_.clear();
    for (const Pending& p : group) {
      if (p.status == PB_OK) redo_batches_.push_back(&p.batch);
    }
    // The snapshot the batches were applied to: the transaction before this one.
    if (!redo_batches_.empty()) logged = redo_->write(mdb_txn_id(txn) - 1, redo_batches_);
  }
  // LMDB skips the whole commit (and its sync) when the transaction changed nothing: the
  // last transaction id tells whether a commit, with its data sync, really happened.
  MDB_envinfo before{};
  mdb_env_info(env_, &before);
  int rc = mdb_txn_commit(txn);  // the one data sync of the whole group
  if (rc != MDB_SUCCESS) {
    if (logged) redo_->discard();  // before the failure is reported: never applied later
    int status = status_from_lmdb(rc);
    for (Pending& p : group) {
      if (p.status == PB_OK) p.status = status;
    }
    return Committed::nothing_synced;
  }
  MDB_envinfo after{};
  mdb_env_info(env_, &after);
  // Changed nothing: the record (if any) stays in the log; applied again it changes nothing
  // either.
  if (after.me_last_txnid == before.me_last_txnid) {
    if (logged) redo_->unchanged();
    return Committed::nothing_synced;
  }
  if (logged) {
    redo_->committed(after.me_last_txnid);
    return Committed::data_synced_and_logged;
  }
  if (redo_ == nullptr) return Committed::data_synced;
  // Not logged (too large, the ring full, a failed flush): the environment runs without syncs,
  // so a checkpoint makes the group durable, and the log continues after it.
  if (!redo_->checkpoint_now(env_)) {
    for (Pending& p : group) {
      if (p.status == PB_OK) p.status = PB_E_IO;  // written, but not known to be durable
    }
    return Committed::nothing_synced;
  }
  return Committed::data_synced_and_logged;
}

void GroupCommitter::on_async(uv_async_t* handle) {
  auto* box = static_cast<AsyncBox*>(handle->data);
  if (box->owner != nullptr) box->owner->deliver_completed();
}

void GroupCommitter::deliver_completed() {
  bool writer_done;
  uint64_t refused_full;
  {
    std::lock_guard lock(mutex_);
    delivering_.swap(completed_);
    writer_done = writer_done_;
    refused_full = stats_.batches_refused_full;
  }
  for (Pending& p : delivering_) p.fn(p.user, p.status);
  // Small batches are kept for take_batch (as many as make a large group); a large one would
  // pin its memory for the life of the server.
  for (Pending& p : delivering_) {
    if (spare_batches_.size() >= kSpareBatches) break;
    if (p.batch.capacity_bytes() > kSpareBatchBytes) continue;
    p.batch.clear();
    spare_batches_.push_back(std::move(p.batch));
  }
  delivering_.clear();
  if (refused_full != refused_full_reported_) {
    const uint64_t refused = refused_full - refused_full_reported_;
    refused_full_reported_ = refused_full;
    if (on_refused_full_) on_refused_full_(refused);
  }
  if (writer_done && closing_ && !joined_) {
    // The writer has left its loop (its last act is an async send): joining is immediate.
    writer_.join();
    joined_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_->handle), on_async_closed);
  }
}

void GroupCommitter::on_async_closed(uv_handle_t* handle) {
  auto* box = static_cast<AsyncBox*>(handle->data);
  GroupCommitter* owner = box->owner;
  delete box;
  if (owner == nullptr) return;
  owner->async_ = nullptr;
  // on_closed may destroy the Store (and this object): nothing touches `owner` after it.
  if (auto on_closed = std::move(owner->on_closed_)) on_closed();
}

}  // namespace pb::store
