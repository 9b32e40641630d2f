// The host's chat model (plugin.h minor 1 and 2) as the plugin uses it: owned copies of channels
// and users, synchronous reads, and two asynchronous writes (direct channels and posts).
//
// Threading: loop thread only. Reads call the host and return before it returns; the async
// functions follow plugin.h's contract (an error return means `done` is never called).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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
  // What the webhook post path checks of a channel it knows the id of, without copying the
  // channel's strings (every webhook to its hook's own channel asks; nullopt: no such channel).
  struct ChannelState {
    bool open = false;  // type "O"
    int64_t delete_at = 0;
  };
  std::optional<ChannelState> channel_state(std::string_view id) const;
  std::optional<Channel> channel_by_name(std::string_view team_id, std::string_view name) const;
  std::optional<User> user_by_id(std::string_view id) const;
  // Whether user_by_id(id) would find a user (deactivated ones included), without the copy.
  bool user_exists(std::string_view id) const;
  std::optional<User> user_by_username(std::string_view username) const;
  // 1 may read, 0 may not, negative: PB_E_NOT_FOUND (unknown user or channel) and the like.
  int can_read(std::string_view channel_id, std::string_view user_id) const;
  // The user's roles in the team ("team_user team_admin"), nullopt when not a member.
  std::optional<std::string> team_roles(std::string_view team_id, std::string_view user_id) const;

  using ChannelDone = std::function<void(int status, const Channel* channel)>;
  int direct_channel(std::string_view user_a, std::string_view user_b, ChannelDone done);

  // What create_post's completion gets. The views are the host's, borrowed for the call only:
  // copy what you keep.
  struct PostResult {
    int status = PB_OK;
    int http_status = 200;
    std::string_view error_id, message;
    std::string_view post_id;  // the created post's id (status PB_OK)
  };
  // Creates a post through the host's post path (post.will_be_created, durable commit).
  // `done(const PostResult&)` runs once, later, unless an error is returned. Any callable: it is
  // moved into the one heap block the completion frees (every webhook post goes through here on
  // the loop thread; a std::function around a closure of more than two pointers would be a
  // second block). An exception thrown by `done` is swallowed (nothing may unwind into the host).
  template <typename Done>
  int create_post(const pb_post_v1& draft, Done done) {
    auto owned = std::make_unique<Done>(std::move(done));
    auto fn = [](void* user, int status, int http_status, pb_str error_id, pb_str message,
                 const pb_post_v1* created) {
      std::unique_ptr<Done> cb(static_cast<Done*>(user));
      try {
        (*cb)(PostResult{status, http_status, sdk::to_sv(error_id), sdk::to_sv(message),
                         created != nullptr ? sdk::to_sv(created->id) : std::string_view{}});
      } catch (...) {
      }
    };
    int rc = host_.api()->post_create(host_.self(), &draft, fn, owned.get());
    if (rc == PB_OK) owned.release();  // the host calls fn exactly once, which frees it
    return rc;
  }

 private:
  sdk::Host& host_;
};

// Whether the space-separated role list `roles` holds `role` (the SDK's).
using sdk::has_role;

}  // namespace pb::incoming_webhooks
