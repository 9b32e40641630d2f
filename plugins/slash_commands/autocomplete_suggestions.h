// Rich autocomplete (GET /api/v4/teams/{team_id}/commands/autocomplete_suggestions, wire spec
// §5.2): what the client's command box offers while a user types "/dep" or "/deploy st".
//
// Every command is an AutocompleteNode: a plugin command brings its own tree (Mattermost's
// AutocompleteData JSON: Trigger, Hint, HelpText, RoleID, SubCommands), a custom or built-in
// command is a single node of its trigger, hint and description. As Mattermost's
// GetSuggestions: while the input has no space, the nodes whose trigger starts with it are
// suggested; after a complete trigger and a space, the search goes on in its sub-commands.
// Positional and named arguments are not suggested (no command of this server declares any).
//
// Pure. Threading: any thread. Errors: a malformed tree is refused by autocomplete_from_json.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace pb::slash {

struct AutocompleteNode {
  std::string trigger;
  std::string hint;
  std::string help_text;
  std::string role_id;  // "" or "system_user": everyone; "system_admin": system admins only
  std::vector<AutocompleteNode> sub_commands;
};

// One suggestion, as Mattermost's AutocompleteSuggestion (its JSON keys are capitalised).
struct Suggestion {
  std::string complete;     // the whole input once this suggestion is taken, without '/'
  std::string suggestion;   // the word suggested
  std::string hint;
  std::string description;
};

// Reads a Mattermost AutocompleteData object (already parsed). nullopt when a known key has the
// wrong type, the trigger is empty, or it nests more than `max_depth` sub-command levels.
std::optional<AutocompleteNode> autocomplete_from_json(const rapidjson::Value& value,
                                                       int max_depth = 8);

// The suggestions for `user_input` (the typed text, a leading '/' already removed) among
// `commands`, for a caller who is (or is not) a system admin.
std::vector<Suggestion> suggest(const std::vector<const AutocompleteNode*>& commands,
                                std::string_view user_input, bool system_admin);

std::string suggestions_to_json(const std::vector<Suggestion>& suggestions);

}  // namespace pb::slash
