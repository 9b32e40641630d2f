// Mattermost's JSON shapes for what the auth plugin answers with: the sanitized user (no
// password, no mfa_secret, auth_data "") and small helpers for request bodies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <patchbay/plugin.h>

namespace pb::auth {

// The user object as Mattermost's GET /users/me has it (keys omitted when empty, as Go's
// omitempty does for the optional ones).
std::string user_json(const pb_user_v1& user);

// An owned copy of the fields of pb_user_v1 the plugin keeps past a callback.
struct UserInfo {
  std::string id, username, email, nickname, first_name, last_name, roles;
  int64_t create_at = 0, update_at = 0, delete_at = 0;
  uint32_t flags = 0;
  bool is_bot() const { return (flags & PB_USER_IS_BOT) != 0; }
  bool active() const { return delete_at == 0; }
  bool is_system_admin() const;
  pb_user_v1 view() const;
};
UserInfo copy_user(const pb_user_v1& user);

// A JSON object's string members; nullopt when the body is not a JSON object. Missing or
// non-string members read as "".
class JsonFields {
 public:
  static std::optional<JsonFields> parse(std::string_view body);
  std::string get(const std::string& key) const;
  bool has_string(const std::string& key) const { return fields_.count(key) != 0; }

 private:
  std::map<std::string, std::string> fields_;  // the top-level string members
};

}  // namespace pb::auth
