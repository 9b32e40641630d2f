#include "plugins/auth/user_json.h"

#include <rapidjson/document.h>

#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>
#include <patchbay/request_values.hpp>

namespace pb::auth {
namespace {

void add_string(std::string& out, const char* key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  out += sdk::json_string(value);
}
void add_int(std::string& out, const char* key, int64_t value) {
  out += ",\"";
  out += key;
  out += "\":";
  out += std::to_string(value);
}

}  // namespace

std::string user_json(const pb_user_v1& u) {
  using sdk::to_sv;
  std::string out = "{\"id\":" + sdk::json_string(to_sv(u.id));
  add_int(out, "create_at", u.create_at);
  add_int(out, "update_at", u.update_at);
  add_int(out, "delete_at", u.delete_at);
  add_string(out, "username", to_sv(u.username));
  add_string(out, "auth_data", "");
  add_string(out, "auth_service", "");
  add_string(out, "email", to_sv(u.email));
  if (u.nickname.len) add_string(out, "nickname", to_sv(u.nickname));
  if (u.first_name.len) add_string(out, "first_name", to_sv(u.first_name));
  if (u.last_name.len) add_string(out, "last_name", to_sv(u.last_name));
  add_string(out, "position", "");
  add_string(out, "roles", to_sv(u.roles));
  add_string(out, "locale", "en");
  out += ",\"props\":{},\"notify_props\":{},\"timezone\":{}";
  if (u.flags & PB_USER_IS_BOT) out += ",\"is_bot\":true";
  out += '}';
  return out;
}

bool UserInfo::is_system_admin() const { return sdk::has_role(roles, "system_admin"); }

pb_user_v1 UserInfo::view() const {
  using sdk::to_pb;
  return pb_user_v1{sizeof(pb_user_v1), to_pb(id),        to_pb(username), to_pb(email),
                    to_pb(nickname),    to_pb(first_name), to_pb(last_name), to_pb(roles),
                    pb_str{"", 0},      create_at,         update_at,        delete_at,
                    flags};
}

UserInfo copy_user(const pb_user_v1& u) {
  using sdk::to_sv;
  return UserInfo{std::string(to_sv(u.id)),         std::string(to_sv(u.username)),
                  std::string(to_sv(u.email)),      std::string(to_sv(u.nickname)),
                  std::string(to_sv(u.first_name)), std::string(to_sv(u.last_name)),
                  std::string(to_sv(u.roles)),      u.create_at,
                  u.update_at,                      u.delete_at,
                  u.flags};
}

std::optional<JsonFields> JsonFields::parse(std::string_view body) {
  // Bodies here are flat objects of strings; deeper nesting is refused before RapidJSON's
  // recursive parser could overflow the stack on it.
  constexpr int kMaxDepth = 16;
  if (sdk::json_too_deep_at(body, kMaxDepth) != std::string_view::npos) return std::nullopt;
  sdk::SmallDocument<> doc;
  sdk::parse_checking_utf8<rapidjson::kParseNoFlags>(doc, body);
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  JsonFields f;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    if (!it->value.IsString()) continue;
    // Unpaired surrogate escapes become U+FFFD, as in Go; the document owns the bytes.
    sdk::json_replace_surrogates(const_cast<char*>(it->name.GetString()), it->name.GetStringLength());
    sdk::json_replace_surrogates(const_cast<char*>(it->value.GetString()),
                                 it->value.GetStringLength());
    f.fields_.insert_or_assign(std::string(it->name.GetString(), it->name.GetStringLength()),
                               std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return f;
}

std::string JsonFields::get(const std::string& key) const {
  auto it = fields_.find(key);
  return it == fields_.end() ? std::string() : it->second;
}

}  // namespace pb::auth
