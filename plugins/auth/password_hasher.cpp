#include "plugins/auth/password_hasher.h"

#include <cerrno>

#include <linux/capability.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plugins/auth/preemption_kick.h"

namespace pb::auth {
namespace {

// Whether this thread may set its nice value back to `nice` after raising it: lowering nice
// needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (20 - nice <= limit).
bool can_restore_nice(int nice) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NICE, &limit) == 0 &&
      (limit.rlim_cur == RLIM_INFINITY || static_cast<rlim_t>(20 - nice) <= limit.rlim_cur)) {
    return true;
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_TO_INDEX(CAP_SYS_NICE)].effective & CAP_TO_MASK(CAP_SYS_NICE)) != 0;
}

// Runs the calling worker thread at nice 19 for its lifetime, then restores its nice value.
// argon2id is ~50 ms of pure CPU per login; at normal priority, a burst of logins on a small
// machine takes the cores from the event loop and every other request waits. At nice 19 the
// loop thread (nice 0) outweighs a hashing thread ~70 to 1 and is placed on the other core when
// it wakes. Not SCHED_IDLE: a core that runs only an idle-policy thread counts as idle, so a
// waking loop thread is placed on it, and on a kernel with lazy preemption (PREEMPT_LAZY /
// PREEMPT_NONE, Debian's cloud kernels) the hashing thread keeps that core until the next
// scheduler tick: measured on 2 cores with one hash running, users/me p99 3.9 ms under
// SCHED_IDLE (one 250 Hz tick), 0.22-0.27 ms at nice 19, 0.11-0.21 ms with no hash. The worker
// is a shared host thread, so its nice value is changed only when it can be restored (lowering
// nice needs CAP_SYS_NICE or RLIMIT_NICE); otherwise hashing runs at normal priority.
class BackgroundPriority {
 public:
  BackgroundPriority() {
    errno = 0;
    nice_ = getpriority(PRIO_PROCESS, 0);  // this thread (Linux: per-thread nice)
    if (errno != 0 || nice_ >= kBackgroundNice || !can_restore_nice(nice_)) return;
    changed_ = setpriority(PRIO_PROCESS, 0, kBackgroundNice) == 0;
  }
  ~BackgroundPriority() {
    if (changed_) setpriority(PRIO_PROCESS, 0, nice_);
  }
  BackgroundPriority(const BackgroundPriority&) = delete;
  BackgroundPriority& operator=(const BackgroundPriority&) = delete;

 private:
  static constexpr int kBackgroundNice = 19;
  int nice_ = 0;
  bool changed_ = false;
};

}  // namespace

struct PasswordHasher::Job {
  bool is_verify = false;
  std::string password;  // wiped once the worker is done with it
  std::string stored;    // verify: the stored hash; hash: the result
  unsigned long long opslimit = 0;
  size_t memlimit = 0;
  bool ok = false;
  HashDone hash_done;
  VerifyDone verify_done;
  std::optional<sdk::Request> client;  // the request waiting, when there is one

  ~Job() { sodium_memzero(password.data(), password.size()); }

  void run() {  // on a worker thread: touches nothing but this job
    const BackgroundPriority background;
    // A thread woken onto this core gets it within ~1 ms, not at the next 4-ms tick. Not
    // shorter: every 250 us cost 30-55% more CPU per hash (busy box, nice 19), every 1 ms 0-20%
    // for the same users/me tail.
    const PreemptionKick kick(std::chrono::milliseconds(1));
    if (is_verify) {
      ok = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
    } else {
      char out[crypto_pwhash_STRBYTES];
      ok = crypto_pwhash_str(out, password.data(), password.size(), opslimit, memlimit) == 0;
      if (ok) stored = out;
    }
    sodium_memzero(password.data(), password.size());
  }
  void finish() {  // on the loop thread
    if (is_verify) {
      verify_done(ok);
    } else {
      hash_done(ok ? std::optional<std::string>(std::move(stored)) : std::nullopt);
    }
  }
};

PasswordHasher::~PasswordHasher() { PreemptionKick::release_handler(); }

void PasswordHasher::hash(std::string_view password, HashDone done) {
  auto job = std::make_shared<Job>();
  job->password.assign(password);
  switch (cost_) {
    case AuthSettings::HashCost::minimum:
      job->opslimit = crypto_pwhash_OPSLIMIT_MIN;
      job->memlimit = crypto_pwhash_MEMLIMIT_MIN;
      break;
    case AuthSettings::HashCost::moderate:
      job->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
      job->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
      break;
    default:
      job->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
      job->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  }
  job->hash_done = std::move(done);
  submit(std::move(job));
}

void PasswordHasher::verify(std::string_view stored, std::string_view password, VerifyDone done,
                            std::optional<sdk::Request> client) {
  auto job = std::make_shared<Job>();
  job->is_verify = true;
  job->stored.assign(stored);
  job->password.assign(password);
  job->verify_done = std::move(done);
  job->client = client;
  submit(std::move(job));
}

void PasswordHasher::submit(std::shared_ptr<Job> job) {
  queue_.push_back(std::move(job));
  pump();
}

// Asked when the job's turn comes, not when it is queued: a client that waited through the
// queue and left just now is the case that matters (a queue of 20 logins is seconds long).
// Only there: a job already on a worker is left to finish (argon2id cannot be interrupted),
// and its answer is dropped like any other.
bool PasswordHasher::drop_if_client_gone(Job& job) {
  if (!job.client || !host_.peer_gone(*job.client)) return false;
  ++skipped_client_gone_;
  job.client->respond_error(499, "api.context.client_gone.app_error",
                            "The client closed the connection before the request was answered.");
  return true;
}

void PasswordHasher::pump() {
  while (running_ < concurrency_ && !queue_.empty()) {
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    if (drop_if_client_gone(*job)) continue;
    ++running_;
    int rc = host_.queue_work([job] { job->run(); },
                              [this, job] {
                                --running_;
                                job->finish();
                                pump();
                              });
    if (rc != PB_OK) {
      // The host refuses work (stopping). Fail this job from the loop, never re-entrantly.
      --running_;
      job->ok = false;
      if (host_.post_to_loop([job] { job->finish(); }) != PB_OK) {
        host_.warn("password hashing refused: the server is shutting down");
      }
      return;
    }
    ++started_;
  }
}

}  // namespace pb::auth
