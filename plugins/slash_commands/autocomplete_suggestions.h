// Rich autocomplete (GET /api/v4/teams/{team_id}/commands/autocomplete_suggestions, wire spec
// §5.2): what the client's command box offers while a user types "/dep", "/deploy st" or
// "/deploy start --env pr".
//
// Every command is an AutocompleteNode (autocomplete_data.h): a plugin command brings its own
// tree, a custom or built-in command is a single node of its trigger, hint and description.
// As Mattermost's GetSuggestions:
// - while the typed word has no space after it, the nodes whose trigger starts with it;
// - after a complete trigger and a space, its sub-commands, or, for a node with arguments,
//   the arguments in order: the next positional argument's suggestions; for a named one first
//   "--name" (whole, or the rest of a started "--na"), then its value; an optional argument is
//   tried both given and skipped, and both sets are offered;
// - a TextInput is one suggestion carrying its hint (Suggestion ""); a value in double quotes
//   may hold spaces;
// - a StaticList's items whose Item starts with the typed prefix (case-insensitively); a typed
//   item followed by a space is consumed (the longest such item);
// - a DynamicList's items come from `dynamic` (the caller fetches its URL) and are filtered the
//   same way; when `dynamic` has none (no function, not fetched, failed) the argument offers
//   nothing, as Mattermost after a failed fetch.
// Case is compared in ASCII only (Mattermost lower-cases Unicode too; triggers are ASCII here).
//
// Walking optional arguments doubles the paths per argument: the walk is bounded by `max_steps`
// (argument parses) and the answer by `max_suggestions`; past a bound the walk stops and what
// was found is returned.
//
// Pure. Threading: any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/slash_commands/autocomplete_data.h"

namespace pb::slash {

// One suggestion, as Mattermost's AutocompleteSuggestion (its JSON keys are capitalised).
struct Suggestion {
  std::string complete;     // the whole input once this suggestion is taken, without '/'
  std::string suggestion;   // the word suggested
  std::string hint;
  std::string description;
};

// The items of a DynamicList argument met during the walk: `root` is the top-level command the
// argument belongs to, `parsed` the input consumed so far (Mattermost's "parsed" parameter),
// `to_be_parsed` the rest (parsed + to_be_parsed is its "user_input"). Null when not known.
using DynamicItemsFn = std::function<const std::vector<AutocompleteListItem>*(
    const AutocompleteNode& root, const AutocompleteArgument& argument, std::string_view parsed,
    std::string_view to_be_parsed)>;

struct SuggestLimits {
  size_t max_steps = 4096;
  size_t max_suggestions = 256;
};

// The suggestions for `user_input` (the typed text, a leading '/' already removed) among
// `commands`, in their order, for a caller who is (or is not) a system admin.
std::vector<Suggestion> suggest(const std::vector<const AutocompleteNode*>& commands,
                                std::string_view user_input, bool system_admin,
                                const DynamicItemsFn& dynamic = {},
                                const SuggestLimits& limits = {});

std::string suggestions_to_json(const std::vector<Suggestion>& suggestions);

}  // namespace pb::slash
