// Repository: the chat model over the store. Reads open a fresh snapshot each; writes are
// added to a caller's WriteBatch (the store's one write path) so that a request commits all of
// its rows, and plugins' staged writes, in one durable transaction.
//
// Layout (tables in store/table.h; ids are 26 bytes, so concatenated keys need no separator):
//   users              user id                    -> User JSON
//   users_by_username  lower(username)            -> user id   (insert: unique)
//   users_by_email     lower(email)               -> user id   (insert: unique)
//   teams              team id                    -> Team JSON
//   teams_by_name      name                       -> team id   (insert: unique)
//   team_members       team id + user id          -> TeamMember JSON
//   user_teams         user id + team id          -> ""
//   channels           channel id                 -> Channel JSON
//   channels_by_name   team id + ':' + name       -> channel id (insert: unique; DMs: ":" + name)
//   channel_members    channel id + user id       -> ChannelMember JSON
//   user_channels      user id + channel id       -> team id of the channel
//   posts              post id                    -> Post JSON
//   channel_posts      channel id + be64(create_at) + post id -> ""
// Unique indexes are written with WriteBatch::insert, so of two concurrent creates of the same
// name exactly one commits; the other's whole batch fails with PB_E_EXISTS.
//
// Parsed users, teams, channels and memberships are cached (row_cache.h, kCached* entries):
// every lookup still reads the row in its own snapshot, and the cached record is handed out only
// when the stored bytes equal the ones it was parsed from. So a read never sees a stale row,
// whoever wrote it (this process, `patchbay` admin commands in another one, a plugin's staged
// write, a migration), and writers invalidate nothing. Nothing is allocated until the first
// lookup. The *_ref reads share the cached record instead of copying it.
//
// Threading: reads on any thread (store rules); staging builds batches, no I/O. The cache
// belongs to the thread that created the Repository (the loop thread for ChatService's): its
// lookups go through it, other threads' lookups parse uncached, so concurrent reads stay safe.
// A read that fails in the store (PB_E_IO) reads as "absent": callers answer 404 rather than
// guess.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/chat/model.h"
#include "core/chat/row_cache.h"
#include "store/store.h"

namespace pb::chat {

class Repository {
 public:
  // Entries per cache. A user entry holds its ~0.6 KB row and the parsed record (~0.5 KB), a
  // channel entry ~1 KB in all: 256 of each stay under ~0.6 MB however many rows churn through
  // (idle RSS must stay under 8 MB), and 256 covers what a small team's server touches again
  // and again (the signed-in users, the channels hooks and commands post to, their creators).
  static constexpr size_t kCachedUsers = 256;
  static constexpr size_t kCachedChannels = 256;
  // A team entry is ~0.7 KB in all; a server has a few teams, and every slash command reads
  // its team (team_domain) and every team route its team: 64 keep them all at ~45 KB at most.
  static constexpr size_t kCachedTeams = 64;
  // Memberships: every REST post checks its author's channel membership, every channel read
  // permission an open channel's team membership (the member row's parse was ~4% of the loop
  // thread under POST /api/v4/posts). A channel member entry is ~0.7 KB in all, a team member
  // ~0.4 KB: ~0.3 MB for both at most.
  static constexpr size_t kCachedChannelMembers = 256;
  static constexpr size_t kCachedTeamMembers = 256;

  explicit Repository(store::Store& store) : store_(&store) {}

  // ---- reads ----
  std::optional<User> user(std::string_view id) const;
  std::optional<User> user_by_username(std::string_view username) const;  // any case
  std::optional<User> user_by_email(std::string_view email) const;        // any case
  // The same reads without copying the record: a shared, immutable one (null when absent),
  // valid as long as the caller holds it, even after the row changes.
  std::shared_ptr<const User> user_ref(std::string_view id) const;
  std::shared_ptr<const User> user_ref_by_username(std::string_view username) const;
  std::shared_ptr<const User> user_ref_by_email(std::string_view email) const;
  bool has_users() const;

  std::optional<Team> team(std::string_view id) const;
  std::optional<Team> team_by_name(std::string_view name) const;
  // team() without copying the record (as user_ref): shared, immutable, null when absent.
  std::shared_ptr<const Team> team_ref(std::string_view id) const;
  std::vector<Team> all_teams() const;
  // A member whose delete_at is set reads as absent.
  std::optional<TeamMember> team_member(std::string_view team_id, std::string_view user_id) const;
  std::shared_ptr<const TeamMember> team_member_ref(std::string_view team_id,
                                                    std::string_view user_id) const;
  std::vector<Team> teams_of_user(std::string_view user_id) const;

  std::optional<Channel> channel(std::string_view id) const;
  std::optional<Channel> channel_by_name(std::string_view team_id, std::string_view name) const;
  std::shared_ptr<const Channel> channel_ref(std::string_view id) const;
  std::shared_ptr<const Channel> channel_ref_by_name(std::string_view team_id,
                                                     std::string_view name) const;
  std::optional<ChannelMember> channel_member(std::string_view channel_id,
                                              std::string_view user_id) const;
  std::shared_ptr<const ChannelMember> channel_member_ref(std::string_view channel_id,
                                                          std::string_view user_id) const;
  std::vector<ChannelMember> channel_members(std::string_view channel_id) const;
  // Channels `user_id` is a member of in `team_id`, plus their direct channels (as Mattermost).
  std::vector<Channel> channels_of_user(std::string_view user_id, std::string_view team_id) const;

  std::optional<Post> post(std::string_view id) const;
  // Every post of the channel, deleted ones included, newest first.
  std::vector<Post> channel_posts(std::string_view channel_id) const;

  // ---- writes (into `batch`) ----
  static void add_user(store::WriteBatch& batch, const User& user);  // rows + unique indexes
  // Rewrites a user; moves the unique indexes when username or email changed.
  static void update_user(store::WriteBatch& batch, const User& before, const User& after);
  static void add_team(store::WriteBatch& batch, const Team& team);
  static void put_team_member(store::WriteBatch& batch, const TeamMember& member);
  static void add_channel(store::WriteBatch& batch, const Channel& channel);
  static void put_channel_member(store::WriteBatch& batch, const Channel& channel,
                                 const ChannelMember& member);
  static void add_post(store::WriteBatch& batch, const Post& post);
  // The same with the row already written: `row` must be to_json(post) (append_json).
  static void add_post(store::WriteBatch& batch, const Post& post, std::string_view row);
  static void update_post(store::WriteBatch& batch, const Post& post);

  // The DM channel name of two users: the sorted ids joined by "__", as Mattermost.
  static std::string direct_channel_name(std::string_view a, std::string_view b);

  store::Store& store() const { return *store_; }

 private:
  // The creating thread's caches. A copied or assigned Repository starts empty ones, owned by
  // the thread that copied it.
  struct ParsedRows {
    ParsedRows() = default;
    ParsedRows(const ParsedRows&) : ParsedRows() {}
    ParsedRows& operator=(const ParsedRows& other) {
      owner = std::this_thread::get_id();
      users = other.users;
      teams = other.teams;
      channels = other.channels;
      team_members = other.team_members;
      channel_members = other.channel_members;
      return *this;
    }
    std::thread::id owner = std::this_thread::get_id();
    RowCache<User> users{kCachedUsers};
    RowCache<Team> teams{kCachedTeams};
    RowCache<Channel> channels{kCachedChannels};
    RowCache<TeamMember> team_members{kCachedTeamMembers};        // keyed by team id + user id
    RowCache<ChannelMember> channel_members{kCachedChannelMembers};  // channel id + user id
  };

  // parse(view of the row at `key`) inside one snapshot; an empty result when absent.
  template <typename Parse>
  auto read(store::Table table, std::string_view key, Parse parse) const;
  // The record whose id an index row holds (users_by_username / _by_email; channels_by_name),
  // read in the same snapshot as the index.
  std::shared_ptr<const User> user_via(store::Table index, std::string_view key) const;
  std::shared_ptr<const Channel> channel_via(std::string_view name_key) const;
  // The record of `id` in `txn`, through the cache on the owner thread.
  std::shared_ptr<const User> cached_user(const store::ReadTxn& txn, std::string_view id) const;
  std::shared_ptr<const Team> cached_team(const store::ReadTxn& txn, std::string_view id) const;
  std::shared_ptr<const Channel> cached_channel(const store::ReadTxn& txn,
                                                std::string_view id) const;
  // The row at `key` of a members table (its own snapshot), through the owner thread's cache.
  template <typename T, typename Parse>
  std::shared_ptr<const T> cached_row(store::Table table, std::string_view key, RowCache<T>& cache,
                                      Parse parse) const;

  store::Store* store_;
  mutable ParsedRows parsed_;
};

}  // namespace pb::chat
