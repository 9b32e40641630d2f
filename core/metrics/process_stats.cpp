#include "core/metrics/process_stats.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>

namespace pb::metrics {

ProcessStats read_process_stats() {
  ProcessStats stats;
  if (FILE* f = std::fopen("/proc/self/statm", "r"); f != nullptr) {
    long long size = 0, resident = 0;
    if (std::fscanf(f, "%lld %lld", &size, &resident) == 2) {
      stats.resident_bytes = resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(f);
  }
  if (DIR* dir = opendir("/proc/self/fd"); dir != nullptr) {
    int64_t n = 0;
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    stats.open_fds = n - 1;  // the descriptor opendir itself holds
  }
  return stats;
}

}  // namespace pb::metrics
