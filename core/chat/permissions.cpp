#include "core/chat/permissions.h"

namespace pb::chat {

bool is_team_member(const Repository& repo, const User& actor, std::string_view team_id) {
  return repo.team_member_ref(team_id, actor.id) != nullptr;
}

bool is_channel_member(const Repository& repo, const User& actor, std::string_view channel_id) {
  return repo.channel_member_ref(channel_id, actor.id) != nullptr;
}

bool can_manage_team(const Repository& repo, const User& actor, std::string_view team_id) {
  if (actor.is_system_admin()) return true;
  auto member = repo.team_member_ref(team_id, actor.id);
  return member && member->is_admin();
}

bool can_view_team(const Repository& repo, const User& actor, const Team& team) {
  return actor.is_system_admin() || team.allow_open_invite || is_team_member(repo, actor, team.id);
}

bool can_read_channel(const Repository& repo, const User& actor, const Channel& channel) {
  if (actor.is_system_admin() || is_channel_member(repo, actor, channel.id)) return true;
  return channel.type == "O" && is_team_member(repo, actor, channel.team_id);
}

bool can_act_for(const User& actor, std::string_view user_id) {
  return actor.id == user_id || actor.is_system_admin();
}

}  // namespace pb::chat
