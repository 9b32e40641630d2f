// What the auth plugin reads from the server configuration (config_json: ServiceSettings,
// PasswordSettings) and from its own plugin settings (plugin.json). Plain values, parsed once per
// init/configure on the loop thread and copied into whoever needs them.
#pragma once

#include <cstdint>
#include <string_view>

namespace pb::auth {

struct PasswordPolicy {
  int minimum_length = 8;
  bool lowercase = false, uppercase = false, number = false, symbol = false;
};

struct AuthSettings {
  // ServiceSettings
  int64_t session_length_web_hours = 720;
  int maximum_login_attempts = 10;
  bool enable_user_access_tokens = false;
  bool enable_bot_account_creation = false;
  bool strict_csrf = false;      // ExperimentalStrictCSRFEnforcement
  bool enable_developer = false;  // skips the password policy, as Mattermost
  PasswordPolicy password;
  // plugin settings
  int hash_concurrency = 1;  // from HashConcurrency; 0 there means cores - 1 (at least 1)
  enum class HashCost { interactive, moderate, minimum } hash_cost = HashCost::interactive;
  int64_t clock_offset_seconds = 0;  // test only
};

// Reads the server configuration (every section, defaults filled in by the host). Missing or
// malformed keys keep their defaults: the host validated the file already.
void read_server_config(std::string_view config_json, AuthSettings& out);
// Reads the plugin's own settings object (validated against plugin.json by the host).
void read_plugin_settings(std::string_view settings_json, AuthSettings& out);

}  // namespace pb::auth
