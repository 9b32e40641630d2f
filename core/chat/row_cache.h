// RowCache<T>: a bounded cache of records parsed from stored rows, keyed by id, each kept with
// the exact bytes it was parsed from.
//
// Why: the loop thread parsed the same user and channel rows again and again (a webhook post
// reads its channel twice and its author once; GET /users/me reads the session's user): ~10% of
// the loop in the webhook profile. A lookup hands the caller the bytes it just read from the
// store; an entry answers only when those bytes are equal to the ones it was parsed from. So an
// entry can never be stale, whoever changed the row (this process, the CLI in another process,
// a plugin's staged write, a migration), and nothing needs to invalidate it.
//
// Without a read at all: an entry also remembers the snapshot (LMDB transaction) it was last
// checked in, and current() answers with it while that is still the newest committed
// transaction (Store::newest_txnid), since no commit, by anyone, has happened since. A webhook's
// three lookups cost ~1.4k instructions each with a read transaction and a B-tree search, ~0.2k
// this way (under load a group commit lands every ~17 requests: the first lookup after it reads).
//
// Bound: at most `capacity` entries; when full, a CLOCK sweep (second chance) replaces an entry
// that was not used since the hand last passed it, so the rows every request touches (a hook's
// channel and author, the signed-in users) stay while one-off lookups cycle through.
// Memory: nothing is allocated until the first entry; the slots are reserved to `capacity` then.
//
// Ownership: an entry owns a copy of its stored bytes and shares the parsed record with the
// callers (std::shared_ptr<const T>): a record handed out stays valid after its entry is replaced
// or evicted. Threading: none; the owner serialises all calls (Repository: its creating thread).
// Errors: none; std::bad_alloc propagates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pb::chat {

template <typename T>
class RowCache {
 public:
  explicit RowCache(std::size_t capacity) noexcept : capacity_(capacity) {}
  // A copy (or an assigned cache) starts empty: the index points into the slots of the object
  // that built it, and the copy may serve another store.
  RowCache(const RowCache& other) noexcept : capacity_(other.capacity_) {}
  RowCache& operator=(const RowCache& other) {
    if (this != &other) {
      index_ = Index();
      slots_ = std::vector<Slot>();
      hand_ = 0;
      capacity_ = other.capacity_;
    }
    return *this;
  }

  // The record stored as `stored` under `id` (read in snapshot `snapshot`; 0: unknown): the
  // cached one when its bytes equal `stored` (no parse, no copy), else parse(stored) (a
  // std::optional<T>), which then replaces the entry. Null when the parse fails; a failed row is
  // not kept.
  template <typename Parse>
  std::shared_ptr<const T> get(std::string_view id, std::string_view stored, Parse&& parse,
                               uint64_t snapshot = 0) {
    if (capacity_ == 0) return parse_uncached(stored, parse);
    auto found = index_.find(id);
    if (found != index_.end()) {
      Slot& slot = slots_[found->second];
      if (slot.stored == stored) {
        slot.referenced = true;
        slot.checked_in = snapshot;
        return slot.value;
      }
    }
    std::optional<T> parsed = parse(stored);
    if (!parsed) {
      if (found != index_.end()) release(found);
      return nullptr;
    }
    auto value = std::make_shared<const T>(std::move(*parsed));
    Slot& slot = found != index_.end() ? slots_[found->second] : claim(id);
    slot.stored.assign(stored);
    slot.value = value;
    slot.referenced = found != index_.end();  // a changed row in use; a new one earns its bit
    slot.checked_in = snapshot;
    return value;
  }

  // The entry of `id` when get() last saw its bytes in snapshot `snapshot` (non-zero): what
  // the store holds in that snapshot, with no read at all. Null otherwise (absent, or checked
  // in another snapshot: then read the row and call get()).
  std::shared_ptr<const T> current(std::string_view id, uint64_t snapshot) {
    if (snapshot == 0) return nullptr;
    auto found = index_.find(id);
    if (found == index_.end()) return nullptr;
    Slot& slot = slots_[found->second];
    if (slot.checked_in != snapshot) return nullptr;
    slot.referenced = true;
    return slot.value;
  }

  // Drops the entry of `id` (a row found absent), so a deleted row holds no memory.
  void forget(std::string_view id) {
    auto found = index_.find(id);
    if (found != index_.end()) release(found);
  }

  // What get() answers without a cache (capacity 0, or a thread that is not the owner's).
  template <typename Parse>
  static std::shared_ptr<const T> parse_uncached(std::string_view stored, Parse&& parse) {
    std::optional<T> parsed = parse(stored);
    return parsed ? std::make_shared<const T>(std::move(*parsed)) : nullptr;
  }

  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Slot {
    std::string id;      // the index's key views these bytes: never reassigned while indexed
    std::string stored;  // the bytes `value` was parsed from
    std::shared_ptr<const T> value;  // null: a free slot
    bool referenced = false;         // used since the clock hand last passed
    uint64_t checked_in = 0;         // the snapshot `stored` was last read in (0: none)
  };
  using Index = std::unordered_map<std::string_view, uint32_t>;

  // A slot for the new entry `id`, indexed: a never-used one while there are, else the CLOCK
  // victim (a free slot, or the first one not referenced since the hand's last pass).
  Slot& claim(std::string_view id) {
    if (slots_.empty()) {
      slots_.reserve(capacity_);  // never reallocated: keys and callers keep pointing into it
      index_.reserve(capacity_);
    }
    uint32_t at;
    if (slots_.size() < capacity_) {
      at = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      for (;;) {
        at = static_cast<uint32_t>(hand_);
        hand_ = (hand_ + 1) % capacity_;
        Slot& candidate = slots_[at];
        if (!candidate.value) break;
        if (!candidate.referenced) {
          index_.erase(candidate.id);
          break;
        }
        candidate.referenced = false;
      }
    }
    Slot& slot = slots_[at];
    slot.id.assign(id);
    index_.emplace(slot.id, at);
    return slot;
  }

  void release(typename Index::iterator found) {
    Slot& slot = slots_[found->second];
    index_.erase(found);
    slot.value.reset();
    slot.referenced = false;
    slot.checked_in = 0;
    slot.stored.clear();
    slot.stored.shrink_to_fit();
  }

  std::vector<Slot> slots_;
  Index index_;
  std::size_t hand_ = 0;
  std::size_t capacity_;
};

}  // namespace pb::chat
