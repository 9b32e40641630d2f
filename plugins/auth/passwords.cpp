// Password hashes: the user.will_be_created interceptor (PasswordSettings policy, then argon2id
// off the loop, staged as "pwd/<user id>" so the user and its hash commit together) and
// PUT /api/v4/users/{user_id}/password.
#include <patchbay/request_values.hpp>

#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/password_policy.h"

namespace pb::auth {
namespace {

std::string pwd_key(std::string_view user_id) { return "pwd/" + std::string(user_id); }

}  // namespace

std::optional<std::string> AuthPlugin::stored_hash(const std::string& user_id) {
  return host().kv_get(pwd_key(user_id));
}

int AuthPlugin::on_user_will_be_created(sdk::Intercept turn, const pb_user_v1& user) {
  if (user.flags & PB_USER_IS_BOT) {  // bots have no password; ours get their record staged
    stage_bot_record(turn, user);
    return PB_VERDICT_CONTINUE;
  }
  std::string_view password = sdk::to_sv(user.password);
  if (!settings_.enable_developer) {
    std::string_view error = password_policy_error(password, settings_.password);
    if (!error.empty()) {
      turn.set_error(400, error, password_policy_message());
      return PB_VERDICT_REJECT;
    }
  } else if (password.empty() || password.size() > kMaximumPasswordBytes) {
    // Developer mode skips the policy, not the need for a password that can be hashed.
    turn.set_error(400, "model.user.is_valid.pwd.app_error", password_policy_message());
    return PB_VERDICT_REJECT;
  }
  std::string user_id(sdk::to_sv(user.id));
  hasher_->hash(password, [this, turn, user_id](std::optional<std::string> hash) {
    if (!hash) {
      turn.set_error(500, "api.user.create_user.hash.app_error", "The password could not be hashed.");
      turn.resume(PB_VERDICT_REJECT);
      return;
    }
    int rc = host().api()->intercept_stage_kv_put(turn.raw(), sdk::to_pb(pwd_key(user_id)),
                                                  sdk::to_pb(*hash));
    if (rc != PB_OK) {
      turn.set_error(500, "api.user.create_user.hash.app_error", "The password could not be stored.");
      turn.resume(PB_VERDICT_REJECT);
      return;
    }
    turn.resume(PB_VERDICT_CONTINUE);
  });
  return PB_VERDICT_PENDING;
}

// Self: current_password must match. Someone else: only a system admin, without the current one
// (Mattermost's UpdatePasswordByUserIdSendEmail). Policy as at creation.
int AuthPlugin::handle_update_password(sdk::Request req) {
  const std::string target = target_user(req);
  const bool self = target == req.user_id();
  if (!self && !sdk::has_role(req.roles(), "system_admin")) {
    return req.respond_error(403, "api.context.permissions.app_error",
                             "You do not have the appropriate permissions.");
  }
  auto body = JsonFields::parse(req.body());
  if (!body || !body->has_string("new_password")) {
    return req.respond_error(400, "api.context.invalid_body_param.app_error",
                             "Invalid or missing new_password in request body.");
  }
  auto user = find_user(PB_USER_BY_ID, target);
  if (!user) {
    return req.respond_error(404, "app.user.missing_account.const", "Unable to find the user.");
  }
  if (user->is_bot()) {
    return req.respond_error(400, "api.user.update_password.bot.app_error",
                             "Bots have no password.");
  }
  std::string new_password = body->get("new_password");
  if (!settings_.enable_developer) {
    std::string_view error = password_policy_error(new_password, settings_.password);
    if (!error.empty()) return req.respond_error(400, error, password_policy_message());
  }

  auto store_new = [this, req, target, new_password] {
    hasher_->hash(new_password, [this, req, target](std::optional<std::string> hash) {
      if (!hash) {
        req.respond_error(500, "api.user.update_password.hash.app_error",
                          "The password could not be hashed.");
        return;
      }
      int rc = host().kv_put(pwd_key(target), *hash, [req](int status) {
        if (status != PB_OK) {
          req.respond_error(500, "api.user.update_password.failed.app_error",
                            "Update password failed.");
          return;
        }
        req.respond_json(200, R"({"status":"OK"})");
      });
      if (rc != PB_OK) {
        req.respond_error(503, "api.user.update_password.failed.app_error",
                          "The server is shutting down.");
      }
    });
  };
  if (!self) {
    store_new();
    return PB_OK;
  }
  std::string current = body->get("current_password");
  std::optional<std::string> hash = stored_hash(target);
  if (current.empty() || !hash) {
    return req.respond_error(400, "api.user.update_password.incorrect.app_error",
                             "The \"Current Password\" you entered is incorrect. Please check "
                             "that Caps Lock is off and try again.");
  }
  hasher_->verify(*hash, current, [req, store_new](bool match) {
    if (!match) {
      req.respond_error(400, "api.user.update_password.incorrect.app_error",
                        "The \"Current Password\" you entered is incorrect. Please check that "
                        "Caps Lock is off and try again.");
      return;
    }
    store_new();
  });
  return PB_OK;
}

}  // namespace pb::auth
