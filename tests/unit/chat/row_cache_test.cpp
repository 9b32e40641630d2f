// RowCache on its own: a hit needs equal bytes, a change re-parses, the bound holds under churn,
// and the CLOCK sweep keeps what is used while one-off entries cycle through.
#include "core/chat/row_cache.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace pb::chat {
namespace {

struct Record {
  std::string text;
};

// A parser that counts its calls and refuses "bad".
struct CountingParse {
  int* calls;
  std::optional<Record> operator()(std::string_view stored) const {
    ++*calls;
    if (stored == "bad") return std::nullopt;
    return Record{std::string(stored)};
  }
};

class RowCacheTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Record> get(RowCache<Record>& cache, std::string_view id,
                                    std::string_view stored) {
    return cache.get(id, stored, CountingParse{&parses_});
  }
  int parses_ = 0;
};

TEST_F(RowCacheTest, EqualBytesAreAHitWithoutAParse) {
  RowCache<Record> cache(4);
  auto first = get(cache, "id1", "v1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text, "v1");
  auto again = get(cache, "id1", std::string("v1"));  // equal bytes, another buffer
  EXPECT_EQ(again.get(), first.get());
  EXPECT_EQ(parses_, 1);
  EXPECT_EQ(cache.size(), 1u);
}

// current(): the entry answers without its bytes only in the snapshot get() last saw them in.
TEST_F(RowCacheTest, AnEntryIsCurrentOnlyInTheSnapshotItWasLastCheckedIn) {
  RowCache<Record> cache(4);
  EXPECT_FALSE(cache.current("id1", 7));  // absent
  auto first = cache.get("id1", "v1", CountingParse{&parses_}, 7);
  EXPECT_EQ(cache.current("id1", 7).get(), first.get());
  EXPECT_FALSE(cache.current("id1", 8));  // a later commit: the row must be read again
  EXPECT_FALSE(cache.current("id1", 0));  // 0 is "unknown", never a match
  // Read again in snapshot 8, same bytes: a hit, now current in 8 (and no longer in 7).
  EXPECT_EQ(cache.get("id1", "v1", CountingParse{&parses_}, 8).get(), first.get());
  EXPECT_EQ(cache.current("id1", 8).get(), first.get());
  EXPECT_FALSE(cache.current("id1", 7));
  // Changed in snapshot 9: the new record is current in 9.
  auto changed = cache.get("id1", "v2", CountingParse{&parses_}, 9);
  EXPECT_EQ(cache.current("id1", 9)->text, "v2");
  EXPECT_EQ(parses_, 2);
  // Read without a snapshot (0): nothing is current any more.
  get(cache, "id1", "v2");
  EXPECT_FALSE(cache.current("id1", 9));
  // Forgotten (found absent): never current.
  cache.get("id1", "v2", CountingParse{&parses_}, 10);
  cache.forget("id1");
  EXPECT_FALSE(cache.current("id1", 10));
}

TEST_F(RowCacheTest, ChangedBytesAreParsedAgainAndReplaceTheEntry) {
  RowCache<Record> cache(4);
  auto before = get(cache, "id1", "v1");
  auto after = get(cache, "id1", "v2");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->text, "v2");
  EXPECT_EQ(before->text, "v1");  // what a caller holds stays valid and unchanged
  EXPECT_EQ(parses_, 2);
  EXPECT_EQ(get(cache, "id1", "v2").get(), after.get());
  EXPECT_EQ(get(cache, "id1", "v1")->text, "v1");  // back to the old bytes: parsed, not guessed
  EXPECT_EQ(parses_, 3);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(RowCacheTest, AFailedParseIsNotKeptAndDropsTheOldEntry) {
  RowCache<Record> cache(4);
  get(cache, "id1", "v1");
  EXPECT_FALSE(get(cache, "id1", "bad"));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(get(cache, "id1", "bad"));
  EXPECT_EQ(parses_, 3);  // refused rows are parsed (and refused) every time
}

TEST_F(RowCacheTest, ForgetDropsTheEntry) {
  RowCache<Record> cache(4);
  get(cache, "id1", "v1");
  get(cache, "id2", "v2");
  cache.forget("id1");
  cache.forget("unknown");
  EXPECT_EQ(cache.size(), 1u);
  get(cache, "id1", "v1");
  EXPECT_EQ(parses_, 3);
  get(cache, "id2", "v2");
  EXPECT_EQ(parses_, 3);
}

TEST_F(RowCacheTest, ChurnNeverExceedsTheBoundAndEveryAnswerIsRight) {
  RowCache<Record> cache(8);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) {
      std::string id = "id" + std::to_string(i);
      std::string value = "value" + std::to_string(i * 7 + round);
      auto got = get(cache, id, value);
      ASSERT_TRUE(got);
      EXPECT_EQ(got->text, value);
      EXPECT_LE(cache.size(), 8u);
    }
  }
  EXPECT_EQ(cache.size(), 8u);
  EXPECT_EQ(parses_, 300);  // every lookup missed: values changed each round, ids cycled
}

TEST_F(RowCacheTest, TheClockKeepsEntriesInUse) {
  RowCache<Record> cache(4);
  for (const char* id : {"a", "b", "c", "d"}) get(cache, id, id);
  get(cache, "a", "a");  // a is used again: its second chance
  get(cache, "e", "e");  // full: the hand passes a (clearing its bit) and takes b
  EXPECT_EQ(parses_, 5);
  get(cache, "a", "a");
  EXPECT_EQ(parses_, 5);  // a stayed
  get(cache, "b", "b");
  EXPECT_EQ(parses_, 6);  // b was the one evicted (b now takes c's slot)
  get(cache, "d", "d");
  get(cache, "e", "e");
  EXPECT_EQ(parses_, 6);
  get(cache, "c", "c");
  EXPECT_EQ(parses_, 7);
  EXPECT_EQ(cache.size(), 4u);
}

TEST_F(RowCacheTest, ForgottenSlotsAreReusedOnceFull) {
  RowCache<Record> cache(2);
  get(cache, "a", "a");
  get(cache, "b", "b");
  cache.forget("a");
  get(cache, "c", "c");  // takes the free slot: b stays
  EXPECT_EQ(cache.size(), 2u);
  get(cache, "b", "b");
  EXPECT_EQ(parses_, 3);
}

TEST_F(RowCacheTest, CapacityZeroParsesEveryTime) {
  RowCache<Record> cache(0);
  EXPECT_EQ(get(cache, "a", "a")->text, "a");
  EXPECT_EQ(get(cache, "a", "a")->text, "a");
  EXPECT_EQ(parses_, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(RowCacheTest, ACopyStartsEmpty) {
  RowCache<Record> cache(4);
  get(cache, "a", "a");
  RowCache<Record> copy(cache);
  EXPECT_EQ(copy.size(), 0u);
  EXPECT_EQ(copy.capacity(), 4u);
  get(copy, "a", "a");
  EXPECT_EQ(parses_, 2);
  get(cache, "a", "a");  // the original is untouched
  EXPECT_EQ(parses_, 2);
}

}  // namespace
}  // namespace pb::chat
