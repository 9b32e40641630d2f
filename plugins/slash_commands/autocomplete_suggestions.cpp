#include "plugins/slash_commands/autocomplete_suggestions.h"

#include <patchbay/plugin.hpp>

#include "plugins/slash_commands/command.h"
#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  lower_ascii(out);
  return out;
}

bool visible(const AutocompleteNode& node, bool system_admin) {
  return system_admin || node.role_id.empty() || node.role_id == "system_user";
}

void suggest_level(const std::vector<const AutocompleteNode*>& nodes, const std::string& parsed,
                   std::string_view rest, bool system_admin, std::vector<Suggestion>& out) {
  size_t space = rest.find(' ');
  if (space == std::string_view::npos) {
    std::string typed = lowered(rest);
    for (const AutocompleteNode* node : nodes) {
      if (!visible(*node, system_admin) || !node->trigger.starts_with(typed)) continue;
      out.push_back({parsed + node->trigger, node->trigger, node->hint, node->help_text});
    }
    return;
  }
  std::string word = lowered(rest.substr(0, space));
  for (const AutocompleteNode* node : nodes) {
    if (node->trigger != word || !visible(*node, system_admin)) continue;
    std::vector<const AutocompleteNode*> subs;
    subs.reserve(node->sub_commands.size());
    for (const AutocompleteNode& sub : node->sub_commands) subs.push_back(&sub);
    std::string deeper = parsed;
    deeper.append(rest.substr(0, space + 1));
    suggest_level(subs, deeper, rest.substr(space + 1), system_admin, out);
  }
}

}  // namespace

std::optional<AutocompleteNode> autocomplete_from_json(const rapidjson::Value& value,
                                                       int max_depth) {
  if (!value.IsObject() || max_depth <= 0) return std::nullopt;
  AutocompleteNode node;
  if (!read_string(value, "Trigger", node.trigger) || !read_string(value, "Hint", node.hint) ||
      !read_string(value, "HelpText", node.help_text) ||
      !read_string(value, "RoleID", node.role_id)) {
    return std::nullopt;
  }
  lower_ascii(node.trigger);
  if (node.trigger.empty() || node.trigger.find(' ') != std::string::npos) return std::nullopt;
  auto subs = value.FindMember("SubCommands");
  if (subs != value.MemberEnd() && !subs->value.IsNull()) {
    if (!subs->value.IsArray()) return std::nullopt;
    for (const auto& sub : subs->value.GetArray()) {
      auto child = autocomplete_from_json(sub, max_depth - 1);
      if (!child) return std::nullopt;
      node.sub_commands.push_back(std::move(*child));
    }
  }
  return node;
}

std::vector<Suggestion> suggest(const std::vector<const AutocompleteNode*>& commands,
                                std::string_view user_input, bool system_admin) {
  std::vector<Suggestion> out;
  suggest_level(commands, std::string(), user_input, system_admin, out);
  return out;
}

std::string suggestions_to_json(const std::vector<Suggestion>& suggestions) {
  std::string out = "[";
  for (const Suggestion& s : suggestions) {
    if (out.size() > 1) out += ',';
    out += '{';
    append_string_member(out, "Complete", s.complete);
    append_string_member(out, "Suggestion", s.suggestion);
    append_string_member(out, "Hint", s.hint);
    append_string_member(out, "Description", s.description);
    out += ",\"IconData\":\"\"}";
  }
  out += ']';
  return out;
}

}  // namespace pb::slash
