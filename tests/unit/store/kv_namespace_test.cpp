// Per-plugin KV namespaces: isolation, the ABI's limits, exact long keys, ordered listing.
#include "store/kv_namespace.h"

#include <algorithm>
#include <vector>

#include "patchbay/plugin.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::store {
namespace {

using testing::Loop;
using testing::TempDir;

class KvNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.directory = tmp_.path();
    auto opened = Store::open(loop_.get(), options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    if (!store_) return;
    bool closed = false;
    store_->close([&] { closed = true; });
    loop_.run_until([&] { return closed; });
    store_.reset();
  }

  KvNamespace ns(const std::string& plugin_id) {
    auto made = KvNamespace::create(*store_, plugin_id);
    EXPECT_TRUE(made.ok());
    return std::move(made).value();
  }

  // put through the group-commit path and wait for the durable acknowledgement.
  int put(KvNamespace& kv, std::string_view key, std::string_view value) {
    int status = 1;
    int rc = kv.put(
        key, value, [](void* s, int st) { *static_cast<int*>(s) = st; }, &status);
    if (rc != PB_OK) return rc;
    loop_.run_until([&] { return status != 1; });
    return status;
  }
  int erase(KvNamespace& kv, std::string_view key) {
    int status = 1;
    int rc = kv.erase(
        key, [](void* s, int st) { *static_cast<int*>(s) = st; }, &status);
    if (rc != PB_OK) return rc;
    loop_.run_until([&] { return status != 1; });
    return status;
  }
  static std::optional<std::string> get(const KvNamespace& kv, std::string_view key) {
    auto value = kv.get(key);
    EXPECT_TRUE(value.ok());
    return value.ok() ? *value : std::nullopt;
  }
  static std::vector<std::pair<std::string, std::string>> list(const KvNamespace& kv,
                                                               std::string_view prefix,
                                                               size_t max = 1000) {
    struct State {
      std::vector<std::pair<std::string, std::string>> out;
      size_t max;
    } state{{}, max};
    int rc = kv.list(
        prefix,
        [](void* u, std::string_view k, std::string_view v) {
          auto* s = static_cast<State*>(u);
          s->out.emplace_back(k, v);
          return s->out.size() < s->max;
        },
        &state);
    EXPECT_EQ(rc, PB_OK);
    return state.out;
  }

  TempDir tmp_;
  Loop loop_;
  std::unique_ptr<Store> store_;
};

TEST_F(KvNamespaceTest, PutGetEraseRoundTrip) {
  KvNamespace kv = ns("com.example.a");
  EXPECT_EQ(get(kv, "k"), std::nullopt);
  EXPECT_EQ(put(kv, "k", "v1"), PB_OK);
  EXPECT_EQ(get(kv, "k"), "v1");
  EXPECT_EQ(put(kv, "k", "v2"), PB_OK);
  EXPECT_EQ(get(kv, "k"), "v2");
  EXPECT_EQ(erase(kv, "k"), PB_OK);
  EXPECT_EQ(get(kv, "k"), std::nullopt);
  EXPECT_EQ(erase(kv, "never"), PB_OK);  // deleting a missing key is fine
  EXPECT_EQ(put(kv, std::string("bin\0ary", 7), std::string("\0\1", 2)), PB_OK);
  EXPECT_EQ(get(kv, std::string("bin\0ary", 7)), std::string("\0\1", 2));
  int called = 0;
  EXPECT_EQ(kv.get(
                "absent", [](void* c, std::string_view) { ++*static_cast<int*>(c); }, &called),
            PB_E_NOT_FOUND);
  EXPECT_EQ(called, 0);
}

TEST_F(KvNamespaceTest, PluginsNeverSeeEachOthersKeys) {
  KvNamespace a = ns("a");
  KvNamespace ab = ns("ab");
  EXPECT_EQ(put(a, "shared", "from a"), PB_OK);
  EXPECT_EQ(put(a, "b\x01x", "a only"), PB_OK);
  EXPECT_EQ(put(ab, "shared", "from ab"), PB_OK);
  EXPECT_EQ(get(a, "shared"), "from a");
  EXPECT_EQ(get(ab, "shared"), "from ab");
  EXPECT_EQ(get(ab, "b\x01x"), std::nullopt);
  EXPECT_EQ(list(a, ""), (std::vector<std::pair<std::string, std::string>>{{"b\x01x", "a only"},
                                                                           {"shared", "from a"}}));
  EXPECT_EQ(list(ab, ""),
            (std::vector<std::pair<std::string, std::string>>{{"shared", "from ab"}}));
  EXPECT_EQ(erase(ab, "shared"), PB_OK);
  EXPECT_EQ(get(a, "shared"), "from a");
}

TEST_F(KvNamespaceTest, KeyAndValueLimitsAreTheAbisOwn) {
  KvNamespace kv = ns(std::string(KvNamespace::kMaxPluginIdBytes, 'p'));  // the longest id
  auto noop = [](void*, int) {};
  EXPECT_EQ(kv.put("", "v", noop, nullptr), PB_E_INVALID);
  EXPECT_EQ(kv.put(std::string(512, 'k'), "v", noop, nullptr), PB_E_INVALID);
  EXPECT_EQ(kv.erase("", noop, nullptr), PB_E_INVALID);
  EXPECT_EQ(kv.get(std::string(512, 'k')).error().code, PB_E_INVALID);
  EXPECT_EQ(kv.list(
                std::string(512, 'k'),
                [](void*, std::string_view, std::string_view) { return true; }, nullptr),
            PB_E_INVALID);
  EXPECT_EQ(kv.put("big", std::string(KvNamespace::kMaxValueBytes + 1, 'v'), noop, nullptr),
            PB_E_LIMIT);

  std::string longest(511, 'k');
  EXPECT_EQ(put(kv, longest, "511"), PB_OK);
  EXPECT_EQ(get(kv, longest), "511");
  EXPECT_EQ(put(kv, "k", "1"), PB_OK);
  EXPECT_EQ(get(kv, "k"), "1");

  std::string biggest(KvNamespace::kMaxValueBytes, 'v');
  biggest.back() = 'e';
  EXPECT_EQ(put(kv, "big", biggest), PB_OK);
  EXPECT_EQ(get(kv, "big"), biggest);
}

TEST_F(KvNamespaceTest, LongKeysAreExactAndListedInKeyOrder) {
  KvNamespace kv = ns(std::string(100, 'p'));
  std::string stem(450, 's');  // longer than the verbatim part: these keys are stored hashed
  std::vector<std::string> keys = {
      stem + "b", stem + "a",          stem + "ab",          stem + "c" + std::string(50, 'z'),
      stem,       stem.substr(0, 300), std::string(511, 't')};
  for (const std::string& key : keys)
    EXPECT_EQ(put(kv, key, "v" + std::to_string(key.size())), PB_OK);
  for (const std::string& key : keys) EXPECT_EQ(get(kv, key), "v" + std::to_string(key.size()));
  EXPECT_EQ(get(kv, stem + "d"), std::nullopt);  // same stored prefix, different key

  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> listed;
  for (auto& [k, v] : list(kv, "")) {
    EXPECT_EQ(v, "v" + std::to_string(k.size()));
    listed.push_back(k);
  }
  EXPECT_EQ(listed, sorted);

  // A prefix longer than the verbatim part filters on the whole key.
  auto with_a = list(kv, stem + "a");
  ASSERT_EQ(with_a.size(), 2u);
  EXPECT_EQ(with_a[0].first, stem + "a");
  EXPECT_EQ(with_a[1].first, stem + "ab");
  EXPECT_EQ(list(kv, stem, 2).size(), 2u);  // stopping works inside a run of long keys

  EXPECT_EQ(erase(kv, stem + "a"), PB_OK);
  EXPECT_EQ(get(kv, stem + "a"), std::nullopt);
  EXPECT_EQ(get(kv, stem + "ab"), "v" + std::to_string(stem.size() + 2));
}

TEST_F(KvNamespaceTest, ListingFiltersByPrefixAndStops) {
  KvNamespace kv = ns("lister");
  for (const char* key : {"user/2", "user/1", "team/1", "user/10", "usera"})
    EXPECT_EQ(put(kv, key, "x"), PB_OK);
  auto users = list(kv, "user/");
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].first, "user/1");
  EXPECT_EQ(users[1].first, "user/10");
  EXPECT_EQ(users[2].first, "user/2");
  EXPECT_EQ(list(kv, "user", 1).size(), 1u);
  EXPECT_TRUE(list(kv, "nobody").empty());
}

TEST_F(KvNamespaceTest, StagedMutationsCommitWithCommitSync) {
  KvNamespace kv = ns("cli");
  WriteBatch batch;
  ASSERT_EQ(kv.stage_put(batch, "a", "1"), PB_OK);
  ASSERT_EQ(kv.stage_put(batch, std::string(500, 'l'), "long"), PB_OK);
  ASSERT_EQ(kv.stage_erase(batch, "a"), PB_OK);
  EXPECT_EQ(kv.stage_put(batch, "", "x"), PB_E_INVALID);
  EXPECT_FALSE(store_->commit_sync(std::move(batch)).ok());  // poisoned: nothing of it lands
  EXPECT_EQ(get(kv, std::string(500, 'l')), std::nullopt);
  WriteBatch good;
  ASSERT_EQ(kv.stage_put(good, std::string(500, 'l'), "long"), PB_OK);
  ASSERT_TRUE(store_->commit_sync(std::move(good)).ok());
  EXPECT_EQ(get(kv, std::string(500, 'l')), "long");
}

TEST_F(KvNamespaceTest, InvalidPluginIdsAreRefused) {
  EXPECT_FALSE(KvNamespace::create(*store_, "").ok());
  EXPECT_FALSE(KvNamespace::create(*store_, std::string("a\0b", 3)).ok());
  EXPECT_FALSE(
      KvNamespace::create(*store_, std::string(KvNamespace::kMaxPluginIdBytes + 1, 'p')).ok());
}

TEST_F(KvNamespaceTest, WritesAfterCloseBeganAreRefused) {
  KvNamespace kv = ns("late");
  bool closed = false;
  store_->close([&] { closed = true; });
  bool called = false;
  EXPECT_EQ(kv.put(
                "k", "v", [](void* c, int) { *static_cast<bool*>(c) = true; }, &called),
            PB_E_STATE);
  loop_.run_until([&] { return closed; });
  EXPECT_FALSE(called);
  EXPECT_EQ(get(kv, "k"), std::nullopt);  // reads still work until the Store is destroyed
  store_.reset();
}

}  // namespace
}  // namespace pb::store
