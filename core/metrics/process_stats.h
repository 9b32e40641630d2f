// What /metrics reports about the process itself, read from /proc/self at scrape time.
//
// Threading: any thread. Errors: a value that cannot be read is -1 (the renderer then leaves its
// sample out), so a kernel without /proc costs missing samples, not a failed scrape.
#pragma once

#include <cstdint>

namespace pb::metrics {

struct ProcessStats {
  int64_t resident_bytes = -1;  // RSS: /proc/self/statm's second field times the page size
  int64_t open_fds = -1;        // entries of /proc/self/fd (the directory's own fd excluded)
};

ProcessStats read_process_stats();

}  // namespace pb::metrics
