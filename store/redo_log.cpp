#include "store/redo_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "patchbay/plugin.h"
#include "store/directory.h"
#include "store/little_endian.h"
#include "store/redo_record.h"

namespace pb::store {
namespace {

#ifndef XFS_SUPER_MAGIC
constexpr long kXfsMagic = 0x58465342;
#else
constexpr long kXfsMagic = XFS_SUPER_MAGIC;
#endif

// The layout of the previous version of this file: two slots of one record each. A store that
// version left after a crash still has its records there; recover() applies them once.
constexpr uint64_t kLegacySlotBytes = 2u << 20;
constexpr uint64_t kLegacyFileBytes = 2 * kLegacySlotBytes;

// Where LMDB's meta page keeps its transaction id: after the page header (16 bytes) and, in
// MDB_meta, magic and version (4 + 4), address and map size (8 + 8), two MDB_db (48 each) and
// the last page number (8). The data format has been version 1 since LMDB 0.9.
constexpr size_t kMetaTxnidOffset = 16 + 8 + 16 + 96 + 8;

// Filesystems where overwriting a written block changes no metadata, so a device flush makes
// the new bytes durable and reachable (ext4, xfs), or where nothing outlives the machine anyway
// (tmpfs). Copy-on-write filesystems (btrfs, zfs) write an overwrite elsewhere: not here.
bool overwrites_in_place(const struct statfs& fs) {
  long type = static_cast<long>(fs.f_type);
  return type == static_cast<long>(EXT4_SUPER_MAGIC) || type == kXfsMagic ||
         type == static_cast<long>(TMPFS_MAGIC);
}

// All of `size` bytes at `offset` through `io` (pread or pwrite), across short transfers and
// EINTR; false on an error or an end of file first.
template <typename Buffer, typename Io>
bool transfer_all(Io io, int fd, Buffer* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = io(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}
bool write_all(int fd, const char* data, size_t size, uint64_t offset) {
  return transfer_all(::pwrite, fd, data, size, offset);
}
bool read_all(int fd, char* data, size_t size, uint64_t offset) {
  return transfer_all(::pread, fd, data, size, offset);
}

uint64_t meta_txnid(std::string_view page) {
  uint64_t v = 0;
  if (page.size() >= kMetaTxnidOffset + 8) std::memcpy(&v, page.data() + kMetaTxnidOffset, 8);
  return v;
}

// The newer of the two checkpoints in the log open as `fd`, if any is valid.
std::optional<RedoCheckpoint> read_checkpoint(int fd) {
  std::optional<RedoCheckpoint> best;
  std::string slot(RedoLog::kCheckpointSlotBytes, '\0');
  for (uint64_t i = 0; i < 2; ++i) {
    if (!read_all(fd, slot.data(), slot.size(), i * RedoLog::kCheckpointSlotBytes)) continue;
    auto c = parse_redo_checkpoint(slot);
    if (c && (!best || c->sequence > best->sequence)) best = std::move(c);
  }
  return best;
}

// The record at logical ring offset `at`, if a whole valid one of `store_id` is there.
std::optional<RedoRecord> read_record(int fd, uint64_t ring_bytes, uint64_t at,
                                      const std::string& store_id) {
  uint64_t physical = at % ring_bytes;
  if (ring_bytes - physical < kRedoHeaderBytes) return std::nullopt;
  std::string bytes(kRedoHeaderBytes, '\0');
  if (!read_all(fd, bytes.data(), bytes.size(), RedoLog::kRingOffset + physical))
    return std::nullopt;
  uint32_t payload = get_u32(bytes.data() + 24);  // the payload's length (redo_record.h)
  if (payload > ring_bytes - physical - kRedoHeaderBytes) return std::nullopt;
  bytes.resize(kRedoHeaderBytes + payload);
  if (!read_all(fd, bytes.data() + kRedoHeaderBytes, payload,
                RedoLog::kRingOffset + physical + kRedoHeaderBytes)) {
    return std::nullopt;
  }
  return parse_redo_record(bytes, store_id);
}

// Zeroes both checkpoint slots of the log open as `fd` and flushes that: no checkpoint is left
// to restore. False on an I/O error.
bool zero_checkpoints(int fd) {
  char zeros[kRedoCheckpointHeadBytes] = {};
  return write_all(fd, zeros, sizeof zeros, 0) &&
         write_all(fd, zeros, sizeof zeros, RedoLog::kCheckpointSlotBytes) && ::fdatasync(fd) == 0;
}

}  // namespace

Result<std::unique_ptr<RedoLog>> RedoLog::open(const std::string& directory, uint64_t ring_bytes,
                                               uint64_t groups_per_checkpoint,
                                               bool any_filesystem) {
  if (ring_bytes < kMinRingBytes)
    return make_error(PB_E_INVALID,
                      fmt::format("redo log: a ring of {} bytes is too small", ring_bytes));
  if (sodium_init() < 0) return make_error(PB_E_IO, "redo log: libsodium cannot start");
  std::string path = directory + "/" + kFileName;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error(path, errno);
  struct statfs fs {};
  if (!any_filesystem && (::fstatfs(fd, &fs) != 0 || !overwrites_in_place(fs))) {
    ::close(fd);
    return std::unique_ptr<RedoLog>();
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::unique_ptr<RedoLog>();  // the server has it
    return errno_error(path, err);
  }
  // The file's creation must survive a crash before its first record counts.
  if (auto synced = fsync_directory(directory); !synced) {
    ::close(fd);
    return synced.error();
  }
  return std::unique_ptr<RedoLog>(new RedoLog(fd, directory, ring_bytes, groups_per_checkpoint));
}

bool RedoLog::supported_at(const std::string& directory) {
  struct statfs fs {};
  return ::statfs(directory.c_str(), &fs) == 0 && overwrites_in_place(fs);
}

bool RedoLog::held_elsewhere(const std::string& directory) {
  std::string path = directory + "/" + kFileName;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // drops the shared lock if it was taken
  return held;
}

bool RedoLog::confirm(const std::string& directory, uint64_t txnid,
                      std::chrono::milliseconds timeout) {
  std::string path = directory + "/" + kFileName;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT;  // no log: nothing to restore from
    auto c = read_checkpoint(fd);
    if (c && c->txnid >= txnid) {
      ::close(fd);
      return true;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      // Nobody keeps the log: clear its checkpoints (the lock goes with the descriptor).
      bool cleared = !c || zero_checkpoints(fd);
      ::close(fd);
      return cleared;
    }
    ::close(fd);
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Result<void> RedoLog::clear() {
  found_.reset();
  if (!zero_checkpoints(fd_)) return errno_error(directory_ + "/" + kFileName, errno);
  if (pin_ != nullptr) mdb_txn_abort(std::exchange(pin_, nullptr));  // nothing to restore now
  return {};
}

RedoLog::~RedoLog() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (job_ && job_->pin != nullptr) mdb_txn_abort(job_->pin);
  if (pin_ != nullptr) mdb_txn_abort(pin_);
  ::close(fd_);
}

uint64_t RedoLog::checkpoints_written() const {
  std::lock_guard lock(mutex_);
  return checkpoints_written_;
}

Result<void> RedoLog::restore(const std::string& directory) {
  found_ = read_checkpoint(fd_);
  if (!found_ || found_->final) return {};  // a clean close: the data file is all durable
  std::string data_path = directory + "/data.mdb";
  int data = ::open(data_path.c_str(), O_RDWR | O_CLOEXEC);
  if (data < 0) {
    found_.reset();  // no data file: a log left from a store that is gone
    if (errno == ENOENT) return {};
    return errno_error(data_path, errno);
  }
  struct stat st {};
  std::string on_disk(found_->meta_pages.size(), '\0');
  bool same = ::fstat(data, &st) == 0 && read_all(data, on_disk.data(), on_disk.size(), 0) &&
              on_disk == found_->meta_pages;
  if (same) {  // a clean stop, or nothing after the checkpoint reached the disk
    ::close(data);
    return {};
  }
  if (static_cast<uint64_t>(st.st_dev) != found_->data_dev ||
      static_cast<uint64_t>(st.st_ino) != found_->data_ino) {
    ::close(data);
    return make_error(PB_E_IO, fmt::format("{}/{}: its checkpoint is of another data file than "
                                           "{} (a copied store?): move the file away to open "
                                           "the store without it",
                                           directory, kFileName, data_path));
  }
  // LMDB holds a lock on the first byte of lock.mdb in every process that has the environment
  // open. Holding it exclusively keeps others from opening it until the pages are back.
  std::string lock_path = directory + "/lock.mdb";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  if (lock_fd >= 0) {
    struct flock excl {};
    excl.l_type = F_WRLCK;
    excl.l_whence = SEEK_SET;
    excl.l_start = 0;
    excl.l_len = 1;
    if (::fcntl(lock_fd, F_SETLK, &excl) != 0) {
      ::close(lock_fd);
      ::close(data);
      return {};  // another process has it open: what it sees is the newest state
    }
  }
  bool ok = write_all(data, found_->meta_pages.data(), found_->meta_pages.size(), 0) &&
            ::fdatasync(data) == 0;
  int err = errno;
  if (lock_fd >= 0) ::close(lock_fd);  // releases the lock
  ::close(data);
  if (!ok) return errno_error(data_path, err);
  return {};
}

Result<int> RedoLog::recover(MDB_env* env, const TableHandles& tables,
                             const std::string& store_id) {
  store_id_ = store_id;
  std::vector<RedoRecord> legacy;
  uint64_t at = 0;
  uint64_t sequence = 1;
  if (found_) {
    if (found_->store_id != store_id) found_.reset();  // another store's log: nothing to apply
  }
  const bool replay = found_ && !found_->final;
  // The records are where the ring of the file put them: its own size, which is not the one
  // asked for when the operator changed it (reset() then writes the file afresh at that size).
  uint64_t ring = ring_bytes_;
  if (found_) {
    at = found_->first_record;
    sequence = found_->first_record_sequence;
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) > kRingOffset)
      ring = static_cast<uint64_t>(st.st_size) - kRingOffset;
  } else {
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) == kLegacyFileBytes) {
      std::string slot(kLegacySlotBytes, '\0');
      for (uint64_t i = 0; i < 2; ++i) {
        if (!read_all(fd_, slot.data(), slot.size(), i * kLegacySlotBytes)) continue;
        if (auto record = parse_redo_record(slot, store_id)) legacy.push_back(std::move(*record));
      }
    }
  }
  // Replay without a sync per record: a crash meanwhile restores the checkpoint and replays
  // again. One sync at the end makes it all durable before the ring is reused.
  unsigned flags = 0;
  mdb_env_get_flags(env, &flags);
  const bool was_nosync = (flags & MDB_NOSYNC) != 0;
  if (!was_nosync) mdb_env_set_flags(env, MDB_NOSYNC, 1);
  // The checkpoint's snapshot stays pinned while records are applied (and until the next
  // checkpoint, or clear()): a crash in between must find its pages as they were.
  if (replay && pin_ == nullptr) {
    int rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &pin_);
    if (rc != MDB_SUCCESS) {
      if (!was_nosync) mdb_env_set_flags(env, MDB_NOSYNC, 0);
      return lmdb_error(fmt::format("{}/{}: recover", directory_, kFileName), rc);
    }
  }
  int applied = 0;
  Result<int> outcome = 0;
  for (;;) {
    std::optional<RedoRecord> record;
    if (found_ && !replay) break;
    if (found_) {
      record = read_record(fd_, ring, at, store_id);
      if ((!record || record->sequence != sequence) && at % ring != 0) {
        // A record that did not fit before the ring's end starts the next lap.
        uint64_t lap = (at / ring + 1) * ring;
        record = read_record(fd_, ring, lap, store_id);
        if (record && record->sequence == sequence) at = lap;
      }
      if (!record || record->sequence != sequence) break;
    }
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) {
      outcome = lmdb_error(fmt::format("{}/{}: recover", directory_, kFileName), rc);
      break;
    }
    uint64_t last = mdb_txn_id(txn) - 1;  // the snapshot this transaction starts from
    if (!found_) {
      // Legacy slots: the record that continues the store; of two with the same base (a commit
      // that changed nothing), the later one.
      auto next = legacy.end();
      for (auto it = legacy.begin(); it != legacy.end(); ++it) {
        if (it->base_txnid == last && (next == legacy.end() || it->sequence > next->sequence))
          next = it;
      }
      if (next != legacy.end()) {
        record = std::move(*next);
        legacy.erase(next);
      }
    }
    if (!record || record->base_txnid != last) {
      mdb_txn_abort(txn);
      break;
    }
    int status = PB_OK;
    for (const WriteBatch& batch : record->batches) {
      status = apply_batch(txn, tables, batch);
      if (status != PB_OK) break;
    }
    if (status != PB_OK) {
      mdb_txn_abort(txn);
      outcome = make_error(PB_E_IO, fmt::format("{}/{}: a record that continues transaction {} "
                                                "cannot be applied ({}); the store is not the "
                                                "one it was written for: move the file away to "
                                                "open the store without it",
                                                directory_, kFileName, last, status));
      break;
    }
    rc = mdb_txn_commit(txn);
    if (rc != MDB_SUCCESS) {
      outcome = lmdb_error(fmt::format("{}/{}: recover commit", directory_, kFileName), rc);
      break;
    }
    ++applied;
    at += record->bytes;
    ++sequence;
  }
  if (!was_nosync) mdb_env_set_flags(env, MDB_NOSYNC, 0);
  if (!outcome) return outcome;
  if (applied > 0) {
    int rc = mdb_env_sync(env, 1);
    if (rc != MDB_SUCCESS)
      return lmdb_error(fmt::format("{}/{}: recover sync", directory_, kFileName), rc);
  }
  replay_end_ = at;
  replay_next_sequence_ = sequence;
  recovered_ = true;
  return applied;
}

Result<void> RedoLog::reset(MDB_env* env, const std::string& store_id) {
  store_id_ = store_id;
  std::string path = directory_ + "/" + kFileName;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_error(path, errno);
  if (!found_ || !recovered_ || static_cast<uint64_t>(st.st_size) != file_bytes()) {
    // A new file (or one of the legacy layout, or whose checkpoints are both unreadable):
    // written in full, not only sized, since a later overwrite of a hole (or an unwritten
    // extent) would change metadata the log's flush does not carry.
    if (::ftruncate(fd_, static_cast<off_t>(file_bytes())) != 0) return errno_error(path, errno);
    std::string zeros(1u << 20, '\0');
    for (uint64_t at = 0; at < file_bytes(); at += zeros.size()) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), file_bytes() - at));
      if (!write_all(fd_, zeros.data(), n, at)) return errno_error(path, errno);
    }
    if (::fsync(fd_) != 0) return errno_error(path, errno);
    tail_ = 0;
    next_sequence_ = 1;
  } else {
    tail_ = replay_end_;
    next_sequence_ = replay_next_sequence_;
    checkpoint_sequence_ = found_->sequence;
  }
  auto checkpointed = checkpoint_now(env);
  if (!checkpointed) return checkpointed;
  thread_ = std::thread([this, env] { checkpoint_thread_main(env); });
  return {};
}

bool RedoLog::write(uint64_t base_txnid, std::span<const WriteBatch* const> batches) {
  written_bytes_ = 0;
  if (base_txnid != last_txnid_) return false;
  if (!encode_redo_record(buffer_, next_sequence_, base_txnid, store_id_, batches,
                          max_record_bytes())) {
    return false;
  }
  uint64_t at = tail_;
  if (at % ring_bytes_ + buffer_.size() > ring_bytes_) at = (at / ring_bytes_ + 1) * ring_bytes_;
  {
    std::unique_lock lock(mutex_);
    if (failed_) return false;
    if (at + buffer_.size() - head_ > ring_bytes_) {
      // The ring is full up to the durable checkpoint's first record: a running checkpoint
      // moves that on.
      changed_.wait(lock, [this] { return !running_ && !job_; });
      if (failed_ || at + buffer_.size() - head_ > ring_bytes_) return false;
    }
  }
  if (!write_all(fd_, buffer_.data(), buffer_.size(), kRingOffset + at % ring_bytes_) ||
      ::fdatasync(fd_) != 0) {
    std::lock_guard lock(mutex_);
    failed_ = true;  // after a failed flush nothing in the file is known to be on disk
    return false;
  }
  written_at_ = at;
  written_bytes_ = buffer_.size();
  return true;
}

void RedoLog::committed(uint64_t txnid) {
  if (written_bytes_ == 0) return;
  tail_ = written_at_ + written_bytes_;
  written_bytes_ = 0;
  ++next_sequence_;
  records_logged_.fetch_add(1, std::memory_order_relaxed);
  ++groups_since_checkpoint_;
  last_txnid_ = txnid;
}

void RedoLog::unchanged() {
  // The record stays as the next one: replayed, it changes nothing again, and the record after
  // it follows on from the same transaction. (Writing the next record over it instead would
  // leave it in place whenever the next one starts the next lap, with the sequence number the
  // next one reuses: replay would apply it and then miss the real one.)
  committed(last_txnid_);
}

void RedoLog::discard() {
  if (written_bytes_ == 0) return;
  written_bytes_ = 0;
  char zeros[kRedoHeaderBytes] = {};
  // A record that fails to parse is never applied; without a flush a crash could bring back
  // the record of a group that was answered with an error.
  if (!write_all(fd_, zeros, sizeof zeros, kRingOffset + written_at_ % ring_bytes_) ||
      ::fdatasync(fd_) != 0) {
    std::lock_guard lock(mutex_);
    failed_ = true;
  }
}

std::optional<RedoLog::Job> RedoLog::capture(MDB_env* env) {
  Job job;
  if (mdb_txn_begin(env, nullptr, MDB_RDONLY, &job.pin) != MDB_SUCCESS) return std::nullopt;
  uint64_t txnid = mdb_txn_id(job.pin);
  MDB_stat stat{};
  mdb_env_stat(env, &stat);
  mdb_filehandle_t data = -1;
  mdb_env_get_fd(env, &data);
  struct stat st {};
  std::string metas(2 * static_cast<size_t>(stat.ms_psize), '\0');
  bool ok = txnid == last_txnid_ && metas.size() <= kRedoCheckpointMaxMetaBytes &&
            ::fstat(data, &st) == 0 && read_all(data, metas.data(), metas.size(), 0) &&
            std::max(meta_txnid(std::string_view(metas).substr(0, stat.ms_psize)),
                     meta_txnid(std::string_view(metas).substr(stat.ms_psize))) == txnid;
  if (!ok) {
    mdb_txn_abort(job.pin);
    return std::nullopt;
  }
  job.checkpoint.txnid = txnid;
  job.checkpoint.first_record = tail_;
  job.checkpoint.first_record_sequence = next_sequence_;
  job.checkpoint.data_dev = static_cast<uint64_t>(st.st_dev);
  job.checkpoint.data_ino = static_cast<uint64_t>(st.st_ino);
  job.checkpoint.store_id = store_id_;
  job.checkpoint.meta_pages = std::move(metas);
  return job;
}

Result<void> RedoLog::complete(MDB_env* env, Job job) {
  std::string path = directory_ + "/" + kFileName;
  mdb_filehandle_t data = -1;
  mdb_env_get_fd(env, &data);
  uint64_t sequence;
  {
    std::lock_guard lock(mutex_);
    sequence = ++checkpoint_sequence_;
  }
  job.checkpoint.sequence = sequence;
  auto bytes = encode_redo_checkpoint(job.checkpoint);
  bool ok = bytes && bytes->size() <= kCheckpointSlotBytes && ::fdatasync(data) == 0 &&
            write_all(fd_, bytes->data(), bytes->size(), (sequence % 2) * kCheckpointSlotBytes) &&
            ::fdatasync(fd_) == 0;
  int err = errno;
  MDB_txn* released;
  {
    std::lock_guard lock(mutex_);
    if (ok) {
      head_ = job.checkpoint.first_record;
      released = pin_;
      pin_ = job.pin;
      ++checkpoints_written_;
    } else {
      failed_ = true;
      released = job.pin;
    }
  }
  if (released != nullptr) mdb_txn_abort(released);
  if (!ok) return make_error(PB_E_IO, fmt::format("{}: checkpoint: {}", path, std::strerror(err)));
  return {};
}

void RedoLog::wait_checkpoint_idle(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [this] { return !running_ && !job_; });
}

void RedoLog::after_group(MDB_env* env) {
  bool due = groups_per_checkpoint_ != 0 && groups_since_checkpoint_ >= groups_per_checkpoint_;
  if (!due && tail_ - head_snapshot() <= ring_bytes_ / 2) return;
  {
    std::lock_guard lock(mutex_);
    if (running_ || job_ || failed_) return;
  }
  MDB_txn* writer_lock = nullptr;
  if (begin_write_txn(env, &writer_lock) != MDB_SUCCESS) return;
  auto job = capture(env);
  mdb_txn_abort(writer_lock);
  if (!job) return;  // another process committed: the next group checkpoints at once
  groups_since_checkpoint_ = 0;
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
  }
  changed_.notify_all();
}

bool RedoLog::idle(MDB_env* env) {
  if (groups_per_checkpoint_ == 0) return false;
  {
    std::lock_guard lock(mutex_);
    if (failed_) return false;
  }
  MDB_envinfo info{};
  mdb_env_info(env, &info);
  if (groups_since_checkpoint_ == 0 && info.me_last_txnid == last_txnid_) return false;
  (void)checkpoint_now(env);  // a failure marks the log failed: later groups are refused
  return true;
}

Result<void> RedoLog::checkpoint_now(MDB_env* env, MDB_txn* in_txn, bool final) {
  std::string path = directory_ + "/" + kFileName;
  {
    std::unique_lock lock(mutex_);
    wait_checkpoint_idle(lock);
    if (failed_) return make_error(PB_E_IO, fmt::format("{}: an earlier flush failed", path));
  }
  MDB_txn* writer_lock = in_txn;
  if (writer_lock == nullptr) {
    int rc = begin_write_txn(env, &writer_lock);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("{}: checkpoint", path), rc);
  }
  last_txnid_ = mdb_txn_id(writer_lock) - 1;
  auto job = capture(env);
  if (in_txn == nullptr) mdb_txn_abort(writer_lock);
  if (!job)
    return make_error(PB_E_IO, fmt::format("{}: checkpoint: cannot read the meta pages", path));
  groups_since_checkpoint_ = 0;
  job->checkpoint.final = final;
  return complete(env, std::move(*job));
}

void RedoLog::checkpoint_thread_main(MDB_env* env) {
  pthread_setname_np(pthread_self(), "pb-checkpoint");
  mdb_filehandle_t data = -1;
  mdb_env_get_fd(env, &data);
  auto woken = [this] { return stop_ || job_.has_value(); };
  // An idle store: a wake-up a second, not two hundred.
  uint64_t seen = records_logged_.load(std::memory_order_relaxed);
  auto interval = kWritebackInterval;
  std::unique_lock lock(mutex_);
  for (;;) {
    // While no checkpoint is due, start the writeback of what commits wrote meanwhile (without
    // waiting for it): a checkpoint's flush then has little left to write, and the device is
    // busy evenly instead of in bursts that slow the log's own flushes (measured: p99 of durable
    // webhooks at -c64 5.9-7.2 ms -> 3.9-4.4 ms). Until the pin moves, commits write new pages
    // (and the meta pages) rather than rewrite these, so little is written twice.
    while (!changed_.wait_for(lock, interval, woken)) {
      uint64_t now = records_logged_.load(std::memory_order_relaxed);
      if (now == seen) {
        interval = std::chrono::milliseconds(1000);
        continue;
      }
      seen = now;
      interval = kWritebackInterval;
      lock.unlock();
      ::sync_file_range(data, 0, 0, SYNC_FILE_RANGE_WRITE);
      lock.lock();
    }
    if (!job_) return;  // stopping (a queued job is completed first)
    Job job = std::move(*job_);
    job_.reset();
    running_ = true;
    lock.unlock();
    (void)complete(env, std::move(job));  // a failure marks the log failed
    lock.lock();
    running_ = false;
    changed_.notify_all();
    interval = kWritebackInterval;  // a checkpoint was due: commits are coming
  }
}

}  // namespace pb::store
