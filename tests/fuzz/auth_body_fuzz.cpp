// libFuzzer target for every JSON body the auth plugin parses (plugins/auth, compiled in from its
// sources by tests/fuzz/CMakeLists.txt). Every request body goes through JsonFields::parse, then
// the handler reads its members: login {login_id, password}, PUT password {new_password} with
// the password policy, POST tokens {description}, token revoke/disable/enable {token_id}, POST
// and PUT bots {username, display_name, description}. The plugin's stored records (sessions and
// personal access tokens) are parsed back from the store with their own parsers.
//
// The first input byte picks the case (a digit in the seeds, see the switch); the rest is the
// body. Beyond "no crash, no sanitizer report" it checks:
//  - JsonFields against an independent reading of the same document: it accepts exactly the
//    JSON objects, and for every member name has_string/get give the last string value;
//  - the password policy: "" or a "model.user.is_valid.pwd....app_error" id, never "" outside
//    [MinimumLength, 72] bytes;
//  - stored records: what from_json accepts survives to_json -> from_json unchanged, and the
//    token's wire JSON is one JSON object.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "patchbay/json_guard.hpp"
#include "plugins/auth/access_token_store.h"
#include "plugins/auth/password_policy.h"
#include "plugins/auth/session_store.h"
#include "plugins/auth/user_json.h"

namespace {

using namespace pb::auth;

void check(bool ok) {
  if (!ok) std::abort();
}

bool is_object(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  return !doc.HasParseError() && doc.IsObject();
}

// JsonFields::parse, cross-checked: the same bytes read with rapidjson directly (after the
// same nesting guard, which the oracle needs too: rapidjson's parser recurses).
std::optional<JsonFields> parse_checked(std::string_view body) {
  auto fields = JsonFields::parse(body);
  if (pb::sdk::json_too_deep_at(body, 16) != std::string_view::npos) {
    check(!fields);
    return fields;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  const bool object = !doc.HasParseError() && doc.IsObject();
  check(fields.has_value() == object);
  if (!fields) return fields;
  std::map<std::string, std::optional<std::string>> last_string;  // name -> last string value
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    pb::sdk::json_replace_surrogates(name.data(), name.size());
    auto& slot = last_string[name];
    if (it->value.IsString()) {
      slot.emplace(it->value.GetString(), it->value.GetStringLength());
      pb::sdk::json_replace_surrogates(slot->data(), slot->size());
    }
  }
  for (const auto& [name, value] : last_string) {
    check(fields->has_string(name) == value.has_value());
    check(fields->get(name) == value.value_or(std::string()));
  }
  return fields;
}

void check_policy(std::string_view password, const PasswordPolicy& policy) {
  std::string_view id = password_policy_error(password, policy);
  if (password.size() < static_cast<size_t>(policy.minimum_length) ||
      password.size() > kMaximumPasswordBytes) {
    check(!id.empty());
  }
  if (!id.empty()) {
    check(id.starts_with("model.user.is_valid.pwd") && id.ends_with(".app_error"));
  }
}

// POST /api/v4/users/login.
void login(std::string_view text) {
  auto body = parse_checked(text);
  std::string login_id = body ? body->get("login_id") : std::string();
  std::string password = body ? body->get("password") : std::string();
  (void)(login_id.find('@') != std::string::npos);
  (void)password.empty();
}

// PUT /api/v4/users/{id}/password, under the default policy and the strictest one.
void update_password(std::string_view text) {
  auto body = parse_checked(text);
  if (!body || !body->has_string("new_password")) return;
  const std::string password = body->get("new_password");
  check_policy(password, PasswordPolicy{});
  check_policy(password, PasswordPolicy{5, true, true, true, true});
  check_policy(password, PasswordPolicy{72, false, true, false, true});
}

// POST /api/v4/users/{id}/tokens; POST /users/tokens/{revoke,disable,enable}; POST and PUT /bots.
void other_bodies(std::string_view text) {
  auto body = parse_checked(text);
  if (!body) return;
  for (const char* key : {"description", "token_id", "username", "display_name"}) {
    (void)body->get(key);
    (void)body->has_string(key);
  }
}

// A stored session record ("session/<digest>").
void stored_session(std::string_view text) {
  Session first;
  if (!SessionStore::from_json(text, first)) return;
  const std::string once = SessionStore::to_json(first);
  Session again;
  check(SessionStore::from_json(once, again));
  check(SessionStore::to_json(again) == once);
}

// A stored personal access token record ("pat/<id>").
void stored_access_token(std::string_view text) {
  AccessToken first;
  if (!AccessToken::from_stored_json(text, first)) return;
  const std::string once = first.to_stored_json();
  AccessToken again;
  check(AccessToken::from_stored_json(once, again));
  check(again.to_stored_json() == once);
  check(is_object(first.to_wire_json()));
  check(is_object(first.to_wire_json("a-token")));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // (byte + 2) % 5 maps the ASCII digits '0'..'4' to cases 0..4, so seeds read "0{...}".
  switch ((data[0] + 2) % 5) {
    case 0: login(text); break;
    case 1: update_password(text); break;
    case 2: other_bodies(text); break;
    case 3: stored_session(text); break;
    default: stored_access_token(text); break;
  }
  return 0;
}
