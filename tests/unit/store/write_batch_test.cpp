// WriteBatch on its own: what reserve() promises (room, nothing added) and that a reserved batch
// holds exactly what an unreserved one does.
#include "store/write_batch.h"

#include <gtest/gtest.h>

#include <string>

#include "patchbay/plugin.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

TEST(WriteBatch, ReserveAddsNoMutationAndKeepsTheContents) {
  WriteBatch plain, reserved;
  ASSERT_EQ(plain.insert(Table::posts, "p1", "row"), PB_OK);
  ASSERT_EQ(reserved.insert(Table::posts, "p1", "row"), PB_OK);
  reserved.reserve(2, 4096);
  EXPECT_EQ(reserved.size(), 1u);
  ASSERT_EQ(plain.put(Table::channel_posts, std::string(60, 'k'), ""), PB_OK);
  ASSERT_EQ(reserved.put(Table::channel_posts, std::string(60, 'k'), ""), PB_OK);
  testing::expect_same(plain, reserved);
  EXPECT_EQ(reserved.status(), PB_OK);
}

TEST(WriteBatch, ReservedRoomTakesTheMutationsWithoutMovingTheBytes) {
  WriteBatch batch;
  batch.reserve(2, 1000);
  ASSERT_EQ(batch.insert(Table::posts, "id", std::string(900, 'v')), PB_OK);
  const char* first_key = batch.key(batch.mutations()[0]).data();
  ASSERT_EQ(batch.put(Table::channel_posts, std::string(90, 'k'), ""), PB_OK);
  // Within the reservation: the first mutation's bytes did not move.
  EXPECT_EQ(batch.key(batch.mutations()[0]).data(), first_key);
  EXPECT_EQ(batch.value(batch.mutations()[0]), std::string(900, 'v'));
}

}  // namespace
}  // namespace pb::store
