// The auth.check interceptor (wire spec §7.2, §7.3): the request's token (MMAUTHTOKEN cookie
// first, then Authorization Bearer/Token), its session (cache, then kv), expiry, the CSRF rule
// for cookie-authenticated writes, and an active user. ALLOW with the user's identity; anything
// wrong is CONTINUE, so the next interceptor may still know the token and, if nobody does, the
// core fails closed with 401 api.context.session_expired.app_error.
#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/credentials.h"

#include <patchbay/request_values.hpp>

namespace pb::auth {
namespace {

// Permissions only a system admin holds; any other non-empty permission is granted to every
// user with a session (Mattermost's system_user role has them). Routes that need finer checks
// (team/channel membership) do them in their handler.
bool admin_only(std::string_view permission) {
  static constexpr std::string_view kAdmin[] = {
      "manage_system",           "edit_other_users",          "create_user_access_token",
      "read_user_access_token",  "revoke_user_access_token", "manage_others_bots",
      "read_others_bots",        "sysconsole_write_user_management_users"};
  for (auto p : kAdmin) {
    if (p == permission) return true;
  }
  return false;
}

// The auth check's last step, on the session's user as user_get lends it: an active user (and
// for a personal access token, a bot unless user tokens are enabled, wire spec §7.5/§7.6) gets
// ALLOW with its identity; an admin-only permission for a non-admin is a 403 REJECT.
struct UserCheck {
  sdk::Intercept turn;
  const Session& session;
  bool access_token;
  bool enable_user_access_tokens;
  std::string_view permission;
  int verdict = PB_VERDICT_CONTINUE;

  static void decide(void* arg, const pb_user_v1* user) {
    auto& self = *static_cast<UserCheck*>(arg);
    if (user->delete_at != 0) return;
    const bool is_bot = (user->flags & PB_USER_IS_BOT) != 0;
    if (self.access_token && !is_bot && !self.enable_user_access_tokens) return;
    std::string_view roles = sdk::to_sv(user->roles);
    if (!self.permission.empty() && admin_only(self.permission) &&
        !sdk::has_role(roles, "system_admin")) {
      self.turn.set_error(403, "api.context.permissions.app_error",
                          "You do not have the appropriate permissions.");
      self.verdict = PB_VERDICT_REJECT;
      return;
    }
    self.turn.set_identity(sdk::to_sv(user->id), self.session.id, roles);
    self.verdict = PB_VERDICT_ALLOW;
  }
};

}  // namespace

int AuthPlugin::on_auth_check(sdk::Intercept turn, const pb_auth_check_v1& check) {
  sdk::Request req(host().api(), const_cast<pb_http_request*>(check.request));
  auto credential = extract_credential([&](auto&& fn) { req.for_each_header(fn); });
  if (!credential) return PB_VERDICT_CONTINUE;

  const TokenDigest digest = digest_token(credential->token);
  const Session* session = sessions_->find(digest);
  if (session == nullptr) return PB_VERDICT_CONTINUE;
  if (session->expires_at != 0 && session->expires_at <= now_ms()) return PB_VERDICT_CONTINUE;
  // A personal access token's session lives as long as its record does, while it is active.
  const bool access_token = session->is_access_token();
  if (access_token) {
    const AccessToken* record = access_tokens_->find(session->token_id);
    if (record == nullptr || !record->is_active) return PB_VERDICT_CONTINUE;
  }

  if (credential->from_cookie && req.method() != "GET" && req.method() != "HEAD") {
    auto csrf = req.header("X-CSRF-Token");
    bool ok = csrf && secret_equal(*csrf, session->csrf);
    if (!ok && !settings_.strict_csrf) {
      auto xrw = req.header("X-Requested-With");
      ok = xrw && *xrw == "XMLHttpRequest";
      if (ok) host().debug("CSRF token missing; accepted on X-Requested-With (not strict)");
    }
    if (!ok) return PB_VERDICT_CONTINUE;
  }

  // The user is decided on inside user_get's callback, where the host lends its record: no
  // copy of the user on every authenticated request (find_user's UserInfo was ~4 allocations).
  // `session` stays valid across the call: user_get only reads the chat model, nothing in it
  // calls back into this plugin or changes the session cache.
  UserCheck user_check{turn, *session, access_token, settings_.enable_user_access_tokens,
                       sdk::to_sv(check.permission)};
  host().api()->user_get(host().self(), PB_USER_BY_ID, sdk::to_pb(session->user_id),
                         &UserCheck::decide, &user_check);
  return user_check.verdict;  // CONTINUE when the user was not found
}

}  // namespace pb::auth
