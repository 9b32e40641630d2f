// Several processes on one store, and durability: an acknowledged write survives SIGKILL.
#include <signal.h>

#include <string>

#include "patchbay/plugin.h"
#include "store/store.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::fork_child;
using testing::Loop;
using testing::receive_byte;
using testing::send_byte;
using testing::read_key;
using testing::TempDir;
using testing::wait_exit_code;


TEST(Processes, TwoProcessesWriteTheSameStore) {
  TempDir tmp;
  constexpr int kEach = 100;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  // The child writes with commit_sync (as the CLI does) while the parent uses group commit.
  pid_t child = fork_child([&]() -> int {
    ::close(ready[0]);
    StoreOptions options;
    options.directory = tmp.path();
    auto store = Store::open(nullptr, options);
    if (!store.ok()) return 1;
    send_byte(ready[1], 'O');
    for (int i = 0; i < kEach; ++i) {
      WriteBatch batch;
      batch.put(Table::plugin_kv, "child/" + std::to_string(i), "c");
      if (!(*store)->commit_sync(std::move(batch)).ok()) return 2;
    }
    return 0;
  });
  ::close(ready[1]);
  char c;
  ASSERT_TRUE(receive_byte(ready[0], c));  // the child created (and migrated) the store
  ::close(ready[0]);

  Loop loop;
  StoreOptions options;
  options.directory = tmp.path();
  auto opened = Store::open(loop.get(), options);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Store& store = **opened;
  int acked = 0;
  for (int i = 0; i < kEach; ++i) {
    WriteBatch batch;
    ASSERT_EQ(batch.put(Table::plugin_kv, "parent/" + std::to_string(i), "p"), PB_OK);
    ASSERT_EQ(store.commit(std::move(batch), [&](int s) { acked += s == PB_OK; }), PB_OK);
  }
  loop.run_until([&] { return acked == kEach; });
  ASSERT_EQ(wait_exit_code(child), 0);

  for (int i = 0; i < kEach; ++i) {
    EXPECT_EQ(read_key(store, "child/" + std::to_string(i)), "c") << i;
    EXPECT_EQ(read_key(store, "parent/" + std::to_string(i)), "p") << i;
  }
  bool closed = false;
  store.close([&] { closed = true; });
  loop.run_until([&] { return closed; });
}

TEST(Processes, AnAcknowledgedWriteSurvivesSigkill) {
  TempDir tmp;
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  pid_t child = fork_child([&]() -> int {
    ::close(acks[0]);
    uv_loop_t loop;
    uv_loop_init(&loop);
    StoreOptions options;
    options.directory = tmp.path();
    auto store = Store::open(&loop, options);
    if (!store.ok()) return 1;
    for (int i = 0; i < 20; ++i) {
      WriteBatch batch;
      batch.put(Table::plugin_kv, "durable/" + std::to_string(i), std::to_string(i));
      int fd = acks[1];
      (*store)->commit(std::move(batch),
                       [fd](int status) { send_byte(fd, status == PB_OK ? 'A' : 'F'); });
    }
    uv_run(&loop, UV_RUN_DEFAULT);  // runs until the parent kills us
    return 3;
  });
  ::close(acks[1]);
  int acknowledged = 0;
  char c;
  while (acknowledged < 20 && receive_byte(acks[0], c)) {
    ASSERT_EQ(c, 'A');
    ++acknowledged;
  }
  ::kill(child, SIGKILL);  // no chance to flush or close anything
  EXPECT_EQ(wait_exit_code(child), 128 + SIGKILL);
  ::close(acks[0]);
  ASSERT_EQ(acknowledged, 20);

  StoreOptions options;
  options.directory = tmp.path();
  auto store = Store::open(nullptr, options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(read_key(**store, "durable/" + std::to_string(i)), std::to_string(i)) << i;
}

}  // namespace
}  // namespace pb::store
