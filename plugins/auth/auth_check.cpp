// The auth.check interceptor (wire spec §7.2, §7.3): the request's token (MMAUTHTOKEN cookie
// first, then Authorization Bearer/Token), its session (cache, then kv), expiry, the CSRF rule
// for cookie-authenticated writes, and an active user. ALLOW with the user's identity; anything
// wrong is CONTINUE, so the next interceptor may still know the token and, if nobody does, the
// core fails closed with 401 api.context.session_expired.app_error.
#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/credentials.h"

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

  // find_user may read the store; copy what is needed from the session first (the pointer is
  // the cache's).
  const std::string session_id = session->id;
  auto user = find_user(PB_USER_BY_ID, session->user_id);
  if (!user || !user->active()) return PB_VERDICT_CONTINUE;
  // With EnableUserAccessTokens off only bots' tokens work (wire spec §7.5/§7.6).
  if (access_token && !user->is_bot() && !settings_.enable_user_access_tokens) {
    return PB_VERDICT_CONTINUE;
  }

  std::string_view permission = sdk::to_sv(check.permission);
  if (!permission.empty() && admin_only(permission) && !user->is_system_admin()) {
    turn.set_error(403, "api.context.permissions.app_error",
                   "You do not have the appropriate permissions.");
    return PB_VERDICT_REJECT;
  }
  turn.set_identity(user->id, session_id, user->roles);
  return PB_VERDICT_ALLOW;
}

}  // namespace pb::auth
