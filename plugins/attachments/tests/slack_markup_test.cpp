// Slack markup conversion (wire spec §6.4, §2.6; §10 cases 22 and 25).
#include <gtest/gtest.h>

#include <map>

#include "plugins/attachments/slack_markup.h"
#include "plugins/attachments/tests/test_users.h"

namespace pb::attachments {
namespace {

using fixtures::kAliceId;
using fixtures::users;

TEST(SlackMarkup, Case22AnnouncementsInMessageText) {
  EXPECT_EQ(process_slack_text("<!channel> foo <!channel>", users()), "@channel foo @channel");
  EXPECT_EQ(process_slack_text("<!here> bar <!here>", users()), "@here bar @here");
  EXPECT_EQ(process_slack_text("<!all> bar <!all>", users()), "@all bar @all");
}

TEST(SlackMarkup, Case22MentionOfAnExistingUserBecomesUsername) {
  EXPECT_EQ(process_slack_text("<@" + kAliceId + "> hello", users()), "@alice hello");
}

TEST(SlackMarkup, OnlyTheThreeAnnouncementsAreExpanded) {
  EXPECT_EQ(expand_announcements("<!everyone> <!here|here> <!channel"),
            "<!everyone> <!here|here> <!channel");
  EXPECT_EQ(expand_announcements("<<!here>>"), "<@here>");
}

TEST(SlackMarkup, UnknownIdsAndOtherFormsAreLeftAlone) {
  UsernameLookup lookup = users();
  EXPECT_EQ(replace_user_mentions("<@U123> <@> <@a-b> <@" + kAliceId, lookup),
            "<@U123> <@> <@a-b> <@" + kAliceId);
  EXPECT_EQ(replace_user_mentions("<@U123|bob>", lookup), "<@U123|bob>");
  EXPECT_EQ(replace_user_mentions("x<@" + kAliceId + "><@" + kAliceId + ">y", lookup),
            "x@alice@alicey");
  EXPECT_EQ(replace_user_mentions("<@" + kAliceId + ">", UsernameLookup{}),
            "<@" + kAliceId + ">");
}

TEST(SlackMarkup, Case25StrictPatternLeavesNonLinksAlone) {
  for (std::string_view text :
       {std::string_view("`<>|<>|`"), std::string_view("< | \n|\n>"),
        std::string_view("commit 1234\nAuthor: foo <foo@example.org>\nDate: today"),
        std::string_view("`if(status_int < QUERY_UNKNOWN || status_int >= QUERY_STATUS_MAX)`"),
        std::string_view("<http://example.com>")}) {
    EXPECT_EQ(convert_links(text, LinkPattern::kStrict), text);
  }
}

TEST(SlackMarkup, Case25StrictPatternConvertsLinks) {
  EXPECT_EQ(convert_links("<https://mattermost.com|Mattermost>", LinkPattern::kStrict),
            "[Mattermost](https://mattermost.com)");
  EXPECT_EQ(convert_links("a <http://x|X> b <mailto:a@b.c|a@b.c> c", LinkPattern::kStrict),
            "a [X](http://x) b [a@b.c](mailto:a@b.c) c");
  EXPECT_EQ(convert_links("<@U123|bob> <#C123|general>", LinkPattern::kStrict),
            "[bob](@U123) [general](#C123)");
  // A label with a newline or a '|' is not a link for the strict pattern.
  EXPECT_EQ(convert_links("<http://x|a\nb>", LinkPattern::kStrict), "<http://x|a\nb>");
  EXPECT_EQ(convert_links("<http://x|a|b>", LinkPattern::kStrict), "<http://x|a|b>");
  // Leftmost match after a failed start.
  EXPECT_EQ(convert_links("< <http://x|X>", LinkPattern::kStrict), "< [X](http://x)");
}

TEST(SlackMarkup, LoosePatternConvertsWhatTheStrictOneRefuses) {
  // Mattermost's attachment pattern: the if-statement counter-example IS converted there.
  EXPECT_EQ(convert_links("if(a < B || c >= D)", LinkPattern::kLoose), "if(a [| c ]( B )= D)");
  EXPECT_EQ(convert_links("<http://x|a\nb>", LinkPattern::kLoose), "[a\nb](http://x)");
  EXPECT_EQ(convert_links("<http://x|a|b>", LinkPattern::kLoose), "[a|b](http://x)");
  EXPECT_EQ(convert_links("`<>|<>|`", LinkPattern::kLoose), "`[<](>)|`");
  EXPECT_EQ(convert_links("<https://mattermost.com|Mattermost>", LinkPattern::kLoose),
            "[Mattermost](https://mattermost.com)");
}

TEST(SlackMarkup, GitLogIsLeftAloneByBothPatterns) {
  std::string log = "commit abc\nAuthor: foo <foo@example.org>\n\n    fix | thing\n";
  EXPECT_EQ(convert_links(log, LinkPattern::kStrict), log);
  EXPECT_EQ(convert_links(log, LinkPattern::kLoose), log);
}

TEST(SlackMarkup, EntitiesAreNotDecoded) {
  std::string text = "a &amp; b &lt;x&gt; <http://x?a=1&amp;b=2|l&amp;m>";
  EXPECT_EQ(convert_links(process_slack_text(text, users()), LinkPattern::kStrict),
            "a &amp; b &lt;x&gt; [l&amp;m](http://x?a=1&amp;b=2)");
}

TEST(SlackMarkup, LoosePatternStaysLinearWithoutAClosingBracket) {
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "<a|b";
  EXPECT_EQ(convert_links(many, LinkPattern::kLoose), many);
  EXPECT_EQ(convert_links(many, LinkPattern::kStrict), many);
}

TEST(SlackMarkup, ConvertSlackTextIsProcessingThenLinks) {
  const std::string mention = "<@" + kAliceId + ">";
  const std::string texts[] = {"plain",
                               "<http://x|x> no references",
                               "<!here> <http://x|x>",
                               mention + " <http://x|y>",
                               "<http://x|" + mention + ">",
                               "<<!channel>|x>",
                               "<@nobody> <http://x|x>",
                               "<!everyone|e> <a|b>",
                               "<"};
  for (const std::string& text : texts) {
    for (LinkPattern pattern : {LinkPattern::kStrict, LinkPattern::kLoose}) {
      EXPECT_EQ(convert_slack_text(text, users(), pattern),
                convert_links(process_slack_text(text, users()), pattern))
          << text;
    }
  }
  EXPECT_EQ(convert_slack_text(mention + " <http://x|go>", users(), LinkPattern::kStrict),
            "@alice [go](http://x)");
}

}  // namespace
}  // namespace pb::attachments
