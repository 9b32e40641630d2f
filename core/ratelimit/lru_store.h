// TatStore: the limiter's memory, a fixed-capacity LRU map from key text to one int64 (the
// key's GCRA theoretical arrival time), like throttled's memstore of MemoryStoreSize keys.
//
// Cost: lookup, insert and eviction are O(1) (chained hash buckets + an intrusive doubly linked
// recency list, both over indices into one node array). A lookup of a known key allocates
// nothing. A new key reuses the evicted node, and its string buffer, once the store is full; it
// only allocates while the store is still growing toward capacity (node array, buckets, key
// text longer than any the reused node held before).
//
// Threading: none; one owner (the loop thread). Not copyable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pb::ratelimit {

class TatStore {
 public:
  // capacity >= 1 (clamped): the number of keys remembered; the least recently used is forgotten.
  explicit TatStore(size_t capacity);
  TatStore(const TatStore&) = delete;
  TatStore& operator=(const TatStore&) = delete;

  // The value slot of `key`, which becomes the most recently used. A key not present is inserted
  // with `initial` (evicting the least recently used key when full) and `*inserted` set true.
  // The reference stays valid until the next call to slot().
  int64_t& slot(std::string_view key, int64_t initial, bool* inserted = nullptr);

  // Whether `key` is remembered, without changing its recency (tests, diagnostics).
  bool contains(std::string_view key) const;
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

 private:
  static constexpr uint32_t kNil = UINT32_MAX;

  struct Node {
    std::string key;
    size_t hash = 0;
    int64_t value = 0;
    uint32_t bucket_next = kNil;  // next node in the same hash bucket
    uint32_t newer = kNil;        // recency list, toward the most recently used
    uint32_t older = kNil;        // recency list, toward the least recently used
  };

  uint32_t find(std::string_view key, size_t hash) const;
  void unlink_recency(uint32_t i);
  void push_newest(uint32_t i);
  void unlink_bucket(uint32_t i);
  void link_bucket(uint32_t i);
  void grow_buckets();

  size_t capacity_;
  size_t size_ = 0;
  std::vector<Node> nodes_;        // size() == number of nodes ever used (<= capacity_)
  std::vector<uint32_t> buckets_;  // heads; size is a power of two
  uint32_t newest_ = kNil;
  uint32_t oldest_ = kNil;
};

}  // namespace pb::ratelimit
