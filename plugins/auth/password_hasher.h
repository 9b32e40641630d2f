// argon2id password hashing (libsodium crypto_pwhash_str) off the event loop and out of the
// server's address space: each job runs in a child process at nice 19 (hashing_processes.h, which
// says why), driven from a host worker thread; when no child can be had it runs on the worker
// itself, at nice 19 when the worker can be restored afterwards (see password_hasher.cpp). The
// children end a minute after the last job. With bounded
// concurrency: at most `concurrency` hashes/verifications run on the host's worker threads at
// once (each costs ~64 MiB at the INTERACTIVE limits); the rest wait in a FIFO queue, so memory
// stays bounded however many logins arrive.
//
// Threading: hash()/verify() and every completion run on the loop thread; only the libsodium
// call runs on a worker. Completions are called exactly once, later, never from inside hash()
// or verify(). When the host refuses queue_work (the server is stopping), the job fails (nullopt /
// false) through post_to_loop; if that is refused too, the server is gone and nothing runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>

#include "plugins/auth/hashing_processes.h"
#include "plugins/auth/settings.h"

namespace pb::auth {

class PasswordHasher {
 public:
  using HashDone = std::function<void(std::optional<std::string> hash)>;
  using VerifyDone = std::function<void(bool match)>;

  explicit PasswordHasher(sdk::Host& host)
      : host_(host), processes_(std::make_shared<HashingProcesses>()) {}
  // The idle timer is not stopped here: the hasher lives as long as its plugin, and the host
  // ends a plugin's timers when it stops the plugin (stopping it here again would touch a timer
  // the host has already freed).
  ~PasswordHasher() = default;
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  void configure(int concurrency, AuthSettings::HashCost cost) {
    concurrency_ = concurrency < 1 ? 1 : static_cast<size_t>(concurrency);
    cost_ = cost;
  }

  // A PHC string "$argon2id$v=19$m=...,t=...,p=1$salt$hash", or nullopt (out of memory).
  void hash(std::string_view password, HashDone done);
  // Whether `password` matches `stored` (a string hash() produced). False for a malformed hash.
  void verify(std::string_view stored, std::string_view password, VerifyDone done);

  size_t running() const { return running_; }
  size_t queued() const { return queue_.size(); }
  HashingProcesses& processes() { return *processes_; }

  // How long the hashing children outlive the last job.
  static constexpr uint64_t kIdleCloseMs = 60'000;

 private:
  struct Job;
  void submit(std::shared_ptr<Job> job);
  void pump();
  void arm_idle_close();

  sdk::Host& host_;
  size_t concurrency_ = 2;
  AuthSettings::HashCost cost_ = AuthSettings::HashCost::interactive;
  size_t running_ = 0;
  std::deque<std::shared_ptr<Job>> queue_;
  std::shared_ptr<HashingProcesses> processes_;  // shared with the jobs running on workers
  sdk::Timer idle_timer_;
};

}  // namespace pb::auth
