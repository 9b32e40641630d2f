#include "plugins/incoming_webhooks/chat.h"

#include <memory>

namespace pb::incoming_webhooks {
namespace {

using sdk::to_pb;
using sdk::to_sv;

Channel copy_channel(const pb_channel_v1& c) {
  return Channel{std::string(to_sv(c.id)), std::string(to_sv(c.team_id)),
                 std::string(to_sv(c.type)), std::string(to_sv(c.name)), c.delete_at};
}
void store_channel(void* user, const pb_channel_v1* found) {
  static_cast<std::optional<Channel>*>(user)->emplace(copy_channel(*found));
}
void store_user(void* user, const pb_user_v1* found) {
  static_cast<std::optional<User>*>(user)->emplace(
      User{std::string(to_sv(found->id)), std::string(to_sv(found->username)),
           std::string(to_sv(found->roles)), found->delete_at});
}

}  // namespace

bool Chat::available() const {
  const pb_host_api* api = host_.api();
  return PB_HOST_HAS(api, user_get) && PB_HOST_HAS(api, channel_get) &&
         PB_HOST_HAS(api, channel_get_by_name) && PB_HOST_HAS(api, channel_direct) &&
         PB_HOST_HAS(api, channel_can_read) && PB_HOST_HAS(api, team_member_roles) &&
         PB_HOST_HAS(api, post_create);
}

std::optional<Channel> Chat::channel(std::string_view id) const {
  std::optional<Channel> out;
  host_.api()->channel_get(host_.self(), to_pb(id), &store_channel, &out);
  return out;
}

std::optional<Chat::ChannelState> Chat::channel_state(std::string_view id) const {
  std::optional<ChannelState> out;
  auto fn = [](void* user, const pb_channel_v1* found) {
    static_cast<std::optional<ChannelState>*>(user)->emplace(
        ChannelState{to_sv(found->type) == "O", found->delete_at});
  };
  host_.api()->channel_get(host_.self(), to_pb(id), fn, &out);
  return out;
}

std::optional<Channel> Chat::channel_by_name(std::string_view team_id,
                                             std::string_view name) const {
  std::optional<Channel> out;
  host_.api()->channel_get_by_name(host_.self(), to_pb(team_id), to_pb(name), &store_channel, &out);
  return out;
}

std::optional<User> Chat::user_by_id(std::string_view id) const {
  std::optional<User> out;
  host_.api()->user_get(host_.self(), PB_USER_BY_ID, to_pb(id), &store_user, &out);
  return out;
}

bool Chat::user_exists(std::string_view id) const {
  bool found = false;
  auto fn = [](void* user, const pb_user_v1*) { *static_cast<bool*>(user) = true; };
  host_.api()->user_get(host_.self(), PB_USER_BY_ID, to_pb(id), fn, &found);
  return found;
}

std::optional<User> Chat::user_by_username(std::string_view username) const {
  std::optional<User> out;
  host_.api()->user_get(host_.self(), PB_USER_BY_USERNAME, to_pb(username), &store_user, &out);
  return out;
}

int Chat::can_read(std::string_view channel_id, std::string_view user_id) const {
  return host_.api()->channel_can_read(host_.self(), to_pb(channel_id), to_pb(user_id));
}

std::optional<std::string> Chat::team_roles(std::string_view team_id,
                                            std::string_view user_id) const {
  std::optional<std::string> out;
  auto fn = [](void* user, pb_str roles) {
    static_cast<std::optional<std::string>*>(user)->emplace(to_sv(roles));
  };
  host_.api()->team_member_roles(host_.self(), to_pb(team_id), to_pb(user_id), fn, &out);
  return out;
}

int Chat::direct_channel(std::string_view user_a, std::string_view user_b, ChannelDone done) {
  auto owned = std::make_unique<ChannelDone>(std::move(done));
  auto fn = [](void* user, int status, const pb_channel_v1* channel) {
    std::unique_ptr<ChannelDone> cb(static_cast<ChannelDone*>(user));
    try {  // nothing may unwind into the host
      if (status != PB_OK || channel == nullptr) {
        return (*cb)(status == PB_OK ? PB_E_IO : status, nullptr);
      }
      Channel c = copy_channel(*channel);
      (*cb)(PB_OK, &c);
    } catch (...) {
    }
  };
  int rc = host_.api()->channel_direct(host_.self(), to_pb(user_a), to_pb(user_b), fn, owned.get());
  if (rc == PB_OK) owned.release();  // the host calls fn exactly once, which frees it
  return rc;
}

}  // namespace pb::incoming_webhooks
