// Limiter: GCRA (gcra.h) per key over an LRU of keys (lru_store.h) — the whole rate limiter
// without HTTP. The caller supplies the time, so tests drive it with their own clock.
//
// Threading: none; one owner (the loop thread).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/ratelimit/gcra.h"
#include "core/ratelimit/lru_store.h"

namespace pb::ratelimit {

class Limiter {
 public:
  // `keys` >= 1: how many keys are remembered (RateLimitSettings.MemoryStoreSize).
  Limiter(Quota quota, size_t keys) : quota_(quota), store_(keys) {}

  // One request for `key` at `now_ns` (any monotonic clock, the same for every call).
  // Allocates nothing for a key already remembered.
  Decision take(std::string_view key, int64_t now_ns) {
    return gcra_take(quota_, store_.slot(key, kNoTat), now_ns);
  }

  const Quota& quota() const { return quota_; }
  const TatStore& store() const { return store_; }

 private:
  Quota quota_;
  TatStore store_;
};

}  // namespace pb::ratelimit
