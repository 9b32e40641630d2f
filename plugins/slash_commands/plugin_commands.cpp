#include "plugins/slash_commands/plugin_commands.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <patchbay/plugin.hpp>

#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

// A registration is a flat object but for its autocomplete tree.
constexpr int kMaxRegistrationNesting = 24;
constexpr size_t kMaxPluginIdBytes = 190;

bool scopes_overlap(std::string_view a, std::string_view b) {
  return a.empty() || b.empty() || a == b;
}

}  // namespace

std::optional<PluginCommand> plugin_command_from_json(std::string_view json, ApiError& error) {
  std::string buffer;
  sdk::SmallDocument<> doc;
  PluginCommand c;
  if (!parse_guarded(json, kMaxRegistrationNesting, buffer, doc) || !doc.IsObject() ||
      !read_string(doc, "plugin_id", c.plugin_id) || !read_string(doc, "trigger", c.trigger) ||
      !read_string(doc, "team_id", c.team_id) ||
      !read_string(doc, "display_name", c.display_name) ||
      !read_string(doc, "description", c.description) ||
      !read_bool(doc, "auto_complete", c.auto_complete) ||
      !read_string(doc, "auto_complete_desc", c.auto_complete_desc) ||
      !read_string(doc, "auto_complete_hint", c.auto_complete_hint)) {
    error = invalid_body_param("command");
    return std::nullopt;
  }
  lower_ascii(c.trigger);
  if (c.plugin_id.empty() || c.plugin_id.size() > kMaxPluginIdBytes) {
    error = model_error("plugin_id");
    return std::nullopt;
  }
  if (c.trigger.empty() || c.trigger.size() > 128 || c.trigger.front() == '/' ||
      c.trigger.find(' ') != std::string::npos) {
    error = model_error("trigger");
    return std::nullopt;
  }
  if (!c.team_id.empty() && !is_valid_id(c.team_id)) {
    error = model_error("team_id");
    return std::nullopt;
  }
  if (runes(c.display_name) > 64) {
    error = model_error("display_name");
    return std::nullopt;
  }
  if (runes(c.description) > 128) {
    error = model_error("description");
    return std::nullopt;
  }
  if (runes(c.auto_complete_desc) > 1024 || runes(c.auto_complete_hint) > 1024) {
    error = model_error("auto_complete_desc");
    return std::nullopt;
  }
  auto data = doc.FindMember("autocomplete_data");
  if (data != doc.MemberEnd() && !data->value.IsNull()) {
    auto node = autocomplete_from_json(data->value);
    if (!node || node->trigger != c.trigger) {
      error = model_error("autocomplete_data");
      return std::nullopt;
    }
    c.autocomplete = std::move(*node);
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> writer(sb);
    data->value.Accept(writer);
    c.autocomplete_data_json.assign(sb.GetString(), sb.GetSize());
  } else {
    c.autocomplete = leaf_node(c.trigger, c.auto_complete_hint, c.auto_complete_desc);
  }
  return c;
}

// A plugin command lists as a sanitised Command (no id, token, creator or URL) with its
// plugin_id and tree.
std::string to_json(const PluginCommand& c) {
  Command listed;
  listed.team_id = c.team_id;
  listed.trigger = c.trigger;
  listed.auto_complete = c.auto_complete;
  listed.auto_complete_desc = c.auto_complete_desc;
  listed.auto_complete_hint = c.auto_complete_hint;
  listed.display_name = c.display_name;
  listed.description = c.description;
  std::string out = to_sanitized_json(listed);
  out.pop_back();  // the closing '}'
  append_string_member(out, "plugin_id", c.plugin_id);
  if (!c.autocomplete_data_json.empty()) {
    out += ",\"autocomplete_data\":";
    out += c.autocomplete_data_json;
  }
  out += '}';
  return out;
}

std::optional<PluginCommandKey> plugin_command_key_from_json(std::string_view json) {
  std::string buffer;
  sdk::SmallDocument<> doc;
  PluginCommandKey key;
  if (!parse_guarded(json, 2, buffer, doc) || !doc.IsObject() ||
      !read_string(doc, "plugin_id", key.plugin_id) || !read_string(doc, "trigger", key.trigger) ||
      !read_string(doc, "team_id", key.team_id)) {
    return std::nullopt;
  }
  lower_ascii(key.trigger);
  return key;
}

std::string invocation_json(const PluginInvocation& inv) {
  std::string out;
  out.reserve(320 + inv.text.size());
  out += '{';
  append_string_member(out, "plugin_id", inv.plugin_id);
  append_string_member(out, "trigger", inv.trigger);
  std::string command = "/";
  command += inv.trigger;
  if (!inv.text.empty()) {
    command += ' ';
    command += inv.text;
  }
  append_string_member(out, "command", command);
  append_string_member(out, "text", inv.text);
  append_string_member(out, "user_id", inv.user_id);
  append_string_member(out, "user_name", inv.user_name);
  append_string_member(out, "channel_id", inv.channel_id);
  append_string_member(out, "channel_name", inv.channel_name);
  append_string_member(out, "team_id", inv.team_id);
  append_string_member(out, "root_id", inv.root_id);
  append_string_member(out, "trigger_id", inv.trigger_id);
  out += '}';
  return out;
}

std::optional<ApiError> PluginCommandRegistry::add(PluginCommand command) {
  for (PluginCommand& held : commands_) {
    if (held.trigger != command.trigger || !scopes_overlap(held.team_id, command.team_id)) {
      continue;
    }
    if (held.plugin_id != command.plugin_id) {
      return ApiError{400, "api.command.duplicate_trigger.app_error",
                      "This trigger word is already in use. Please choose another word."};
    }
  }
  for (PluginCommand& held : commands_) {
    if (held.plugin_id == command.plugin_id && held.trigger == command.trigger &&
        held.team_id == command.team_id) {
      held = std::move(command);
      return std::nullopt;
    }
  }
  commands_.push_back(std::move(command));
  return std::nullopt;
}

bool PluginCommandRegistry::remove(const PluginCommandKey& key) {
  for (auto it = commands_.begin(); it != commands_.end(); ++it) {
    if (it->plugin_id == key.plugin_id && it->trigger == key.trigger &&
        it->team_id == key.team_id) {
      commands_.erase(it);
      return true;
    }
  }
  return false;
}

const PluginCommand* PluginCommandRegistry::find(std::string_view team_id,
                                                 std::string_view trigger) const {
  const PluginCommand* every_team = nullptr;
  for (const PluginCommand& c : commands_) {
    if (c.trigger != trigger) continue;
    if (c.team_id == team_id) return &c;
    if (c.team_id.empty()) every_team = &c;
  }
  return every_team;
}

std::vector<const PluginCommand*> PluginCommandRegistry::of_team(std::string_view team_id) const {
  std::vector<const PluginCommand*> out;
  for (const PluginCommand& c : commands_) {
    if (c.team_id.empty() || c.team_id == team_id) out.push_back(&c);
  }
  return out;
}

}  // namespace pb::slash
