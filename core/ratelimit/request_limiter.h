// RequestLimiter: RateLimitSettings applied to HTTP requests, as Mattermost wraps its whole
// router (wire spec §8, decisions.md "429 body"). Every request that passes through gets
//   X-Ratelimit-Limit, X-Ratelimit-Remaining, X-Ratelimit-Reset
// and a limited one is answered here: 429, Content-Type "text/plain; charset=utf-8", body
// "limit exceeded\n", Retry-After, X-Content-Type-Options: nosniff.
//
// Usage (the server's dispatch, before routing):
//   auto limiter = ratelimit::RequestLimiter::from_config(config);  // nullptr when disabled
//   if (limiter && !limiter->admit(request, uv_hrtime())) return;   // already answered (429)
//
// Cost per request: the key is built in a reused buffer and looked up in an O(1) LRU; header
// values are formatted on the stack. Nothing is allocated for a key already remembered.
//
// Threading: loop thread only (one instance per server, not synchronised).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/config/config.h"
#include "core/ratelimit/limiter.h"
#include "core/ratelimit/request_key.h"

namespace pb::http {
class Request;
}

namespace pb::ratelimit {

class RequestLimiter {
 public:
  // nullptr when RateLimitSettings.Enable is false. Values are the config's, already checked
  // (PerSec >= 1, MaxBurst >= 0, MemoryStoreSize >= 1). shared_ptr: a dispatch std::function
  // that captures it must stay copyable.
  static std::shared_ptr<RequestLimiter> from_config(const config::Config& config);

  RequestLimiter(Quota quota, size_t keys, KeyOptions options);

  // Counts `request` at `now_ns` (a monotonic clock in nanoseconds, e.g. uv_hrtime()) and adds
  // the X-Ratelimit-* headers. True: go on and handle it. False: it was limited and has been
  // answered with 429; do not touch it again.
  bool admit(http::Request& request, int64_t now_ns);

  // Mattermost's second pass under VaryByUser: once the session is known, the request is also
  // counted under its user id (so one user's many tokens share a budget), adding a second set of
  // X-Ratelimit-* headers as Mattermost does. Returns true without counting when VaryByUser is
  // off or `user_id` is empty. Same contract as admit() otherwise.
  bool admit_user(http::Request& request, std::string_view user_id, int64_t now_ns);

  // The key admit() uses for `request` (tests and logs).
  std::string_view key_of(const http::Request& request);

  const Limiter& limiter() const { return limiter_; }

 private:
  bool count(http::Request& request, std::string_view key, int64_t now_ns);

  Limiter limiter_;
  KeyOptions options_;
  std::string key_;  // reused for every request: keeps its capacity
};

}  // namespace pb::ratelimit
