// argon2id password hashing (libsodium crypto_pwhash_str) off the event loop, at nice 19 when the
// worker can be restored afterwards (see password_hasher.cpp), with bounded
// concurrency: at most `concurrency` hashes/verifications run on the host's worker threads at
// once (each costs ~64 MiB at the INTERACTIVE limits); the rest wait in a FIFO queue, so memory
// stays bounded however many logins arrive.
//
// A job done for a request whose client left (a login abandoned by its client, or by an
// attacker who opens logins and hangs up) is not run when it reaches the front of the queue:
// its request is answered at once (the host drops the answer) and its completion never runs.
// Hosts older than ABI minor 6 cannot tell (Host::peer_gone is false): every job is run.
//
// Threading: hash()/verify() and every completion run on the loop thread; only the libsodium
// call runs on a worker. Completions are called exactly once, later, never from inside hash()
// or verify(). When the host refuses queue_work (the server is stopping), the job fails (nullopt /
// false) through post_to_loop; if that is refused too, the server is gone and nothing runs.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>

#include "plugins/auth/settings.h"

namespace pb::auth {

class PasswordHasher {
 public:
  using HashDone = std::function<void(std::optional<std::string> hash)>;
  using VerifyDone = std::function<void(bool match)>;

  explicit PasswordHasher(sdk::Host& host) : host_(host) {}
  // Only once no job runs (the host waits for plugin work before destroying a plugin): puts
  // back SIGURG's default, whose handler the jobs' preemption kicks installed in this library.
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  void configure(int concurrency, AuthSettings::HashCost cost) {
    concurrency_ = concurrency < 1 ? 1 : static_cast<size_t>(concurrency);
    cost_ = cost;
  }

  // A PHC string "$argon2id$v=19$m=...,t=...,p=1$salt$hash", or nullopt (out of memory).
  void hash(std::string_view password, HashDone done);
  // Whether `password` matches `stored` (a string hash() produced). False for a malformed hash.
  // `client`: the request waiting for the answer. If its client is gone when the job's turn
  // comes, the hash is not computed, `done` is never called, and `client` is answered 499
  // api.context.client_gone.app_error (dropped by the host; the status keeps such answers
  // apart in the request metrics).
  void verify(std::string_view stored, std::string_view password, VerifyDone done,
              std::optional<sdk::Request> client = std::nullopt);

  size_t running() const { return running_; }
  size_t queued() const { return queue_.size(); }
  // Jobs handed to a worker, and jobs dropped because their client was gone, since creation.
  uint64_t started() const { return started_; }
  uint64_t skipped_client_gone() const { return skipped_client_gone_; }

 private:
  struct Job;
  void submit(std::shared_ptr<Job> job);
  void pump();
  // True (and the job's request answered) when nobody waits for `job` any more.
  bool drop_if_client_gone(Job& job);

  sdk::Host& host_;
  size_t concurrency_ = 2;
  AuthSettings::HashCost cost_ = AuthSettings::HashCost::interactive;
  size_t running_ = 0;
  uint64_t started_ = 0;
  uint64_t skipped_client_gone_ = 0;
  std::deque<std::shared_ptr<Job>> queue_;
};

}  // namespace pb::auth
