#include "plugins/slash_commands/response_url.h"

#include <gtest/gtest.h>

namespace pb::slash {
namespace {

ResponseUrlRecord record(int64_t at) {
  ResponseUrlRecord r;
  r.id = std::string(26, 'r');
  r.command_id = std::string(26, 'c');
  r.user_id = "u";
  r.channel_id = "ch";
  r.team_id = "t";
  r.command_username = "n\"ame";
  r.create_at = at;
  return r;
}

// Wire spec §5.6 / §10 case 45: five uses, the sixth refused.
TEST(ResponseUrls, FiveUsesThenUsedUp) {
  ResponseUrls urls;
  urls.add(record(1000));
  ResponseUrlRecord out;
  for (int i = 1; i <= kMaxResponseUrlUses; ++i) {
    ASSERT_EQ(urls.try_use(std::string(26, 'r'), 2000, &out), ResponseUrls::Use::kOk);
    EXPECT_EQ(out.uses, i);
  }
  EXPECT_EQ(urls.try_use(std::string(26, 'r'), 2000, &out), ResponseUrls::Use::kUsedUp);
  EXPECT_EQ(urls.try_use("unknown", 2000, &out), ResponseUrls::Use::kMissing);
}

// A user executing commands in a loop cannot grow the held records past the capacity: the
// oldest are forgotten first (404 like an expired one), a replaced record is not a new one, and
// the expiry sweep keeps working over the survivors.
TEST(ResponseUrls, PastTheCapacityTheOldestAreForgotten) {
  ResponseUrls urls(3);
  auto numbered = [](int n) {
    ResponseUrlRecord r = record(1000 + n);
    r.id = std::string(25, 'x') + static_cast<char>('a' + n);
    return r;
  };
  for (int n = 0; n < 5; ++n) urls.add(numbered(n));
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls.evicted(), 2u);
  EXPECT_EQ(urls.find(numbered(0).id), nullptr);
  EXPECT_EQ(urls.find(numbered(1).id), nullptr);
  ASSERT_NE(urls.find(numbered(4).id), nullptr);
  EXPECT_EQ(urls.try_use(numbered(0).id, 2000, nullptr), ResponseUrls::Use::kMissing);
  EXPECT_EQ(urls.try_use(numbered(2).id, 2000, nullptr), ResponseUrls::Use::kOk);
  urls.add(numbered(3));  // the same id again: replaced, nothing forgotten
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls.evicted(), 2u);
  EXPECT_EQ(urls.expire(1004 + kResponseUrlLifetimeMs).alone_ids.size(), 1u);  // 2 was used
  EXPECT_EQ(urls.size(), 1u);  // only 4 is young enough
  urls.add(numbered(5));
  urls.add(numbered(6));
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(urls.evicted(), 2u);  // room again after the sweep
  urls.add(numbered(7));
  EXPECT_EQ(urls.evicted(), 3u);
  EXPECT_EQ(urls.find(numbered(4).id), nullptr);  // the oldest left
}

TEST(ResponseUrls, ExpireAfterThirtyMinutes) {
  ResponseUrls urls;
  urls.add(record(0));
  EXPECT_EQ(urls.try_use(std::string(26, 'r'), kResponseUrlLifetimeMs, nullptr),
            ResponseUrls::Use::kOk);
  EXPECT_EQ(urls.try_use(std::string(26, 'r'), kResponseUrlLifetimeMs + 1, nullptr),
            ResponseUrls::Use::kMissing);
  EXPECT_EQ(urls.expire(kResponseUrlLifetimeMs + 1).alone_ids.size(), 1u);  // it was used
  EXPECT_EQ(urls.size(), 0u);
}

TEST(ResponseUrls, RecordRoundTrips) {
  ResponseUrlRecord r = record(42);
  r.uses = 3;
  auto back = response_url_from_record(to_json(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(r));
  EXPECT_FALSE(response_url_from_record("{}"));
  EXPECT_FALSE(response_url_from_record("{\"id\":1"));
}

TEST(ResponseUrls, BatchRoundTripsAndADamagedOneIsRefusedWhole) {
  ResponseUrlRecord a = record(1), b = record(2);
  b.id = std::string(26, 's');
  b.uses = 2;
  std::string json = "[";
  append_json(json, a);
  json += ',';
  append_json(json, b);
  json += ']';
  auto back = response_url_batch_from_record(json);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(to_json((*back)[0]), to_json(a));
  EXPECT_EQ(to_json((*back)[1]), to_json(b));
  EXPECT_TRUE(response_url_batch_from_record("[]"));
  EXPECT_FALSE(response_url_batch_from_record("[" + to_json(a) + ",{}]"));
  EXPECT_FALSE(response_url_batch_from_record(to_json(a)));  // not an array
  EXPECT_FALSE(response_url_batch_from_record("[[[[{}]]]]"));
  EXPECT_FALSE(response_url_batch_from_record("[" + to_json(a)));
}

TEST(ResponseUrls, BatchKeysSortByTime) {
  EXPECT_EQ(response_url_batch_key(42, "abc"), "rb/000000000000042-abc");
  EXPECT_LT(response_url_batch_key(999, "zzz"), response_url_batch_key(1000, "aaa"));
}

// Expiry deletes a record's own key only when a use wrote one, and a batch only when its
// newest record expired.
TEST(ResponseUrls, ExpiryNamesUsedRecordsAndWhollyExpiredBatches) {
  ResponseUrls urls;
  ResponseUrlRecord used = record(0), unused = record(0), later = record(100);
  unused.id = std::string(26, 'u');
  later.id = std::string(26, 'l');
  urls.add(used);
  urls.add(unused);
  urls.add(later);
  urls.add_batch("rb/1", 0);
  urls.add_batch("rb/2", 100);
  ASSERT_EQ(urls.try_use(used.id, 1, nullptr), ResponseUrls::Use::kOk);
  ASSERT_TRUE(urls.find(used.id)->stored_alone);
  EXPECT_FALSE(urls.find(unused.id)->stored_alone);

  auto first = urls.expire(kResponseUrlLifetimeMs + 1);
  EXPECT_EQ(first.alone_ids, std::vector<std::string>{used.id});
  EXPECT_EQ(first.batch_keys, std::vector<std::string>{"rb/1"});
  EXPECT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls.batches(), 1u);
  auto second = urls.expire(kResponseUrlLifetimeMs + 101);
  EXPECT_TRUE(second.alone_ids.empty());
  EXPECT_EQ(second.batch_keys, std::vector<std::string>{"rb/2"});
  EXPECT_EQ(urls.size(), 0u);
}

}  // namespace
}  // namespace pb::slash
