// Mattermost's validity rules for names and records, with their error ids.
#include "core/chat/validation.h"

#include <gtest/gtest.h>

namespace pb::chat {
namespace {

TEST(Validation, Usernames) {
  for (const char* ok : {"abc", "a.b-c_d", "alice99", "abcdefghijklmnopqrstuv"}) {
    EXPECT_TRUE(valid_username(ok)) << ok;
  }
  for (const char* bad : {"", "ab", "abcdefghijklmnopqrstuvw", "1abc", ".abc", "Alice", "al ice",
                          "al@ice", "all", "channel", "system", "matterbot", "here", "ålice"}) {
    EXPECT_FALSE(valid_username(bad)) << bad;
  }
}

TEST(Validation, Emails) {
  for (const char* ok : {"a@b", "alice@example.com", "a.b+c@d.e"}) EXPECT_TRUE(valid_email(ok)) << ok;
  for (const char* bad : {"", "alice", "@example.com", "alice@", "a@b@c", "a b@c.d", "<a@b.c>"}) {
    EXPECT_FALSE(valid_email(bad)) << bad;
  }
  EXPECT_FALSE(valid_email(std::string(120, 'a') + "@example.com"));
}

TEST(Validation, TeamNames) {
  for (const char* ok : {"ab", "eng", "my-team", "a__b", "team2"}) EXPECT_TRUE(valid_team_name(ok)) << ok;
  for (const char* bad : {"a", "-ab", "ab-", "a_b", "a__b__c", "My-Team", "a b"}) {
    EXPECT_FALSE(valid_team_name(bad)) << bad;
  }
  EXPECT_FALSE(valid_team_name(std::string(65, 'a')));
  EXPECT_TRUE(reserved_team_name("api"));
  EXPECT_FALSE(reserved_team_name("apis"));
}

TEST(Validation, ChannelNames) {
  for (const char* ok : {"a", "town-square", "off_topic", "x1"}) EXPECT_TRUE(valid_channel_name(ok)) << ok;
  for (const char* bad : {"", "-a", "a-", "Town", "a b"}) EXPECT_FALSE(valid_channel_name(bad)) << bad;
  EXPECT_TRUE(valid_channel_name(std::string(64, 'a')));
  EXPECT_FALSE(valid_channel_name(std::string(65, 'a')));
}

TEST(Validation, UserRecordErrorIds) {
  User u;
  u.username = "alice";
  u.email = "alice@example.com";
  EXPECT_FALSE(validate(u));
  u.nickname = std::string(64, 'n');
  EXPECT_FALSE(validate(u));
  u.nickname = std::string(65, 'n');
  EXPECT_EQ(validate(u)->id, "model.user.is_valid.nickname.app_error");
  u.nickname = "ü";  // runes, not bytes
  for (int i = 0; i < 6; ++i) u.nickname += u.nickname;  // 64 runes, 128 bytes
  EXPECT_FALSE(validate(u));
  u.username = "x";
  auto error = validate(u);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(error->id, "model.user.is_valid.username.app_error");
}

TEST(Validation, TeamAndChannelRecordErrorIds) {
  Team t;
  t.name = "eng";
  t.display_name = "Engineering";
  EXPECT_FALSE(validate(t));
  t.type = "P";
  EXPECT_EQ(validate(t)->id, "model.team.is_valid.type.app_error");
  t.type = "I";
  t.name = "login";
  EXPECT_EQ(validate(t)->id, "model.team.is_valid.reserved.app_error");

  Channel c;
  c.type = "O";
  c.name = "builds";
  c.display_name = "Builds";
  EXPECT_FALSE(validate(c));
  c.purpose = std::string(251, 'p');
  EXPECT_EQ(validate(c)->id, "model.channel.is_valid.purpose.app_error");
  c.purpose.clear();
  c.display_name.clear();
  EXPECT_EQ(validate(c)->id, "model.channel.is_valid.display_name.app_error");
  c.type = "D";  // direct channels have no display name
  c.name = "aaaaaaaaaaaaaaaaaaaaaaaaaa__bbbbbbbbbbbbbbbbbbbbbbbbbb";
  EXPECT_FALSE(validate(c));
}

TEST(Validation, PostMessageLengthInRunes) {
  Post p;
  p.channel_id = std::string(26, 'c');
  p.user_id = std::string(26, 'u');
  p.message = std::string(kPostMessageMaxRunes, 'a');
  EXPECT_FALSE(validate(p));
  p.message += "a";
  EXPECT_EQ(validate(p)->id, "model.post.is_valid.msg.app_error");
  p.message.clear();
  for (size_t i = 0; i < kPostMessageMaxRunes; ++i) p.message += "é";  // 2 bytes, 1 rune
  EXPECT_FALSE(validate(p));
  p.root_id = "short";
  EXPECT_EQ(validate(p)->id, "model.post.is_valid.root_id.app_error");
}

}  // namespace
}  // namespace pb::chat
