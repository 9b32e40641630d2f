// `patchbay backup --to FILE` and `patchbay restore --from FILE [--force]` (store/backup.h).
#include <cstdio>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "store/backup.h"

namespace pb::cli {

int run_backup(const std::string& config_path, const std::string& to) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return 1;
  auto done = store::backup_store(config->store.Directory, to);
  if (!done) {
    std::fprintf(stderr, "patchbay: backup: %s\n", done.error().message.c_str());
    return 1;
  }
  std::printf("backup of store %s (schema %u) written to %s (%llu bytes)\n",
              done->store_id.c_str(), done->schema_version, to.c_str(),
              static_cast<unsigned long long>(done->bytes));
  return 0;
}

int run_restore(const std::string& config_path, const std::string& from, bool force) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return 1;
  auto done = store::restore_store(from, config->store.Directory, force);
  if (!done) {
    std::fprintf(stderr, "patchbay: restore: %s\n", done.error().message.c_str());
    return 1;
  }
  std::printf("store %s (schema %u) restored from %s into %s\n", done->store_id.c_str(),
              done->schema_version, from.c_str(), config->store.Directory.c_str());
  return 0;
}

}  // namespace pb::cli
