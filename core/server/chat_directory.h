// Channels, team roles and posts as the host API (minor 2: channel_get, channel_get_by_name,
// channel_direct, channel_can_read, team_member_roles, post_create) sees them. The chat model
// implements this and hands it to the App; without one those functions answer PB_E_UNSUPPORTED.
// Loop thread only.
#pragma once

#include <functional>
#include <string_view>

#include "core/util/inline_function.h"
#include "patchbay/plugin.h"

namespace pb::server {

class ChatDirectory {
 public:
  virtual ~ChatDirectory() = default;

  using ChannelFn = std::function<void(const pb_channel_v1&)>;
  // Call fn before returning. PB_OK, PB_E_NOT_FOUND.
  virtual int channel(std::string_view id, const ChannelFn& fn) = 0;
  virtual int channel_by_name(std::string_view team_id, std::string_view name,
                              const ChannelFn& fn) = 0;

  using TeamFn = std::function<void(const pb_team_v1&)>;
  // Call fn before returning. PB_OK, PB_E_NOT_FOUND.
  virtual int team(std::string_view id, const TeamFn& fn) = 0;

  // done(status, channel or nullptr) once, later, on the loop.
  using ChannelDone = std::function<void(int status, const pb_channel_v1* channel)>;
  virtual int direct_channel(std::string_view user_a, std::string_view user_b, ChannelDone done) = 0;

  // 1 / 0, or PB_E_NOT_FOUND.
  virtual int can_read(std::string_view channel_id, std::string_view user_id) = 0;

  // fn(roles) before returning; PB_E_NOT_FOUND when not a member.
  virtual int team_roles(std::string_view team_id, std::string_view user_id,
                         const std::function<void(std::string_view)>& fn) = 0;

  // The post path after its permission check; done once, later, on the loop. Inline (no heap
  // block): every webhook creates a post through it.
  using PostDone = InlineFunction<void(int status, int http_status, std::string_view error_id,
                                       std::string_view message, const pb_post_v1* created)>;
  virtual int create_post(const pb_post_v1& draft, PostDone done) = 0;
};

}  // namespace pb::server
