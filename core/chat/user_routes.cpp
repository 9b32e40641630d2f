// /api/v4/users...: create (public: first user, admin, or open server), read, list by ids, patch,
// roles.
#include <fmt/format.h>

#include "core/chat/body_reader.h"
#include "core/chat/request_bodies.h"
#include "core/chat/permissions.h"
#include "core/chat/route_support.h"
#include "core/chat/routes.h"
#include "core/chat/validation.h"
#include "core/server/app.h"

namespace pb::chat {
namespace {

ChatService& svc(void* user) { return *static_cast<ChatService*>(user); }

ApiError user_not_found() { return {404, "app.user.missing_account.const", "Unable to find the user."}; }

ApiError no_open_server() {
  return {403, "api.user.create_user.no_open_server",
          "This server does not allow open signups.  Please speak with your Administrator to "
          "receive an invitation."};
}

// Answers a create_user completion: 201 with the user, or the error.
UserDone answer_created(http::Request& request) {
  return [&request](const ApiError* error, const User* user) {
    if (error) {
      fail(request, *error);
      return;
    }
    reply(request, 201, to_json(*user));
  };
}

// POST /api/v4/users (public route). The first user of an empty server needs no session and
// becomes system admin; later users need a system admin's session, or open signup
// (TeamSettings.EnableOpenServer).
int create_user(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  BodyReader body(request.body(), "user");
  User draft;
  std::string password;
  read_user_body(body, draft, &password);
  if (body.error()) return fail(request, *body.error());
  if (draft.locale.empty()) draft.locale = "en";

  if (!service.repo().has_users()) {
    service.create_user(std::move(draft), std::move(password), true, answer_created(request));
    return PB_OK;
  }
  service.app().check_auth(
      request, "",
      [&service, &request, draft = std::move(draft),
       password = std::move(password)](const bus::ChainResult& result) mutable {
        bool admin = false;
        if (result.verdict == PB_VERDICT_ALLOW) {
          auto actor = service.repo().user(request.user_id());
          admin = actor && actor->active() && actor->is_system_admin();
        }
        if (!admin && !service.app().config().team.EnableOpenServer) {
          fail(request, no_open_server());
          return;
        }
        service.create_user(std::move(draft), std::move(password), false, answer_created(request));
      });
  return PB_OK;
}

// GET /api/v4/users/{user_id} ("me" allowed).
int get_user(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "user_id", &*actor);
  if (!id) return PB_OK;
  auto user = *id == actor->id ? actor : service.repo().user_ref(*id);
  if (!user) return fail(request, user_not_found());
  return reply(request, 200, to_json(*user));
}

// GET /api/v4/users/username/{username}
int get_user_by_username(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto name = request.param("username");
  if (!name || name->empty()) return fail(request, invalid_url("username"));
  auto user = service.repo().user_by_username(*name);
  if (!user) return fail(request, user_not_found());
  return reply(request, 200, to_json(*user));
}

// POST /api/v4/users/ids: the users among the given ids (unknown ids are skipped).
int get_users_by_ids(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto ids = BodyReader::string_array(request.body());
  if (!ids || ids->empty() || ids->size() > 1000) return fail(request, invalid_body("user_ids"));
  std::vector<std::string> users;
  for (const auto& id : *ids) {
    if (auto user = service.repo().user(id)) users.push_back(to_json(*user));
  }
  return reply(request, 200, json_array(users));
}

// PUT /api/v4/users/{user_id}/patch: the user themselves or a system admin.
int patch_user(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "user_id", &*actor);
  if (!id) return PB_OK;
  BodyReader body(request.body(), "user");
  if (!can_act_for(*actor, *id)) return fail(request, forbidden());
  auto before = service.repo().user(*id);
  if (!before) return fail(request, user_not_found());
  User after = *before;
  read_user_body(body, after, nullptr);
  if (body.error()) return fail(request, *body.error());
  after.username = lower(after.username);
  after.email = lower(after.email);
  if (auto error = validate(after)) return fail(request, *error);
  after.update_at = now_ms();

  store::WriteBatch batch;
  Repository::update_user(batch, *before, after);
  int rc = service.app().store().commit(std::move(batch), [&service, &request, after](int status) {
    if (status == PB_OK) {
      reply(request, 200, to_json(after));
    } else if (status == PB_E_EXISTS) {
      bool name_taken = service.repo().user_by_username(after.username).has_value();
      fail(request, name_taken ? ApiError{400, "app.user.save.username_exists.app_error",
                                          "An account with that username already exists."}
                               : ApiError{400, "app.user.save.email_exists.app_error",
                                          "An account with that email already exists."});
    } else {
      fail(request, store_failed());
    }
  });
  if (rc != PB_OK) return fail(request, store_failed());
  return PB_OK;
}

// Mattermost's model.IsValidUserRoles: space-separated role names of 1..64 characters from
// [a-z0-9_], and not "system_admin" alone (a mistake: it would drop system_user). Unlike
// Mattermost an empty list is refused too: it would leave the user with no role at all.
// Returns the names joined by single spaces, or nullopt.
std::optional<std::string> normalized_roles(std::string_view text) {
  std::string out;
  size_t count = 0;
  size_t at = 0;
  while (at < text.size()) {
    if (text[at] == ' ') {
      ++at;
      continue;
    }
    size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view role = text.substr(at, end - at);
    if (role.size() > 64) return std::nullopt;
    for (char c : role) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return std::nullopt;
    }
    if (!out.empty()) out += ' ';
    out += role;
    ++count;
    at = end;
  }
  if (count == 0 || out == "system_admin") return std::nullopt;
  return out;
}

// PUT /api/v4/users/{user_id}/roles {"roles":"system_user system_admin"}: system admins only
// (Mattermost's manage_roles). As Mattermost: the body is checked before the permission, and
// the answer is {"status":"OK"}. Sessions see the new roles on their next request (auth.check
// reads the user each time).
int update_user_roles(void* s, pb_http_request* r) {
  ChatService& service = svc(s);
  http::Request& request = as_request(r);
  auto actor = acting_user(service, request);
  if (!actor) return PB_OK;
  auto id = id_param(request, "user_id", &*actor);
  if (!id) return PB_OK;
  BodyReader body(request.body(), "roles");
  std::string text;
  bool present = body.string("roles", text);
  if (body.error()) return fail(request, *body.error());
  auto roles = present ? normalized_roles(text) : std::nullopt;
  if (!roles) return fail(request, invalid_body("roles"));
  if (!actor->is_system_admin()) return fail(request, forbidden());
  auto before = service.repo().user(*id);
  if (!before) return fail(request, user_not_found());
  User after = *before;
  after.roles = std::move(*roles);
  after.update_at = now_ms();

  store::WriteBatch batch;
  Repository::update_user(batch, *before, after);
  int rc = service.app().store().commit(std::move(batch), [&request](int status) {
    if (status == PB_OK) {
      reply(request, 200, R"({"status":"OK"})");
    } else {
      fail(request, store_failed());
    }
  });
  if (rc != PB_OK) return fail(request, store_failed());
  return PB_OK;
}

}  // namespace

void add_user_routes(server::App& app, ChatService& service) {
  constexpr uint32_t kAuth = PB_ROUTE_AUTHENTICATED;
  app.add_route(nullptr, "POST", "/api/v4/users", PB_ROUTE_PUBLIC, "", create_user, &service);
  app.add_route(nullptr, "GET", "/api/v4/users/{user_id}", kAuth, "", get_user, &service);
  app.add_route(nullptr, "GET", "/api/v4/users/username/{username}", kAuth, "",
                get_user_by_username, &service);
  app.add_route(nullptr, "POST", "/api/v4/users/ids", kAuth, "", get_users_by_ids, &service);
  app.add_route(nullptr, "PUT", "/api/v4/users/{user_id}/patch", kAuth, "", patch_user, &service);
  app.add_route(nullptr, "PUT", "/api/v4/users/{user_id}/roles", kAuth, "", update_user_roles,
                &service);
}

}  // namespace pb::chat
