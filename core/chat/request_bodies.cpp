#include "core/chat/request_bodies.h"

namespace pb::chat {

void read_user_body(BodyReader& body, User& user, std::string* password) {
  body.string("username", user.username);
  body.string("email", user.email);
  if (password != nullptr) body.string("password", *password);
  body.string("nickname", user.nickname);
  body.string("first_name", user.first_name);
  body.string("last_name", user.last_name);
  body.string("position", user.position);
  body.string("locale", user.locale);
}

void read_team_body(BodyReader& body, Team& team) {
  body.string("name", team.name);
  body.string("display_name", team.display_name);
  body.string("type", team.type);
  body.string("description", team.description);
  body.string("email", team.email);
  body.boolean("allow_open_invite", team.allow_open_invite);
}

void read_team_member_body(BodyReader& body, std::string& team_id, std::string& user_id) {
  body.string("team_id", team_id);
  body.string("user_id", user_id);
}

void read_channel_body(BodyReader& body, Channel& channel) {
  body.string("team_id", channel.team_id);
  body.string("name", channel.name);
  body.string("display_name", channel.display_name);
  body.string("type", channel.type);
  body.string("purpose", channel.purpose);
  body.string("header", channel.header);
}

void read_channel_member_body(BodyReader& body, std::string& user_id) {
  body.string("user_id", user_id);
}

void read_post_body(BodyReader& body, PostDraft& draft) {
  body.string("channel_id", draft.channel_id);
  body.string("message", draft.message);
  body.string("root_id", draft.root_id);
  body.string("type", draft.type);
  body.object_text("props", draft.props_json);
}

bool read_post_patch_body(BodyReader& body, Post& post) {
  bool has_message = body.string("message", post.message);
  body.boolean("is_pinned", post.is_pinned);
  body.object_text("props", post.props_json);
  return has_message;
}

}  // namespace pb::chat
