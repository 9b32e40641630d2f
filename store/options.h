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
  // SyncMode::full: acknowledge a group after one flush, its batches kept in redo.log until its
  // meta page is durable (redo_log.h). false: every group waits for the sync of its meta page,
  // as on filesystems where the log is not safe (tests and comparisons use this).
  bool redo_log = true;
  // Called on the loop thread, after their callbacks, with how many write batches were just
  // refused because the map is full (MDB_MAP_FULL, or a transaction too large: PB_E_LIMIT).
  // Reads go on working; only the operator can make room (a larger map_size_bytes). Optional.
  std::function<void(uint64_t refused)> on_refused_full;
};

}  // namespace pb::store
