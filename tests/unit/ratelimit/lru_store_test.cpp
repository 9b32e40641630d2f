// TatStore: recency, eviction, growth past the initial bucket count, and a long random run
// checked against a simple reference model.
#include "core/ratelimit/lru_store.h"

#include <gtest/gtest.h>

#include <list>
#include <map>
#include <random>
#include <string>

namespace pb::ratelimit {
namespace {

TEST(TatStore, InsertsOnceThenFinds) {
  TatStore store(4);
  bool inserted = false;
  int64_t& a = store.slot("a", 7, &inserted);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(a, 7);
  a = 42;
  EXPECT_EQ(store.slot("a", 0, &inserted), 42);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.contains("a"));
  EXPECT_FALSE(store.contains("b"));
}

TEST(TatStore, EvictsTheLeastRecentlyUsed) {
  TatStore store(3);
  store.slot("a", 1);
  store.slot("b", 2);
  store.slot("c", 3);
  store.slot("a", 0);  // a is now the most recent; b the least
  store.slot("d", 4);
  EXPECT_FALSE(store.contains("b"));
  EXPECT_TRUE(store.contains("a"));
  EXPECT_TRUE(store.contains("c"));
  EXPECT_TRUE(store.contains("d"));
  EXPECT_EQ(store.size(), 3u);

  store.slot("e", 5);  // c is the least recent now
  EXPECT_FALSE(store.contains("c"));
  bool inserted = false;
  EXPECT_EQ(store.slot("d", 0, &inserted), 4) << "a survivor keeps its value";
  EXPECT_FALSE(inserted);
}

TEST(TatStore, AForgottenKeyComesBackFresh) {
  TatStore store(1);
  store.slot("a", 1) = 100;
  store.slot("b", 2);
  EXPECT_FALSE(store.contains("a"));
  bool inserted = false;
  EXPECT_EQ(store.slot("a", 3, &inserted), 3);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(store.size(), 1u);
}

TEST(TatStore, ReusedNodeHoldsTheNewKeyWhateverItsLength) {
  TatStore store(2);
  const std::string long_key(300, 'x');
  store.slot(long_key, 1);
  store.slot("short", 2);
  store.slot("k", 3);  // evicts long_key, reusing its node (and buffer) for "k"
  EXPECT_FALSE(store.contains(long_key));
  EXPECT_TRUE(store.contains("k"));
  EXPECT_FALSE(store.contains(long_key.substr(0, 1))) << "no trace of the old text";
  store.slot(long_key + "y", 4);  // evicts "short"
  EXPECT_TRUE(store.contains(long_key + "y"));
  EXPECT_FALSE(store.contains("short"));
}

TEST(TatStore, GrowsPastTheInitialBuckets) {
  TatStore store(10000);
  for (int i = 0; i < 5000; ++i) store.slot("key-" + std::to_string(i), i);
  EXPECT_EQ(store.size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    bool inserted = true;
    ASSERT_EQ(store.slot("key-" + std::to_string(i), -1, &inserted), i);
    ASSERT_FALSE(inserted);
  }
}

// Every operation checked against std::list + std::map doing the same thing the slow way.
TEST(TatStore, AgreesWithAReferenceModel) {
  constexpr size_t kCapacity = 97;
  TatStore store(kCapacity);
  std::list<std::string> order;  // front = most recent
  std::map<std::string, std::pair<int64_t, std::list<std::string>::iterator>> model;

  std::mt19937 rng(12345);  // fixed: the same run every time
  std::uniform_int_distribution<int> pick(0, 300);
  for (int step = 0; step < 50000; ++step) {
    std::string key = "k" + std::to_string(pick(rng));
    bool inserted = false;
    int64_t& value = store.slot(key, step, &inserted);

    auto it = model.find(key);
    if (it != model.end()) {
      ASSERT_FALSE(inserted) << "step " << step;
      ASSERT_EQ(value, it->second.first) << "step " << step;
      order.erase(it->second.second);
      order.push_front(key);
      it->second.second = order.begin();
    } else {
      ASSERT_TRUE(inserted) << "step " << step;
      ASSERT_EQ(value, step);
      if (model.size() == kCapacity) {
        model.erase(order.back());
        order.pop_back();
      }
      order.push_front(key);
      model[key] = {step, order.begin()};
    }
    value += 1;  // callers update through the slot
    model[key].first += 1;
    ASSERT_EQ(store.size(), model.size());
  }
  for (const auto& [key, entry] : model) EXPECT_TRUE(store.contains(key)) << key;
}

}  // namespace
}  // namespace pb::ratelimit
