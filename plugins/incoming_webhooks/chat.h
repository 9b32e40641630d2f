// The host's chat model (plugin.h minor 1 and 2) as the plugin uses it: owned copies of channels
// and users, synchronous reads, and two asynchronous writes (direct channels and posts).
//
// Threading: loop thread only. Reads call the host and return before it returns; the async
// functions follow plugin.h's contract (an error return means `done` is never called).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/plugin.hpp>
#include <patchbay/request_values.hpp>

namespace pb::incoming_webhooks {

struct Channel {
  std::string id, team_id, type, name;
  int64_t delete_at = 0;
};

struct User {
  std::string id, username, roles;
  int64_t delete_at = 0;
};

class Chat {
 public:
  explicit Chat(sdk::Host& host) : host_(host) {}

  // True when the host has every function below (ABI minor >= 2).
  bool available() const;

  std::optional<Channel> channel(std::string_view id) const;
  std::optional<Channel> channel_by_name(std::string_view team_id, std::string_view name) const;
  std::optional<User> user_by_id(std::string_view id) const;
  std::optional<User> user_by_username(std::string_view username) const;
  // 1 may read, 0 may not, negative: PB_E_NOT_FOUND (unknown user or channel) and the like.
  int can_read(std::string_view channel_id, std::string_view user_id) const;
  // The user's roles in the team ("team_user team_admin"), nullopt when not a member.
  std::optional<std::string> team_roles(std::string_view team_id, std::string_view user_id) const;

  using ChannelDone = std::function<void(int status, const Channel* channel)>;
  int direct_channel(std::string_view user_a, std::string_view user_b, ChannelDone done);

  struct PostResult {
    int status = PB_OK;
    int http_status = 200;
    std::string error_id, message;
    std::string post_id;  // the created post's id (status PB_OK)
  };
  using PostDone = std::function<void(const PostResult& result)>;
  // Creates a post through the host's post path (post.will_be_created, durable commit).
  int create_post(const pb_post_v1& draft, PostDone done);

 private:
  sdk::Host& host_;
};

// Whether the space-separated role list `roles` holds `role` (the SDK's).
using sdk::has_role;

}  // namespace pb::incoming_webhooks
