// libFuzzer target for every JSON request body the chat model parses (core/chat): the first
// input byte picks the body (a digit in the seeds, see the switch), the rest is the body. Each
// case reads it with the function its route calls (core/chat/request_bodies.h), then applies the
// defaults and normalisation the handler applies and its validate(), so a crash here is a crash
// a client can cause.
//
// Beyond "no crash, no sanitizer report" it checks what the store relies on:
//  - a refused body is always a 400 api.context.invalid_body_param.app_error;
//  - every record a body produces survives to_json -> parse_<record> -> to_json unchanged (the
//    record is stored as that JSON and read back with that parser), whatever bytes its strings
//    hold (NULs, quotes, any valid UTF-8);
//  - "props" kept as text is one JSON object;
//  - a body read as written (no document: BodyReader's fast reading) gives every member, every
//    error and the props text exactly as the document reading does;
//  - the stored-record parsers never crash on arbitrary text, and what they accept round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/chat/json_object.h"
#include "core/chat/body_reader.h"
#include "core/chat/model.h"
#include "core/chat/request_bodies.h"
#include "core/chat/validation.h"

namespace {

using namespace pb::chat;

// A fixed 26-character id, so records look like the ones the routes store.
constexpr const char* kId = "abcdefghijkmnopqrstuwxyz12";

void check(bool ok) {
  if (!ok) std::abort();
}

// A refused body is Mattermost's invalid_body_param, status 400.
bool refused(const BodyReader& body) {
  if (!body.error()) return false;
  check(body.error()->status == 400);
  check(body.error()->id == "api.context.invalid_body_param.app_error");
  return true;
}

// to_json -> parse -> to_json is the identity on the JSON text.
template <typename Record, typename Parse>
void round_trips(const Record& record, Parse parse) {
  const std::string once = to_json(record);
  auto back = parse(once);
  check(back.has_value());
  check(to_json(*back) == once);
}

// Every member the routes read, in one order, as both readings see them.
std::string readout(BodyReader& body) {
  std::string out;
  for (const char* key : {"username", "email", "password", "nickname", "first_name", "last_name",
                          "position", "locale", "name", "display_name", "type", "description",
                          "team_id", "user_id", "purpose", "header", "channel_id", "message",
                          "root_id"}) {
    std::string value = "(absent)";
    out += body.string(key, value) ? "+" : "-";
    out += value + '\0';
  }
  for (const char* key : {"allow_open_invite", "is_pinned", "open"}) {
    bool value = false;
    out += body.boolean(key, value) ? "+" : "-";
    out += value ? "1" : "0";
  }
  std::string props = "(absent)";
  out += body.object_text("props", props) ? "+" : "-";
  out += props + '\0';
  if (body.error()) out += body.error()->message;
  return out;
}

void same_in_both_readings(std::string_view text) {
  BodyReader fast(text, "post");
  BodyReader document(text, "post", BodyReader::Reading::document_only);
  check(!document.read_as_written());
  check(readout(fast) == readout(document));
}

// POST /api/v4/users (create_user).
void user_create(std::string_view text) {
  BodyReader body(text, "user");
  User draft;
  std::string password;
  read_user_body(body, draft, &password);
  if (refused(body)) return;
  if (draft.locale.empty()) draft.locale = "en";
  draft.username = lower(draft.username);
  draft.email = lower(draft.email);
  draft.id = kId;
  (void)validate(draft);
  round_trips(draft, parse_user);
}

// PUT /api/v4/users/{id}/patch (patch_user), applied to an existing user.
void user_patch(std::string_view text) {
  BodyReader body(text, "user");
  User after;
  after.id = kId;
  after.username = "someone";
  after.email = "someone@example.com";
  read_user_body(body, after, nullptr);
  if (refused(body)) return;
  after.username = lower(after.username);
  after.email = lower(after.email);
  (void)validate(after);
  round_trips(after, parse_user);
}

// POST /api/v4/users/ids and the channel route that takes an id array.
void id_array(std::string_view text) {
  auto ids = BodyReader::string_array(text);
  if (!ids) return;
  for (const auto& id : *ids) (void)pb::chat::count_code_points(id);
}

// POST /api/v4/teams (create_team).
void team_create(std::string_view text) {
  BodyReader body(text, "team");
  Team team;
  read_team_body(body, team);
  if (refused(body)) return;
  if (team.type.empty()) team.type = "O";
  (void)validate(team);
  team.id = kId;
  round_trips(team, parse_team);
}

// POST /api/v4/teams/{id}/members.
void team_member(std::string_view text) {
  BodyReader body(text, "team_member");
  std::string team_id, user_id;
  read_team_member_body(body, team_id, user_id);
  if (refused(body)) return;
  round_trips(TeamMember{team_id, user_id, "team_user", 0}, parse_team_member);
}

// POST /api/v4/channels (create_channel).
void channel_create(std::string_view text) {
  BodyReader body(text, "channel");
  Channel channel;
  read_channel_body(body, channel);
  if (refused(body)) return;
  (void)validate(channel);
  channel.id = kId;
  channel.creator_id = kId;
  round_trips(channel, parse_channel);
}

// POST /api/v4/channels/{id}/members.
void channel_member(std::string_view text) {
  BodyReader body(text, "channel_member");
  std::string user_id;
  read_channel_member_body(body, user_id);
  if (refused(body)) return;
  round_trips(ChannelMember{kId, user_id, "channel_user", 0, 1}, parse_channel_member);
}

// POST /api/v4/posts (create_post_route).
void post_create(std::string_view text) {
  BodyReader body(text, "post");
  PostDraft draft;
  read_post_body(body, draft);
  if (refused(body)) return;
  check(is_json_object(draft.props_json));
  Post post;
  take_draft(post, std::move(draft));
  post.id = kId;
  post.user_id = kId;
  (void)validate(post);
  round_trips(post, parse_post);
}

// PUT /api/v4/posts/{id}/patch (patch_post), applied to an existing post.
void post_patch(std::string_view text) {
  BodyReader body(text, "post");
  Post after;
  after.id = after.channel_id = after.user_id = kId;
  after.message = "before";
  read_post_patch_body(body, after);
  if (refused(body)) return;
  check(is_json_object(after.props_json));
  (void)validate(after);
  round_trips(after, parse_post);
}

// The stored-record parsers on arbitrary text: what they accept must round-trip.
void stored_records(std::string_view text) {
  if (auto r = parse_user(text)) round_trips(*r, parse_user);
  if (auto r = parse_team(text)) round_trips(*r, parse_team);
  if (auto r = parse_team_member(text)) round_trips(*r, parse_team_member);
  if (auto r = parse_channel(text)) round_trips(*r, parse_channel);
  if (auto r = parse_channel_member(text)) round_trips(*r, parse_channel_member);
  if (auto r = parse_post(text)) round_trips(*r, parse_post);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  same_in_both_readings(text);
  // (byte + 2) % 10 maps the ASCII digits '0'..'9' to cases 0..9, so seeds read "7{...}".
  switch ((data[0] + 2) % 10) {
    case 0: user_create(text); break;
    case 1: user_patch(text); break;
    case 2: id_array(text); break;
    case 3: team_create(text); break;
    case 4: team_member(text); break;
    case 5: channel_create(text); break;
    case 6: channel_member(text); break;
    case 7: post_create(text); break;
    case 8: post_patch(text); break;
    default: stored_records(text); break;
  }
  return 0;
}
