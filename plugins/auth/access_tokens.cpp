// Personal access tokens (wire spec §7.5): create, list, get, revoke, disable, enable.
// Who may: a system admin for anyone; a user for their own tokens. Creating one for a non-bot
// also needs ServiceSettings.EnableUserAccessTokens (else 501 app.user_access_token.disabled);
// bots' tokens work without it. A token is used like a session token (Authorization: Bearer);
// its session never expires (100 years) and auth.check also needs the token's record active.
#include <patchbay/request_values.hpp>
#include <patchbay/utf8.hpp>

#include "plugins/auth/auth_plugin.h"
#include "plugins/auth/query.h"

namespace pb::auth {
namespace {

constexpr int64_t kAccessTokenLifetimeMs = int64_t{100} * 365 * 24 * 3600 * 1000;
constexpr size_t kMaxDescriptionRunes = 255;

int forbidden(const sdk::Request& req) {
  return req.respond_error(403, "api.context.permissions.app_error",
                           "You do not have the appropriate permissions.");
}
int invalid_body(const sdk::Request& req, std::string_view name) {
  return req.respond_error(400, "api.context.invalid_body_param.app_error",
                           "Invalid or missing " + std::string(name) + " in request body.");
}
int token_not_found(const sdk::Request& req) {
  return req.respond_error(404, "app.user_access_token.get_by_id.app_error",
                           "Unable to get the user access token.");
}
int status_ok(const sdk::Request& req) { return req.respond_json(200, R"({"status":"OK"})"); }

}  // namespace

bool AuthPlugin::may_manage_tokens_of(const sdk::Request& req, std::string_view owner_id) const {
  return req.user_id() == owner_id || sdk::has_role(req.roles(), "system_admin");
}

// POST /api/v4/users/{user_id}/tokens {"description"}
int AuthPlugin::handle_create_token(sdk::Request req) {
  auto body = JsonFields::parse(req.body());
  if (!body) return invalid_body(req, "token");
  std::string description = body->get("description");
  if (description.empty()) return invalid_body(req, "description");
  if (sdk::count_code_points(description) > kMaxDescriptionRunes) {
    return req.respond_error(400, "model.user_access_token.is_valid.description.app_error",
                             "Invalid description, must be 255 or less characters.");
  }
  auto user = find_user(PB_USER_BY_ID, target_user(req));
  if (!user) return req.respond_error(404, "app.user.missing_account.const", "Unable to find the user.");
  if (!user->is_bot() && !settings_.enable_user_access_tokens) {
    return req.respond_error(501, "app.user_access_token.disabled",
                             "Personal access tokens are disabled on this server. Please contact "
                             "your system administrator for details.");
  }
  if (!may_manage_tokens_of(req, user->id)) return forbidden(req);
  if (!user->active()) {
    return req.respond_error(400, "app.user_access_token.inactive_user",
                             "The user is deactivated.");
  }

  // The session row first: until the record lands the token cannot authenticate (auth.check
  // needs both), so a failure in between leaves nothing usable behind.
  AccessToken record;
  record.id = new_token();
  record.user_id = user->id;
  record.description = std::move(description);
  record.create_at = now_ms();
  int rc = sessions_->create(
      user->id, record.create_at, record.create_at + kAccessTokenLifetimeMs,
      [this, req, record](int status, const std::string& token, const Session&) mutable {
        if (status != PB_OK) {
          req.respond_error(500, "app.user_access_token.save.app_error",
                            "Unable to save the personal access token.");
          return;
        }
        const TokenDigest digest = digest_token(token);
        record.digest_hex = to_hex(digest);
        int rc = access_tokens_->add(record, [this, req, record, token, digest](int status) {
          if (status == PB_OK) {
            req.respond_json(200, record.to_wire_json(token));
            return;
          }
          sessions_->revoke(digest, [](int) {});
          req.respond_error(500, "app.user_access_token.save.app_error",
                            "Unable to save the personal access token.");
        });
        if (rc != PB_OK) {
          sessions_->revoke(digest, [](int) {});
          req.respond_error(503, "app.user_access_token.save.app_error",
                            "The server is shutting down.");
        }
      },
      record.id);
  if (rc != PB_OK) {
    return req.respond_error(503, "app.user_access_token.save.app_error",
                             "The server is shutting down.");
  }
  return PB_OK;
}

// GET /api/v4/users/{user_id}/tokens (page, per_page): no token values.
int AuthPlugin::handle_list_user_tokens(sdk::Request req) {
  std::string target = target_user(req);
  if (!may_manage_tokens_of(req, target)) return forbidden(req);
  return respond_token_list(req, access_tokens_->list(target));
}

// GET /api/v4/users/tokens (page, per_page): every token; system admins only (the route's
// permission, checked by auth.check).
int AuthPlugin::handle_list_all_tokens(sdk::Request req) {
  return respond_token_list(req, access_tokens_->list(""));
}

int AuthPlugin::respond_token_list(const sdk::Request& req, const std::vector<AccessToken>& all) {
  Paging paging = read_paging(req.query());
  std::string out = "[";
  for (size_t i = paging.offset(); i < all.size() && i < paging.offset() + paging.per_page; ++i) {
    if (out.size() > 1) out += ',';
    out += all[i].to_wire_json();
  }
  out += ']';
  return req.respond_json(200, out);
}

// GET /api/v4/users/tokens/{token_id}
int AuthPlugin::handle_get_token(sdk::Request req) {
  auto id = req.param("token_id");
  const AccessToken* token = id ? access_tokens_->find(std::string(*id)) : nullptr;
  if (token == nullptr) return token_not_found(req);
  if (!may_manage_tokens_of(req, token->user_id)) return forbidden(req);
  return req.respond_json(200, token->to_wire_json());
}

// POST /api/v4/users/tokens/revoke|disable|enable {"token_id"}
int AuthPlugin::handle_token_action(sdk::Request req, TokenAction action) {
  auto body = JsonFields::parse(req.body());
  std::string id = body ? body->get("token_id") : std::string();
  if (id.empty()) return invalid_body(req, "token_id");
  const AccessToken* token = access_tokens_->find(id);
  if (token == nullptr) return token_not_found(req);
  if (!may_manage_tokens_of(req, token->user_id)) return forbidden(req);
  auto answer = [req](int status) {
    if (status == PB_OK) {
      status_ok(req);
    } else {
      req.respond_error(500, "app.user_access_token.update.app_error",
                        "Unable to update the personal access token.");
    }
  };
  int rc = PB_OK;
  if (action == TokenAction::revoke) {
    // The session first (effective at once), then the record.
    TokenDigest digest{};
    bool has_session = from_hex(token->digest_hex, digest);
    auto remove_record = [this, id, answer](int status) {
      if (status != PB_OK) return answer(status);
      if (access_tokens_->remove(id, answer) != PB_OK) answer(PB_E_STATE);
    };
    rc = has_session ? sessions_->revoke(digest, remove_record) : PB_OK;
    if (!has_session) remove_record(PB_OK);
  } else {
    rc = access_tokens_->set_active(id, action == TokenAction::enable, answer);
  }
  if (rc != PB_OK) {
    return req.respond_error(503, "app.user_access_token.update.app_error",
                             "The server is shutting down.");
  }
  return PB_OK;
}

}  // namespace pb::auth
