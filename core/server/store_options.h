// StoreSettings -> store::StoreOptions (shared by the server and the CLI).
#pragma once

#include "core/config/config.h"
#include "store/options.h"

namespace pb::server {

inline store::StoreOptions store_options(const config::Config& config) {
  store::StoreOptions options;
  options.directory = config.store.Directory;
  options.sync = config.store.SyncMode == "none" ? store::SyncMode::none : store::SyncMode::full;
  options.map_size_bytes = static_cast<uint64_t>(config.store.MaxSizeMB) << 20;
  options.redo_ring_bytes = static_cast<uint64_t>(config.store.RedoLogSizeMB) << 20;
  return options;
}

}  // namespace pb::server
