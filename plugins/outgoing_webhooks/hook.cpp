#include "plugins/outgoing_webhooks/hook.h"

#include <rapidjson/document.h>

#include <algorithm>

#include <patchbay/json_guard.hpp>
#include <patchbay/json_parse.hpp>
#include <patchbay/plugin.hpp>

namespace pb::outgoing {
namespace {

// Hook bodies are flat: an object holding two arrays of strings.
constexpr int kMaxHookNesting = 4;

size_t runes(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Go's len(fmt.Sprintf("%v", words)): "[" + words joined by spaces + "]".
size_t go_formatted_length(const std::vector<std::string>& words) {
  size_t n = 2;
  for (const auto& w : words) n += w.size();
  if (!words.empty()) n += words.size() - 1;
  return n;
}

ApiError model_error(std::string_view field) {
  return {400, "model.outgoing_hook.is_valid." + std::string(field) + ".app_error",
          "Invalid " + std::string(field) + "."};
}

void append_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += sdk::json_string(items[i]);
  }
  out += ']';
}

// Copies the members of `doc` into `hook`; false when a known key has the wrong type. null is
// accepted as "absent", as Go's decoder does.
bool read_fields(const rapidjson::Value& doc, OutgoingHook& hook) {
  auto str = [&](const char* key, std::string& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsString()) return false;
    dst.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto num = [&](const char* key, int64_t& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsInt64()) return false;
    dst = it->value.GetInt64();
    return true;
  };
  auto list = [&](const char* key, std::vector<std::string>& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsArray()) return false;
    dst.clear();
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsString()) return false;
      dst.emplace_back(v.GetString(), v.GetStringLength());
    }
    return true;
  };
  int64_t when = hook.trigger_when;
  bool ok = str("id", hook.id) && str("token", hook.token) && num("create_at", hook.create_at) &&
            num("update_at", hook.update_at) && num("delete_at", hook.delete_at) &&
            str("creator_id", hook.creator_id) && str("channel_id", hook.channel_id) &&
            str("team_id", hook.team_id) && list("trigger_words", hook.trigger_words) &&
            num("trigger_when", when) && list("callback_urls", hook.callback_urls) &&
            str("display_name", hook.display_name) && str("description", hook.description) &&
            str("content_type", hook.content_type) && str("username", hook.username) &&
            str("icon_url", hook.icon_url);
  if (!ok || when < INT32_MIN || when > INT32_MAX) return false;
  hook.trigger_when = static_cast<int>(when);
  return true;
}

std::optional<OutgoingHook> parse(std::string_view json) {
  if (sdk::json_too_deep_at(json, kMaxHookNesting) != std::string_view::npos) return std::nullopt;
  if (json.find('\0') != std::string_view::npos) return std::nullopt;  // in-situ parsing stops there
  std::string text(json);  // the surrogate fix-up rewrites decoded bytes in place
  // RapidJSON's UTF-8 validation takes up to three continuation bytes of a truncated sequence
  // without checking for the end: in-situ, that reads past the terminating NUL (the fuzz target
  // found it). Three more NULs keep those reads inside the buffer.
  text.append(3, '\0');
  rapidjson::Document doc;
  sdk::parse_insitu_checking_utf8<rapidjson::kParseNoFlags>(doc, text);
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  OutgoingHook hook;
  if (!read_fields(doc, hook)) return std::nullopt;
  auto fix = [](std::string& s) { sdk::json_replace_surrogates(s.data(), s.size()); };
  for (auto* s : {&hook.id, &hook.token, &hook.creator_id, &hook.channel_id, &hook.team_id,
                  &hook.display_name, &hook.description, &hook.content_type, &hook.username,
                  &hook.icon_url}) {
    fix(*s);
  }
  for (auto& w : hook.trigger_words) fix(w);
  for (auto& u : hook.callback_urls) fix(u);
  return hook;
}

// Mattermost's IsValidHTTPURL: http:// or https://, then a non-empty host, no blanks.
bool is_valid_http_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  if (host.starts_with('[')) {
    auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return !host.empty();
}

bool shares_any(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) {
    return std::find(b.begin(), b.end(), x) != b.end();
  });
}

}  // namespace

ApiError invalid_body_param(std::string_view name) {
  return {400, "api.context.invalid_body_param.app_error",
          "Invalid or missing " + std::string(name) + " in request body."};
}

std::string to_json(const OutgoingHook& h) {
  std::string out;
  out.reserve(512);
  out += "{\"id\":" + sdk::json_string(h.id);
  out += ",\"token\":" + sdk::json_string(h.token);
  out += ",\"create_at\":" + std::to_string(h.create_at);
  out += ",\"update_at\":" + std::to_string(h.update_at);
  out += ",\"delete_at\":" + std::to_string(h.delete_at);
  out += ",\"creator_id\":" + sdk::json_string(h.creator_id);
  out += ",\"channel_id\":" + sdk::json_string(h.channel_id);
  out += ",\"team_id\":" + sdk::json_string(h.team_id);
  out += ",\"trigger_words\":";
  append_array(out, h.trigger_words);
  out += ",\"trigger_when\":" + std::to_string(h.trigger_when);
  out += ",\"callback_urls\":";
  append_array(out, h.callback_urls);
  out += ",\"display_name\":" + sdk::json_string(h.display_name);
  out += ",\"description\":" + sdk::json_string(h.description);
  out += ",\"content_type\":" + sdk::json_string(h.content_type);
  out += ",\"username\":" + sdk::json_string(h.username);
  out += ",\"icon_url\":" + sdk::json_string(h.icon_url);
  out += '}';
  return out;
}

std::optional<OutgoingHook> hook_from_body(std::string_view json, ApiError& error) {
  auto hook = parse(json);
  if (!hook) error = invalid_body_param("outgoing_webhook");
  return hook;
}

std::optional<OutgoingHook> hook_from_record(std::string_view json) { return parse(json); }

std::optional<ApiError> validate(const OutgoingHook& h) {
  if (!is_valid_id(h.id)) return model_error("id");
  if (h.token.size() != 26) return model_error("token");
  if (h.create_at == 0) return model_error("create_at");
  if (h.update_at == 0) return model_error("update_at");
  if (!is_valid_id(h.creator_id)) return model_error("user_id");
  if (!h.channel_id.empty() && !is_valid_id(h.channel_id)) return model_error("channel_id");
  if (!is_valid_id(h.team_id)) return model_error("team_id");
  if (go_formatted_length(h.trigger_words) > 1024) return model_error("words");
  for (const auto& w : h.trigger_words) {
    if (w.empty()) return model_error("trigger_words");
  }
  if (h.callback_urls.empty() || go_formatted_length(h.callback_urls) > 1024) {
    return model_error("callback");
  }
  for (const auto& u : h.callback_urls) {
    if (!is_valid_http_url(u)) return model_error("url");
  }
  if (runes(h.display_name) > 64) return model_error("display_name");
  if (runes(h.description) > 500) return model_error("description");
  if (runes(h.content_type) > 128) return model_error("content_type");
  if (h.trigger_when < kTriggerWordsExactMatch || h.trigger_when > kTriggerWordsStartsWith) {
    return model_error("content_type");  // Mattermost reuses this id for trigger_when
  }
  if (runes(h.username) > 64) return model_error("username");
  if (runes(h.icon_url) > 1024) return model_error("icon_url");
  return std::nullopt;
}

bool intersects(const OutgoingHook& a, const OutgoingHook& b) {
  return a.channel_id == b.channel_id && shares_any(a.callback_urls, b.callback_urls) &&
         shares_any(a.trigger_words, b.trigger_words);
}

}  // namespace pb::outgoing
