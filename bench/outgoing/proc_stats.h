// What the load tool reads from /proc about the server under test (and the machine).
//
// The parse functions take the files' text so that tests can feed them; the read functions
// open the files (any thread). Errors are values: a server that exited makes read_* fail.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace pb::bench {

struct MemorySample {
  uint64_t rss_kb = 0;   // VmRSS
  uint64_t anon_kb = 0;  // RssAnon: heap and stacks. The rest of VmRSS is mostly LMDB's mapped
                         // file, which grows with every post stored (data, not a leak).
};

// From /proc/PID/status text. False when VmRSS is missing.
bool parse_memory(std::string_view status_text, MemorySample* out);
// utime + stime in clock ticks, from /proc/PID/stat text (fields 14 and 15, counted after the
// ")" that ends the command name, which may itself contain spaces and parentheses).
bool parse_cpu_ticks(std::string_view stat_text, uint64_t* out);

// /proc/PID/task/TID/schedstat: how long a thread ran on a CPU and how long it waited,
// runnable, for one (the scheduler's run queue). On a shared machine the wait is the share of a
// latency that no code change in the thread can remove.
struct SchedSample {
  uint64_t run_ns = 0;
  uint64_t wait_ns = 0;
};
// "<run ns> <wait ns> <timeslices>". False when the first two are not numbers.
bool parse_schedstat(std::string_view text, SchedSample* out);

Result<MemorySample> read_memory(pid_t pid);
Result<SchedSample> read_schedstat(pid_t pid, pid_t tid);
// The process's CPU time so far (user + system), in nanoseconds (tick resolution: 10 ms).
Result<uint64_t> read_cpu_ns(pid_t pid);
// The first three fields of /proc/loadavg ("1.23 0.98 0.75"), or "unknown".
std::string load_average();

}  // namespace pb::bench
