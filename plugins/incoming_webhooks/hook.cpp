#include "plugins/incoming_webhooks/hook.h"

#include <rapidjson/document.h>

#include <patchbay/json_document.hpp>
#include <patchbay/json_guard.hpp>
#include <patchbay/plugin.hpp>
#include <patchbay/utf8.hpp>

#include "plugins/incoming_webhooks/signature_preset.h"

namespace pb::incoming_webhooks {
namespace {

// Deeper than any hook body needs; bounds RapidJSON's recursion on untrusted text.
constexpr int kMaxBodyDepth = 16;

void field(std::string& out, std::string_view key, std::string_view value) {
  out += '"';
  out += key;
  out += "\":\"";
  sdk::append_json_escaped(out, value);
  out += "\",";
}
void field(std::string& out, std::string_view key, int64_t value) {
  out += '"';
  out += key;
  out += "\":";
  out += std::to_string(value);
  out += ',';
}

// A JSON object of strings into (name, value) pairs in order; false for anything else.
bool read_variables(const rapidjson::Value& v,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (!v.IsObject()) return false;
  out.clear();
  for (const auto& m : v.GetObject()) {
    if (!m.value.IsString()) return false;
    out.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                     std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return true;
}

bool parse_object(std::string_view json, sdk::PooledDocument& doc) {
  if (sdk::json_too_deep_at(json, kMaxBodyDepth) != std::string_view::npos) return false;
  doc.Parse(json.data(), json.size());
  return !doc.HasParseError() && doc.IsObject();
}

// Everything both forms share, without the closing brace.
void append_common(std::string& out, const IncomingHook& h) {
  out += '{';
  field(out, "id", h.id);
  field(out, "create_at", h.create_at);
  field(out, "update_at", h.update_at);
  field(out, "delete_at", h.delete_at);
  field(out, "user_id", h.user_id);
  field(out, "channel_id", h.channel_id);
  field(out, "team_id", h.team_id);
  field(out, "display_name", h.display_name);
  field(out, "description", h.description);
  field(out, "username", h.username);
  field(out, "icon_url", h.icon_url);
  out += "\"channel_locked\":";
  out += h.channel_locked ? "true," : "false,";
  field(out, "translator", h.translator);
  out += "\"translator_variables\":{";
  for (size_t i = 0; i < h.translator_variables.size(); ++i) {
    if (i != 0) out += ',';
    out += '"';
    sdk::append_json_escaped(out, h.translator_variables[i].first);
    out += "\":\"";
    sdk::append_json_escaped(out, h.translator_variables[i].second);
    out += '"';
  }
  out += "},";
  field(out, "signature", h.signature);
  field(out, "signature_header", h.signature_header);
}

size_t json_size_hint(const IncomingHook& h) {
  size_t n = 384 + h.description.size() + h.icon_url.size() + h.sealed_secret.size();
  for (const auto& [k, v] : h.translator_variables) n += k.size() + v.size() + 6;
  return n;
}

}  // namespace

void append_hook_api_json(std::string& out, const IncomingHook& h) {
  append_common(out, h);
  out += "\"signature_secret_set\":";
  out += h.sealed_secret.empty() ? "false}" : "true}";
}

std::string hook_to_api_json(const IncomingHook& hook) {
  std::string out;
  out.reserve(json_size_hint(hook));
  append_hook_api_json(out, hook);
  return out;
}

std::string hook_to_json(const IncomingHook& hook) {
  std::string out;
  out.reserve(json_size_hint(hook));
  append_common(out, hook);
  out += "\"signature_secret\":\"";
  sdk::append_json_escaped(out, hook.sealed_secret);
  out += "\"}";
  return out;
}

std::optional<IncomingHook> hook_from_json(std::string_view json) {
  sdk::SmallDocument<> doc;
  if (!parse_object(json, doc)) return std::nullopt;
  IncomingHook h;
  auto str = [&](const char* key, std::string& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto num = [&](const char* key, int64_t& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsInt64()) return false;
    out = it->value.GetInt64();
    return true;
  };
  auto locked = doc.FindMember("channel_locked");
  bool ok = str("id", h.id) && num("create_at", h.create_at) && num("update_at", h.update_at) &&
            num("delete_at", h.delete_at) && str("user_id", h.user_id) &&
            str("channel_id", h.channel_id) && str("team_id", h.team_id) &&
            str("display_name", h.display_name) && str("description", h.description) &&
            str("username", h.username) && str("icon_url", h.icon_url) &&
            locked != doc.MemberEnd() && locked->value.IsBool();
  if (!ok || !is_valid_id(h.id)) return std::nullopt;
  h.channel_locked = locked->value.GetBool();
  // Issue 8's members: absent in older records (defaults), of the right type when present.
  auto optional_str = [&](const char* key, std::string& out) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd()) return true;
    if (!it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  if (!optional_str("translator", h.translator) || !optional_str("signature", h.signature) ||
      !optional_str("signature_header", h.signature_header) ||
      !optional_str("signature_secret", h.sealed_secret)) {
    return std::nullopt;
  }
  auto vars = doc.FindMember("translator_variables");
  if (vars != doc.MemberEnd()) {
    if (!read_variables(vars->value, h.translator_variables)) return std::nullopt;
  }
  return h;
}

std::variant<HookFields, ApiError> parse_hook_fields(std::string_view body) {
  sdk::SmallDocument<> doc;
  if (!parse_object(body, doc)) return invalid_body_param("incoming_webhook");
  HookFields f;
  struct Str {
    const char* key;
    std::optional<std::string>* out;
  };
  const Str strings[] = {{"id", &f.id},
                         {"user_id", &f.user_id},
                         {"channel_id", &f.channel_id},
                         {"team_id", &f.team_id},
                         {"display_name", &f.display_name},
                         {"description", &f.description},
                         {"username", &f.username},
                         {"icon_url", &f.icon_url},
                         {"translator", &f.translator},
                         {"signature", &f.signature},
                         {"signature_header", &f.signature_header},
                         {"signature_secret", &f.signature_secret}};
  for (const auto& s : strings) {
    auto it = doc.FindMember(s.key);
    if (it == doc.MemberEnd() || it->value.IsNull()) continue;
    if (!it->value.IsString()) return invalid_body_param("incoming_webhook");
    s.out->emplace(it->value.GetString(), it->value.GetStringLength());
  }
  auto locked = doc.FindMember("channel_locked");
  if (locked != doc.MemberEnd() && !locked->value.IsNull()) {
    if (!locked->value.IsBool()) return invalid_body_param("incoming_webhook");
    f.channel_locked = locked->value.GetBool();
  }
  auto vars = doc.FindMember("translator_variables");
  if (vars != doc.MemberEnd() && !vars->value.IsNull()) {
    f.translator_variables.emplace();
    if (!read_variables(vars->value, *f.translator_variables)) {
      return invalid_body_param("incoming_webhook");
    }
  }
  return f;
}

namespace {
// Translator names: [a-z0-9._-]; variable names also allow upper case (they are the
// translator's, e.g. jira_base_url).
bool is_name(std::string_view s, bool upper) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_' || (upper && c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return true;
}
// An HTTP token of letters, digits and '-' (every signature header in use looks like that).
bool is_header_name(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}
ApiError model_error(std::string_view what) {
  return {400, "model.incoming_hook." + std::string(what) + ".app_error",
          "Invalid " + std::string(what) + "."};
}
}  // namespace

std::optional<ApiError> validate_hook(const IncomingHook& h) {
  if (!is_valid_id(h.id)) return model_error("id");
  if (h.create_at == 0) return model_error("create_at");
  if (h.update_at == 0) return model_error("update_at");
  if (!is_valid_id(h.user_id)) return model_error("user_id");
  if (!is_valid_id(h.channel_id)) return model_error("channel_id");
  if (!is_valid_id(h.team_id)) return model_error("team_id");
  if (sdk::count_code_points(h.display_name) > 64) return model_error("display_name");
  if (sdk::count_code_points(h.description) > 500) return model_error("description");
  if (sdk::count_code_points(h.username) > 64) return model_error("username");
  if (sdk::count_code_points(h.icon_url) > 1024) return model_error("icon_url");
  if (h.translator.size() > kMaxTranslatorName || !is_name(h.translator, false)) {
    return model_error("translator");
  }
  if (h.translator_variables.size() > kMaxTranslatorVariables) {
    return model_error("translator_variables");
  }
  for (const auto& [name, value] : h.translator_variables) {
    if (name.empty() || name.size() > kMaxVariableName || !is_name(name, true) ||
        value.size() > kMaxVariableValue) {
      return model_error("translator_variables");
    }
  }
  auto preset = parse_signature_preset(h.signature);
  if (!preset) return model_error("signature");
  if (*preset == SignaturePreset::hmac_sha256) {
    if (h.signature_header.empty() || h.signature_header.size() > kMaxSignatureHeader ||
        !is_header_name(h.signature_header)) {
      return model_error("signature_header");
    }
  } else if (!h.signature_header.empty()) {
    return model_error("signature_header");
  }
  if (h.secret.size() > kMaxSecret || (*preset != SignaturePreset::none && h.secret.empty())) {
    return model_error("signature_secret");
  }
  return std::nullopt;
}

bool is_valid_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return name != "all" && name != "channel" && name != "matterbot" && name != "system";
}

}  // namespace pb::incoming_webhooks
