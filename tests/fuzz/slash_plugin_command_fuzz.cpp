// libFuzzer target for what other plugins send the slash commands plugin over the bus
// (plugin_commands.h) and for the rich autocomplete (autocomplete_suggestions.h). The input is
// a command.register payload; after its first newline, the text a user typed. Nothing may
// crash, and:
// - a registration that reads has a valid trigger (lower case, no space or leading '/') and
//   lists as one JSON object; the registry takes it, finds it, and refuses it for another
//   plugin;
// - its suggestions for the typed text are valid JSON and every suggestion's Complete ends
//   with its Suggestion (but a "--name" one: see slash_autocomplete_fuzz);
// - a command.unregister payload that reads names a lower-case trigger;
// - the typed text's mention candidates are non-empty lower-case names and encode URL-safe;
// - an invocation built from the typed text is one JSON object (UTF-8 is not checked: the
//   server's typed text comes from a validated body), and an owner's answer in the
//   same bytes is read as a CommandResponse or refused with a reason.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plugins/slash_commands/autocomplete_suggestions.h"
#include "plugins/slash_commands/command_request.h"
#include "plugins/slash_commands/command_response.h"
#include "plugins/slash_commands/json_text.h"
#include "plugins/slash_commands/mentions.h"
#include "plugins/slash_commands/plugin_commands.h"

namespace {

bool valid_json(const std::string& text, bool must_be_object, bool check_utf8 = true) {
  rapidjson::Document doc;
  if (check_utf8) {
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  } else {
    doc.Parse(text.data(), text.size());
  }
  return !doc.HasParseError() && (!must_be_object || doc.IsObject());
}

bool has_upper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pb::slash;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view payload = input.substr(0, newline);
  std::string_view typed = newline == std::string_view::npos ? std::string_view{}
                                                             : input.substr(newline + 1);

  ApiError error;
  if (auto command = plugin_command_from_json(payload, error)) {
    if (command->trigger.empty() || command->trigger.front() == '/' ||
        command->trigger.find(' ') != std::string::npos || has_upper(command->trigger)) {
      std::abort();
    }
    if (!valid_json(to_json(*command), true)) std::abort();
    std::vector<const AutocompleteNode*> nodes{&command->autocomplete};
    std::string clean;  // as the route has it (autocomplete_route.cpp)
    append_valid_utf8(clean, typed);
    auto suggestions = suggest(nodes, clean, size % 2 == 0);
    for (const Suggestion& s : suggestions) {
      // A "--name" suggestion completes with a space after it, in the case it was typed.
      if (!s.complete.ends_with(s.suggestion) && !s.suggestion.starts_with("--")) std::abort();
    }
    if (!valid_json(suggestions_to_json(suggestions), false)) std::abort();
    PluginCommandRegistry registry;
    std::string trigger = command->trigger, team = command->team_id;
    PluginCommand other = *command;
    other.plugin_id += "_other";
    if (registry.add(std::move(*command)) || registry.find(team, trigger) == nullptr ||
        !registry.add(std::move(other))) {
      std::abort();
    }
  } else if (error.status != 400) {
    std::abort();
  }

  if (auto key = plugin_command_key_from_json(payload)) {
    if (has_upper(key->trigger)) std::abort();
  }

  // The typed text reaches invocation_json from the validated execute body, so it is UTF-8 there;
  // here it may not be: only the JSON structure is checked.
  PluginInvocation inv{"probe", "probe", typed, "u", "alice", "c", "town", "t", "", "id"};
  if (!valid_json(invocation_json(inv), true, false)) std::abort();
  // Mentions in the typed text: lower-case names, each once, that encode to URL-safe bytes.
  Mentions users, channels;
  for (auto& name : user_mention_candidates(typed)) {
    if (name.empty() || has_upper(name) || name.back() == '.') std::abort();
    users.emplace_back(name, name);
  }
  for (auto& name : channel_mention_candidates(typed)) {
    if (name.empty() || has_upper(name)) std::abort();
    channels.emplace_back(name, name);
  }
  InvocationParams params;
  params.text = typed;
  params.user_mentions = &users;
  params.channel_mentions = &channels;
  for (char c : encode_params(params)) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~' || c == '%' || c == '+' ||
                c == '=' || c == '&';
    if (!safe) std::abort();
  }

  ParsedResponse answer = parse_command_response("application/json", payload);
  if (!answer.ok && answer.error.empty()) std::abort();
  return 0;
}
