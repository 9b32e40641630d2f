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
// Threading: reads on any thread (store rules); staging builds batches, no I/O. A read that
// fails in the store (PB_E_IO) reads as "absent": callers answer 404 rather than guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat/model.h"
#include "store/store.h"

namespace pb::chat {

class Repository {
 public:
  explicit Repository(store::Store& store) : store_(&store) {}

  // ---- reads ----
  std::optional<User> user(std::string_view id) const;
  std::optional<User> user_by_username(std::string_view username) const;  // any case
  std::optional<User> user_by_email(std::string_view email) const;        // any case
  bool has_users() const;

  std::optional<Team> team(std::string_view id) const;
  std::optional<Team> team_by_name(std::string_view name) const;
  std::vector<Team> all_teams() const;
  std::optional<TeamMember> team_member(std::string_view team_id, std::string_view user_id) const;
  std::vector<Team> teams_of_user(std::string_view user_id) const;

  std::optional<Channel> channel(std::string_view id) const;
  std::optional<Channel> channel_by_name(std::string_view team_id, std::string_view name) const;
  std::optional<ChannelMember> channel_member(std::string_view channel_id,
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
  static void update_post(store::WriteBatch& batch, const Post& post);

  // The DM channel name of two users: the sorted ids joined by "__", as Mattermost.
  static std::string direct_channel_name(std::string_view a, std::string_view b);

  store::Store& store() const { return *store_; }

 private:
  std::optional<std::string> get(store::Table table, std::string_view key) const;

  store::Store* store_;
};

}  // namespace pb::chat
