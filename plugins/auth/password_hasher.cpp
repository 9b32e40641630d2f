#include "plugins/auth/password_hasher.h"

#include <sodium.h>

namespace pb::auth {

struct PasswordHasher::Job {
  bool is_verify = false;
  std::string password;  // wiped once the worker is done with it
  std::string stored;    // verify: the stored hash; hash: the result
  unsigned long long opslimit = 0;
  size_t memlimit = 0;
  bool ok = false;
  HashDone hash_done;
  VerifyDone verify_done;

  ~Job() { sodium_memzero(password.data(), password.size()); }

  void run() {  // on a worker thread: touches nothing but this job
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

void PasswordHasher::verify(std::string_view stored, std::string_view password, VerifyDone done) {
  auto job = std::make_shared<Job>();
  job->is_verify = true;
  job->stored.assign(stored);
  job->password.assign(password);
  job->verify_done = std::move(done);
  submit(std::move(job));
}

void PasswordHasher::submit(std::shared_ptr<Job> job) {
  queue_.push_back(std::move(job));
  pump();
}

void PasswordHasher::pump() {
  while (running_ < concurrency_ && !queue_.empty()) {
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
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
  }
}

}  // namespace pb::auth
