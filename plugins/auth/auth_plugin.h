// The auth plugin: answers the auth.check chain from sessions, owns login/logout, password
// hashes (user.will_be_created interceptor, PUT /users/{id}/password), failed-attempt lockout
// and its admin unlock. The pieces live in their own files:
//   auth_check.cpp  the auth.check interceptor (token -> session -> user -> identity, CSRF)
//   login.cpp       POST /users/login, POST /users/logout, POST /users/{id}/unlock
//   passwords.cpp   user.will_be_created (policy + argon2id, staged with the user) and
//                   PUT /users/{id}/password
//   access_tokens.cpp  personal access tokens: /users/{id}/tokens, /users/tokens/...
//   bots.cpp        bot accounts: /bots, /bots/{bot_user_id}[/disable|/enable]
//   auth_plugin.cpp init/configure and the PB_PLUGIN entry
// Key-value layout (this plugin's namespace): "session/<digest hex>", "pwd/<user id>" (argon2id
// PHC string), "attempts/<user id>" (failed logins, decimal), "pat/<token id>" (personal access
// token records, access_token_store.h), "bot/<user id>" (bot records, Bot below).
//
// Threading: everything on the loop thread; only argon2id runs on workers (PasswordHasher).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <patchbay/plugin.hpp>

#include "plugins/auth/access_token_store.h"
#include "plugins/auth/password_hasher.h"
#include "plugins/auth/session_store.h"
#include "plugins/auth/settings.h"
#include "plugins/auth/user_json.h"

namespace pb::auth {

// A bot account's record (wire spec §7.6); its user is a PB_USER_IS_BOT user of the chat model.
struct Bot {
  std::string user_id, username, display_name, description, owner_id;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
  // Mattermost's Bot JSON (display_name/description omitted when empty); also the stored form.
  std::string to_json() const;
  static bool from_json(std::string_view json, Bot& out);
};

class AuthPlugin : public sdk::Plugin {
 public:
  int init(std::string_view settings_json) override;
  int configure(std::string_view settings_json) override;

  // Wall clock in milliseconds plus the test-only ClockOffsetSeconds.
  int64_t now_ms() const;

 private:
  // auth_check.cpp
  int on_auth_check(sdk::Intercept turn, const pb_auth_check_v1& check);

  // login.cpp
  int handle_login(sdk::Request req);
  int handle_logout(sdk::Request req);
  int handle_unlock(sdk::Request req);
  void finish_login(sdk::Request req, const UserInfo& user);
  int failed_attempts(const std::string& user_id);
  void set_failed_attempts(const std::string& user_id, int count, std::function<void()> then);

  // passwords.cpp
  int on_user_will_be_created(sdk::Intercept turn, const pb_user_v1& user);
  int handle_update_password(sdk::Request req);
  std::optional<std::string> stored_hash(const std::string& user_id);

  // access_tokens.cpp
  enum class TokenAction { revoke, disable, enable };
  int handle_create_token(sdk::Request req);
  int handle_list_user_tokens(sdk::Request req);
  int handle_list_all_tokens(sdk::Request req);
  int handle_get_token(sdk::Request req);
  int handle_token_action(sdk::Request req, TokenAction action);
  int handle_revoke_token(sdk::Request req) { return handle_token_action(req, TokenAction::revoke); }
  int handle_disable_token(sdk::Request req) { return handle_token_action(req, TokenAction::disable); }
  int handle_enable_token(sdk::Request req) { return handle_token_action(req, TokenAction::enable); }
  int respond_token_list(const sdk::Request& req, const std::vector<AccessToken>& all);
  // The caller is `owner_id` or a system admin.
  bool may_manage_tokens_of(const sdk::Request& req, std::string_view owner_id) const;

  // bots.cpp
  int handle_create_bot(sdk::Request req);
  int handle_list_bots(sdk::Request req);
  int handle_get_bot(sdk::Request req);
  int handle_update_bot(sdk::Request req);
  int handle_disable_bot(sdk::Request req) { return set_bot_active(req, false); }
  int handle_enable_bot(sdk::Request req) { return set_bot_active(req, true); }
  int set_bot_active(sdk::Request req, bool active);
  void stage_bot_record(sdk::Intercept turn, const pb_user_v1& user);
  std::optional<Bot> load_bot(std::string_view user_id);
  std::optional<Bot> bot_for(const sdk::Request& req, bool include_deleted);
  void save_bot(const sdk::Request& req, const Bot& bot);

  // Helpers shared by the files above.
  std::optional<UserInfo> find_user(int by, std::string_view value);
  // The {user_id} route parameter with "me" resolved to the caller.
  std::string target_user(const sdk::Request& req) const;
  void refresh_server_config();

  AuthSettings settings_;
  std::optional<PasswordHasher> hasher_;
  std::optional<SessionStore> sessions_;
  std::optional<AccessTokenStore> access_tokens_;
  std::unordered_map<std::string, int> attempts_;  // counts whose "attempts/<id>" write is pending
  // Bots POST /bots is creating, by (lower-case) username, until user_create completes; our
  // user.will_be_created interceptor stages their records.
  std::unordered_map<std::string, Bot> pending_bots_;
};

}  // namespace pb::auth
