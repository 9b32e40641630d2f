// The repository's cache of parsed users, teams, channels and memberships: a hit is the same record a fresh parse
// gives, and no write that bypasses the Repository (a raw store write, another process, a
// deletion) is ever answered from a stale entry.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "core/chat/permissions.h"
#include "core/chat/repository.h"
#include "patchbay/plugin.h"
#include "tests/unit/store/store_test_support.h"

namespace pb::chat {
namespace {

using store::Table;

User make_user(char c, std::string name) {
  User u;
  u.id = std::string(26, c);
  u.username = std::move(name);
  u.email = u.username + "@example.com";
  u.first_name = "First";
  u.create_at = u.update_at = 1700000000000;
  return u;
}

Channel make_channel(char c, std::string team_id, std::string name) {
  Channel ch;
  ch.id = std::string(26, c);
  ch.team_id = std::move(team_id);
  ch.type = "O";
  ch.name = std::move(name);
  ch.display_name = "Display " + ch.name;
  ch.creator_id = std::string(26, 'u');
  return ch;
}

Team make_team(char c, std::string name) {
  Team t;
  t.id = std::string(26, c);
  t.name = std::move(name);
  t.display_name = "Display " + t.name;
  t.allow_open_invite = true;
  t.create_at = t.update_at = 1700000000000;
  return t;
}

class RepositoryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.directory = dir_.path();
    auto opened = store::Store::open(nullptr, options_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    repo_.emplace(*store_);
  }
  void commit(store::WriteBatch batch) {
    auto r = store_->commit_sync(std::move(batch));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  void add(const User& u) {
    store::WriteBatch batch;
    Repository::add_user(batch, u);
    commit(std::move(batch));
  }
  void add(const Team& t) {
    store::WriteBatch batch;
    Repository::add_team(batch, t);
    commit(std::move(batch));
  }
  void add(const Channel& c) {
    store::WriteBatch batch;
    Repository::add_channel(batch, c);
    commit(std::move(batch));
  }
  // Overwrites the row itself, as `patchbay` admin commands or a migration would: no
  // Repository call, so nothing could have told the cache.
  void write_raw(Table table, std::string_view id, std::string_view json) {
    store::WriteBatch batch;
    batch.put(table, id, json);
    commit(std::move(batch));
  }
  // Overwrites the row from a child process with its own Store, as `patchbay` admin commands do.
  void write_from_another_process(Table table, const std::string& id, const std::string& json) {
    std::string directory = dir_.path();
    pid_t child = store::testing::fork_child([&]() -> int {
      store::StoreOptions options;
      options.directory = directory;
      auto other = store::Store::open(nullptr, options);
      if (!other.ok()) return 2;
      store::WriteBatch batch;
      batch.put(table, id, json);
      return (*other)->commit_sync(std::move(batch)).ok() ? 0 : 3;
    });
    ASSERT_EQ(store::testing::wait_exit_code(child), 0);
  }
  std::string stored(Table table, std::string_view id) {
    auto txn = store_->begin_read();
    EXPECT_TRUE(txn.ok());
    auto value = store_->get(*txn, table, id);
    return value ? std::string(*value) : std::string();
  }

  store::testing::TempDir dir_;
  store::StoreOptions options_;
  std::unique_ptr<store::Store> store_;
  std::optional<Repository> repo_;
};

TEST_F(RepositoryCacheTest, AHitIsTheSameRecordAFreshParseGives) {
  User alice = make_user('a', "alice");
  Channel town = make_channel('c', std::string(26, 't'), "town-square");
  add(alice);
  add(town);

  auto first = repo_->user_ref(alice.id);
  auto second = repo_->user_ref(alice.id);
  ASSERT_TRUE(first);
  EXPECT_EQ(second.get(), first.get());  // served from the cache
  auto fresh = parse_user(stored(Table::users, alice.id));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(to_json(*second), to_json(*fresh));
  EXPECT_EQ(to_json(*repo_->user(alice.id)), to_json(*fresh));
  EXPECT_EQ(repo_->user_ref_by_username("ALICE").get(), first.get());
  EXPECT_EQ(repo_->user_ref_by_email("alice@example.com").get(), first.get());
  EXPECT_EQ(repo_->user_by_email("alice@example.com")->first_name, "First");

  auto channel = repo_->channel_ref(town.id);
  ASSERT_TRUE(channel);
  EXPECT_EQ(repo_->channel_ref(town.id).get(), channel.get());
  EXPECT_EQ(repo_->channel_ref_by_name(town.team_id, "town-square").get(), channel.get());
  EXPECT_EQ(to_json(*repo_->channel(town.id)), to_json(*parse_channel(stored(Table::channels, town.id))));
  EXPECT_EQ(repo_->channel_by_name(town.team_id, "town-square")->display_name, "Display town-square");
}

TEST_F(RepositoryCacheTest, ARowChangedUnderneathIsNeverServedStale) {
  User alice = make_user('a', "alice");
  add(alice);
  auto before = repo_->user_ref(alice.id);
  ASSERT_TRUE(before);

  User renamed = alice;
  renamed.nickname = "ali";
  renamed.roles = "system_admin system_user";
  write_raw(Table::users, alice.id, to_json(renamed));
  auto after = repo_->user_ref(alice.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->nickname, "ali");
  EXPECT_TRUE(after->is_system_admin());
  EXPECT_EQ(repo_->user_by_username("alice")->nickname, "ali");  // through the index too
  EXPECT_EQ(before->nickname, "");  // a record a caller held is not changed under it

  // Deactivated with a one-byte difference in the stored text.
  User gone = renamed;
  gone.delete_at = 1;
  write_raw(Table::users, alice.id, to_json(gone));
  EXPECT_FALSE(repo_->user(alice.id)->active());

  Channel town = make_channel('c', std::string(26, 't'), "town-square");
  add(town);
  ASSERT_EQ(repo_->channel(town.id)->delete_at, 0);
  Channel archived = town;
  archived.delete_at = 5;
  write_raw(Table::channels, town.id, to_json(archived));
  EXPECT_EQ(repo_->channel(town.id)->delete_at, 5);
  EXPECT_EQ(repo_->channel_by_name(town.team_id, "town-square")->delete_at, 5);
}

TEST_F(RepositoryCacheTest, RowsWrittenByAnotherProcessAreSeen) {
  User alice = make_user('a', "alice");
  add(alice);
  ASSERT_EQ(repo_->user(alice.id)->nickname, "");

  User changed = alice;
  changed.nickname = "from-the-cli";
  write_from_another_process(Table::users, alice.id, to_json(changed));
  EXPECT_EQ(repo_->user(alice.id)->nickname, "from-the-cli");

  Team bench = make_team('t', "bench");
  add(bench);
  ASSERT_EQ(repo_->team(bench.id)->display_name, "Display bench");
  Team renamed = bench;
  renamed.display_name = "from-the-cli";
  write_from_another_process(Table::teams, bench.id, to_json(renamed));
  EXPECT_EQ(repo_->team_ref(bench.id)->display_name, "from-the-cli");
}

TEST_F(RepositoryCacheTest, DeletedRowsAreNotFound) {
  User alice = make_user('a', "alice");
  Channel town = make_channel('c', std::string(26, 't'), "town-square");
  add(alice);
  add(town);
  ASSERT_TRUE(repo_->user_ref(alice.id));
  ASSERT_TRUE(repo_->channel_ref(town.id));

  store::WriteBatch batch;
  batch.erase(Table::users, alice.id);
  batch.erase(Table::channels, town.id);
  commit(std::move(batch));
  EXPECT_FALSE(repo_->user_ref(alice.id));
  EXPECT_FALSE(repo_->user(alice.id));
  EXPECT_FALSE(repo_->user_by_username("alice"));  // the index row remains; the user does not
  EXPECT_FALSE(repo_->channel(town.id));
  EXPECT_FALSE(repo_->channel_by_name(town.team_id, "town-square"));

  write_raw(Table::users, alice.id, to_json(alice));  // the same row back
  EXPECT_EQ(repo_->user(alice.id)->username, "alice");
  EXPECT_EQ(repo_->user_by_username("alice")->id, alice.id);
}

TEST_F(RepositoryCacheTest, ACorruptRowReadsAsAbsentEvenAfterAHit) {
  User alice = make_user('a', "alice");
  add(alice);
  ASSERT_TRUE(repo_->user(alice.id));
  write_raw(Table::users, alice.id, "not json");
  EXPECT_FALSE(repo_->user(alice.id));
}

TEST_F(RepositoryCacheTest, MoreRowsThanTheBoundAllReadCorrectly) {
  // Twice the cache's users, each read twice in a row and then all again: every answer is its
  // own row (eviction keeps the bound: row_cache_test checks the count).
  const size_t n = Repository::kCachedUsers * 2;
  store::WriteBatch batch;
  std::vector<User> users;
  for (size_t i = 0; i < n; ++i) {
    User u = make_user('a', "user" + std::to_string(i));
    u.id = std::string(20, 'a') + std::to_string(100000 + i);
    users.push_back(u);
    Repository::add_user(batch, u);
  }
  commit(std::move(batch));
  for (int pass = 0; pass < 2; ++pass) {
    for (const User& u : users) {
      auto first = repo_->user_ref(u.id);
      ASSERT_TRUE(first);
      EXPECT_EQ(first->username, u.username);
      EXPECT_EQ(repo_->user_ref(u.id).get(), first.get());
    }
  }
}

TEST_F(RepositoryCacheTest, ChannelsOfUserComeThroughTheCache) {
  std::string team = std::string(26, 't');
  Channel town = make_channel('c', team, "town-square");
  User alice = make_user('a', "alice");
  store::WriteBatch batch;
  Repository::add_channel(batch, town);
  Repository::put_channel_member(batch, town, ChannelMember{town.id, alice.id});
  commit(std::move(batch));
  ASSERT_EQ(repo_->channels_of_user(alice.id, team).size(), 1u);
  Channel renamed = town;
  renamed.display_name = "Renamed";
  write_raw(Table::channels, town.id, to_json(renamed));
  auto mine = repo_->channels_of_user(alice.id, team);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].display_name, "Renamed");
}

TEST_F(RepositoryCacheTest, ATeamHitIsTheSameRecordAFreshParseGives) {
  Team bench = make_team('t', "bench");
  add(bench);
  auto first = repo_->team_ref(bench.id);
  ASSERT_TRUE(first);
  EXPECT_EQ(repo_->team_ref(bench.id).get(), first.get());  // served from the cache
  auto fresh = parse_team(stored(Table::teams, bench.id));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(to_json(*first), to_json(*fresh));
  EXPECT_EQ(to_json(*repo_->team(bench.id)), to_json(*fresh));
  EXPECT_EQ(to_json(*repo_->team_by_name("bench")), to_json(*fresh));
  EXPECT_EQ(repo_->team_ref(bench.id).get(), first.get());  // by name: the same entry
}

TEST_F(RepositoryCacheTest, ATeamChangedThroughTheStoreIsNeverServedStale) {
  Team bench = make_team('t', "bench");
  add(bench);
  auto before = repo_->team_ref(bench.id);
  ASSERT_TRUE(before);
  ASSERT_EQ(repo_->team_by_name("bench")->display_name, "Display bench");

  // Renamed underneath (display name and the name a slash command sends as team_domain), as an
  // admin command in another process or a migration would: no Repository call.
  Team renamed = bench;
  renamed.name = "bench2";
  renamed.display_name = "Renamed";
  renamed.allow_open_invite = false;
  write_raw(Table::teams, bench.id, to_json(renamed));
  auto after = repo_->team_ref(bench.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->name, "bench2");
  EXPECT_EQ(after->display_name, "Renamed");
  EXPECT_FALSE(after->allow_open_invite);
  EXPECT_EQ(repo_->team(bench.id)->name, "bench2");
  EXPECT_EQ(repo_->team_by_name("bench")->name, "bench2");  // the old index row, the new team
  EXPECT_EQ(before->name, "bench");  // a record a caller held is not changed under it

  // Deleted with a one-byte difference in the stored text.
  Team gone = renamed;
  gone.delete_at = 7;
  write_raw(Table::teams, bench.id, to_json(gone));
  EXPECT_EQ(repo_->team_ref(bench.id)->delete_at, 7);

  // A corrupt row reads as absent after a hit; a row erased is not found.
  write_raw(Table::teams, bench.id, "not json");
  EXPECT_FALSE(repo_->team_ref(bench.id));
  EXPECT_FALSE(repo_->team(bench.id));
  write_raw(Table::teams, bench.id, to_json(bench));
  ASSERT_EQ(repo_->team(bench.id)->name, "bench");
  store::WriteBatch batch;
  batch.erase(Table::teams, bench.id);
  commit(std::move(batch));
  EXPECT_FALSE(repo_->team_ref(bench.id));
  EXPECT_FALSE(repo_->team_by_name("bench"));
}

TEST_F(RepositoryCacheTest, AMembershipChangedThroughTheStoreIsNeverServedStale) {
  std::string team = std::string(26, 't');
  Channel town = make_channel('c', team, "town-square");
  User alice = make_user('a', "alice");
  store::WriteBatch batch;
  Repository::add_channel(batch, town);
  Repository::put_channel_member(batch, town, ChannelMember{town.id, alice.id});
  Repository::put_team_member(batch, TeamMember{team, alice.id, "team_user", 0});
  commit(std::move(batch));

  auto member = repo_->channel_member_ref(town.id, alice.id);
  ASSERT_TRUE(member);
  EXPECT_EQ(repo_->channel_member_ref(town.id, alice.id).get(), member.get());  // a hit
  EXPECT_EQ(to_json(*repo_->channel_member(town.id, alice.id)),
            to_json(*parse_channel_member(stored(Table::channel_members, town.id + alice.id))));
  auto team_member = repo_->team_member_ref(team, alice.id);
  ASSERT_TRUE(team_member);
  EXPECT_EQ(repo_->team_member_ref(team, alice.id).get(), team_member.get());
  EXPECT_TRUE(is_channel_member(*repo_, alice, town.id));
  EXPECT_TRUE(is_team_member(*repo_, alice, team));
  EXPECT_FALSE(can_manage_team(*repo_, alice, team));

  // Roles changed underneath: seen at once, by the permission checks too.
  write_raw(Table::channel_members, town.id + alice.id,
            to_json(ChannelMember{town.id, alice.id, "channel_user channel_admin", 5, 6}));
  EXPECT_EQ(repo_->channel_member(town.id, alice.id)->roles, "channel_user channel_admin");
  EXPECT_EQ(member->roles, "channel_user");  // a record a caller held is not changed under it
  write_raw(Table::team_members, team + alice.id,
            to_json(TeamMember{team, alice.id, "team_user team_admin", 0}));
  EXPECT_TRUE(can_manage_team(*repo_, alice, team));

  // Left the team (delete_at set), then back; the channel row erased, then corrupt.
  write_raw(Table::team_members, team + alice.id, to_json(TeamMember{team, alice.id, "team_user", 9}));
  EXPECT_FALSE(repo_->team_member_ref(team, alice.id));
  EXPECT_FALSE(repo_->team_member(team, alice.id));
  EXPECT_FALSE(is_team_member(*repo_, alice, team));
  write_raw(Table::team_members, team + alice.id, to_json(TeamMember{team, alice.id, "team_user", 0}));
  EXPECT_TRUE(is_team_member(*repo_, alice, team));
  store::WriteBatch erase;
  erase.erase(Table::channel_members, town.id + alice.id);
  commit(std::move(erase));
  EXPECT_FALSE(repo_->channel_member_ref(town.id, alice.id));
  EXPECT_FALSE(is_channel_member(*repo_, alice, town.id));
  write_raw(Table::channel_members, town.id + alice.id, "not json");
  EXPECT_FALSE(repo_->channel_member(town.id, alice.id));
  EXPECT_FALSE(can_read_channel(*repo_, make_user('b', "bob"), town));  // bob: no rows at all
}

TEST_F(RepositoryCacheTest, MembershipsOfLongIdsAreKeyedWhole) {
  // Ids a plugin passed unchecked: keys past the stack buffer, and two pairs whose
  // concatenations differ only past it.
  std::string channel(60, 'c'), user_a = std::string(30, 'u') + "a", user_b = std::string(30, 'u') + "b";
  store::WriteBatch batch;
  batch.put(Table::channel_members, channel + user_a,
            to_json(ChannelMember{channel, user_a, "channel_user", 0, 0}));
  commit(std::move(batch));
  ASSERT_TRUE(repo_->channel_member_ref(channel, user_a));
  EXPECT_EQ(repo_->channel_member_ref(channel, user_a)->user_id, user_a);
  EXPECT_FALSE(repo_->channel_member_ref(channel, user_b));
  // The same concatenated bytes are the same row, as the store keys it.
  EXPECT_TRUE(repo_->channel_member_ref(channel + "u", user_a.substr(1)));
}

TEST_F(RepositoryCacheTest, AnotherThreadReadsUncachedAndRight) {
  User alice = make_user('a', "alice");
  add(alice);
  auto mine = repo_->user_ref(alice.id);
  std::shared_ptr<const User> theirs, theirs_again;
  std::thread other([&] {
    theirs = repo_->user_ref(alice.id);
    theirs_again = repo_->user_ref(alice.id);
  });
  other.join();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs_again);
  EXPECT_EQ(theirs->username, "alice");
  EXPECT_NE(theirs.get(), mine.get());  // not the owner's cache
  EXPECT_NE(theirs_again.get(), theirs.get());
  EXPECT_EQ(repo_->user_ref(alice.id).get(), mine.get());  // the owner's cache is intact
}

TEST_F(RepositoryCacheTest, ACopiedRepositoryHasItsOwnCache) {
  User alice = make_user('a', "alice");
  add(alice);
  auto mine = repo_->user_ref(alice.id);
  Repository copy = *repo_;
  auto copied = copy.user_ref(alice.id);
  ASSERT_TRUE(copied);
  EXPECT_NE(copied.get(), mine.get());
  EXPECT_EQ(copy.user_ref(alice.id).get(), copied.get());
}

}  // namespace
}  // namespace pb::chat
