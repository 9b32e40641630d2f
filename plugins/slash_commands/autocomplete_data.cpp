#include "plugins/slash_commands/autocomplete_data.h"

#include <algorithm>

#include "plugins/slash_commands/command.h"
#include "plugins/slash_commands/json_text.h"

namespace pb::slash {
namespace {

// A list answer is an array of flat objects; anything deeper is not one.
constexpr int kListAnswerNesting = 3;

// What is left of the whole tree's allowance while it is read.
struct Budget {
  size_t nodes;
  size_t list_items;
};

bool within(const std::string& s, size_t max_bytes) { return s.size() <= max_bytes; }

bool read_item(const rapidjson::Value& value, AutocompleteListItem& out, size_t max_bytes) {
  return value.IsObject() && read_string(value, "Item", out.item) &&
         read_string(value, "Hint", out.hint) && read_string(value, "HelpText", out.help_text) &&
         within(out.item, max_bytes) && within(out.hint, max_bytes) &&
         within(out.help_text, max_bytes);
}

// The argument's "Data" by its "Type". Absent Data reads as an empty one of that type.
bool read_argument_data(const rapidjson::Value& data, AutocompleteArgument& arg,
                        const AutocompleteLimits& limits, Budget& budget) {
  if (!data.IsObject()) return false;
  switch (arg.type) {
    case ArgumentType::kText:
      return read_string(data, "Hint", arg.hint) && read_string(data, "Pattern", arg.pattern) &&
             within(arg.hint, limits.max_text_bytes) && within(arg.pattern, limits.max_text_bytes);
    case ArgumentType::kStaticList: {
      auto list = data.FindMember("PossibleArguments");
      if (list == data.MemberEnd() || list->value.IsNull()) return true;
      if (!list->value.IsArray() || list->value.Size() > budget.list_items) return false;
      budget.list_items -= list->value.Size();
      arg.items.reserve(list->value.Size());
      for (const auto& element : list->value.GetArray()) {
        AutocompleteListItem item;
        if (!read_item(element, item, limits.max_text_bytes) || item.item.empty()) return false;
        arg.items.push_back(std::move(item));
      }
      return true;
    }
    case ArgumentType::kDynamicList:
      return read_string(data, "FetchURL", arg.fetch_url) && !arg.fetch_url.empty() &&
             within(arg.fetch_url, limits.max_text_bytes) &&
             arg.fetch_url.find_first_of(" \t\r\n") == std::string::npos;
  }
  return false;
}

std::optional<AutocompleteArgument> read_argument(const rapidjson::Value& value,
                                                  const AutocompleteLimits& limits,
                                                  Budget& budget) {
  if (!value.IsObject()) return std::nullopt;
  AutocompleteArgument arg;
  std::string type;
  if (!read_string(value, "Name", arg.name) || !read_string(value, "HelpText", arg.help_text) ||
      !read_string(value, "Type", type) || !read_bool(value, "Required", arg.required) ||
      !within(arg.name, limits.max_text_bytes) || !within(arg.help_text, limits.max_text_bytes) ||
      arg.name.find(' ') != std::string::npos) {
    return std::nullopt;
  }
  if (type == "TextInput") {
    arg.type = ArgumentType::kText;
  } else if (type == "StaticList") {
    arg.type = ArgumentType::kStaticList;
  } else if (type == "DynamicList") {
    arg.type = ArgumentType::kDynamicList;
  } else {
    return std::nullopt;
  }
  auto data = value.FindMember("Data");
  if (data != value.MemberEnd() && !data->value.IsNull()) {
    if (!read_argument_data(data->value, arg, limits, budget)) return std::nullopt;
  } else if (arg.type == ArgumentType::kDynamicList) {
    return std::nullopt;  // nothing to fetch
  }
  return arg;
}

// Mattermost's ordering rules: named arguments after the positional ones; a positional text
// cannot be optional (nothing would tell where it ends).
bool arguments_well_ordered(const std::vector<AutocompleteArgument>& args) {
  bool named_seen = false;
  for (const AutocompleteArgument& arg : args) {
    if (!arg.name.empty()) {
      named_seen = true;
    } else if (named_seen) {
      return false;
    }
    if (arg.type == ArgumentType::kText && arg.name.empty() && !arg.required) return false;
  }
  return true;
}

std::optional<AutocompleteNode> read_node(const rapidjson::Value& value,
                                          const AutocompleteLimits& limits, int depth_left,
                                          Budget& budget) {
  if (!value.IsObject() || depth_left <= 0 || budget.nodes == 0) return std::nullopt;
  --budget.nodes;
  AutocompleteNode node;
  if (!read_string(value, "Trigger", node.trigger) || !read_string(value, "Hint", node.hint) ||
      !read_string(value, "HelpText", node.help_text) ||
      !read_string(value, "RoleID", node.role_id) ||
      !within(node.trigger, limits.max_trigger_bytes) ||
      !within(node.hint, limits.max_text_bytes) || !within(node.help_text, limits.max_text_bytes)) {
    return std::nullopt;
  }
  lower_ascii(node.trigger);
  if (node.trigger.empty() || node.trigger.find(' ') != std::string::npos) return std::nullopt;
  if (!node.role_id.empty() && node.role_id != "system_user" && node.role_id != "system_admin") {
    return std::nullopt;
  }
  auto subs = value.FindMember("SubCommands");
  if (subs != value.MemberEnd() && !subs->value.IsNull()) {
    if (!subs->value.IsArray() || subs->value.Size() > limits.max_sub_commands) {
      return std::nullopt;
    }
    node.sub_commands.reserve(subs->value.Size());
    for (const auto& sub : subs->value.GetArray()) {
      auto child = read_node(sub, limits, depth_left - 1, budget);
      if (!child) return std::nullopt;
      node.sub_commands.push_back(std::move(*child));
    }
  }
  auto args = value.FindMember("Arguments");
  if (args != value.MemberEnd() && !args->value.IsNull()) {
    if (!args->value.IsArray() || args->value.Size() > limits.max_arguments) return std::nullopt;
    node.arguments.reserve(args->value.Size());
    for (const auto& element : args->value.GetArray()) {
      auto arg = read_argument(element, limits, budget);
      if (!arg) return std::nullopt;
      node.arguments.push_back(std::move(*arg));
    }
  }
  if (!node.arguments.empty() && !node.sub_commands.empty()) return std::nullopt;
  if (!arguments_well_ordered(node.arguments)) return std::nullopt;
  return node;
}

}  // namespace

AutocompleteNode leaf_node(std::string_view trigger, std::string_view hint,
                           std::string_view help_text) {
  AutocompleteNode node;
  node.trigger.assign(trigger);
  node.hint.assign(hint);
  node.help_text.assign(help_text);
  return node;
}

std::optional<AutocompleteNode> autocomplete_from_json(const rapidjson::Value& value,
                                                       const AutocompleteLimits& limits) {
  Budget budget{limits.max_nodes, limits.max_list_items};
  return read_node(value, limits, limits.max_depth, budget);
}

std::optional<std::vector<AutocompleteListItem>> list_items_from_json(std::string_view json,
                                                                      size_t max_items) {
  std::string buffer;
  sdk::SmallDocument<> doc;
  if (!parse_guarded(json, kListAnswerNesting, buffer, doc) || !doc.IsArray()) {
    return std::nullopt;
  }
  constexpr size_t kMaxItemTextBytes = 1024;
  std::vector<AutocompleteListItem> items;
  items.reserve(std::min<size_t>(doc.Size(), max_items));
  for (const auto& element : doc.GetArray()) {
    if (items.size() == max_items) break;
    AutocompleteListItem item;
    if (!read_item(element, item, kMaxItemTextBytes) || item.item.empty()) continue;
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace pb::slash
