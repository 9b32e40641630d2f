// Mattermost's validity rules for the chat records, with its error ids (all 400). Records are
// checked after normalisation (lower-cased username and email).
//
// Threading: pure functions; any thread.
#pragma once

#include <optional>
#include <string_view>

#include "core/chat/api_error.h"
#include "core/chat/model.h"

namespace pb::chat {

// 3..22 characters of [a-z0-9.-_], starting with a letter, not a reserved name.
bool valid_username(std::string_view username);
// One '@' between a non-empty local part and a domain, at most 128 bytes, no spaces or <>.
bool valid_email(std::string_view email);
// 2..64 of [a-z0-9-] (a "__" inside allowed), starting and ending alphanumeric.
bool valid_team_name(std::string_view name);
bool reserved_team_name(std::string_view name);
// 1..64 of [a-z0-9-_], starting and ending alphanumeric (or a DM's "<id>__<id>").
bool valid_channel_name(std::string_view name);

std::optional<ApiError> validate(const User& user);
std::optional<ApiError> validate(const Team& team);
std::optional<ApiError> validate(const Channel& channel);
// Message length (16383 runes), type (no "system_" from clients is checked by callers), ids.
std::optional<ApiError> validate(const Post& post);
// Only what post.will_be_created interceptors may rewrite: message length and type.
std::optional<ApiError> validate_content(const Post& post);

inline constexpr size_t kPostMessageMaxRunes = 16383;

}  // namespace pb::chat
