// PreemptionKick: the thread that holds one is interrupted periodically (the signals arrive)
// and yields at each kick, its signal mask is restored afterwards, and nothing arrives once it
// is gone.
#include "plugins/auth/preemption_kick.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {
std::atomic<uint64_t> g_yields{0};
}  // namespace

// Counts yields: this executable's definition stands in for libc's for every caller in it, the
// kick's handler included, and still yields through the system call.
extern "C" int sched_yield() noexcept {
  g_yields.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(syscall(SYS_sched_yield));
}

namespace pb::auth {
namespace {

using namespace std::chrono_literals;

// Spins (no system call, like argon2id) until `done` or 10 s.
template <typename Done>
void spin_until(Done done) {
  const auto end = std::chrono::steady_clock::now() + 10s;
  volatile uint64_t x = 0;
  while (!done() && std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 10000; ++i) x = x + 1;
  }
}

bool urg_blocked() {
  sigset_t now;
  pthread_sigmask(SIG_SETMASK, nullptr, &now);
  return sigismember(&now, SIGURG) == 1;
}

TEST(PreemptionKick, AThreadThatHoldsOneIsInterruptedWhileItSpins) {
  std::thread worker([] {
    // As libuv's workers: every signal blocked.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    const uint64_t before = PreemptionKick::delivered();
    {
      PreemptionKick kick(250us);
      ASSERT_TRUE(kick.armed());
      EXPECT_FALSE(urg_blocked());
      spin_until([&] { return PreemptionKick::delivered() >= before + 3; });
      EXPECT_GE(PreemptionKick::delivered(), before + 3);
    }
    EXPECT_TRUE(urg_blocked());  // the worker's mask as it was
  });
  worker.join();
}

// The kernel entry alone did not always hand the core to a thread woken onto it; the handler
// gives up the rest of the time slice (preemption_kick.h).
TEST(PreemptionKick, EveryKickYieldsTheRestOfTheTimeSlice) {
  std::thread worker([] {
    const uint64_t kicks_before = PreemptionKick::delivered();
    const uint64_t yields_before = g_yields.load();
    {
      PreemptionKick kick(250us);
      ASSERT_TRUE(kick.armed());
      spin_until([&] { return PreemptionKick::delivered() >= kicks_before + 3; });
    }
    const uint64_t kicks = PreemptionKick::delivered() - kicks_before;
    EXPECT_GE(kicks, 3u);
    EXPECT_GE(g_yields.load() - yields_before, kicks);  // handlers ran on this thread: all done
  });
  worker.join();
}

TEST(PreemptionKick, NothingArrivesOnceItIsGone) {
  std::thread worker([] {
    {
      PreemptionKick kick(250us);
      ASSERT_TRUE(kick.armed());
    }
    const uint64_t after = PreemptionKick::delivered();
    std::this_thread::sleep_for(5ms);  // 20 periods
    EXPECT_LE(PreemptionKick::delivered(), after + 1);  // at most one that was already pending
  });
  worker.join();
}

bool urg_has_default_action() {
  struct sigaction now {};
  sigaction(SIGURG, nullptr, &now);
  return (now.sa_flags & SA_SIGINFO) == 0 && now.sa_handler == SIG_DFL;
}

// The handler lives in the auth plugin's library: it must not outlive the plugin (dlclose),
// and a plugin loaded again must still be able to kick.
TEST(PreemptionKick, ReleasingTheHandlerRestoresTheDefaultAndALaterKickInstallsItAgain) {
  { PreemptionKick kick(1ms); }
  EXPECT_FALSE(urg_has_default_action());
  PreemptionKick::release_handler();
  EXPECT_TRUE(urg_has_default_action());
  PreemptionKick::release_handler();  // twice is harmless
  EXPECT_TRUE(urg_has_default_action());
  std::thread worker([] {
    const uint64_t before = PreemptionKick::delivered();
    PreemptionKick kick(250us);
    ASSERT_TRUE(kick.armed());
    spin_until([&] { return PreemptionKick::delivered() >= before + 3; });
    EXPECT_GE(PreemptionKick::delivered(), before + 3);
  });
  worker.join();
  PreemptionKick::release_handler();
}

// Someone else's SIGURG handler is left alone: no kick is armed and release touches nothing.
TEST(PreemptionKick, AnotherHandlerOfSigurgIsNeverReplacedNorRemoved) {
  struct sigaction theirs {};
  theirs.sa_handler = [](int) {};
  sigemptyset(&theirs.sa_mask);
  struct sigaction before {};
  ASSERT_EQ(sigaction(SIGURG, &theirs, &before), 0);
  {
    PreemptionKick kick(1ms);
    EXPECT_FALSE(kick.armed());
  }
  PreemptionKick::release_handler();
  struct sigaction now {};
  sigaction(SIGURG, nullptr, &now);
  EXPECT_EQ(now.sa_handler, theirs.sa_handler);
  sigaction(SIGURG, &before, nullptr);
}

}  // namespace
}  // namespace pb::auth
