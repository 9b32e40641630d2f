#include "plugins/slash_commands/command.h"

#include <rapidjson/document.h>

#include <patchbay/json_guard.hpp>
#include <patchbay/plugin.hpp>

namespace pb::slash {
namespace {

// Command bodies are flat objects.
constexpr int kMaxCommandNesting = 4;

size_t runes(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

ApiError model_error(std::string_view field) {
  return {400, "model.command.is_valid." + std::string(field) + ".app_error",
          "Invalid " + std::string(field) + "."};
}

// Copies the members of `doc` into `c`; false when a known key has the wrong type. null is
// accepted as "absent", as Go's decoder does.
bool read_fields(const rapidjson::Value& doc, Command& c) {
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
  auto flag = [&](const char* key, bool& dst) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsBool()) return false;
    dst = it->value.GetBool();
    return true;
  };
  return str("id", c.id) && str("token", c.token) && num("create_at", c.create_at) &&
         num("update_at", c.update_at) && num("delete_at", c.delete_at) &&
         str("creator_id", c.creator_id) && str("team_id", c.team_id) &&
         str("trigger", c.trigger) && str("method", c.method) && str("url", c.url) &&
         str("username", c.username) && str("icon_url", c.icon_url) &&
         flag("auto_complete", c.auto_complete) &&
         str("auto_complete_desc", c.auto_complete_desc) &&
         str("auto_complete_hint", c.auto_complete_hint) &&
         str("display_name", c.display_name) && str("description", c.description);
}

std::optional<Command> parse(std::string_view json) {
  if (sdk::json_too_deep_at(json, kMaxCommandNesting) != std::string_view::npos) {
    return std::nullopt;
  }
  // In-situ parsing stops at a NUL: one inside the text would hide what follows it.
  if (json.find('\0') != std::string_view::npos) return std::nullopt;
  // NUL padding: RapidJSON's UTF-8 validation may read up to three bytes past a truncated
  // sequence at the end of the text.
  std::string text(json);
  text.append(4, '\0');
  rapidjson::Document doc;
  doc.ParseInsitu<rapidjson::kParseValidateEncodingFlag>(text.data());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  // Strings were decoded in place: unpaired surrogate escapes become U+FFFD before copying.
  sdk::json_replace_surrogates(text.data(), text.size());
  Command c;
  if (!read_fields(doc, c)) return std::nullopt;
  return c;
}

void append_field(std::string& out, std::string_view key, std::string_view value, bool first) {
  if (!first) out += ',';
  out += '"';
  out += key;
  out += "\":";
  out += '"';
  sdk::append_json_escaped(out, value);
  out += '"';
}

std::string write(const Command& c, bool sanitized) {
  static const std::string empty;
  auto secret = [&](const std::string& s) -> const std::string& { return sanitized ? empty : s; };
  std::string out;
  out.reserve(512 + c.url.size() + c.description.size() + c.auto_complete_desc.size());
  out += '{';
  append_field(out, "id", c.id, true);
  append_field(out, "token", secret(c.token), false);
  out += ",\"create_at\":" + std::to_string(c.create_at);
  out += ",\"update_at\":" + std::to_string(c.update_at);
  out += ",\"delete_at\":" + std::to_string(c.delete_at);
  append_field(out, "creator_id", secret(c.creator_id), false);
  append_field(out, "team_id", c.team_id, false);
  append_field(out, "trigger", c.trigger, false);
  append_field(out, "method", secret(c.method), false);
  append_field(out, "username", secret(c.username), false);
  append_field(out, "icon_url", secret(c.icon_url), false);
  out += ",\"auto_complete\":";
  out += c.auto_complete ? "true" : "false";
  append_field(out, "auto_complete_desc", c.auto_complete_desc, false);
  append_field(out, "auto_complete_hint", c.auto_complete_hint, false);
  append_field(out, "display_name", c.display_name, false);
  append_field(out, "description", c.description, false);
  append_field(out, "url", secret(c.url), false);
  out += '}';
  return out;
}

bool valid_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  // Go's url.Parse must find a host: "https:////example.com" has none.
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (host.empty() || host.front() == ':') return false;
  for (unsigned char ch : url) {
    if (ch <= 0x20 || ch == 0x7f) return false;  // Go refuses control characters and spaces
  }
  return true;
}

}  // namespace

ApiError invalid_body_param(std::string_view name) {
  return {400, "api.context.invalid_body_param.app_error",
          "Invalid or missing " + std::string(name) + " in request body."};
}

std::string to_json(const Command& command) { return write(command, false); }
std::string to_sanitized_json(const Command& command) { return write(command, true); }

std::optional<Command> command_from_body(std::string_view json, ApiError& error) {
  auto c = parse(json);
  if (!c) error = invalid_body_param("command");
  return c;
}

std::optional<Command> command_from_record(std::string_view json) { return parse(json); }

void normalise_trigger(Command& command) {
  for (char& ch : command.trigger) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
}

std::optional<ApiError> validate(const Command& c) {
  if (!is_valid_id(c.id)) return model_error("id");
  if (c.token.size() != 26) return model_error("token");
  if (c.create_at == 0) return model_error("create_at");
  if (c.update_at == 0) return model_error("update_at");
  if (!is_valid_id(c.creator_id)) return model_error("user_id");
  if (!is_valid_id(c.team_id)) return model_error("team_id");
  if (c.trigger.empty() || c.trigger.size() > 128 || c.trigger.front() == '/' ||
      c.trigger.find(' ') != std::string::npos) {
    return model_error("trigger");
  }
  if (c.url.empty() || c.url.size() > 1024 || !valid_url(c.url)) return model_error("url");
  if (c.method != "P" && c.method != "G") return model_error("method");
  if (runes(c.display_name) > 64) return model_error("display_name");
  if (runes(c.description) > 128) return model_error("description");
  if (runes(c.username) > 64) return model_error("username");
  if (c.icon_url.size() > 1024) return model_error("icon_url");
  if (runes(c.auto_complete_desc) > 1024) return model_error("auto_complete_desc");
  if (runes(c.auto_complete_hint) > 1024) return model_error("auto_complete_hint");
  return std::nullopt;
}

}  // namespace pb::slash
