#include "core/ratelimit/lru_store.h"

#include <algorithm>
#include <functional>

namespace pb::ratelimit {
namespace {

constexpr size_t kInitialBuckets = 64;

size_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }

}  // namespace

TatStore::TatStore(size_t capacity)
    : capacity_(std::clamp<size_t>(capacity, 1, UINT32_MAX - 1)), buckets_(kInitialBuckets, kNil) {
  // Small stores are allocated whole up front; big ones grow as keys arrive, so a server
  // configured for millions of keys does not pay for them before it sees them.
  nodes_.reserve(std::min<size_t>(capacity_, 1024));
}

uint32_t TatStore::find(std::string_view key, size_t hash) const {
  for (uint32_t i = buckets_[hash & (buckets_.size() - 1)]; i != kNil; i = nodes_[i].bucket_next) {
    if (nodes_[i].hash == hash && nodes_[i].key == key) return i;
  }
  return kNil;
}

bool TatStore::contains(std::string_view key) const { return find(key, hash_of(key)) != kNil; }

int64_t& TatStore::slot(std::string_view key, int64_t initial, bool* inserted) {
  const size_t hash = hash_of(key);
  uint32_t i = find(key, hash);
  if (i != kNil) {
    if (i != newest_) {
      unlink_recency(i);
      push_newest(i);
    }
    if (inserted != nullptr) *inserted = false;
    return nodes_[i].value;
  }

  if (size_ == capacity_) {
    i = oldest_;  // forget the least recently used key and reuse its node
    unlink_recency(i);
    unlink_bucket(i);
  } else {
    i = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    ++size_;
    if (size_ > buckets_.size()) grow_buckets();  // keeps chains at about one node
  }
  Node& n = nodes_[i];
  n.key.assign(key);
  n.hash = hash;
  n.value = initial;
  link_bucket(i);
  push_newest(i);
  if (inserted != nullptr) *inserted = true;
  return n.value;
}

void TatStore::unlink_recency(uint32_t i) {
  Node& n = nodes_[i];
  if (n.newer != kNil)
    nodes_[n.newer].older = n.older;
  else
    newest_ = n.older;
  if (n.older != kNil)
    nodes_[n.older].newer = n.newer;
  else
    oldest_ = n.newer;
  n.newer = n.older = kNil;
}

void TatStore::push_newest(uint32_t i) {
  Node& n = nodes_[i];
  n.older = newest_;
  n.newer = kNil;
  if (newest_ != kNil)
    nodes_[newest_].newer = i;
  else
    oldest_ = i;
  newest_ = i;
}

void TatStore::unlink_bucket(uint32_t i) {
  uint32_t* link = &buckets_[nodes_[i].hash & (buckets_.size() - 1)];
  while (*link != i) link = &nodes_[*link].bucket_next;
  *link = nodes_[i].bucket_next;
  nodes_[i].bucket_next = kNil;
}

void TatStore::link_bucket(uint32_t i) {
  uint32_t& head = buckets_[nodes_[i].hash & (buckets_.size() - 1)];
  nodes_[i].bucket_next = head;
  head = i;
}

void TatStore::grow_buckets() {
  buckets_.assign(buckets_.size() * 2, kNil);
  // Every node in use is in the recency list; the one being inserted is linked by the caller.
  for (uint32_t i = newest_; i != kNil; i = nodes_[i].older) link_bucket(i);
}

}  // namespace pb::ratelimit
