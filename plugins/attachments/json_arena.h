// Bump allocation for one parsed JSON document (json_value.h): its node arrays and the strings
// that had to be decoded live here, and all of it is released at once with the document.
//
// Why: the attachments plugin parses a webhook's attachments.process request on the loop thread
// for every request. With a std::string per decoded string and a std::vector per container, that
// was a dozen heap calls per request, some past glibc's thread-cache sizes (malloc_consolidate on
// every request). The arena takes its memory in blocks from a per-thread cache and gives them
// back to it when destroyed, so a thread parsing one document after another reaches a steady
// state with no heap call at all.
//
// Ownership: the arena owns its blocks; pointers it hands out stay valid (blocks never move) until
// it is destroyed. Movable, not copyable.
// Threading: one arena is used by one thread at a time. The block cache is per thread: an arena
// destroyed on another thread than the one that filled it gives its blocks to that other thread.
// Do not keep an arena (or a JsonDocument) in static storage: at exit it would be destroyed after
// the thread's cache.
// Errors: allocation failure throws std::bad_alloc (the only exception).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>

namespace pb::attachments {

namespace detail {
struct JsonArenaBlock;  // json_arena.cpp
}

class JsonArena {
 public:
  // Blocks of this size are cached per thread (up to kCachedBlocks); a request larger than a
  // block gets a block of its own size, freed with the arena. 8 KiB holds a typical Slack
  // payload's whole tree (a few dozen nodes) in one block.
  static constexpr size_t kBlockSize = 8 * 1024;
  static constexpr size_t kCachedBlocks = 8;

  JsonArena() = default;
  JsonArena(JsonArena&& other) noexcept;
  JsonArena& operator=(JsonArena&& other) noexcept;
  JsonArena(const JsonArena&) = delete;
  JsonArena& operator=(const JsonArena&) = delete;
  ~JsonArena();

  // A copy of `items[0, n)` in the arena (trivially copyable types only: nothing is destroyed).
  template <typename T>
  const T* copy(const T* items, size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (n == 0) return nullptr;
    T* copied = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
    std::uninitialized_copy(items, items + n, copied);
    return copied;
  }

  // A copy of `s` in the arena.
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    void* p = allocate(s.size(), 1);
    std::memcpy(p, s.data(), s.size());
    return {static_cast<const char*>(p), s.size()};
  }

  // Blocks this thread keeps for the next arenas (for tests).
  static size_t cached_blocks();

 private:
  using Block = detail::JsonArenaBlock;

  void* allocate(size_t size, size_t align);
  void* allocate_in_new_block(size_t size, size_t align);
  void release() noexcept;

  Block* blocks_ = nullptr;  // the current block first, then the filled ones
  std::byte* next_ = nullptr;
  std::byte* end_ = nullptr;
};

}  // namespace pb::attachments
