// The redo log (store/redo_log.h): its record and checkpoint formats, and recovery at
// Store::open of groups acknowledged through the log. A machine crash is simulated two ways:
// by hand-made logs (a checkpoint of the store as it is and records after it), and by putting
// into the data file, in place, any mix of its pages as they were at the last checkpoint and as
// they were when the last group was acknowledged (which pages reach the disk before a power cut
// is the disk's choice), with the log as it was then.
#include <lmdb.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <filesystem>
#include <string>
#include <vector>

#include "patchbay/plugin.h"
#include "store/migrations.h"
#include "store/redo_checkpoint.h"
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


TEST(RedoCheckpoint, RoundTripsAndAnyDamageParsesAsNothing) {
  RedoCheckpoint c;
  c.sequence = 9;
  c.txnid = 1234;
  c.first_record = (64u << 20) + 77;
  c.first_record_sequence = 501;
  c.data_dev = 0x801;
  c.data_ino = 123456789;
  c.store_id = std::string(kStoreId);
  c.meta_pages = std::string(8192, '\0');
  for (size_t i = 0; i < c.meta_pages.size(); i += 7) c.meta_pages[i] = static_cast<char>(i);
  auto bytes = encode_redo_checkpoint(c);
  ASSERT_TRUE(bytes);
  auto back = parse_redo_checkpoint(*bytes + std::string(100, 'x'));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sequence, 9u);
  EXPECT_EQ(back->txnid, 1234u);
  EXPECT_EQ(back->first_record, c.first_record);
  EXPECT_EQ(back->first_record_sequence, 501u);
  EXPECT_EQ(back->data_dev, c.data_dev);
  EXPECT_EQ(back->data_ino, c.data_ino);
  EXPECT_EQ(back->store_id, c.store_id);
  EXPECT_EQ(back->meta_pages, c.meta_pages);
  EXPECT_FALSE(back->final);
  c.final = true;
  EXPECT_TRUE(parse_redo_checkpoint(*encode_redo_checkpoint(c))->final);
  c.final = false;
  for (size_t i = 0; i < bytes->size(); i += 13) {  // a torn or rotten byte
    std::string damaged = *bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_FALSE(parse_redo_checkpoint(damaged)) << "byte " << i;
  }
  for (size_t n = 0; n < bytes->size(); n += 97)  // cut short
    EXPECT_FALSE(parse_redo_checkpoint(std::string_view(*bytes).substr(0, n))) << n;
  EXPECT_FALSE(parse_redo_checkpoint(std::string(32768, '\0')));
  c.store_id = std::string(33, 'i');
  EXPECT_FALSE(encode_redo_checkpoint(c));
  c.store_id = "x";
  c.meta_pages.clear();
  EXPECT_FALSE(encode_redo_checkpoint(c));
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

// Writes one key with plain LMDB, outside the Store and its log (another tool would).
void raw_put(const std::string& dir, Table table, std::string key, std::string value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
  mdb_env_set_maxdbs(env, 32);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0600), MDB_SUCCESS);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), MDB_SUCCESS);
  MDB_dbi dbi;
  ASSERT_EQ(mdb_dbi_open(txn, table_name(table), 0, &dbi), MDB_SUCCESS);
  MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), MDB_SUCCESS);
  ASSERT_EQ(mdb_txn_commit(txn), MDB_SUCCESS);
  mdb_env_close(env);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Replaces the contents of `path` keeping its inode (the log's checkpoint names the data file's).
void overwrite_in_place(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(bytes.size())), 0);
  ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

StoreOptions options_for(const std::string& dir, uint64_t ring_bytes = 1u << 20,
                         uint64_t groups_per_checkpoint = 0) {
  StoreOptions options;
  options.directory = dir;
  options.redo_ring_bytes = ring_bytes;
  options.redo_groups_per_checkpoint = groups_per_checkpoint;
  return options;
}

std::unique_ptr<Store> open_with(const StoreOptions& options, uv_loop_t* loop = nullptr) {
  auto store = Store::open(loop, options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(store).value() : nullptr;
}

// A log beside the (closed) store in `dir` as its writer would leave it: a checkpoint of the
// store as it is now, then `records` (each: base transaction, sequence, batches) from ring
// offset `first` on, each right after the one before (a record that would cross the ring's end
// starts the next lap).
struct HandRecord {
  uint64_t base;
  uint64_t sequence;
  std::vector<const WriteBatch*> batches;
};
void write_log(const std::string& dir, const std::string& store_id,
               const std::vector<HandRecord>& records, uint64_t ring_bytes = 1u << 20,
               uint64_t first = 0, uint64_t first_sequence = 1) {
  std::string file(RedoLog::kRingOffset + ring_bytes, '\0');
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/data.mdb").c_str(), &st), 0);
  RedoCheckpoint c;
  c.sequence = 1;
  c.txnid = last_txnid(dir);
  c.first_record = first;
  c.first_record_sequence = first_sequence;
  c.data_dev = static_cast<uint64_t>(st.st_dev);
  c.data_ino = static_cast<uint64_t>(st.st_ino);
  c.store_id = store_id;
  c.meta_pages = read_file(dir + "/data.mdb").substr(0, 2 * static_cast<size_t>(::getpagesize()));
  auto checkpoint = encode_redo_checkpoint(c);
  ASSERT_TRUE(checkpoint);
  file.replace(RedoLog::kCheckpointSlotBytes, checkpoint->size(), *checkpoint);  // slot 1
  uint64_t at = first;
  for (const HandRecord& r : records) {
    std::string bytes;
    ASSERT_TRUE(encode_redo_record(bytes, r.sequence, r.base, store_id, r.batches, ring_bytes));
    if (at % ring_bytes + bytes.size() > ring_bytes) at = (at / ring_bytes + 1) * ring_bytes;
    file.replace(RedoLog::kRingOffset + at % ring_bytes, bytes.size(), bytes);
    at += bytes.size();
  }
  std::ofstream(dir + "/redo.log", std::ios::binary | std::ios::trunc) << file;
}

// A store that exists and is closed, and its id.
std::string make_store(const std::string& dir) {
  auto store = open_with(options_for(dir));
  return store ? store->store_id() : std::string();
}

class RedoRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedoLog::supported_at(tmp.path()))
      GTEST_SKIP() << "no redo log on this filesystem: Store::open does not recover";
    id = make_store(tmp.path());
    ASSERT_FALSE(id.empty());
  }
  std::unique_ptr<Store> reopen() { return open_with(options_for(tmp.path())); }
  TempDir tmp;
  std::string id;
};

TEST_F(RedoRecovery, RecordsThatContinueTheCheckpointApplyInOrderOnce) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch first = batch_of({{WriteBatch::Op::put, "a", "1"}, {WriteBatch::Op::insert, "once", "x"}});
  WriteBatch second = batch_of({{WriteBatch::Op::put, "a", "2"}, {WriteBatch::Op::insert, "b", "x"}});
  write_log(tmp.path(), id, {{last, 1, {&first}}, {last + 1, 2, {&second}}});
  {
    auto store = reopen();
    ASSERT_TRUE(store);
    EXPECT_EQ(read_key(*store, "a"), "2");
    EXPECT_EQ(read_key(*store, "b"), "x");
  }
  EXPECT_EQ(last_txnid(tmp.path()), last + 2);
  // Applied once: a second replay of the inserts would refuse the open.
  auto again = reopen();
  ASSERT_TRUE(again);
  EXPECT_EQ(last_txnid(tmp.path()), last + 2);
}

TEST_F(RedoRecovery, RecordsApplyBeforeANewerBinaryMigratesTheStore) {
  // A crash, then an upgrade: the records were written by the older binary and continue its
  // last transaction; the migration's transaction must come after them, not in their place.
  raw_put(tmp.path(), Table::meta, "schema_version", std::to_string(kSchemaVersion - 1));
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::insert, "acknowledged", "before the upgrade"}});
  write_log(tmp.path(), id, {{last, 1, {&batch}}});
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "acknowledged"), "before the upgrade");
  EXPECT_EQ(store->schema_version(), kSchemaVersion);
  EXPECT_EQ(last_txnid(tmp.path()), last + 2);  // the record's transaction, then the migration's
}

TEST_F(RedoRecovery, ReplayStopsAtTheFirstRecordThatDoesNotFollowOn) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch ok = batch_of({{WriteBatch::Op::put, "applied", "1"}});
  WriteBatch stale = batch_of({{WriteBatch::Op::put, "stale", "1"}});
  WriteBatch after = batch_of({{WriteBatch::Op::put, "after", "1"}});
  // The second record has the right snapshot but a sequence of an earlier lap: it and all
  // after it stay out.
  write_log(tmp.path(), id, {{last, 1, {&ok}}, {last + 1, 1, {&stale}}, {last + 1, 2, {&after}}});
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "applied"), "1");
  EXPECT_EQ(read_key(*store, "stale"), std::nullopt);
  EXPECT_EQ(read_key(*store, "after"), std::nullopt);
}

TEST_F(RedoRecovery, ARecordOfAnotherSnapshotIsNotApplied) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch old = batch_of({{WriteBatch::Op::put, "old", "1"}});
  write_log(tmp.path(), id, {{last - 1, 1, {&old}}});
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "old"), std::nullopt);
  EXPECT_EQ(last_txnid(tmp.path()), last);
}

TEST_F(RedoRecovery, ARecordThatCrossesTheRingsEndIsFoundAtTheNextLap) {
  uint64_t last = last_txnid(tmp.path());
  const uint64_t ring = 1u << 20;
  WriteBatch big = batch_of({{WriteBatch::Op::put, "big", std::string(3000, 'b')}});
  WriteBatch next = batch_of({{WriteBatch::Op::put, "next", "1"}});
  // Starts 1,000 bytes before the end of the second lap: it goes to the third lap's start.
  write_log(tmp.path(), id, {{last, 41, {&big}}, {last + 1, 42, {&next}}}, ring, 2 * ring - 1000,
            41);
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "big"), std::string(3000, 'b'));
  EXPECT_EQ(read_key(*store, "next"), "1");
}

// StoreSettings.RedoLogSizeMB changed between a crash and the next start: the records are read
// where the file's own ring put them, then the file is written afresh at the size asked for.
TEST_F(RedoRecovery, ALogOfAnotherRingSizeIsReplayedThenRemadeAtTheSizeAskedFor) {
  struct Case {
    uint64_t written, asked, first;
  };
  // Records in the middle of a lap, where the two sizes put them at different places.
  for (const Case& c :
       {Case{1u << 20, 2u << 20, (3u << 20) / 2}, Case{2u << 20, 1u << 20, (13u << 20) / 4}}) {
    const uint64_t written = c.written, asked = c.asked;
    SCOPED_TRACE(written);
    uint64_t last = last_txnid(tmp.path());
    const std::string value(3000, static_cast<char>('a' + (written >> 20)));
    WriteBatch big = batch_of({{WriteBatch::Op::put, "big", value}});
    WriteBatch next = batch_of({{WriteBatch::Op::put, "next", std::to_string(written)}});
    write_log(tmp.path(), id, {{last, 41, {&big}}, {last + 1, 42, {&next}}}, written, c.first, 41);
    {
      Loop loop;  // the process that keeps the log (a server): it remakes the file
      auto store = open_with(options_for(tmp.path(), asked), loop.get());
      ASSERT_TRUE(store);
      EXPECT_EQ(read_key(*store, "big"), value);
      EXPECT_EQ(read_key(*store, "next"), std::to_string(written));
      EXPECT_EQ(std::filesystem::file_size(tmp.path() + "/redo.log"), RedoLog::kRingOffset + asked);
      bool closed = false;
      store->close([&] { closed = true; });
      loop.run_until([&] { return closed; });
    }
  }
}

TEST_F(RedoRecovery, ARecordThatCannotApplyRefusesToOpenAndSaysWhatToDo) {
  {
    auto store = reopen();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit_sync(batch_of({{WriteBatch::Op::insert, "x", "stored"}})).ok());
  }
  uint64_t last = last_txnid(tmp.path());
  WriteBatch clash = batch_of({{WriteBatch::Op::insert, "x", "other"}});
  write_log(tmp.path(), id, {{last, 1, {&clash}}});
  auto refused = Store::open(nullptr, options_for(tmp.path()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, PB_E_IO);
  EXPECT_NE(refused.error().message.find("redo.log"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("move the file away"), std::string::npos);
  std::filesystem::rename(tmp.sub("redo.log"), tmp.sub("redo.log.kept"));
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "x"), "stored");
}

TEST_F(RedoRecovery, ALogOfAnotherStoreIsIgnored) {
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "foreign", "1"}});
  write_log(tmp.path(), "zzzzzzzzzzzzzzzzzzzzzzzzzz", {{last, 1, {&batch}}});
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "foreign"), std::nullopt);
}

TEST_F(RedoRecovery, TheCheckpointOfAnotherDataFileRefusesToOpen) {
  // A crashed store copied elsewhere: its meta pages differ from the checkpoint's, and the data
  // file is not the one the checkpoint was taken of. Putting pages back would be a guess.
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::put, "k", "1"}});
  write_log(tmp.path(), id, {{last, 1, {&batch}}});
  {
    std::string data = read_file(tmp.sub("data.mdb"));
    // Kept, so that the copy cannot get the same inode number.
    std::filesystem::rename(tmp.sub("data.mdb"), tmp.sub("data.mdb.original"));
    data[20] = static_cast<char>(data[20] ^ 1);  // first meta page differs (not its txnid)
    std::ofstream(tmp.sub("data.mdb"), std::ios::binary) << data;
  }
  auto refused = Store::open(nullptr, options_for(tmp.path()));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("another data file"), std::string::npos)
      << refused.error().message;
}

TEST_F(RedoRecovery, ALegacyTwoSlotLogIsAppliedOnce) {
  // The layout of the previous version: one record in each of two 2 MiB slots.
  uint64_t last = last_txnid(tmp.path());
  WriteBatch batch = batch_of({{WriteBatch::Op::insert, "legacy", "yes"}});
  std::string file(4u << 20, '\0');
  std::string record = encode(last, {&batch}, id);
  file.replace(2u << 20, record.size(), record);
  std::ofstream(tmp.sub("redo.log"), std::ios::binary | std::ios::trunc) << file;
  {
    auto store = reopen();
    ASSERT_TRUE(store);
    EXPECT_EQ(read_key(*store, "legacy"), "yes");
  }
  EXPECT_EQ(last_txnid(tmp.path()), last + 1);
  auto again = reopen();
  ASSERT_TRUE(again);
  EXPECT_EQ(last_txnid(tmp.path()), last + 1);
}

TEST_F(RedoRecovery, OneProcessHoldsTheLogAndTheOthersGoWithout) {
  Loop loop;
  auto server = open_with(options_for(tmp.path()), loop.get());
  ASSERT_TRUE(server);
  EXPECT_TRUE(server->redo_log_active());
  // What the CLI's Store::open does while the server runs: it gets no log (and so neither
  // restores, recovers nor resets the server's), and knows its writes need confirming. (LMDB
  // forbids opening the environment twice in one process, so the CLI's side is shown on the
  // log alone; tests/integration covers the CLI writing while the server runs.)
  auto second = RedoLog::open(tmp.path());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);
  EXPECT_TRUE(RedoLog::held_elsewhere(tmp.path()));
  bool closed = false;
  server->close([&] { closed = true; });
  loop.run_until([&] { return closed; });
  server.reset();
  EXPECT_FALSE(RedoLog::held_elsewhere(tmp.path()));
}

// Commits `count` groups of up to `per_group` batches each (submitted together), waiting for
// each group's acknowledgement; records what the store must hold in `expected`.
void commit_groups(Store& store, Loop& loop, int count, int per_group, size_t value_bytes,
                   std::map<std::string, std::optional<std::string>>& expected, int& serial) {
  for (int g = 0; g < count; ++g) {
    int done = 0;
    for (int b = 0; b < per_group; ++b) {
      int n = serial++;
      std::string key = "k" + std::to_string(n);
      std::string value = std::to_string(n) + std::string(value_bytes, 'v');
      WriteBatch batch = batch_of({{WriteBatch::Op::insert, key, value},
                                   {WriteBatch::Op::put, "counter", std::to_string(n)}});
      expected[key] = value;
      expected["counter"] = std::to_string(n);
      if (n % 3 == 0 && n >= 6) {
        std::string gone = "k" + std::to_string(n - 6);
        EXPECT_EQ(batch.erase(Table::plugin_kv, gone), PB_OK);
        expected[gone] = std::nullopt;
      }
      ASSERT_EQ(store.commit(std::move(batch), [&](int status) {
        EXPECT_EQ(status, PB_OK);
        ++done;
      }), PB_OK);
    }
    loop.run_until([&] { return done == per_group; });
  }
}

void expect_holds(Store& store, const std::map<std::string, std::optional<std::string>>& expected,
                  const std::string& what) {
  for (const auto& [key, value] : expected) EXPECT_EQ(read_key(store, key), value) << what << " " << key;
}

// Which pages of the crash image come from the data file as it was at the last checkpoint
// (false) and which from the file as it was at the last acknowledgement (true).
using PageChoice = std::function<bool(size_t page)>;

struct CrashCase {
  const char* name;
  PageChoice landed;
};

class RedoMachineCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedoLog::supported_at(tmp.path()))
      GTEST_SKIP() << "no redo log on this filesystem: Store::open does not recover";
  }
  TempDir tmp;
};

TEST_F(RedoMachineCrash, AnyMixOfPagesAfterTheCheckpointLosesNoAcknowledgedGroup) {
  std::mt19937 random(12345);
  const std::vector<CrashCase> cases = {
      {"no page after the checkpoint", [](size_t) { return false; }},
      {"every page", [](size_t) { return true; }},
      {"the meta pages and nothing else", [](size_t page) { return page < 2; }},
      {"everything but the meta pages", [](size_t page) { return page >= 2; }},
      {"a random half", [&random](size_t) { return random() % 2 == 0; }},
      {"a random tenth", [&random](size_t) { return random() % 10 == 0; }},
      {"a random nine tenths", [&random](size_t) { return random() % 10 != 0; }},
  };
  for (const CrashCase& crash : cases) {
    SCOPED_TRACE(crash.name);
    std::filesystem::remove_all(tmp.sub("s"));
    const std::string dir = tmp.sub("s");
    std::map<std::string, std::optional<std::string>> expected;
    int serial = 0;
    {  // a store with some history before the checkpoint that the crash falls back to
      Loop loop;
      auto store = open_with(options_for(dir), loop.get());
      ASSERT_TRUE(store);
      commit_groups(*store, loop, 30, 3, 200, expected, serial);
      bool closed = false;
      store->close([&] { closed = true; });
      loop.run_until([&] { return closed; });
    }
    std::string at_checkpoint, at_ack, log;
    {
      Loop loop;
      auto store = open_with(options_for(dir), loop.get());  // checkpoints at open
      ASSERT_TRUE(store);
      ASSERT_TRUE(store->redo_log_active());
      at_checkpoint = read_file(dir + "/data.mdb");
      commit_groups(*store, loop, 40, 4, 300, expected, serial);
      at_ack = read_file(dir + "/data.mdb");
      log = read_file(dir + "/redo.log");
      EXPECT_EQ(store->stats().checkpoints, 1u);  // only the one at open: 40 groups to replay
      bool closed = false;
      store->close([&] { closed = true; });
      loop.run_until([&] { return closed; });
    }
    const size_t page = static_cast<size_t>(::getpagesize());
    ASSERT_GE(at_ack.size(), at_checkpoint.size());
    std::string image = at_ack;
    for (size_t p = 0; p * page < image.size(); ++p) {
      if (crash.landed(p)) continue;
      std::string before = p * page < at_checkpoint.size()
                               ? at_checkpoint.substr(p * page, page)
                               : std::string(std::min(page, image.size() - p * page), '\0');
      image.replace(p * page, before.size(), before);
    }
    overwrite_in_place(dir + "/data.mdb", image);
    overwrite_in_place(dir + "/redo.log", log);
    std::filesystem::remove(dir + "/lock.mdb");
    auto recovered = open_with(options_for(dir));
    ASSERT_TRUE(recovered);
    expect_holds(*recovered, expected, crash.name);
  }
}

TEST_F(RedoMachineCrash, AGroupThatChangedNothingThenOneThatStartsTheNextLapBothReplay) {
  // Records of exactly 100,000 bytes (80 header + 4 count + 12 mutation head + 4 key + value)
  // in a 1 MiB ring: ten of them end at 1,000,000; a group of erases of absent keys changes
  // nothing (LMDB commits no transaction) and leaves a small record there; the next one, of
  // 60,000 bytes, does not fit before the ring's end and starts the next lap. Replay must apply
  // both, in order. (The last checkpoint is the one after the sixth record: half the ring.)
  const std::string dir = tmp.sub("s");
  std::string at_ack, log;
  {
    Loop loop;
    auto store = open_with(options_for(dir), loop.get());
    ASSERT_TRUE(store);
    auto commit = [&](WriteBatch batch) {
      int status = 1;
      ASSERT_EQ(store->commit(std::move(batch), [&](int s) { status = s; }), PB_OK);
      loop.run_until([&] { return status != 1; });
      ASSERT_EQ(status, PB_OK);
    };
    for (int i = 0; i < 10; ++i)
      commit(batch_of({{WriteBatch::Op::put, "k00" + std::to_string(i), std::string(99900, 'v')}}));
    commit(batch_of({{WriteBatch::Op::erase, "none", ""}}));
    commit(batch_of({{WriteBatch::Op::put, "last", std::string(59900, 'l')}}));
    EXPECT_EQ(store->stats().groups_logged, 11u);  // the one that changed nothing is not counted
    at_ack = read_file(dir + "/data.mdb");
    log = read_file(dir + "/redo.log");
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  overwrite_in_place(dir + "/data.mdb", at_ack);
  overwrite_in_place(dir + "/redo.log", log);
  std::filesystem::remove(dir + "/lock.mdb");
  auto recovered = open_with(options_for(dir));
  ASSERT_TRUE(recovered);
  EXPECT_EQ(read_key(*recovered, "last"), std::string(59900, 'l'));
  EXPECT_EQ(read_key(*recovered, "k009"), std::string(99900, 'v'));
}

TEST_F(RedoMachineCrash, ManyLapsOfTheRingLoseNothing) {
  // A 1 MiB ring and ~9 KB groups: checkpoints every half ring (the writer waits for one when
  // the ring is full), records wrap several times. (Replay across the ring's end itself:
  // RedoRecovery.ARecordThatCrossesTheRingsEndIsFoundAtTheNextLap.)
  const std::string dir = tmp.sub("s");
  std::map<std::string, std::optional<std::string>> expected;
  int serial = 0;
  std::string at_ack, log;
  uint64_t checkpoints = 0;
  {
    Loop loop;
    auto store = open_with(options_for(dir), loop.get());
    ASSERT_TRUE(store);
    commit_groups(*store, loop, 400, 3, 3000, expected, serial);
    at_ack = read_file(dir + "/data.mdb");
    log = read_file(dir + "/redo.log");
    checkpoints = store->stats().checkpoints;
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  EXPECT_GE(checkpoints, 6u);
  // The data file as at the last acknowledgement, its meta pages put back to the last
  // checkpoint and the records since replayed: the same store.
  overwrite_in_place(dir + "/data.mdb", at_ack);
  overwrite_in_place(dir + "/redo.log", log);
  std::filesystem::remove(dir + "/lock.mdb");
  auto recovered = open_with(options_for(dir));
  ASSERT_TRUE(recovered);
  expect_holds(*recovered, expected, "after the wrap");
}

TEST_F(RedoRecovery, AWriteByAnotherToolAfterACleanStopIsNotUndone) {
  {
    Loop loop;
    auto store = open_with(options_for(tmp.path()), loop.get());
    ASSERT_TRUE(store);
    std::map<std::string, std::optional<std::string>> expected;
    int serial = 0;
    commit_groups(*store, loop, 5, 1, 10, expected, serial);
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  // e.g. mdb_load, or a later release's migration: plain LMDB, its own syncs
  raw_put(tmp.path(), Table::plugin_kv, "tool", "was");
  auto store = reopen();
  ASSERT_TRUE(store);
  EXPECT_EQ(read_key(*store, "tool"), "was");
}

TEST_F(RedoRecovery, AGroupTooLargeForTheLogIsMadeDurableByACheckpoint) {
  Loop loop;
  auto store = open_with(options_for(tmp.path(), 1u << 20, 0), loop.get());  // records <= 128 KiB
  ASSERT_TRUE(store);
  uint64_t before = store->stats().checkpoints;
  int status = 1;
  ASSERT_EQ(store->commit(batch_of({{WriteBatch::Op::put, "big", std::string(300000, 'b')}}),
                          [&](int s) { status = s; }),
            PB_OK);
  loop.run_until([&] { return status != 1; });
  EXPECT_EQ(status, PB_OK);
  EXPECT_EQ(store->stats().checkpoints, before + 1);
  EXPECT_EQ(store->stats().groups_logged, 1u);  // counted as durable at once
  // And the log goes on after it: the next group is logged again, no checkpoint of its own.
  status = 1;
  ASSERT_EQ(store->commit(batch_of({{WriteBatch::Op::put, "small", "s"}}), [&](int s) { status = s; }),
            PB_OK);
  loop.run_until([&] { return status != 1; });
  EXPECT_EQ(status, PB_OK);
  EXPECT_EQ(store->stats().checkpoints, before + 1);
  bool closed = false;
  store->close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

TEST_F(RedoRecovery, ACommitOutsideTheLogIsConfirmedAndTheLogGoesOnAfterIt) {
  // commit_sync beside the writer stands for another process's commit (LMDB forbids a second
  // environment in one process): the writer checkpoints it when idle, which confirms it, and the
  // next group continues from it. A machine crash then loses none of the three.
  std::map<std::string, std::optional<std::string>> expected;
  int serial = 0;
  std::string at_ack, log;
  {
    Loop loop;
    auto store = open_with(options_for(tmp.path(), 1u << 20, 512), loop.get());
    ASSERT_TRUE(store);
    commit_groups(*store, loop, 3, 2, 50, expected, serial);
    ASSERT_TRUE(store->commit_sync(batch_of({{WriteBatch::Op::put, "outside", "the log"}})).ok());
    expected["outside"] = "the log";
    commit_groups(*store, loop, 3, 2, 50, expected, serial);
    EXPECT_GE(store->stats().groups_logged, 6u);  // two batches may form one group or two
    at_ack = read_file(tmp.sub("data.mdb"));
    log = read_file(tmp.sub("redo.log"));
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
  }
  overwrite_in_place(tmp.sub("data.mdb"), at_ack);
  overwrite_in_place(tmp.sub("redo.log"), log);
  std::filesystem::remove(tmp.sub("lock.mdb"));
  auto recovered = reopen();
  ASSERT_TRUE(recovered);
  expect_holds(*recovered, expected, "after the crash");
}

TEST_F(RedoRecovery, CheckpointsComeEveryNGroupsAndAfterAStopNothingIsReplayed) {
  Loop loop;
  std::map<std::string, std::optional<std::string>> expected;
  int serial = 0;
  uint64_t last;
  {
    auto store = open_with(options_for(tmp.path(), 1u << 20, 8), loop.get());
    ASSERT_TRUE(store);
    commit_groups(*store, loop, 40, 1, 10, expected, serial);
    Stats stats = store->stats();
    EXPECT_EQ(stats.groups_logged, 40u);
    // One at open, then one every 8 groups unless the previous one is still being written.
    EXPECT_GE(stats.checkpoints, 3u);
    EXPECT_LE(stats.checkpoints, 1u + 40 / 8);
    bool closed = false;
    store->close([&] { closed = true; });
    loop.run_until([&] { return closed; });
    last = last_txnid(tmp.path());
  }
  auto reopened = open_with(options_for(tmp.path()));
  ASSERT_TRUE(reopened);
  expect_holds(*reopened, expected, "reopened");
  EXPECT_EQ(last_txnid(tmp.path()), last);  // the stop's checkpoint left nothing to replay
}

}  // namespace
}  // namespace pb::store
