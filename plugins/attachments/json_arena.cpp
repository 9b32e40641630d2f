#include "plugins/attachments/json_arena.h"

#include <cstdint>
#include <new>
#include <utility>

namespace pb::attachments {
namespace detail {

// A block's header; its usable bytes follow it (the header's alignment keeps them max-aligned).
struct alignas(std::max_align_t) JsonArenaBlock {
  JsonArenaBlock* next;
  size_t capacity;

  std::byte* data() { return reinterpret_cast<std::byte*>(this + 1); }

  static JsonArenaBlock* create(size_t capacity) {
    auto* b = static_cast<JsonArenaBlock*>(::operator new(sizeof(JsonArenaBlock) + capacity));
    b->next = nullptr;
    b->capacity = capacity;
    return b;
  }
  static void destroy(JsonArenaBlock* b) noexcept { ::operator delete(b); }
};

}  // namespace detail

namespace {

using Block = detail::JsonArenaBlock;

// The calling thread's spare blocks of kBlockSize bytes, most recently returned first.
// Thread-local, so taking and returning a block needs no lock; freed when the thread ends.
class BlockCache {
 public:
  static BlockCache& mine() {
    thread_local BlockCache cache;
    return cache;
  }
  BlockCache() = default;
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;
  ~BlockCache() {
    while (head_ != nullptr) Block::destroy(std::exchange(head_, head_->next));
  }

  Block* take() {
    if (head_ == nullptr) return nullptr;
    Block* b = std::exchange(head_, head_->next);
    b->next = nullptr;
    --count_;
    return b;
  }
  // Keeps `b` if it is a standard block and the cache has room; frees it otherwise.
  void give(Block* b) noexcept {
    if (b->capacity != JsonArena::kBlockSize || count_ >= JsonArena::kCachedBlocks) {
      Block::destroy(b);
      return;
    }
    b->next = head_;
    head_ = b;
    ++count_;
  }
  size_t count() const { return count_; }

 private:
  Block* head_ = nullptr;
  size_t count_ = 0;
};

}  // namespace

JsonArena::JsonArena(JsonArena&& other) noexcept
    : blocks_(std::exchange(other.blocks_, nullptr)),
      next_(std::exchange(other.next_, nullptr)),
      end_(std::exchange(other.end_, nullptr)) {}

JsonArena& JsonArena::operator=(JsonArena&& other) noexcept {
  if (this != &other) {
    release();
    blocks_ = std::exchange(other.blocks_, nullptr);
    next_ = std::exchange(other.next_, nullptr);
    end_ = std::exchange(other.end_, nullptr);
  }
  return *this;
}

JsonArena::~JsonArena() { release(); }

void JsonArena::release() noexcept {
  BlockCache& cache = BlockCache::mine();
  while (blocks_ != nullptr) cache.give(std::exchange(blocks_, blocks_->next));
  next_ = end_ = nullptr;
}

size_t JsonArena::cached_blocks() { return BlockCache::mine().count(); }

void* JsonArena::allocate(size_t size, size_t align) {
  if (next_ != nullptr) {
    auto at = reinterpret_cast<uintptr_t>(next_);
    uintptr_t aligned = (at + align - 1) & ~(static_cast<uintptr_t>(align) - 1);
    if (aligned <= reinterpret_cast<uintptr_t>(end_) &&
        size <= reinterpret_cast<uintptr_t>(end_) - aligned) {
      next_ = reinterpret_cast<std::byte*>(aligned + size);
      return reinterpret_cast<void*>(aligned);
    }
  }
  return allocate_in_new_block(size, align);
}

// The current block is full. A request larger than a standard block gets a block of its own,
// linked behind the current one (whose free space stays in use); otherwise a cached (or new)
// standard block becomes the current one and what is left of the old one is not used again.
void* JsonArena::allocate_in_new_block(size_t size, size_t align) {
  // A block's data is max-aligned: `align` (at most that) needs no padding at its start.
  static_assert(alignof(Block) == alignof(std::max_align_t));
  (void)align;
  if (size > kBlockSize) {
    Block* own = Block::create(size);
    if (blocks_ == nullptr) {
      blocks_ = own;
    } else {
      own->next = blocks_->next;
      blocks_->next = own;
    }
    return own->data();
  }
  Block* b = BlockCache::mine().take();
  if (b == nullptr) b = Block::create(kBlockSize);
  b->next = blocks_;
  blocks_ = b;
  next_ = b->data() + size;
  end_ = b->data() + b->capacity;
  return b->data();
}

}  // namespace pb::attachments
