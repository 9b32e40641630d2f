#include "plugins/slash_commands/command.h"

#include <rapidjson/document.h>

#include <patchbay/plugin.hpp>

#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

// Command bodies are flat objects.
constexpr int kMaxCommandNesting = 4;

// Copies the members of `doc` into `c`; false when a known key has the wrong type. null is
// accepted as "absent", as Go's decoder does.
bool read_fields(const rapidjson::Value& doc, Command& c) {
  return read_string(doc, "id", c.id) && read_string(doc, "token", c.token) &&
         read_int64(doc, "create_at", c.create_at) && read_int64(doc, "update_at", c.update_at) &&
         read_int64(doc, "delete_at", c.delete_at) &&
         read_string(doc, "creator_id", c.creator_id) && read_string(doc, "team_id", c.team_id) &&
         read_string(doc, "trigger", c.trigger) && read_string(doc, "method", c.method) &&
         read_string(doc, "url", c.url) && read_string(doc, "username", c.username) &&
         read_string(doc, "icon_url", c.icon_url) &&
         read_bool(doc, "auto_complete", c.auto_complete) &&
         read_string(doc, "auto_complete_desc", c.auto_complete_desc) &&
         read_string(doc, "auto_complete_hint", c.auto_complete_hint) &&
         read_string(doc, "display_name", c.display_name) &&
         read_string(doc, "description", c.description);
}

std::optional<Command> parse(std::string_view json) {
  std::string buffer;
  sdk::SmallDocument<> doc;
  if (!parse_guarded(json, kMaxCommandNesting, buffer, doc) || !doc.IsObject()) {
    return std::nullopt;
  }
  Command c;
  if (!read_fields(doc, c)) return std::nullopt;
  return c;
}

std::string write(const Command& c, bool sanitized) {
  static const std::string empty;
  auto secret = [&](const std::string& s) -> const std::string& { return sanitized ? empty : s; };
  std::string out;
  out.reserve(512 + c.url.size() + c.description.size() + c.auto_complete_desc.size());
  out += '{';
  append_string_member(out, "id", c.id);
  append_string_member(out, "token", secret(c.token));
  out += ",\"create_at\":" + std::to_string(c.create_at);
  out += ",\"update_at\":" + std::to_string(c.update_at);
  out += ",\"delete_at\":" + std::to_string(c.delete_at);
  append_string_member(out, "creator_id", secret(c.creator_id));
  append_string_member(out, "team_id", c.team_id);
  append_string_member(out, "trigger", c.trigger);
  append_string_member(out, "method", secret(c.method));
  append_string_member(out, "username", secret(c.username));
  append_string_member(out, "icon_url", secret(c.icon_url));
  out += ",\"auto_complete\":";
  out += c.auto_complete ? "true" : "false";
  append_string_member(out, "auto_complete_desc", c.auto_complete_desc);
  append_string_member(out, "auto_complete_hint", c.auto_complete_hint);
  append_string_member(out, "display_name", c.display_name);
  append_string_member(out, "description", c.description);
  append_string_member(out, "url", secret(c.url));
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

size_t runes(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

ApiError model_error(std::string_view field) {
  return {400, "model.command.is_valid." + std::string(field) + ".app_error",
          "Invalid " + std::string(field) + "."};
}

void lower_ascii(std::string& s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
}

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

void normalise_trigger(Command& command) { lower_ascii(command.trigger); }

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
