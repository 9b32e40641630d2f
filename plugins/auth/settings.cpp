#include "plugins/auth/settings.h"

#include <thread>

#include <rapidjson/document.h>

#include <string>

namespace pb::auth {
namespace {

using Value = rapidjson::Value;

const Value* member(const Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}
void read(const Value& obj, const char* key, bool& out) {
  if (auto* v = member(obj, key); v && v->IsBool()) out = v->GetBool();
}
template <typename Int>
void read(const Value& obj, const char* key, Int& out) {
  if (auto* v = member(obj, key); v && v->IsInt64()) out = static_cast<Int>(v->GetInt64());
}

}  // namespace

void read_server_config(std::string_view config_json, AuthSettings& out) {
  // Start from the defaults, so a key that disappeared from a reconfigured server's JSON does
  // not keep its previous value.
  const AuthSettings defaults;
  out.session_length_web_hours = defaults.session_length_web_hours;
  out.maximum_login_attempts = defaults.maximum_login_attempts;
  out.enable_user_access_tokens = defaults.enable_user_access_tokens;
  out.enable_bot_account_creation = defaults.enable_bot_account_creation;
  out.strict_csrf = defaults.strict_csrf;
  out.enable_developer = defaults.enable_developer;
  out.password = defaults.password;
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  if (auto* s = member(doc, "ServiceSettings")) {
    read(*s, "SessionLengthWebInHours", out.session_length_web_hours);
    read(*s, "MaximumLoginAttempts", out.maximum_login_attempts);
    read(*s, "EnableUserAccessTokens", out.enable_user_access_tokens);
    read(*s, "EnableBotAccountCreation", out.enable_bot_account_creation);
    read(*s, "ExperimentalStrictCSRFEnforcement", out.strict_csrf);
    read(*s, "EnableDeveloper", out.enable_developer);
  }
  if (auto* p = member(doc, "PasswordSettings")) {
    read(*p, "MinimumLength", out.password.minimum_length);
    read(*p, "Lowercase", out.password.lowercase);
    read(*p, "Uppercase", out.password.uppercase);
    read(*p, "Number", out.password.number);
    read(*p, "Symbol", out.password.symbol);
  }
}

void read_plugin_settings(std::string_view settings_json, AuthSettings& out) {
  rapidjson::Document doc;
  doc.Parse(settings_json.data(), settings_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return;
  read(doc, "HashConcurrency", out.hash_concurrency);
  if (out.hash_concurrency < 1) {
    // Hashes saturating every core starve the loop thread (measured: /users/me p99 4.8 -> 22 ms
    // with 2 hash threads on 2 cores, 3.7 -> 5.5 ms with 1, at the same login throughput).
    unsigned cores = std::thread::hardware_concurrency();
    out.hash_concurrency = cores > 1 ? static_cast<int>(cores - 1) : 1;
  }
  read(doc, "ClockOffsetSeconds", out.clock_offset_seconds);
  if (auto* v = member(doc, "PasswordHashCost"); v && v->IsString()) {
    std::string cost = v->GetString();
    out.hash_cost = cost == "minimum"    ? AuthSettings::HashCost::minimum
                    : cost == "moderate" ? AuthSettings::HashCost::moderate
                                         : AuthSettings::HashCost::interactive;
  }
}

}  // namespace pb::auth
