// `patchbay user create|list|unlock`, `team create`, `channel create`, `token create`: the
// operator's commands on the store, safe while the server runs. Each write is a request through
// the same route a client uses (LocalApp, App::call_local), acting as the store's first active
// system admin or `--as`; so every rule (password policy and hashing, validation, uniqueness,
// permissions) is the server's own. Output is for scripts: the new object's id (or the token),
// one per line; errors name Mattermost's error id on stderr.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <utility>

#include "core/cli/cli.h"
#include "core/cli/load_config.h"
#include "core/cli/local_app.h"
#include "core/log/log.h"
#include "store/kv_namespace.h"

namespace pb::cli {
namespace {

using Fields = std::initializer_list<std::pair<const char*, std::string_view>>;

// {"k":"v",...} with correct escaping.
std::string json_object(Fields fields) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : fields) {
    writer.Key(key);
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The string member `key` of a JSON object body, "" when absent.
std::string json_member(std::string_view body, const char* key) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// A path segment from operator input: everything but RFC 3986's unreserved characters escaped
// (the router percent-decodes parameters).
std::string path_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "patchbay: %s\n", message.c_str());
  return 1;
}

// An error answer as "<id>: <message>", Mattermost's AppError shape.
int fail_response(const LocalResponse& r) {
  std::string id = json_member(r.body, "id");
  std::string message = json_member(r.body, "message");
  if (id.empty()) return fail(std::to_string(r.status) + " " + r.body);
  return fail(id + ": " + message);
}

// The common part of every command: the config, then the App without a socket.
std::unique_ptr<LocalApp> open_app(const std::string& config_path) {
  auto config = load_config_or_report(config_path, true);
  if (!config) return nullptr;
  // The store and plugin start-up lines are the server's business, not this command's output.
  log::set_level(log::Level::warn);
  auto app = LocalApp::start(std::move(*config));
  if (!app.ok()) {
    fail(app.error().message);
    return nullptr;
  }
  return std::move(*app);
}

// Who the command acts as: `as` (a username) or the store's first active system admin.
// nullopt after printing why not.
std::optional<std::string> acting_admin(LocalApp& app, const std::string& as) {
  if (!as.empty()) {
    auto user = app.user_by_username(as);
    if (!user) {
      fail("app.user.missing_account.const: no user named '" + as + "'");
      return std::nullopt;
    }
    if (!user->active() || !user->is_system_admin()) {
      fail("api.context.permissions.app_error: '" + as +
           "' is not an active system admin; --as must name one");
      return std::nullopt;
    }
    return user->id;
  }
  auto admin = app.first_admin();
  if (!admin) {
    fail("the store has no active system admin to act as (create the first user with "
         "`patchbay user create`, or name one with --as)");
    return std::nullopt;
  }
  return admin->id;
}

// One call that must answer `expected`; the response, or nullopt after printing the error.
std::optional<LocalResponse> expect(LocalApp& app, int expected, std::string_view method,
                                    const std::string& target, const std::string& body,
                                    const std::string& acting) {
  auto r = app.call(method, target, body, acting);
  if (!r.ok()) {
    fail(r.error().message);
    return std::nullopt;
  }
  if (r->status != expected) {
    fail_response(*r);
    return std::nullopt;
  }
  return std::move(*r);
}

// The id of the user named `username`, through GET /api/v4/users/username/{username}.
std::optional<std::string> user_id_of(LocalApp& app, const std::string& username,
                                      const std::string& acting) {
  auto r = expect(app, 200, "GET", "/api/v4/users/username/" + path_segment(username), "", acting);
  if (!r) return std::nullopt;
  return json_member(r->body, "id");
}

// Failed logins counted by the auth plugin (its kv `attempts/<user id>`, decimal); 0 if none.
int failed_logins(store::Store& store, const std::string& user_id) {
  auto kv = store::KvNamespace::create(store, "auth");
  if (!kv.ok()) return 0;
  auto value = kv->get("attempts/" + user_id);
  if (!value.ok() || !*value) return 0;
  return std::atoi((*value)->c_str());
}

}  // namespace

int run_user_create(const std::string& config_path, const UserCreateCommand& command) {
  auto app = open_app(config_path);
  if (!app) return 1;
  // The first user of an empty store needs no identity and becomes system admin (the route's
  // first-user rule); any later one is created by an admin.
  std::string acting;
  if (!app->users().empty()) {
    auto admin = acting_admin(*app, command.as);
    if (!admin) return 1;
    acting = *admin;
  }
  auto created = expect(*app, 201, "POST", "/api/v4/users",
                        json_object({{"username", command.username},
                                     {"email", command.email},
                                     {"password", command.password}}),
                        acting);
  if (!created) return 1;
  std::string id = json_member(created->body, "id");
  std::string roles = json_member(created->body, "roles");
  if (command.system_admin && roles.find("system_admin") == std::string::npos) {
    // Acting as an admin here even for the first user, who is one by now.
    std::string as = acting.empty() ? id : acting;
    auto promoted = expect(*app, 200, "PUT", "/api/v4/users/" + id + "/roles",
                           json_object({{"roles", "system_user system_admin"}}), as);
    if (!promoted) {
      std::fprintf(stderr, "patchbay: user %s (%s) was created, but without system_admin\n",
                   command.username.c_str(), id.c_str());
      return 1;
    }
  }
  std::printf("%s\n", id.c_str());
  return 0;
}

int run_user_list(const std::string& config_path) {
  auto app = open_app(config_path);
  if (!app) return 1;
  auto users = app->users();
  std::stable_sort(users.begin(), users.end(),
                   [](const chat::User& a, const chat::User& b) { return a.create_at < b.create_at; });
  const int max_attempts = app->app().config().service.MaximumLoginAttempts;
  std::printf("ID\tUSERNAME\tEMAIL\tROLES\tSTATE\n");
  for (const auto& user : users) {
    const char* state = !user.active()                                          ? "deactivated"
                        : failed_logins(app->app().store(), user.id) >= max_attempts ? "locked"
                                                                                  : "active";
    std::printf("%s\t%s\t%s\t%s\t%s\n", user.id.c_str(), user.username.c_str(),
                user.email.c_str(), user.roles.c_str(), state);
  }
  return 0;
}

int run_user_unlock(const std::string& config_path, const UserUnlockCommand& command) {
  auto app = open_app(config_path);
  if (!app) return 1;
  auto acting = acting_admin(*app, command.as);
  if (!acting) return 1;
  auto id = user_id_of(*app, command.user, *acting);
  if (!id) return 1;
  if (!expect(*app, 200, "POST", "/api/v4/users/" + *id + "/unlock", "", *acting)) return 1;
  std::printf("%s\n", id->c_str());
  return 0;
}

int run_team_create(const std::string& config_path, const TeamCreateCommand& command) {
  auto app = open_app(config_path);
  if (!app) return 1;
  auto acting = acting_admin(*app, command.as);
  if (!acting) return 1;
  auto created = expect(*app, 201, "POST", "/api/v4/teams",
                        json_object({{"name", command.name},
                                     {"display_name", command.display_name},
                                     {"type", command.invite_only ? "I" : "O"}}),
                        *acting);
  if (!created) return 1;
  std::printf("%s\n", json_member(created->body, "id").c_str());
  return 0;
}

int run_channel_create(const std::string& config_path, const ChannelCreateCommand& command) {
  auto app = open_app(config_path);
  if (!app) return 1;
  auto acting = acting_admin(*app, command.as);
  if (!acting) return 1;
  auto team = expect(*app, 200, "GET", "/api/v4/teams/name/" + path_segment(command.team), "",
                     *acting);
  if (!team) return 1;
  auto created = expect(*app, 201, "POST", "/api/v4/channels",
                        json_object({{"team_id", json_member(team->body, "id")},
                                     {"name", command.name},
                                     {"display_name", command.display_name},
                                     {"type", command.private_channel ? "P" : "O"}}),
                        *acting);
  if (!created) return 1;
  std::printf("%s\n", json_member(created->body, "id").c_str());
  return 0;
}

int run_token_create(const std::string& config_path, const TokenCreateCommand& command) {
  auto app = open_app(config_path);
  if (!app) return 1;
  auto acting = acting_admin(*app, command.as);
  if (!acting) return 1;
  auto id = user_id_of(*app, command.user, *acting);
  if (!id) return 1;
  auto created = expect(*app, 200, "POST", "/api/v4/users/" + *id + "/tokens",
                        json_object({{"description", command.description}}), *acting);
  if (!created) return 1;
  // The only time the token exists in clear: the store keeps its hash.
  std::printf("%s\n", json_member(created->body, "token").c_str());
  return 0;
}

}  // namespace pb::cli
