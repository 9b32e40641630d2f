// How a Store is opened: where it lives, how hard it syncs, how large its map may grow.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace pb::store {

enum class SyncMode {
  full,  // every commit is fsynced before it is acknowledged (the default)
  none,  // MDB_NOSYNC | MDB_NOMETASYNC: the OS flushes when it likes; a crash of the machine
         // (not of the process) may lose acknowledged writes. For tmpfs or throwaway edge data.
};

struct StoreOptions {
  std::string directory = "./data";
  SyncMode sync = SyncMode::full;
  // Upper bound of the memory map (and so of the data file). It is address space, not RAM.
  uint64_t map_size_bytes = 1ull << 30;
  // SyncMode::full: acknowledge a group once its batches are flushed to redo.log, the data
  // file's pages flushed later by checkpoints (redo_log.h). false: every group waits for LMDB's
  // own syncs, as on filesystems where the log is not safe (tests and comparisons use this).
  bool redo_log = true;
  // The log's ring of records (the file is this plus 64 KiB; at least 1 MiB) and how many
  // groups a checkpoint covers at most (0: checkpoints only when the ring fills or the store
  // closes, for tests that leave records to replay). More of either: fewer data file flushes,
  // a longer replay after a crash, and up to twice as many pages' growth of the data file.
  uint64_t redo_ring_bytes = 32u << 20;
  uint64_t redo_groups_per_checkpoint = 512;
  // Called on the loop thread, after their callbacks, with how many write batches were just
  // refused because the map is full (MDB_MAP_FULL, or a transaction too large: PB_E_LIMIT).
  // Reads go on working; only the operator can make room (a larger map_size_bytes). Optional.
  std::function<void(uint64_t refused)> on_refused_full;
};

}  // namespace pb::store
