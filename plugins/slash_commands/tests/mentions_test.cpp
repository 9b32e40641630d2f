// The mention candidates of a command's text (mentions.h) and their encoding in the request
// to the command's URL (command_request.h).
#include "plugins/slash_commands/mentions.h"

#include <gtest/gtest.h>

#include "plugins/slash_commands/command_request.h"

namespace pb::slash {
namespace {

using Names = std::vector<std::string>;

TEST(Mentions, UserCandidates) {
  EXPECT_EQ(user_mention_candidates("ask @Alice and @bob.smith, thanks @alice."),
            (Names{"alice", "bob.smith"}));
  EXPECT_EQ(user_mention_candidates("mail me@example.com @ @_x @-y (@carol) @dave-1_2"),
            (Names{"carol", "dave-1_2"}));
  EXPECT_TRUE(user_mention_candidates("no mentions ~here").empty());
}

TEST(Mentions, ChannelCandidates) {
  EXPECT_EQ(channel_mention_candidates("see ~Town-Square and ~off_topic. a~b ~town-square"),
            (Names{"town-square", "off_topic"}));
  EXPECT_TRUE(channel_mention_candidates("~ ~~ @x").empty());
}

TEST(Mentions, EncodedAsRepeatedPairsInKeyOrder) {
  Mentions users{{"alice", "aid"}, {"bob", "bid"}};
  Mentions channels{{"town", "cid"}};
  InvocationParams p;
  p.channel_id = "c";
  p.user_id = "u";
  p.user_name = "n";
  p.channel_name = "town";
  p.user_mentions = &users;
  p.channel_mentions = &channels;
  std::string form = encode_params(p);
  EXPECT_NE(form.find("channel_id=c&channel_mentions=town&channel_mentions_ids=cid&channel_name=town&"),
            std::string::npos) << form;
  EXPECT_NE(form.find("user_id=u&user_mentions=alice&user_mentions=bob&user_mentions_ids=aid&"
                      "user_mentions_ids=bid&user_name=n"),
            std::string::npos) << form;
  Mentions none;
  p.user_mentions = &none;
  p.channel_mentions = nullptr;
  form = encode_params(p);
  EXPECT_EQ(form.find("mentions"), std::string::npos) << form;
}

}  // namespace
}  // namespace pb::slash
