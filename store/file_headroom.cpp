#include "store/file_headroom.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace pb::store {
namespace {

constexpr uint64_t kMiB = 1u << 20;
constexpr size_t kZeroBlock = 64 * 1024;

// Where the file should end with a full headroom, and where a refill starts: the used end plus
// the headroom (plus half of it), in whole pages, capped by the map size (LMDB could not use
// space past it).
struct Ends {
  uint64_t refill_below;
  uint64_t full;
};
Ends wanted_ends(MDB_env* env, uint64_t page_size) {
  MDB_envinfo info{};
  mdb_env_info(env, &info);
  uint64_t used = (static_cast<uint64_t>(info.me_last_pgno) + 1) * page_size;
  uint64_t headroom = DataFileHeadroom::target_headroom(used);
  uint64_t cap = info.me_mapsize / page_size * page_size;
  auto page_up = [&](uint64_t bytes) { return (bytes + page_size - 1) / page_size * page_size; };
  return {std::min(page_up(used + headroom / 2), cap), std::min(page_up(used + headroom), cap)};
}

}  // namespace

DataFileHeadroom::DataFileHeadroom(MDB_env* env) : env_(env) {
  mdb_filehandle_t fd;
  MDB_stat stat{};
  if (mdb_env_get_fd(env, &fd) != MDB_SUCCESS || mdb_env_stat(env, &stat) != MDB_SUCCESS) {
    failed_ = true;
    return;
  }
  fd_ = fd;
  page_size_ = stat.ms_psize;
}

uint64_t DataFileHeadroom::target_headroom(uint64_t used_bytes) {
  return std::clamp<uint64_t>(used_bytes / 16, kMiB, 64 * kMiB);
}

void DataFileHeadroom::after_commit() {
  if (failed_) return;
  // Refill only once half the headroom is used, then a step per commit until it is full: a
  // step changes the file's size, so its cost (one journal commit) is paid per refill, not
  // per commit.
  Ends ends = wanted_ends(env_, page_size_);
  if (!refilling_ && known_file_end_ >= ends.refill_below) return;  // the common case
  refilling_ = true;
  if (!write_step()) failed_ = true;
  if (known_file_end_ >= wanted_ends(env_, page_size_).full) refilling_ = false;
}

bool DataFileHeadroom::write_step() {
  // An empty write transaction is LMDB's writer lock: no process commits (and so appends
  // pages) while it is held. Aborting it changes nothing.
  MDB_txn* lock = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &lock) != MDB_SUCCESS) return true;  // try next time
  struct stat st{};
  bool ok = fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) % page_size_ == 0;
  uint64_t want = wanted_ends(env_, page_size_).full;
  uint64_t end = ok ? static_cast<uint64_t>(st.st_size) : 0;
  // From a page boundary only: a file another tool left ragged is left alone.
  if (ok && end < want) {
    const uint64_t step = std::min<uint64_t>(kStepBytes, want - end);  // whole pages
    // In .bss: read through pwritev, its pages stay the shared zero page (no memory).
    static std::array<char, kZeroBlock> zeros{};
    std::array<iovec, kStepBytes / kZeroBlock> iov;
    int count = 0;
    for (uint64_t left = step; left > 0; left -= iov[count++].iov_len) {
      iov[count] = {zeros.data(), static_cast<size_t>(std::min<uint64_t>(left, kZeroBlock))};
    }
    ssize_t n;
    do {
      n = pwritev(fd_, iov.data(), count, static_cast<off_t>(end));
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
      zero_bytes_written_ += static_cast<uint64_t>(n);
      // Start the writeback now; the next commit's data sync waits only for what is left.
      sync_file_range(fd_, static_cast<off_t>(end), n, SYNC_FILE_RANGE_WRITE);
      end += static_cast<uint64_t>(n);
    }
    ok = n == static_cast<ssize_t>(step);
  }
  mdb_txn_abort(lock);
  known_file_end_ = end;
  return ok;
}

}  // namespace pb::store
