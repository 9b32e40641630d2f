// /api/v4/teams...: create (with town-square and off-topic), list, read by id and name, add a
// member; /api/v4/users/{user_id}/teams.
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

ApiError team_not_found() { return {404, "app.team.get.find.app_error", "Unable to find the existing team."}; }
ApiError team_exists() {
  return {400, "app.team.save.existing.app_error", "A team with that name already exists."};
}

// The channels every team starts with, which every member joins (as Mattermost).
constexpr std::pair<const char*, const char*> kDefaultChannels[] = {
    {"town-square", "Town Square"}, {"off-topic", "Off-Topic"}};

// Adds `user_id` to the team's default channels that exist (reads the committed channels).
void join_default_channels(const Repository& repo, store::WriteBatch& batch,
                           std::string_view team_id, std::string_view user_id, int64_t now) {
  for (const auto& [name, display] : kDefaultChannels) {
    auto channel = repo.channel_by_name(team_id, name);
    if (!channel || channel->delete_at != 0) continue;
    if (repo.channel_member(channel->id, user_id)) continue;
    ChannelMember member{channel->id, std::string(user_id), "channel_user", 0, now};
    Repository::put_channel_member(batch, *channel, member);
  }
}

// POST /api/v4/teams: the creator becomes team admin and joins the default channels.
int create_team(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  BodyReader body(request.body(), "team");
  Team team;
  read_team_body(body, team);
  if (body.error()) return fail(request, *body.error());
  if (team.type.empty()) team.type = "O";
  if (auto error = validate(team)) return fail(request, *error);
  if (service.repo().team_by_name(team.name)) return fail(request, team_exists());

  int64_t now = now_ms();
  team.id = new_id();
  team.create_at = team.update_at = now;
  store::WriteBatch batch;
  Repository::add_team(batch, team);
  Repository::put_team_member(batch, TeamMember{team.id, actor->id, "team_user team_admin", 0});
  for (const auto& [name, display] : kDefaultChannels) {
    Channel channel;
    channel.id = new_id();
    channel.team_id = team.id;
    channel.type = "O";
    channel.name = name;
    channel.display_name = display;
    channel.creator_id = actor->id;
    channel.create_at = channel.update_at = now;
    Repository::add_channel(batch, channel);
    Repository::put_channel_member(batch, channel,
                                   ChannelMember{channel.id, actor->id, "channel_user", 0, now});
  }
  return commit_then_reply(service, request, std::move(batch), 201, to_json(team), team_exists());
}

std::string teams_json(std::vector<Team> teams, const Paging& page) {
  std::sort(teams.begin(), teams.end(), [](const Team& a, const Team& b) { return a.name < b.name; });
  std::vector<std::string> out;
  for (size_t i = page.offset(); i < teams.size() && out.size() < page.per_page; ++i) {
    out.push_back(to_json(teams[i]));
  }
  return json_array(out);
}

// GET /api/v4/teams: every team for a system admin; otherwise the open ones and the user's own.
int list_teams(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  std::vector<Team> visible;
  for (auto& team : service.repo().all_teams()) {
    if (team.delete_at == 0 && can_view_team(service.repo(), *actor, team)) {
      visible.push_back(std::move(team));
    }
  }
  return reply(request, 200, teams_json(std::move(visible), paging(request.query())));
}

int answer_team(ChatService& service, http::Request& request, const User& actor,
                const std::optional<Team>& team, const ApiError& missing) {
  if (!team || team->delete_at != 0) return fail(request, missing);
  if (!can_view_team(service.repo(), actor, *team)) return fail(request, forbidden());
  return reply(request, 200, to_json(*team));
}

// GET /api/v4/teams/{team_id}
int get_team(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "team_id");
  if (!id) return PB_OK;
  return answer_team(service, request, *actor, service.repo().team(*id), team_not_found());
}

// GET /api/v4/teams/name/{name}
int get_team_by_name(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto name = request.param("name");
  if (!name || name->empty()) return fail(request, invalid_url("name"));
  return answer_team(service, request, *actor, service.repo().team_by_name(*name),
                     {404, "app.team.get_by_name.missing.app_error", "Unable to find the existing team."});
}

// POST /api/v4/teams/{team_id}/members {"team_id","user_id"}: team and system admins add
// anyone; a user may join an open team themselves. The new member joins the default channels.
int add_team_member(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto team_id = id_param(request, "team_id");
  if (!team_id) return PB_OK;
  BodyReader body(request.body(), "team_member");
  std::string body_team, user_id;
  read_team_member_body(body, body_team, user_id);
  if (body.error()) return fail(request, *body.error());
  if (!body_team.empty() && body_team != *team_id) return fail(request, invalid_body("team_id"));
  if (!is_valid_id(user_id)) return fail(request, invalid_body("user_id"));

  const Repository& repo = service.repo();
  auto team = repo.team(*team_id);
  if (!team || team->delete_at != 0) return fail(request, team_not_found());
  bool self_join = user_id == actor->id && team->allow_open_invite && team->type == "O";
  if (!self_join && !can_manage_team(repo, *actor, *team_id)) return fail(request, forbidden());
  auto user = repo.user(user_id);
  if (!user || !user->active()) {
    return fail(request, {404, "app.user.missing_account.const", "Unable to find the user."});
  }
  if (auto existing = repo.team_member(*team_id, user_id)) {
    return reply(request, 201, to_json(*existing));
  }
  TeamMember member{*team_id, user_id, "team_user", 0};
  store::WriteBatch batch;
  Repository::put_team_member(batch, member);
  join_default_channels(repo, batch, *team_id, user_id, now_ms());
  return commit_then_reply(service, request, std::move(batch), 201, to_json(member));
}

// GET /api/v4/users/{user_id}/teams: the user themselves or a system admin.
int teams_of_user(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "user_id", &*actor);
  if (!id) return PB_OK;
  if (!can_act_for(*actor, *id)) return fail(request, forbidden());
  std::vector<std::string> out;
  for (const auto& team : service.repo().teams_of_user(*id)) {
    if (team.delete_at == 0) out.push_back(to_json(team));
  }
  return reply(request, 200, json_array(out));
}

}  // namespace

void add_team_routes(server::App& app, ChatService& service) {
  constexpr uint32_t kAuth = PB_ROUTE_AUTHENTICATED;
  app.add_route(nullptr, "POST", "/api/v4/teams", kAuth, "", create_team, &service);
  app.add_route(nullptr, "GET", "/api/v4/teams", kAuth, "", list_teams, &service);
  app.add_route(nullptr, "GET", "/api/v4/teams/{team_id}", kAuth, "", get_team, &service);
  app.add_route(nullptr, "GET", "/api/v4/teams/name/{name}", kAuth, "", get_team_by_name, &service);
  app.add_route(nullptr, "POST", "/api/v4/teams/{team_id}/members", kAuth, "", add_team_member,
                &service);
  app.add_route(nullptr, "GET", "/api/v4/users/{user_id}/teams", kAuth, "", teams_of_user, &service);
}

}  // namespace pb::chat
