// While a PreemptionKick lives, the thread that made it is interrupted every `period` (a
// thread-directed timer signal), and the handler gives up the rest of the thread's time slice
// (sched_yield). Why: argon2id makes no system call for its whole ~100 ms, and a thread woken
// onto the core where it runs (the event loop when a request arrives, the client on the same
// box, the softirq thread that delivers their loopback packets) may wait for the hashing
// thread's next kernel entry or the end of its slice, however low its priority. On a kernel with
// lazy preemption (Linux 6.13+, PREEMPT_LAZY) that entry is the next scheduler tick (4 ms at
// 250 Hz): measured beside one nice-19 hashing thread on a busy box, users/me p99 9-27 ms
// unkicked, 4-12 ms kicked every 1 ms, 5-14 ms every 250 us, 4.4-12 ms with no hash. A kernel
// entry alone did not always hand the core over: on this machine's 6.18, a thread woken onto
// the spinning core from another one waited 1.7-2.8 ms for 2 of 500 wake-ups in half the runs,
// never over ~1 ms with the yield; users/me p99 at -c4 under 20 logins, 14 alternating rounds:
// 1.24-2.61 ms without the yield, 0.79-1.31 ms with it but for one first round at 3.50 (logins/s
// alike). When nothing waits for the core, sched_yield returns at once. The period is the
// price: each kick may switch the thread out, and a short one makes a 64-MiB argon2id pay for it
// (250 us: +30-55% CPU per hash; 1 ms: +0-20%; with the yield, 500 us gave no better tail than
// 1 ms).
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
