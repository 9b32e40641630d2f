// The bump arena parsed documents live in (json_arena.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plugins/attachments/json_arena.h"

namespace pb::attachments {
namespace {

struct Node {
  uint64_t a;
  char b;
};

TEST(JsonArena, CopiesKeepTheirContentAndAlignment) {
  JsonArena arena;
  std::string_view s = arena.copy(std::string_view("abc"));
  const Node nodes[] = {{1, 'x'}, {2, 'y'}};
  const Node* copied = arena.copy(nodes, 2);
  std::string_view t = arena.copy(std::string_view("de"));
  EXPECT_EQ(s, "abc");
  EXPECT_EQ(t, "de");
  ASSERT_NE(copied, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(copied) % alignof(Node), 0u);
  EXPECT_EQ(copied[0].a, 1u);
  EXPECT_EQ(copied[1].b, 'y');
  EXPECT_TRUE(arena.copy(std::string_view()).empty());
  EXPECT_EQ(arena.copy(nodes, 0), nullptr);
}

// Requests larger than a block get a block of their own; the standard block keeps being filled.
TEST(JsonArena, OversizedRequestsAndManyBlocksKeepEveryCopy) {
  JsonArena arena;
  std::string_view small = arena.copy(std::string_view("first"));
  std::string big(JsonArena::kBlockSize * 3, 'b');
  std::string_view big_copy = arena.copy(big);
  std::string_view after = arena.copy(std::string_view("second"));
  // Past several standard blocks.
  std::string chunk(JsonArena::kBlockSize / 3, 'c');
  std::vector<std::string_view> chunks;
  for (int i = 0; i < 10; ++i) {
    chunk[0] = static_cast<char>('0' + i);
    chunks.push_back(arena.copy(chunk));
  }
  EXPECT_EQ(small, "first");
  EXPECT_EQ(big_copy, big);
  EXPECT_EQ(after, "second");
  // "second" went into the block "first" is in: an oversized block does not end the current one.
  EXPECT_EQ(after.data(), small.data() + small.size());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(chunks[i][0], '0' + i);
    EXPECT_EQ(chunks[i].substr(1), chunk.substr(1));
  }
}

// Standard blocks go back to the thread's cache (up to kCachedBlocks), oversized ones are freed;
// moving an arena moves its blocks (given back once).
TEST(JsonArena, BlocksReturnToTheThreadCacheUpToItsBound) {
  {
    JsonArena arena;
    arena.copy(std::string(JsonArena::kBlockSize * 2, 'o'));  // oversized: never cached
    for (size_t i = 0; i < JsonArena::kCachedBlocks + 4; ++i) {
      arena.copy(std::string(JsonArena::kBlockSize - 8, 'f'));  // one standard block each
    }
    EXPECT_EQ(JsonArena::cached_blocks(), 0u);
    JsonArena moved = std::move(arena);
    JsonArena assigned;
    assigned = std::move(moved);
  }
  EXPECT_EQ(JsonArena::cached_blocks(), JsonArena::kCachedBlocks);
}

}  // namespace
}  // namespace pb::attachments
