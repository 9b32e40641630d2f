// The repository over a real store (commit_sync, no loop): keys, indexes, unique constraints and
// the orders lists come back in.
#include "core/chat/repository.h"

#include <gtest/gtest.h>

#include "patchbay/plugin.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::chat {
namespace {

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.directory = dir_.path();
    auto opened = store::Store::open(nullptr, options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    repo_.emplace(*store_);
  }
  int commit(store::WriteBatch batch) {
    auto r = store_->commit_sync(std::move(batch));
    return r.ok() ? PB_OK : r.error().code;
  }
  static Channel channel(std::string id, std::string team_id, std::string type, std::string name) {
    Channel c;
    c.id = std::move(id);
    c.team_id = std::move(team_id);
    c.type = std::move(type);
    c.name = std::move(name);
    c.display_name = "Some channel";
    return c;
  }
  static User user(char c, std::string name) {
    User u;
    u.id = std::string(26, c);
    u.username = std::move(name);
    u.email = u.username + "@example.com";
    return u;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::optional<Repository> repo_;
};

TEST_F(RepositoryTest, UsersByIdNameAndEmail) {
  EXPECT_FALSE(repo_->has_users());
  store::WriteBatch batch;
  Repository::add_user(batch, user('a', "alice"));
  ASSERT_EQ(commit(std::move(batch)), PB_OK);
  EXPECT_TRUE(repo_->has_users());
  EXPECT_EQ(repo_->user(std::string(26, 'a'))->username, "alice");
  EXPECT_EQ(repo_->user_by_username("ALICE")->id, std::string(26, 'a'));
  EXPECT_EQ(repo_->user_by_email("Alice@Example.COM")->id, std::string(26, 'a'));
  EXPECT_FALSE(repo_->user_by_username("bob"));
}

TEST_F(RepositoryTest, UniqueNamesRefuseTheWholeBatch) {
  store::WriteBatch first;
  Repository::add_user(first, user('a', "alice"));
  ASSERT_EQ(commit(std::move(first)), PB_OK);
  User twin = user('b', "alice");
  twin.email = "other@example.com";
  store::WriteBatch second;
  Repository::add_user(second, twin);
  EXPECT_EQ(commit(std::move(second)), PB_E_EXISTS);
  EXPECT_FALSE(repo_->user(std::string(26, 'b')));  // nothing of the batch was written
  EXPECT_FALSE(repo_->user_by_email("other@example.com"));
}

TEST_F(RepositoryTest, RenamingMovesTheIndex) {
  User before = user('a', "alice");
  store::WriteBatch batch;
  Repository::add_user(batch, before);
  ASSERT_EQ(commit(std::move(batch)), PB_OK);
  User after = before;
  after.username = "alicia";
  store::WriteBatch rename;
  Repository::update_user(rename, before, after);
  ASSERT_EQ(commit(std::move(rename)), PB_OK);
  EXPECT_FALSE(repo_->user_by_username("alice"));
  EXPECT_EQ(repo_->user_by_username("alicia")->id, before.id);
}

TEST_F(RepositoryTest, TeamsChannelsAndMembershipsBothWays) {
  Team team;
  team.id = std::string(26, 't');
  team.name = "eng";
  Channel open = channel(std::string(26, 'o'), team.id, "O", "open");
  Channel dm = channel(std::string(26, 'd'), "", "D",
                       Repository::direct_channel_name(std::string(26, 'b'), std::string(26, 'a')));
  std::string u = std::string(26, 'a');
  store::WriteBatch batch;
  Repository::add_team(batch, team);
  Repository::put_team_member(batch, TeamMember{team.id, u, "team_user", 0});
  Repository::add_channel(batch, open);
  Repository::add_channel(batch, dm);
  Repository::put_channel_member(batch, open, ChannelMember{open.id, u});
  Repository::put_channel_member(batch, dm, ChannelMember{dm.id, u});
  ASSERT_EQ(commit(std::move(batch)), PB_OK);

  EXPECT_EQ(dm.name, std::string(26, 'a') + "__" + std::string(26, 'b'));
  EXPECT_EQ(repo_->team_by_name("eng")->id, team.id);
  EXPECT_TRUE(repo_->team_member(team.id, u));
  EXPECT_FALSE(repo_->team_member(team.id, std::string(26, 'z')));
  ASSERT_EQ(repo_->teams_of_user(u).size(), 1u);
  EXPECT_EQ(repo_->channel_by_name(team.id, "open")->id, open.id);
  EXPECT_EQ(repo_->channel_by_name("", dm.name)->id, dm.id);
  EXPECT_FALSE(repo_->channel_by_name(team.id, dm.name));
  auto mine = repo_->channels_of_user(u, team.id);
  EXPECT_EQ(mine.size(), 2u);  // the team's channel and the DM
  EXPECT_EQ(repo_->channels_of_user(u, std::string(26, 'x')).size(), 1u);  // only the DM
  EXPECT_EQ(repo_->channel_members(open.id).size(), 1u);

  store::WriteBatch again;  // a second channel of the same name in the team is refused
  Repository::add_channel(again, channel(std::string(26, 'p'), team.id, "P", "open"));
  EXPECT_EQ(commit(std::move(again)), PB_E_EXISTS);
}

TEST_F(RepositoryTest, ChannelPostsComeNewestFirstByCreateTime) {
  std::string channel = std::string(26, 'c');
  // Written out of order, with create times that need more than one byte to compare.
  const int64_t times[] = {1700000000300, 1700000000100, 1700000065536, 1700000000200};
  store::WriteBatch batch;
  for (int i = 0; i < 4; ++i) {
    Post p;
    p.id = std::string(25, 'p') + static_cast<char>('a' + i);
    p.channel_id = channel;
    p.create_at = times[i];
    Repository::add_post(batch, p);
  }
  Post elsewhere;
  elsewhere.id = std::string(26, 'x');
  elsewhere.channel_id = std::string(26, 'd');
  elsewhere.create_at = 1;
  Repository::add_post(batch, elsewhere);
  ASSERT_EQ(commit(std::move(batch)), PB_OK);
  auto posts = repo_->channel_posts(channel);
  ASSERT_EQ(posts.size(), 4u);
  EXPECT_EQ(posts[0].create_at, 1700000065536);
  EXPECT_EQ(posts[1].create_at, 1700000000300);
  EXPECT_EQ(posts[2].create_at, 1700000000200);
  EXPECT_EQ(posts[3].create_at, 1700000000100);
  EXPECT_EQ(repo_->post(std::string(26, 'x'))->channel_id, std::string(26, 'd'));
}

}  // namespace
}  // namespace pb::chat
