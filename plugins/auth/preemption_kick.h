// While a PreemptionKick lives, the thread that made it is interrupted every `period` (a
// thread-directed timer signal with an empty handler), so it enters and leaves the kernel that
// often. Why: on a kernel with lazy preemption (Linux 6.13+, PREEMPT_LAZY: what this machine's
// 6.18 runs), a thread woken onto a core that runs a CPU-bound user-space thread waits for that
// thread's next kernel entry, i.e. the next scheduler tick (4 ms at 250 Hz), however low the
// running thread's priority. argon2id makes no system call for its whole ~100 ms, so the event
// loop, the client on the same box or the softirq thread that delivers their loopback packets,
// woken onto the hashing core, each waited for a tick (measured beside one nice-19 hashing
// thread on a busy box: users/me p99 9-27 ms unkicked, 4-12 ms kicked every 1 ms, 5-14 ms every
// 250 us, 4.4-12 ms with no hash). The leave-and-return is where the kernel honours a pending
// (lazy) reschedule. The period is the price: each kick may switch the thread out, and a short
// one makes a 64-MiB argon2id pay for it (250 us: +30-55% CPU per hash; 1 ms: +0-20%).
//
// Threading: construct and destroy on the same thread (a worker); nothing else is shared but
// the process-wide handler of SIGURG, installed by the first kick if SIGURG has none (default:
// ignored, and an ignored signal never interrupts anyone); if another handler owns SIGURG,
// nothing is armed. The handler is code of this plugin: release_handler() puts the default
// back, and must be called before the plugin is unloaded (a signal after dlclose would jump
// into unmapped memory).
// Errors: none reported; if the timer cannot be made the thread simply runs unkicked.
#pragma once

#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdint>

namespace pb::auth {

class PreemptionKick {
 public:
  explicit PreemptionKick(std::chrono::microseconds period);
  ~PreemptionKick();
  PreemptionKick(const PreemptionKick&) = delete;
  PreemptionKick& operator=(const PreemptionKick&) = delete;

  bool armed() const { return armed_; }
  // Kicks delivered in this process so far (any thread), for tests.
  static uint64_t delivered();
  // Restores SIGURG's default if our handler is installed. Call when no kick lives any more
  // (the plugin's hashing work is finished); a later kick installs the handler again.
  static void release_handler();

 private:
  timer_t timer_{};
  sigset_t old_mask_{};
  bool armed_ = false;
  bool mask_changed_ = false;
};

}  // namespace pb::auth
