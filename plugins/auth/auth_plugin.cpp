#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/metrics.h"

#include <sodium.h>

#include <chrono>

namespace pb::auth {

int AuthPlugin::init(std::string_view settings_json) {
  if (sodium_init() < 0) {
    host().error("libsodium failed to initialise");
    return PB_E_PLUGIN;
  }
  auto& h = host();
  if (!PB_HOST_HAS(h.api(), intercept_stage_kv_put)) {
    h.error("the auth plugin needs a host of ABI 1.1 or newer (users in the host API)");
    return PB_E_UNSUPPORTED;
  }
  read_plugin_settings(settings_json, settings_);
  refresh_server_config();
  hasher_.emplace(h);
  hasher_->configure(settings_.hash_concurrency, settings_.hash_cost);
  sessions_.emplace(h);
  access_tokens_.emplace(h);
  if (int rc = register_hasher_metrics(h, *hasher_); rc != PB_OK) return rc;

  // Priority 0: the auth plugin answers first; others (priority > 0) may add ways to log in.
  int rc = h.intercept(PB_EVENT_AUTH_CHECK, 0, [this](sdk::Intercept t, uint32_t, const void* p) {
    return on_auth_check(t, *static_cast<const pb_auth_check_v1*>(p));
  });
  if (rc != PB_OK) return rc;
  rc = h.intercept(PB_EVENT_USER_WILL_BE_CREATED, 0,
                   [this](sdk::Intercept t, uint32_t, const void* p) {
                     return on_user_will_be_created(t, *static_cast<const pb_user_v1*>(p));
                   });
  if (rc != PB_OK) return rc;

  struct RouteSpec {
    const char* method;
    const char* pattern;
    uint32_t flags;
    const char* permission;  // passed to auth.check ("" = any valid session)
    int (AuthPlugin::*fn)(sdk::Request);
  };
  static constexpr RouteSpec kRoutes[] = {
      {"POST", "/api/v4/users/login", PB_ROUTE_PUBLIC, "", &AuthPlugin::handle_login},
      {"POST", "/api/v4/users/logout", PB_ROUTE_PUBLIC, "", &AuthPlugin::handle_logout},
      {"POST", "/api/v4/users/{user_id}/unlock", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_unlock},
      {"PUT", "/api/v4/users/{user_id}/password", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_update_password},
      {"POST", "/api/v4/users/{user_id}/tokens", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_create_token},
      {"GET", "/api/v4/users/{user_id}/tokens", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_list_user_tokens},
      {"GET", "/api/v4/users/tokens", PB_ROUTE_AUTHENTICATED, "manage_system",
       &AuthPlugin::handle_list_all_tokens},
      {"GET", "/api/v4/users/tokens/{token_id}", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_get_token},
      {"POST", "/api/v4/users/tokens/revoke", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_revoke_token},
      {"POST", "/api/v4/users/tokens/disable", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_disable_token},
      {"POST", "/api/v4/users/tokens/enable", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_enable_token},
      {"POST", "/api/v4/bots", PB_ROUTE_AUTHENTICATED, "", &AuthPlugin::handle_create_bot},
      {"GET", "/api/v4/bots", PB_ROUTE_AUTHENTICATED, "", &AuthPlugin::handle_list_bots},
      {"GET", "/api/v4/bots/{bot_user_id}", PB_ROUTE_AUTHENTICATED, "", &AuthPlugin::handle_get_bot},
      {"PUT", "/api/v4/bots/{bot_user_id}", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_update_bot},
      {"POST", "/api/v4/bots/{bot_user_id}/disable", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_disable_bot},
      {"POST", "/api/v4/bots/{bot_user_id}/enable", PB_ROUTE_AUTHENTICATED, "",
       &AuthPlugin::handle_enable_bot},
  };
  for (const RouteSpec& r : kRoutes) {
    auto fn = r.fn;
    rc = h.route(r.method, r.pattern, [this, fn](sdk::Request req) { return (this->*fn)(req); },
                 r.flags, r.permission);
    if (rc == PB_E_EXISTS && fn == &AuthPlugin::handle_update_password) {
      // The chat model may serve this route itself (issue 3 lists it in both places); then
      // its handler wins and ours is not needed for anything else.
      h.warn("PUT /api/v4/users/{user_id}/password is served by the core; not registering ours");
      continue;
    }
    if (rc != PB_OK) {
      h.error(std::string("cannot register ") + r.method + " " + r.pattern + ": " +
              std::string(h.status_name(rc)));
      return rc;
    }
  }
  return PB_OK;
}

int AuthPlugin::configure(std::string_view settings_json) {
  read_plugin_settings(settings_json, settings_);
  refresh_server_config();
  hasher_->configure(settings_.hash_concurrency, settings_.hash_cost);
  return PB_OK;
}

void AuthPlugin::refresh_server_config() { read_server_config(host().config_json(), settings_); }

int64_t AuthPlugin::now_ms() const {
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  return wall + settings_.clock_offset_seconds * 1000;
}

std::optional<UserInfo> AuthPlugin::find_user(int by, std::string_view value) {
  std::optional<UserInfo> out;
  struct Ctx {
    std::optional<UserInfo>* out;
  } ctx{&out};
  auto fn = [](void* user, const pb_user_v1* found) {
    *static_cast<Ctx*>(user)->out = copy_user(*found);
  };
  host().api()->user_get(host().self(), by, sdk::to_pb(value), fn, &ctx);
  return out;
}

std::string AuthPlugin::target_user(const sdk::Request& req) const {
  auto id = req.param("user_id");
  if (!id || *id == "me") return std::string(req.user_id());
  return std::string(*id);
}

}  // namespace pb::auth

PB_PLUGIN(pb::auth::AuthPlugin, "auth", "1.0.0")
