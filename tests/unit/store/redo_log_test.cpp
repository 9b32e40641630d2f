// The redo log (store/redo_log.h): its record format, and recovery at Store::open of groups
// acknowledged before their meta page was durable. A machine crash is simulated by writing the
// record of a transaction that never committed, which is the state such a crash leaves: LMDB
// at the previous transaction, the group's record on disk.
#include <lmdb.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "patchbay/plugin.h"
#include "store/redo_log.h"
#include "store/redo_record.h"
#include "store/store.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::Loop;
using testing::open_or_die;
using testing::read_key;
using testing::expect_same;
using testing::TempDir;

constexpr std::string_view kStoreId = "0123456789abcdefghijklmnop";

WriteBatch batch_of(std::initializer_list<std::tuple<WriteBatch::Op, std::string, std::string>> ops,
                    Table table = Table::plugin_kv) {
  WriteBatch batch;
  for (const auto& [op, key, value] : ops) {
    switch (op) {
      case WriteBatch::Op::put:
        EXPECT_EQ(batch.put(table, key, value), PB_OK);
        break;
      case WriteBatch::Op::insert:
        EXPECT_EQ(batch.insert(table, key, value), PB_OK);
        break;
      case WriteBatch::Op::erase:
        EXPECT_EQ(batch.erase(table, key), PB_OK);
        break;
    }
  }
  return batch;
}

std::string encode(uint64_t base, const std::vector<const WriteBatch*>& batches,
                   std::string_view store_id = kStoreId) {
  std::string out;
  EXPECT_TRUE(encode_redo_record(out, 7, base, store_id, batches, 1u << 20));
  return out;
}

TEST(RedoRecord, RoundTripsEveryOpTableAndByte) {
  using Op = WriteBatch::Op;
  WriteBatch first = batch_of({{Op::put, "k1", std::string("v\0\xff", 3)},
                               {Op::insert, std::string("\0key", 4), ""},
                               {Op::erase, "gone", ""}});
  WriteBatch second = batch_of({{Op::put, "post", std::string(5000, 'x')}}, Table::posts);
  WriteBatch empty;
  std::string bytes = encode(41, {&first, &empty, &second});
  auto record = parse_redo_record(bytes + "trailing bytes are ignored", kStoreId);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->sequence, 7u);
  EXPECT_EQ(record->base_txnid, 41u);
  ASSERT_EQ(record->batches.size(), 3u);
  expect_same(record->batches[0], first);
  expect_same(record->batches[1], empty);
  expect_same(record->batches[2], second);
}

TEST(RedoRecord, AnyDamageParsesAsNothing) {
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "key", "value"}});
  const std::string bytes = encode(3, {&batch});
  ASSERT_TRUE(parse_redo_record(bytes, kStoreId));
  for (size_t i = 0; i < bytes.size(); ++i) {  // a torn or rotten byte anywhere
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    EXPECT_FALSE(parse_redo_record(damaged, kStoreId)) << "byte " << i;
  }
  for (size_t n = 0; n < bytes.size(); ++n)  // a write cut short
    EXPECT_FALSE(parse_redo_record(std::string_view(bytes).substr(0, n), kStoreId)) << n;
  EXPECT_FALSE(parse_redo_record(std::string(4096, '\0'), kStoreId));  // an empty slot
  EXPECT_FALSE(parse_redo_record(bytes, "another-store-id-000000000"));
}

TEST(RedoRecord, FieldsOutOfRangeAreRefusedEvenUnderAValidChecksum) {
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "key", "value"}});
  const std::string bytes = encode(3, {&batch});
  const size_t mutation = kRedoHeaderBytes + 4;  // after the batch's mutation count
  auto resealed = [&](size_t at, std::string_view with) {
    std::string damaged = bytes;
    damaged.replace(at, with.size(), with);
    EXPECT_TRUE(seal_redo_record(damaged));
    return parse_redo_record(damaged, kStoreId);
  };
  ASSERT_TRUE(resealed(0, "PBREDO1"));                                  // unchanged: parses
  EXPECT_FALSE(resealed(28, std::string("\xe8\x03\0\0", 4)));           // 1,000 batches
  EXPECT_FALSE(resealed(kRedoHeaderBytes, std::string("\x02\0\0\0", 4)));  // 2 mutations
  EXPECT_FALSE(resealed(mutation, std::string("\x03", 1)));                // no such op
  EXPECT_FALSE(resealed(mutation + 1, std::string("\x0f", 1)));            // no such table
  EXPECT_FALSE(resealed(mutation + 4, std::string("\xff\xff\xff\x7f", 4)));  // key past the end
  EXPECT_FALSE(resealed(mutation + 8, std::string("\x06\0\0\0", 4)));     // value past the end
  EXPECT_FALSE(resealed(mutation + 4, std::string("\0\0\0\0", 4)));       // empty key
}

TEST(RedoRecord, ARecordLargerThanASlotIsNotEncoded) {
  WriteBatch big = batch_of({{WriteBatch::Op::put, "k", std::string(4096, 'v')}});
  std::string out;
  const WriteBatch* batches[] = {&big};
  EXPECT_FALSE(encode_redo_record(out, 1, 1, kStoreId, batches, 4096));
  EXPECT_TRUE(encode_redo_record(out, 1, 1, kStoreId, batches, 8192));
  EXPECT_FALSE(encode_redo_record(out, 1, 1, std::string(33, 'i'), batches, 8192));
}

// The id of the last committed transaction of the store in `dir`.
uint64_t last_txnid(const std::string& dir) {
  MDB_env* env = nullptr;
  EXPECT_EQ(mdb_env_create(&env), MDB_SUCCESS);
  mdb_env_set_maxdbs(env, 32);
  EXPECT_EQ(mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0600), MDB_SUCCESS);
  MDB_envinfo info{};
  mdb_env_info(env, &info);
  mdb_env_close(env);
  return info.me_last_txnid;
}

// A store that exists and is closed, and its id.
std::string make_store(const std::string& dir) {
  auto store = open_or_die(dir);
  return store ? store->store_id() : std::string();
}

// Writes the record of `batches` on snapshot `base` as the writer would just before a commit
// that then never happened (the machine went down), or with committed() after it.
void write_record(const std::string& dir, const std::string& store_id,
                  const std::vector<std::pair<uint64_t, std::vector<const WriteBatch*>>>& records) {
  auto log = RedoLog::open(dir, store_id, /*any_filesystem=*/true);
  ASSERT_TRUE(log.ok()) << log.error().message;
  ASSERT_NE(*log, nullptr);
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_TRUE((*log)->write(records[i].first, records[i].second));
    if (i + 1 < records.size()) (*log)->committed();  // the next one goes to the other slot
  }
}

class RedoRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedoLog::supported_at(tmp.path()))
      GTEST_SKIP() << "no redo log on this filesystem: Store::open does not recover";
    id = make_store(tmp.path());
    ASSERT_FALSE(id.empty());
  }
  TempDir tmp;
  std::string id;
};

TEST_F(RedoRecovery, TheRecordThatContinuesTheStoreIsAppliedOnce) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::insert, "acknowledged", "yes"}});
  write_record(tmp.path(), id, {{last, {&batch}}});
  {
    auto store = open_or_die(tmp.path());
    ASSERT_TRUE(store);
    EXPECT_EQ(read_key(*store, "acknowledged"), "yes");
  }
  EXPECT_EQ(last_txnid(tmp.path()), last + 1);
  // Applied once: a second replay of the insert would fail to open; the log was cleared.
  auto again = open_or_die(tmp.path());
  ASSERT_TRUE(again);
  EXPECT_EQ(last_txnid(tmp.path()), last + 1);
}

TEST_F(RedoRecovery, TwoRecordsApplyInOrder) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch first = batch_of({{WriteBatch::Op::put, "a", "1"}});
  WriteBatch second = batch_of({{WriteBatch::Op::put, "a", "2"}, {WriteBatch::Op::insert, "b", "x"}});
  write_record(tmp.path(), id, {{last, {&first}}, {last + 1, {&second}}});
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "a"), "2");
  EXPECT_EQ(read_key(*store, "b"), "x");
  EXPECT_EQ(last_txnid(tmp.path()), last + 2);
}

TEST_F(RedoRecovery, ARecordOfAnotherSnapshotIsNotApplied) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch old = batch_of({{WriteBatch::Op::put, "old", "1"}});
  WriteBatch future = batch_of({{WriteBatch::Op::put, "future", "1"}});
  // Already in the store (its transaction's meta page was durable), and one from a gap.
  write_record(tmp.path(), id, {{last - 1, {&old}}, {last + 3, {&future}}});
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "old"), std::nullopt);
  EXPECT_EQ(read_key(*store, "future"), std::nullopt);
  EXPECT_EQ(last_txnid(tmp.path()), last);
}

TEST_F(RedoRecovery, ADiscardedRecordIsNeverApplied) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "failed", "1"}});
  {
    auto log = RedoLog::open(tmp.path(), id, true);
    ASSERT_TRUE(log.ok() && *log != nullptr);
    const WriteBatch* batches[] = {&batch};
    ASSERT_TRUE((*log)->write(last, batches));
    (*log)->discard();  // the commit failed and its callers were told so
  }
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "failed"), std::nullopt);
}

TEST_F(RedoRecovery, ARecordThatCannotApplyRefusesToOpenAndSaysWhatToDo) {
  {
    auto store = open_or_die(tmp.path());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit_sync(batch_of({{WriteBatch::Op::insert, "x", "stored"}})).ok());
  }
  uint64_t last = last_txnid(tmp.path());
  WriteBatch clash = batch_of({{WriteBatch::Op::insert, "x", "other"}});
  write_record(tmp.path(), id, {{last, {&clash}}});
  StoreOptions options;
  options.directory = tmp.path();
  auto refused = Store::open(nullptr, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_IO);
  EXPECT_NE(refused.error().message.find("redo.log"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("move the file away"), std::string::npos);
  std::filesystem::rename(tmp.sub("redo.log"), tmp.sub("redo.log.kept"));
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "x"), "stored");
}

TEST_F(RedoRecovery, ALogOfAnotherStoreIsIgnored) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "foreign", "1"}});
  write_record(tmp.path(), "zzzzzzzzzzzzzzzzzzzzzzzzzz", {{last, {&batch}}});
  auto store = open_or_die(tmp.path());
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "foreign"), std::nullopt);
}

TEST_F(RedoRecovery, OneProcessHoldsTheLogAndTheOthersGoWithout) {
  Loop loop;
  auto server = open_or_die(tmp.path(), loop.get());
  ASSERT_TRUE(server);
  EXPECT_TRUE(server->redo_log_active());
  // What the CLI's Store::open does while the server runs: it gets no log (and so neither
  // recovers nor resets the server's records). (LMDB forbids opening the environment twice in
  // one process, so the CLI's side is shown on the log alone.)
  auto second = RedoLog::open(tmp.path(), id);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);
  bool closed = false;
  server->close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

TEST_F(RedoRecovery, GroupsCommittedThroughTheLogAreNotAppliedAgainAfterAStop) {
  Loop loop;
  {
    auto store = open_or_die(tmp.path(), loop.get());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->redo_log_active());
    int done = 0;
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(store->commit(batch_of({{WriteBatch::Op::insert, "once" + std::to_string(i), "1"}}),
                              [&](int status) {
                                EXPECT_EQ(status, PB_OK);
                                ++done;
                              }),
                PB_OK);
      loop.run_until([&] { return done == i + 1; });
    }
    EXPECT_EQ(store->stats().groups_logged, 3u);
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  // The last group's record is still in the log (its meta page was never synced by the
  // writer), but it continues the transaction before the last one: not applied again, or the
  // insert would refuse the open.
  auto reopened = open_or_die(tmp.path());
  ASSERT_TRUE(reopened);
  EXPECT_EQ(read_key(*reopened, "once2"), "1");
}

}  // namespace
}  // namespace pb::store
