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

TEST(ResponseUrls, ExpireAfterThirtyMinutes) {
  ResponseUrls urls;
  urls.add(record(0));
  EXPECT_EQ(urls.try_use(std::string(26, 'r'), kResponseUrlLifetimeMs, nullptr),
            ResponseUrls::Use::kOk);
  EXPECT_EQ(urls.try_use(std::string(26, 'r'), kResponseUrlLifetimeMs + 1, nullptr),
            ResponseUrls::Use::kMissing);
  EXPECT_EQ(urls.expire(kResponseUrlLifetimeMs + 1).size(), 1u);
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

}  // namespace
}  // namespace pb::slash
