// POST /api/v4/users/login, POST /api/v4/users/logout and patchbay's admin unlock
// (POST /api/v4/users/{user_id}/unlock), wire spec §7.1 and §7.4.
#include <ctime>

#include <patchbay/request_values.hpp>

#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/credentials.h"

namespace pb::auth {
namespace {

constexpr const char* kInvalidCredentials = "api.user.login.invalid_credentials_email_username";
constexpr const char* kInvalidCredentialsMessage =
    "Enter a valid email or username and/or password.";

std::string attempts_key(std::string_view user_id) { return "attempts/" + std::string(user_id); }

// "Mon, 02 Jan 2006 15:04:05 GMT" for the cookie's Expires.
std::string http_date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

}  // namespace

// The store is the truth (the CLI's `user unlock` writes it from another process); attempts_
// only holds counts whose write is not durable yet, so a burst of failures cannot read a
// stale count in between.
int AuthPlugin::failed_attempts(const std::string& user_id) {
  if (auto it = attempts_.find(user_id); it != attempts_.end()) return it->second;
  int count = 0;
  if (auto v = host().kv_get(attempts_key(user_id))) count = std::atoi(v->c_str());
  return count;
}

void AuthPlugin::set_failed_attempts(const std::string& user_id, int count,
                                     std::function<void()> then) {
  attempts_[user_id] = count;
  auto done = [this, user_id, count, then = std::move(then)](int status) {
    if (status != PB_OK) host().warn("could not persist failed login attempts");
    // Durable now: forget the pending count unless a newer write replaced it meanwhile.
    if (auto it = attempts_.find(user_id); it != attempts_.end() && it->second == count) {
      attempts_.erase(it);
    }
    then();
  };
  int rc = count == 0 ? host().kv_delete(attempts_key(user_id), done)
                      : host().kv_put(attempts_key(user_id), std::to_string(count), done);
  if (rc != PB_OK) then();  // stopping: the count stays in memory only
}

int AuthPlugin::handle_login(sdk::Request req) {
  auto body = JsonFields::parse(req.body());
  std::string login_id = body ? body->get("login_id") : std::string();
  std::string password = body ? body->get("password") : std::string();
  if (password.empty()) {
    return req.respond_error(400, "api.user.login.blank_pwd.app_error",
                             "Password field must not be blank");
  }
  // An email has an '@', a username cannot: look up the likely field first, then the other.
  bool looks_like_email = login_id.find('@') != std::string::npos;
  std::optional<UserInfo> user;
  if (!login_id.empty()) {
    user = find_user(looks_like_email ? PB_USER_BY_EMAIL : PB_USER_BY_USERNAME, login_id);
    if (!user) user = find_user(looks_like_email ? PB_USER_BY_USERNAME : PB_USER_BY_EMAIL, login_id);
  }
  if (!user) return req.respond_error(401, kInvalidCredentials, kInvalidCredentialsMessage);
  // Mattermost's preflight order: deactivated, bot, lockout; only then the password.
  if (!user->active()) {
    return req.respond_error(401, "api.user.login.inactive.app_error",
                             "Login failed because your account has been deactivated. Please "
                             "contact an administrator.");
  }
  if (user->is_bot()) {
    return req.respond_error(401, "api.user.login.bot_login_forbidden.app_error",
                             "Bot login is forbidden.");
  }
  int attempts = failed_attempts(user->id);
  if (attempts >= settings_.maximum_login_attempts) {
    return req.respond_error(401, "api.user.check_user_login_attempts.too_many.app_error",
                             "Your account is locked because of too many failed password "
                             "attempts. Please reset your password.");
  }
  auto on_checked = [this, req, u = *user](bool match) {
    if (!match) {
      int count = failed_attempts(u.id) + 1;
      set_failed_attempts(u.id, count, [req] {
        req.respond_error(401, kInvalidCredentials, kInvalidCredentialsMessage);
      });
      return;
    }
    if (failed_attempts(u.id) != 0) {
      set_failed_attempts(u.id, 0, [this, req, u] { finish_login(req, u); });
      return;
    }
    finish_login(req, u);
  };
  std::optional<std::string> hash = stored_hash(user->id);
  if (!hash) {
    on_checked(false);  // no password (created without one): never matches
    return PB_OK;
  }
  hasher_->verify(*hash, password, std::move(on_checked), req);
  return PB_OK;
}

void AuthPlugin::finish_login(sdk::Request req, const UserInfo& user) {
  const int64_t now = now_ms();
  const int64_t length_ms = settings_.session_length_web_hours * 3600 * 1000;
  int rc = sessions_->create(
      user.id, now, now + length_ms,
      [this, req, user, now, length_ms](int status, const std::string& token, const Session& s) {
        if (status != PB_OK) {
          req.respond_error(500, "api.user.login.session.app_error",
                            "We could not create the session.");
          return;
        }
        req.add_header("Token", token);
        auto xrw = req.header("X-Requested-With");
        if (xrw && *xrw == "XMLHttpRequest") {
          auto proto = req.header("X-Forwarded-Proto");
          std::string attrs = "; Path=/; Max-Age=" + std::to_string(length_ms / 1000) +
                              "; Expires=" + http_date(now + length_ms);
          if (proto && iequals_ascii(*proto, "https")) attrs += "; Secure";
          req.add_header("Set-Cookie", "MMAUTHTOKEN=" + token + attrs + "; HttpOnly");
          req.add_header("Set-Cookie", "MMUSERID=" + user.id + attrs);
          req.add_header("Set-Cookie", "MMCSRF=" + s.csrf + attrs);
        }
        pb_user_v1 view = user.view();
        req.respond_json(200, user_json(view));
      });
  if (rc != PB_OK) {
    req.respond_error(503, "api.user.login.session.app_error", "The server is shutting down.");
  }
}

int AuthPlugin::handle_logout(sdk::Request req) {
  // Clear the cookies whatever happens; revoke the session if the request carries one.
  for (const char* name : {"MMAUTHTOKEN", "MMUSERID", "MMCSRF"}) {
    std::string cookie = std::string(name) + "=; Path=/; Max-Age=0; Expires=" + http_date(0);
    if (name == std::string_view("MMAUTHTOKEN")) cookie += "; HttpOnly";
    req.add_header("Set-Cookie", cookie);
  }
  auto ok = [req](int) { req.respond_json(200, R"({"status":"OK"})"); };
  auto credential = extract_credential([&](auto&& fn) { req.for_each_header(fn); });
  if (credential) {
    TokenDigest digest = digest_token(credential->token);
    // A personal access token is not logged out: it is revoked through its own routes, and
    // its session is its only way to authenticate.
    const Session* session = sessions_->find(digest);
    if (session != nullptr && !session->is_access_token() &&
        sessions_->revoke(digest, ok) == PB_OK) {
      return PB_OK;
    }
  }
  ok(PB_OK);
  return PB_OK;
}

int AuthPlugin::handle_unlock(sdk::Request req) {
  if (!sdk::has_role(req.roles(), "system_admin")) {
    return req.respond_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.");
  }
  auto user = find_user(PB_USER_BY_ID, target_user(req));
  if (!user) {
    return req.respond_error(404, "app.user.missing_account.const",
                             "Unable to find the user.");
  }
  set_failed_attempts(user->id, 0, [req] { req.respond_json(200, R"({"status":"OK"})"); });
  return PB_OK;
}

}  // namespace pb::auth
