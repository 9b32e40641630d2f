// /api/v4/channels...: create (O, P), direct channels, read by id and by team + name, members;
// /api/v4/users/{user_id}/teams/{team_id}/channels.
#include <algorithm>

#include "core/chat/body_reader.h"
#include "core/chat/request_bodies.h"
#include "core/chat/permissions.h"
#include "core/chat/route_support.h"
#include "core/chat/routes.h"
#include "core/chat/validation.h"
#include "core/server/app.h"
#include "core/util/ids.h"

namespace pb::chat {
namespace {

ChatService& svc(void* user) { return *static_cast<ChatService*>(user); }

ApiError channel_not_found() {
  return {404, "app.channel.get.existing.app_error", "Unable to find the existing channel."};
}
ApiError channel_name_missing() {
  return {404, "app.channel.get_by_name.missing.app_error", "Unable to find the existing channel."};
}
ApiError channel_exists() {
  return {400, "store.sql_channel.save_channel.exists.app_error",
          "A channel with that name already exists on the same team."};
}

// POST /api/v4/channels: open (O) or private (P) channels, by members of the team.
int create_channel(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  BodyReader body(request.body(), "channel");
  Channel channel;
  read_channel_body(body, channel);
  if (body.error()) return fail(request, *body.error());
  if (!is_valid_id(channel.team_id)) return fail(request, invalid_body("team_id"));
  if (channel.type != "O" && channel.type != "P") {
    return fail(request, {400, "model.channel.is_valid.type.app_error", "Invalid type."});
  }
  if (auto error = validate(channel)) return fail(request, *error);
  const Repository& repo = service.repo();
  auto team = repo.team(channel.team_id);
  if (!team || team->delete_at != 0) {
    return fail(request, {404, "app.team.get.find.app_error", "Unable to find the existing team."});
  }
  if (!actor->is_system_admin() && !is_team_member(repo, *actor, channel.team_id)) {
    return fail(request, forbidden());
  }
  if (repo.channel_by_name(channel.team_id, channel.name)) return fail(request, channel_exists());

  int64_t now = now_ms();
  channel.id = new_id();
  channel.creator_id = actor->id;
  channel.create_at = channel.update_at = now;
  store::WriteBatch batch;
  Repository::add_channel(batch, channel);
  Repository::put_channel_member(
      batch, channel, ChannelMember{channel.id, actor->id, "channel_user channel_admin", 0, now});
  return commit_then_reply(service, request, std::move(batch), 201, to_json(channel),
                           channel_exists());
}

// POST /api/v4/channels/direct ["<user id>","<user id>"]: the DM channel of the two users,
// created on first use (the same channel every time after). The caller must be one of them,
// unless a system admin.
int create_direct(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto ids = BodyReader::string_array(request.body());
  if (!ids || ids->size() != 2 || !is_valid_id((*ids)[0]) || !is_valid_id((*ids)[1])) {
    return fail(request, invalid_body("user_ids"));
  }
  const auto& a = (*ids)[0];
  const auto& b = (*ids)[1];
  if (a != actor->id && b != actor->id && !actor->is_system_admin()) return fail(request, forbidden());
  service.get_or_create_direct(a, b, actor->id,
                               [&request](const ApiError* error, const Channel* channel) {
                                 if (error != nullptr) {
                                   fail(request, *error);
                                 } else {
                                   reply(request, 201, to_json(*channel));
                                 }
                               });
  return PB_OK;
}

// GET /api/v4/channels/{channel_id}
int get_channel(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "channel_id");
  if (!id) return PB_OK;
  auto channel = service.repo().channel(*id);
  if (!channel) return fail(request, channel_not_found());
  if (!can_read_channel(service.repo(), *actor, *channel)) return fail(request, forbidden());
  return reply(request, 200, to_json(*channel));
}

// GET /api/v4/teams/{team_id}/channels/name/{channel_name}?include_deleted=: an open channel
// the caller cannot read is 403; a private one is 404, so its existence stays hidden.
int get_channel_by_name(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto team_id = id_param(request, "team_id");
  if (!team_id) return PB_OK;
  auto name = request.param("channel_name");
  if (!name || name->empty()) return fail(request, invalid_url("channel_name"));
  auto channel = service.repo().channel_by_name(*team_id, *name);
  if (!channel) return fail(request, channel_name_missing());
  if (channel->delete_at != 0 && !query_bool(request.query(), "include_deleted")) {
    return fail(request, channel_name_missing());
  }
  if (!can_read_channel(service.repo(), *actor, *channel)) {
    return fail(request, channel->type == "O" ? forbidden() : channel_name_missing());
  }
  return reply(request, 200, to_json(*channel));
}

// POST /api/v4/channels/{channel_id}/members {"user_id"}: a team member joins an open channel
// or is added by a channel member; private channels take new members from their members only.
int add_channel_member(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "channel_id");
  if (!id) return PB_OK;
  BodyReader body(request.body(), "channel_member");
  std::string user_id;
  read_channel_member_body(body, user_id);
  if (body.error()) return fail(request, *body.error());
  if (!is_valid_id(user_id)) return fail(request, invalid_body("user_id"));
  const Repository& repo = service.repo();
  auto channel = repo.channel(*id);
  if (!channel || channel->delete_at != 0) return fail(request, channel_not_found());
  if (channel->type == "D") {
    return fail(request, {400, "api.channel.add_user_to_channel.type.app_error",
                          "Can not add user to this channel type."});
  }
  bool allowed = actor->is_system_admin() || is_channel_member(repo, *actor, channel->id) ||
                 (channel->type == "O" && user_id == actor->id &&
                  is_team_member(repo, *actor, channel->team_id));
  if (!allowed) return fail(request, channel->type == "O" ? forbidden() : channel_not_found());
  auto user = repo.user(user_id);
  if (!user || !user->active()) {
    return fail(request, {404, "app.user.missing_account.const", "Unable to find the user."});
  }
  if (!repo.team_member(channel->team_id, user_id)) {
    return fail(request, {403, "api.channel.add_members.user_denied",
                          "The user is not a member of the channel's team."});
  }
  if (auto existing = repo.channel_member(channel->id, user_id)) {
    return reply(request, 201, to_json(*existing));
  }
  ChannelMember member{channel->id, user_id, "channel_user", 0, now_ms()};
  store::WriteBatch batch;
  Repository::put_channel_member(batch, *channel, member);
  return commit_then_reply(service, request, std::move(batch), 201, to_json(member));
}

// GET /api/v4/channels/{channel_id}/members?page=&per_page=
int list_channel_members(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "channel_id");
  if (!id) return PB_OK;
  auto channel = service.repo().channel(*id);
  if (!channel) return fail(request, channel_not_found());
  if (!can_read_channel(service.repo(), *actor, *channel)) return fail(request, forbidden());
  Paging page = paging(request.query());
  auto members = service.repo().channel_members(*id);
  std::vector<std::string> out;
  for (size_t i = page.offset(); i < members.size() && out.size() < page.per_page; ++i) {
    out.push_back(to_json(members[i]));
  }
  return reply(request, 200, json_array(out));
}

// GET /api/v4/users/{user_id}/teams/{team_id}/channels?include_deleted=: the user's channels in
// the team and their direct channels. The user themselves or a system admin.
int channels_of_user(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto user_id = id_param(request, "user_id", &*actor);
  if (!user_id) return PB_OK;
  auto team_id = id_param(request, "team_id");
  if (!team_id) return PB_OK;
  if (!can_act_for(*actor, *user_id)) return fail(request, forbidden());
  const Repository& repo = service.repo();
  if (!actor->is_system_admin() && !repo.team_member(*team_id, *user_id)) {
    return fail(request, forbidden());
  }
  bool include_deleted = query_bool(request.query(), "include_deleted");
  auto channels = repo.channels_of_user(*user_id, *team_id);
  std::sort(channels.begin(), channels.end(),
            [](const Channel& a, const Channel& b) { return a.name < b.name; });
  std::vector<std::string> out;
  for (const auto& channel : channels) {
    if (channel.delete_at == 0 || include_deleted) out.push_back(to_json(channel));
  }
  return reply(request, 200, json_array(out));
}

}  // namespace

void add_channel_routes(server::App& app, ChatService& service) {
  constexpr uint32_t kAuth = PB_ROUTE_AUTHENTICATED;
  app.add_route(nullptr, "POST", "/api/v4/channels", kAuth, "", create_channel, &service);
  app.add_route(nullptr, "POST", "/api/v4/channels/direct", kAuth, "", create_direct, &service);
  app.add_route(nullptr, "GET", "/api/v4/channels/{channel_id}", kAuth, "", get_channel, &service);
  app.add_route(nullptr, "GET", "/api/v4/teams/{team_id}/channels/name/{channel_name}", kAuth, "",
                get_channel_by_name, &service);
  app.add_route(nullptr, "POST", "/api/v4/channels/{channel_id}/members", kAuth, "",
                add_channel_member, &service);
  app.add_route(nullptr, "GET", "/api/v4/channels/{channel_id}/members", kAuth, "",
                list_channel_members, &service);
  app.add_route(nullptr, "GET", "/api/v4/users/{user_id}/teams/{team_id}/channels", kAuth, "",
                channels_of_user, &service);
}

}  // namespace pb::chat
