// Which posts fire which hooks (wire spec §4.2, §10 case 34).
#include <gtest/gtest.h>

#include "plugins/outgoing_webhooks/hook_index.h"

namespace pb::outgoing {
namespace {

OutgoingHook hook(std::string id, std::string team, std::string channel,
                  std::vector<std::string> words, int when = kTriggerWordsExactMatch) {
  OutgoingHook h;
  h.id = std::move(id);
  h.team_id = std::move(team);
  h.channel_id = std::move(channel);
  h.trigger_words = std::move(words);
  h.trigger_when = when;
  return h;
}

std::vector<std::pair<std::string, std::string>> fired(const HookIndex& index,
                                                       std::string_view channel,
                                                       std::string_view message) {
  std::vector<Match> m;
  index.match("team", channel, message, m);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& x : m) out.emplace_back(x.hook->id, std::string(x.trigger_word));
  std::sort(out.begin(), out.end());
  return out;
}

using Fired = std::vector<std::pair<std::string, std::string>>;

TEST(FirstWord, SplitsOnUnicodeWhiteSpace) {
  EXPECT_EQ(first_word("  deploy prod"), "deploy");
  EXPECT_EQ(first_word("\t\ndeploy\u00A0prod"), "deploy");
  EXPECT_EQ(first_word("\u3000deploy\u2003x"), "deploy");
  EXPECT_EQ(first_word("   "), "");
  EXPECT_EQ(first_word(""), "");
  EXPECT_EQ(first_word("é!"), "é!");
}

TEST(HookIndex, StartsWithCase34) {
  HookIndex index;
  index.upsert(hook("h1", "team", "", {"foo"}, kTriggerWordsStartsWith));
  EXPECT_EQ(fired(index, "c1", "foobar baz"), (Fired{{"h1", "foo"}}));
  EXPECT_TRUE(fired(index, "c1", "barfoo").empty());
}

TEST(HookIndex, ExactMatchIsCaseSensitiveAndOnTheFirstWordOnly) {
  HookIndex index;
  index.upsert(hook("h1", "team", "", {"deploy"}));
  EXPECT_EQ(fired(index, "c1", "deploy prod"), (Fired{{"h1", "deploy"}}));
  EXPECT_TRUE(fired(index, "c1", "Deploy prod").empty());
  EXPECT_TRUE(fired(index, "c1", "deployer").empty());
  EXPECT_TRUE(fired(index, "c1", "please deploy").empty());
}

TEST(HookIndex, ChannelBoundWithoutWordsFiresOnEveryPostOfItsChannel) {
  HookIndex index;
  index.upsert(hook("h1", "team", "c1", {}));
  EXPECT_EQ(fired(index, "c1", "anything"), (Fired{{"h1", ""}}));
  EXPECT_TRUE(fired(index, "c2", "anything").empty());
  EXPECT_TRUE(fired(index, "c1", "   ").empty());  // blank messages fire nothing
}

TEST(HookIndex, EachHookGetsItsOwnTriggerWord) {
  HookIndex index;
  index.upsert(hook("h1", "team", "", {"de"}, kTriggerWordsStartsWith));
  index.upsert(hook("h2", "team", "", {"deploy"}));
  index.upsert(hook("h3", "team", "c9", {"deploy"}));  // other channel
  index.upsert(hook("h4", "other-team", "", {"deploy"}));
  EXPECT_EQ(fired(index, "c1", "deploy"), (Fired{{"h1", "de"}, {"h2", "deploy"}}));
}

TEST(HookIndex, FirstMatchingTriggerInListOrderIsReported) {
  HookIndex index;
  index.upsert(hook("h1", "team", "", {"x", "dep", "de"}, kTriggerWordsStartsWith));
  EXPECT_EQ(fired(index, "c1", "deploy"), (Fired{{"h1", "dep"}}));
}

TEST(HookIndex, UpsertReplacesAndEraseRemoves) {
  HookIndex index;
  index.upsert(hook("h1", "team", "", {"a"}));
  index.upsert(hook("h1", "team", "", {"b"}));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(fired(index, "c", "a").empty());
  EXPECT_EQ(fired(index, "c", "b").size(), 1u);
  index.erase("h1");
  EXPECT_EQ(index.find("h1"), nullptr);
  EXPECT_TRUE(index.of_team("team").empty());
}

}  // namespace
}  // namespace pb::outgoing
