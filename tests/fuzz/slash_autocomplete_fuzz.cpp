// libFuzzer target for autocomplete arguments (plugins/slash_commands: autocomplete_data.h,
// autocomplete_suggestions.h, dynamic_list.h). The input is three parts split at the first two
// newlines: an AutocompleteData tree (what a plugin registers), the text a user typed, and a
// DynamicList URL's answer. Nothing may crash or run away (the tree's limits and the walk's
// step bound hold on any input), and:
// - a tree that reads has lower-case triggers, never both arguments and sub-commands, and its
//   named arguments after its positional ones;
// - the walk returns at most SuggestLimits::max_suggestions suggestions, each of whose Complete
//   ends with its Suggestion (a "--name" one with a space after it, in the case it was typed);
// - the suggestions are one JSON array of valid UTF-8 (the typed text repaired as the route does);
// - a DynamicList URL built for any argument is http(s) with an escaped, URL-safe query.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/slash_commands/autocomplete_suggestions.h"
#include "plugins/slash_commands/dynamic_list.h"
#include "plugins/slash_commands/json_text.h"

namespace {

using namespace pb::slash;

bool valid_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  return !doc.HasParseError() && doc.IsArray();
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (lower(s[i]) != lower(suffix[i])) return false;
  }
  return true;
}

void check_tree(const AutocompleteNode& node) {
  for (char c : node.trigger) {
    if (c >= 'A' && c <= 'Z') std::abort();
  }
  if (!node.arguments.empty() && !node.sub_commands.empty()) std::abort();
  bool named = false;
  for (const AutocompleteArgument& arg : node.arguments) {
    if (!arg.name.empty()) named = true;
    else if (named) std::abort();
  }
  for (const AutocompleteNode& sub : node.sub_commands) check_tree(sub);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\n');
  std::string_view tree_json = input.substr(0, first);
  std::string_view rest = first == std::string_view::npos ? std::string_view{} : input.substr(first + 1);
  size_t second = rest.find('\n');
  std::string typed;  // as the route has it (autocomplete_route.cpp): invalid UTF-8 → U+FFFD
  append_valid_utf8(typed, rest.substr(0, second));
  std::string_view answer = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);

  std::string buffer;
  pb::sdk::SmallDocument<> doc;
  // The registration's own bound (plugin_commands.cpp) before the tree is read.
  if (!parse_guarded(tree_json, 24, buffer, doc)) return 0;
  std::optional<AutocompleteNode> node = autocomplete_from_json(doc);
  if (!node) return 0;
  check_tree(*node);

  std::optional<std::vector<AutocompleteListItem>> items = list_items_from_json(answer);
  bool url_checked = false;
  DynamicItemsFn dynamic = [&](const AutocompleteNode&, const AutocompleteArgument& arg,
                               std::string_view parsed, std::string_view to_be_parsed)
      -> const std::vector<AutocompleteListItem>* {
    if (!url_checked) {
      url_checked = true;
      std::string user_input = std::string(parsed) + std::string(to_be_parsed);
      DynamicListQuery q{user_input, parsed, "r", "s", "", "en", "fuzz", "c", "t", "", "u",
                         "https://chat.example.com"};
      if (auto url = dynamic_list_url(arg.fetch_url, q)) {
        if (!url->starts_with("http://") && !url->starts_with("https://")) std::abort();
        std::string_view query = std::string_view(*url).substr(url->rfind("accept_language="));
        for (char c : query) {
          bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~' || c == '%' || c == '+' ||
                      c == '=' || c == '&';
          if (!safe) std::abort();
        }
      }
    }
    return items ? &*items : nullptr;
  };
  std::vector<const AutocompleteNode*> nodes{&*node};
  for (bool admin : {false, true}) {
    std::vector<Suggestion> suggestions = suggest(nodes, typed, admin, dynamic);
    if (suggestions.size() > SuggestLimits{}.max_suggestions) std::abort();
    for (const Suggestion& s : suggestions) {
      if (!iends_with(s.complete, s.suggestion) && !iends_with(s.complete, s.suggestion + " ")) {
        std::abort();
      }
    }
    if (!valid_json(suggestions_to_json(suggestions))) std::abort();
  }
  return 0;
}
