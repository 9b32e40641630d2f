// The members of each JSON request body the chat routes take, read into the record the route
// creates or changes: one function per body, called by the route and by the fuzz target
// (tests/fuzz/chat_body_fuzz.cpp), so both read exactly the same members in the same order.
//
// Each reads through `body` (BodyReader: the first problem is kept there as a 400
// api.context.invalid_body_param.app_error; check body.error() after the call). A member that
// is absent or null leaves its field as it was, which is what a patch needs: the caller starts
// from the stored record. Defaults, normalisation and validation stay with the caller.
//
// Threading: none (pure functions over the given objects).
#pragma once

#include <string>

#include "core/chat/body_reader.h"
#include "core/chat/model.h"

namespace pb::chat {

// POST /api/v4/users (password != nullptr: the "password" member too) and
// PUT /api/v4/users/{id}/patch (nullptr: a patch never carries a password).
void read_user_body(BodyReader& body, User& user, std::string* password);

// POST /api/v4/teams.
void read_team_body(BodyReader& body, Team& team);

// POST /api/v4/teams/{team_id}/members: the body's team_id (may be absent) and user_id.
void read_team_member_body(BodyReader& body, std::string& team_id, std::string& user_id);

// POST /api/v4/channels.
void read_channel_body(BodyReader& body, Channel& channel);

// POST /api/v4/channels/{channel_id}/members.
void read_channel_member_body(BodyReader& body, std::string& user_id);

// POST /api/v4/posts ("props" kept as the object's compact text).
void read_post_body(BodyReader& body, PostDraft& draft);

// PUT /api/v4/posts/{post_id}/patch. True when the body carries a "message".
bool read_post_patch_body(BodyReader& body, Post& post);

}  // namespace pb::chat
