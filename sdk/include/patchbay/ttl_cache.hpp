// A small bounded map whose entries expire: for what a plugin (or the core) looks up often and
// may serve slightly stale for a short while — a team's name, a host name's addresses.
//
// Each entry has its own expiry (absolute milliseconds of whatever monotonic clock the caller
// uses; the cache reads no clock, so tests pass the time). find() drops an expired entry it
// meets. Inserting a new key into a full cache first drops the expired entries, then the entry
// that expires first: a scan, but only when full, and such caches hold a few hundred keys.
// Lookups take a std::string_view and allocate nothing.
//
// Header-only. Threading: one thread (no locking). Errors: none; find() answers nullptr.
// Pointers returned stay valid until the next put() or clear().
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace pb::sdk {

template <typename Value>
class TtlCache {
 public:
  // max_entries 0: a cache that keeps nothing.
  explicit TtlCache(size_t max_entries) : max_entries_(max_entries) {}

  // The live value under `key`, or nullptr (never stored, or expired at `now_ms`: then dropped).
  Value* find(std::string_view key, uint64_t now_ms) {
    auto it = slots_.find(key);
    if (it == slots_.end()) return nullptr;
    if (it->second.expires_ms <= now_ms) {
      slots_.erase(it);
      return nullptr;
    }
    return &it->second.value;
  }

  // Stores `value` under `key` until `expires_ms` (replacing what was there). Returns the stored
  // value, or nullptr when the cache keeps nothing (max_entries 0).
  Value* put(std::string_view key, Value value, uint64_t expires_ms, uint64_t now_ms) {
    if (max_entries_ == 0) return nullptr;
    auto it = slots_.find(key);
    if (it == slots_.end()) {
      make_room(now_ms);
      it = slots_.emplace(std::string(key), Slot{std::move(value), expires_ms}).first;
    } else {
      it->second = Slot{std::move(value), expires_ms};
    }
    return &it->second.value;
  }

  size_t size() const { return slots_.size(); }
  void clear() { slots_.clear(); }

 private:
  struct Slot {
    Value value;
    uint64_t expires_ms;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  void make_room(uint64_t now_ms) {
    if (slots_.size() < max_entries_) return;
    std::erase_if(slots_, [&](const auto& s) { return s.second.expires_ms <= now_ms; });
    if (slots_.size() < max_entries_) return;
    auto first_to_expire = std::min_element(slots_.begin(), slots_.end(), [](const auto& a, const auto& b) {
      return a.second.expires_ms < b.second.expires_ms;
    });
    slots_.erase(first_to_expire);
  }

  size_t max_entries_;
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots_;
};

}  // namespace pb::sdk
