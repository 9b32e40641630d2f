#include "store/redo_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "patchbay/plugin.h"
#include "store/directory.h"
#include "store/redo_record.h"

namespace pb::store {
namespace {

constexpr uint64_t kFileBytes = 2 * RedoLog::kSlotBytes;
#ifndef XFS_SUPER_MAGIC
constexpr long kXfsMagic = 0x58465342;
#else
constexpr long kXfsMagic = XFS_SUPER_MAGIC;
#endif

// Filesystems where overwriting a written block changes no metadata, so a device flush makes
// the new bytes durable and reachable (ext4, xfs), or where nothing outlives the machine anyway
// (tmpfs). Copy-on-write filesystems (btrfs, zfs) write an overwrite elsewhere: not here.
bool overwrites_in_place(const struct statfs& fs) {
  long type = static_cast<long>(fs.f_type);
  return type == static_cast<long>(EXT4_SUPER_MAGIC) || type == kXfsMagic ||
         type == static_cast<long>(TMPFS_MAGIC);
}

bool write_all(int fd, const char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<RedoLog>> RedoLog::open(const std::string& directory,
                                               std::string store_id, bool any_filesystem) {
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
  return std::unique_ptr<RedoLog>(new RedoLog(fd, std::move(path), std::move(store_id)));
}

bool RedoLog::supported_at(const std::string& directory) {
  struct statfs fs {};
  return ::statfs(directory.c_str(), &fs) == 0 && overwrites_in_place(fs);
}

RedoLog::~RedoLog() { ::close(fd_); }

Result<int> RedoLog::recover(MDB_env* env, const TableHandles& tables) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_error(path_, errno);
  std::string bytes(std::min<uint64_t>(static_cast<uint64_t>(st.st_size), kFileBytes), '\0');
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::pread(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(path_, errno);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  std::vector<RedoRecord> records;
  for (uint64_t slot = 0; slot < 2; ++slot) {
    if (slot * kSlotBytes >= bytes.size()) break;
    std::string_view in_slot = std::string_view(bytes).substr(slot * kSlotBytes, kSlotBytes);
    if (auto record = parse_redo_record(in_slot, store_id_)) records.push_back(std::move(*record));
  }
  int applied = 0;
  while (!records.empty()) {
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("{}: recover", path_), rc);
    uint64_t last = mdb_txn_id(txn) - 1;  // the snapshot this transaction starts from
    // The record that continues it; of two (a commit that changed nothing leaves its record
    // with the same base), the later one.
    auto next = records.end();
    for (auto it = records.begin(); it != records.end(); ++it) {
      if (it->base_txnid == last && (next == records.end() || it->sequence > next->sequence))
        next = it;
    }
    if (next == records.end()) {
      mdb_txn_abort(txn);
      break;
    }
    for (const WriteBatch& batch : next->batches) {
      int status = apply_batch(txn, tables, batch);
      if (status != PB_OK) {
        mdb_txn_abort(txn);
        return make_error(PB_E_IO, fmt::format("{}: a record that continues transaction {} "
                                               "cannot be applied ({}); the store is not the one "
                                               "it was written for: move the file away to open "
                                               "the store without it",
                                               path_, last, status));
      }
    }
    rc = commit_durably(env, txn);
    if (rc != MDB_SUCCESS) return lmdb_error(fmt::format("{}: recover commit", path_), rc);
    records.erase(next);
    ++applied;
  }
  return applied;
}

Result<void> RedoLog::reset() {
  if (::ftruncate(fd_, static_cast<off_t>(kFileBytes)) != 0) return errno_error(path_, errno);
  // Written, not only sized: a later overwrite of a block that was a hole (or an unwritten
  // extent) would change metadata the device flush does not carry.
  std::string zeros(1u << 20, '\0');
  for (uint64_t at = 0; at < kFileBytes; at += zeros.size()) {
    if (!write_all(fd_, zeros.data(), zeros.size(), at)) return errno_error(path_, errno);
  }
  if (::fsync(fd_) != 0) return errno_error(path_, errno);
  live_slot_ = 1;
  written_slot_ = -1;
  return {};
}

bool RedoLog::write(uint64_t base_txnid, std::span<const WriteBatch* const> batches) {
  written_slot_ = -1;
  if (!encode_redo_record(buffer_, sequence_ + 1, base_txnid, store_id_, batches, kSlotBytes))
    return false;
  int slot = 1 - live_slot_;
  uint64_t offset = static_cast<uint64_t>(slot) * kSlotBytes;
  if (!write_all(fd_, buffer_.data(), buffer_.size(), offset)) return false;
  // On the device (in its cache) before the commit's data sync flushes that cache.
  if (::sync_file_range(fd_, static_cast<off_t>(offset), static_cast<off_t>(buffer_.size()),
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                            SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
    return false;
  }
  ++sequence_;
  written_slot_ = slot;
  return true;
}

void RedoLog::committed() {
  if (written_slot_ >= 0) live_slot_ = written_slot_;
  written_slot_ = -1;
}

void RedoLog::discard() {
  if (written_slot_ < 0) return;
  uint64_t offset = static_cast<uint64_t>(written_slot_) * kSlotBytes;
  written_slot_ = -1;
  char zeros[kRedoHeaderBytes] = {};
  // A record that fails to parse is never applied; without a sync a crash could bring back
  // the record of a group that was answered with an error.
  if (write_all(fd_, zeros, sizeof zeros, offset)) ::fdatasync(fd_);
}

}  // namespace pb::store
