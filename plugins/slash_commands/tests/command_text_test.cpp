#include "plugins/slash_commands/command_text.h"

#include <gtest/gtest.h>

namespace pb::slash {
namespace {

// Wire spec §10 case 38: "", "/", "getcommand" are 400 at the parser.
TEST(CommandText, RefusesTextWithoutATrigger) {
  EXPECT_FALSE(parse_command_text(""));
  EXPECT_FALSE(parse_command_text("/"));
  EXPECT_FALSE(parse_command_text("getcommand"));
  EXPECT_FALSE(parse_command_text("/ foo"));
}

TEST(CommandText, SplitsAtTheFirstWhiteSpaceAndLowerCases) {
  auto t = parse_command_text("/DePloy prod  now");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "deploy");
  EXPECT_EQ(t->message, "prod  now");
  t = parse_command_text("/junk");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "junk");
  EXPECT_EQ(t->message, "");
  t = parse_command_text("/a\tb");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "a");
  EXPECT_EQ(t->message, "b");
  t = parse_command_text("/a\nline two");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->message, "line two");
}

TEST(CommandText, UnicodeWhiteSpaceSeparates) {
  auto t = parse_command_text("/echo\xE3\x80\x80hi");  // U+3000
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "echo");
  EXPECT_EQ(t->message, "hi");
  t = parse_command_text("/echo\xC2\xA0hi");  // U+00A0
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "echo");
  t = parse_command_text("/caf\xC3\xA9 x");  // é is not white space
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trigger, "caf\xC3\xA9");
}

TEST(CommandText, UnicodeSpaceTable) {
  EXPECT_EQ(unicode_space_at(" "), 1u);
  EXPECT_EQ(unicode_space_at("\xE2\x80\x8A"), 3u);  // U+200A
  EXPECT_EQ(unicode_space_at("\xE2\x80\x8B"), 0u);  // U+200B is not
  EXPECT_EQ(unicode_space_at("\xE2\x80"), 0u);      // truncated
  EXPECT_EQ(unicode_space_at("\xC2"), 0u);
  EXPECT_EQ(unicode_space_at(""), 0u);
}

}  // namespace
}  // namespace pb::slash
