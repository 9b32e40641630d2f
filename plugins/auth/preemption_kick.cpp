#include "plugins/auth/preemption_kick.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace pb::auth {
namespace {

constexpr int kSignal = SIGURG;

std::atomic<uint64_t> g_delivered{0};  // lock-free: safe in a signal handler

// The kernel entry and the yield are the whole point (see the header); the count is for tests.
// sched_yield is a bare system call (no lock, no allocation); errno is kept for the code the
// signal interrupted.
void on_kick(int) {
  g_delivered.fetch_add(1, std::memory_order_relaxed);
  const int saved_errno = errno;
  sched_yield();
  errno = saved_errno;
}

std::mutex g_handler_mutex;  // orders install and release; never taken in the handler

bool ours_installed(const struct sigaction& current) {
  return (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == &on_kick;
}

// Installs on_kick for kSignal unless someone else handles it. True when ours is installed.
bool handler_ready() {
  std::lock_guard lock(g_handler_mutex);
  struct sigaction current {};
  if (sigaction(kSignal, nullptr, &current) != 0) return false;
  if (ours_installed(current)) return true;
  if ((current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL) return false;
  struct sigaction ours {};
  ours.sa_handler = &on_kick;
  ours.sa_flags = SA_RESTART;  // a system call of the kicked thread resumes, never fails
  sigemptyset(&ours.sa_mask);
  return sigaction(kSignal, &ours, nullptr) == 0;
}

}  // namespace

PreemptionKick::PreemptionKick(std::chrono::microseconds period) {
  if (!handler_ready()) return;
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = kSignal;
  ev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) return;
  // A worker thread may block signals (libuv's do): a blocked signal wakes nobody.
  sigset_t ours;
  sigemptyset(&ours);
  sigaddset(&ours, kSignal);
  mask_changed_ = pthread_sigmask(SIG_UNBLOCK, &ours, &old_mask_) == 0;
  const long ns = static_cast<long>(std::chrono::nanoseconds(period).count());
  itimerspec every{{ns / 1000000000, ns % 1000000000}, {ns / 1000000000, ns % 1000000000}};
  armed_ = timer_settime(timer_, 0, &every, nullptr) == 0;
  if (!armed_) {
    timer_delete(timer_);
    if (mask_changed_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    mask_changed_ = false;
  }
}

uint64_t PreemptionKick::delivered() { return g_delivered.load(std::memory_order_relaxed); }

void PreemptionKick::release_handler() {
  std::lock_guard lock(g_handler_mutex);
  struct sigaction current {};
  if (sigaction(kSignal, nullptr, &current) != 0 || !ours_installed(current)) return;
  struct sigaction deflt {};
  deflt.sa_handler = SIG_DFL;
  sigemptyset(&deflt.sa_mask);
  sigaction(kSignal, &deflt, nullptr);
}

PreemptionKick::~PreemptionKick() {
  if (!armed_) return;
  timer_delete(timer_);  // no new signal after this; one already pending is handled below
  if (mask_changed_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace pb::auth
