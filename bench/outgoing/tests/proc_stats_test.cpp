#include "bench/outgoing/proc_stats.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace pb::bench {
namespace {

TEST(ProcStats, ParsesStatusMemory) {
  MemorySample m;
  ASSERT_TRUE(parse_memory("Name:\tpatchbay\nVmPeak:\t  9000 kB\nVmRSS:\t    7936 kB\nRssAnon:\t     712 kB\n", &m));
  EXPECT_EQ(m.rss_kb, 7936u);
  EXPECT_EQ(m.anon_kb, 712u);
  EXPECT_FALSE(parse_memory("Name:\tx\nVmRSSx:\t1 kB\n", &m));
}

TEST(ProcStats, ParsesCpuTicksAfterACommandNameWithSpacesAndParentheses) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  uint64_t ticks = 0;
  ASSERT_TRUE(parse_cpu_ticks("42 (a) b (c)) S 1 42 42 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3", &ticks));
  EXPECT_EQ(ticks, 325u);
  EXPECT_FALSE(parse_cpu_ticks("42 (short) S 1 2", &ticks));
  EXPECT_FALSE(parse_cpu_ticks("no parenthesis", &ticks));
}

TEST(ProcStats, ParsesSchedstat) {
  SchedSample s;
  ASSERT_TRUE(parse_schedstat("123456789 98765 42\n", &s));
  EXPECT_EQ(s.run_ns, 123456789u);
  EXPECT_EQ(s.wait_ns, 98765u);
  EXPECT_FALSE(parse_schedstat("123", &s));
  EXPECT_FALSE(parse_schedstat("x 1 2", &s));
}

TEST(ProcStats, ReadsThisProcess) {
  auto m = read_memory(getpid());
  ASSERT_TRUE(m);
  EXPECT_GT(m->rss_kb, 0u);
  EXPECT_TRUE(read_cpu_ns(getpid()));
  EXPECT_FALSE(read_memory(-1));
  EXPECT_NE(load_average(), "unknown");
  EXPECT_TRUE(read_schedstat(getpid(), getpid()));
}

}  // namespace
}  // namespace pb::bench
