// Who may see and change what, as Mattermost's default roles decide it: system_admin may do
// everything; a team admin manages their team; members read and write where they belong.
// Private channels and direct messages are readable only by their members (and system admins).
//
// Threading: reads through the Repository; any thread.
#pragma once

#include "core/chat/model.h"
#include "core/chat/repository.h"

namespace pb::chat {

bool is_team_member(const Repository& repo, const User& actor, std::string_view team_id);
bool is_channel_member(const Repository& repo, const User& actor, std::string_view channel_id);

// System admin, or a team admin of `team_id`.
bool can_manage_team(const Repository& repo, const User& actor, std::string_view team_id);
// System admin, a member, or anyone when the team is open to invitations.
bool can_view_team(const Repository& repo, const User& actor, const Team& team);
// System admin, a member, or (open channels) a member of the channel's team.
bool can_read_channel(const Repository& repo, const User& actor, const Channel& channel);
// `actor` acts for `user_id`: themselves, or a system admin.
bool can_act_for(const User& actor, std::string_view user_id);

}  // namespace pb::chat
