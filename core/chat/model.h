// The chat model's records (users, teams, memberships, channels, posts) with Mattermost's JSON
// shapes. Each record is stored as the same JSON it is sent as (a user never carries a password:
// passwords belong to the auth plugin), so one writer and one parser per record serve both.
//
// Threading: plain values; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "patchbay/utf8.hpp"

namespace pb::chat {

struct User {
  std::string id;
  std::string username;  // lower-case
  std::string email;     // lower-case
  std::string nickname, first_name, last_name, position;
  std::string roles = "system_user";  // space-separated: "system_user system_admin"
  std::string locale = "en";
  int64_t create_at = 0, update_at = 0, delete_at = 0;
  bool is_bot = false;

  bool active() const { return delete_at == 0; }
  bool has_role(std::string_view role) const;
  bool is_system_admin() const { return has_role("system_admin"); }
};

struct Team {
  std::string id, name, display_name, description, email;
  std::string type = "O";  // O open, I invite only
  bool allow_open_invite = false;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
};

struct TeamMember {
  std::string team_id, user_id;
  std::string roles = "team_user";  // "team_user team_admin"
  int64_t delete_at = 0;
  bool is_admin() const;
};

struct Channel {
  std::string id, team_id;  // team_id "" for direct channels
  std::string type;         // O open, P private, D direct
  std::string display_name, name, header, purpose, creator_id;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
};

struct ChannelMember {
  std::string channel_id, user_id;
  std::string roles = "channel_user";  // "channel_user channel_admin"
  int64_t last_viewed_at = 0, last_update_at = 0;
};

struct Post {
  std::string id, channel_id, user_id, root_id, type, message;
  std::string props_json = "{}";  // a JSON object, kept as text
  int64_t create_at = 0, update_at = 0, edit_at = 0, delete_at = 0;
  bool is_pinned = false;
};

// What ChatService::create_post needs; id and timestamps are assigned by the core.
struct PostDraft {
  std::string channel_id, user_id, root_id, type, message;
  std::string props_json = "{}";  // a JSON object
  uint32_t flags = 0;             // PB_POST_*
};

// Moves the draft's channel, author, root, type, message and props into `post` (props become
// "{}" when the draft's are empty); the post's id, times and the draft's flags are left alone.
void take_draft(Post& post, PostDraft&& draft);

// Mattermost's JSON for each record (compact, keys as Mattermost names them).
std::string to_json(const User& user);
std::string to_json(const Team& team);
std::string to_json(const TeamMember& member);
std::string to_json(const Channel& channel);
std::string to_json(const ChannelMember& member);
std::string to_json(const Post& post);
// Appends what to_json(post) returns to `out`: for callers that reuse a buffer.
void append_json(std::string& out, const Post& post);

// Parsers of stored records; nullopt when the text is not such a record (a corrupt store).
std::optional<User> parse_user(std::string_view json);
std::optional<Team> parse_team(std::string_view json);
std::optional<TeamMember> parse_team_member(std::string_view json);
std::optional<Channel> parse_channel(std::string_view json);
std::optional<ChannelMember> parse_channel_member(std::string_view json);
std::optional<Post> parse_post(std::string_view json);

// Milliseconds since the epoch, as every Mattermost timestamp.
int64_t now_ms();

// Number of Unicode code points in UTF-8 text (Mattermost measures names in runes).
using sdk::count_code_points;

// ASCII lower-case copy (usernames, emails and their index keys).
std::string lower(std::string_view s);

}  // namespace pb::chat
